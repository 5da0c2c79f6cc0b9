import { describe, expect, it } from "vitest";
import { bytesToBase32 } from "../../core/crypto/base32.ts";
import { acceptedStep, otpauthUri, totpCode } from "../../core/crypto/totp.ts";

const RFC_SECRET = new TextEncoder().encode("12345678901234567890");

describe("TOTP (RFC 6238) and base32 (RFC 4648)", () => {
  // RFC 6238 Appendix B, SHA-1 column, as 6-digit codes (the last six of the 8-digit values).
  it.each([
    [59, "287082"],
    [1111111109, "081804"],
    [1111111111, "050471"],
    [1234567890, "005924"],
    [2000000000, "279037"],
    [20000000000, "353130"],
  ])("at T=%i the code is %s", async (time, code) => {
    expect(await totpCode(RFC_SECRET, Math.floor(time / 30))).toBe(code);
  });

  it("accepts the current step and one either side, each only once, nothing further", async () => {
    const now = 1111111109;
    const step = Math.floor(now / 30);
    expect(await acceptedStep(RFC_SECRET, "081804", now, 0)).toBe(step);
    expect(await acceptedStep(RFC_SECRET, "081804", now, step)).toBeNull();
    expect(await acceptedStep(RFC_SECRET, await totpCode(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
    expect(await acceptedStep(RFC_SECRET, await totpCode(RFC_SECRET, step - 1), now, 0)).toBe(step - 1);
    expect(await acceptedStep(RFC_SECRET, await totpCode(RFC_SECRET, step + 2), now, 0)).toBeNull();
    expect(await acceptedStep(RFC_SECRET, "12345", now, 0)).toBeNull();
    expect(await acceptedStep(RFC_SECRET, "abcdef", now, 0)).toBeNull();
  });

  it.each([
    ["", ""],
    ["f", "MY"],
    ["fo", "MZXQ"],
    ["foo", "MZXW6"],
    ["foob", "MZXW6YQ"],
    ["fooba", "MZXW6YTB"],
    ["foobar", "MZXW6YTBOI"],
  ])("base32 of %j is %j (RFC 4648 section 10, unpadded)", (text, encoded) => {
    expect(bytesToBase32(new TextEncoder().encode(text))).toBe(encoded);
  });

  it("writes the otpauth URI authenticator apps scan", () => {
    expect(otpauthUri("edge vault", "alice@contoso.example", RFC_SECRET)).toBe(
      "otpauth://totp/edge%20vault:alice%40contoso.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=edge+vault&algorithm=SHA1&digits=6&period=30",
    );
  });
});
