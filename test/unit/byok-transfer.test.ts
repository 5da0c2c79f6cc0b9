import { describe, expect, it } from "vitest";
import { byokTransferInput } from "../../worker/wire/byok-transfer.ts";
import { badParameter } from "../support/bad-parameter.ts";

const BASE = "https://kv1.vault.localhost:8443";
const VERSION = "0123456789abcdef0123456789abcdef";
const CIPHERTEXT = new Uint8Array(256 + 40).map((_, i) => i % 251);

const b64url = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

function blob(overrides: Record<string, unknown> = {}, header: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema_version: "1.0.0",
    header: { kid: `${BASE}/keys/kek/${VERSION}`, alg: "dir", enc: "CKM_RSA_AES_KEY_WRAP", ...header },
    ciphertext: b64url(CIPHERTEXT),
    generator: "unit test",
    ...overrides,
  };
}
const encoded = (value: unknown, encode = b64url): string => encode(new TextEncoder().encode(JSON.stringify(value)));

describe("byokTransferInput (BYOK specification key transfer blob)", () => {
  it("reads the KEK from header.kid and the ciphertext, key_hsm in base64url or base64", () => {
    for (const encode of [b64url, b64]) {
      const transfer = byokTransferInput(encoded(blob(), encode), BASE);
      expect(transfer.kek).toEqual({ name: "kek", version: VERSION });
      expect(transfer.ciphertext).toEqual(CIPHERTEXT);
    }
  });

  it("takes a kid without a version, and a kid whose host differs only in case", () => {
    expect(byokTransferInput(encoded(blob({}, { kid: `${BASE}/keys/kek` })), BASE).kek).toEqual({ name: "kek" });
    expect(byokTransferInput(encoded(blob({}, { kid: `https://KV1.vault.localhost:8443/keys/kek/${VERSION}` })), BASE).kek.name).toBe("kek");
  });

  it.each([
    ["not base64", "%%%"],
    ["empty", ""],
    ["not JSON", b64url(new TextEncoder().encode("{not json"))],
    ["not UTF-8", b64url(Uint8Array.of(0xff, 0xfe, 0x7b))],
    ["a JSON array", encoded([blob()])],
    ["another schema version", encoded(blob({ schema_version: "2.0.0" }))],
    ["another alg", encoded(blob({}, { alg: "RSA-OAEP" }))],
    ["another enc", encoded(blob({}, { enc: "CKM_RSA_AES_KEY_WRAP_PAD" }))],
    ["no header", encoded(blob({ header: undefined }))],
    ["ciphertext not base64url", encoded(blob({ ciphertext: "***" }))],
    ["ciphertext too short for an RSA-2048 KEK", encoded(blob({ ciphertext: b64url(new Uint8Array(100)) }))],
    ["ciphertext too long", encoded(blob({ ciphertext: b64url(new Uint8Array(8000)) }))],
  ])("refuses %s", (_label, keyHsm) => {
    expect(badParameter(() => byokTransferInput(keyHsm, BASE)).code).toBe("BadParameter");
  });

  it.each([
    ["another vault", `https://kv2.vault.localhost:8443/keys/kek/${VERSION}`],
    ["another port", `https://kv1.vault.localhost:9443/keys/kek/${VERSION}`],
    ["a secret, not a key", `${BASE}/secrets/kek/${VERSION}`],
    ["a malformed version", `${BASE}/keys/kek/xyz`],
    ["no URL", "kek"],
    ["a number", 7],
  ])("refuses a KEK kid naming %s", (_label, kid) => {
    expect(badParameter(() => byokTransferInput(encoded(blob({}, { kid })), BASE)).code).toBe("BadParameter");
  });

  it("refuses a key_hsm that is not a string", () => {
    expect(badParameter(() => byokTransferInput({ blob: "x" }, BASE)).code).toBe("BadParameter");
  });
});
