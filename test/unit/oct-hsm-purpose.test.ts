import { describe, expect, it } from "vitest";
import { octHsmPurpose } from "../../core/hsm/oct-hsm-purpose.ts";
import { badParameter } from "../support/bad-parameter.ts";

describe("octHsmPurpose", () => {
  it("is an HMAC key when key_ops ask for sign or verify only (with or without import/export)", () => {
    expect(octHsmPurpose(["sign", "verify"])).toBe("hmac");
    expect(octHsmPurpose(["verify"])).toBe("hmac");
    expect(octHsmPurpose(["sign", "import"])).toBe("hmac");
  });

  it("is an AES key for cipher key_ops, Azure's default key_ops, and none at all", () => {
    expect(octHsmPurpose(["wrapKey", "unwrapKey", "decrypt", "encrypt"])).toBe("aes");
    expect(octHsmPurpose(["encrypt"])).toBe("aes");
    expect(octHsmPurpose([])).toBe("aes");
    expect(octHsmPurpose(["import"])).toBe("aes");
  });

  it("refuses key_ops a single token object cannot serve", () => {
    for (const ops of [["sign", "encrypt"], ["verify", "unwrapKey"], ["sign", "verify", "wrapKey", "unwrapKey"]] as const) {
      badParameter(() => octHsmPurpose(ops));
    }
  });
});
