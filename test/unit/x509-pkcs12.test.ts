/**
 * PKCS#12: reading what OpenSSL 3 writes by default (PBES2/AES-256, HMAC-SHA256), with -legacy
 * (RC2-40 certificates, 3DES key, HMAC-SHA1), 3DES with a non-ASCII password, an empty password and
 * no MAC; writing what OpenSSL reads (checked in the conformance tier with the CLI and Node's TLS).
 */
import { describe, expect, it } from "vitest";
import { createPrivateKey } from "node:crypto";
import { generateEc } from "../../core/crypto/keys/generate-key.ts";
import {
  issueSelfSigned,
  pkcs8FromPrivateJwk,
  privateJwkFromPkcs8,
  readPfx,
  writePfx,
  PKCS12_UNREADABLE,
  X509Error,
} from "../../core/crypto/x509/index.ts";
import { rc2CbcDecrypt, rc2DecryptBlock, rc2ExpandKey } from "../../core/crypto/x509/rc2.ts";
import { bmpPassword } from "../../core/crypto/x509/pkcs12-kdf.ts";
import rc2File from "../vectors/x509/rc2-vectors.json";
import { containsBytes, fixtureBytes, fixtureText, fromHex, toHex, type FixtureName } from "../vectors/x509/fixtures.ts";

function keyJwk(name: FixtureName): Record<string, unknown> {
  const jwk = createPrivateKey(fixtureText(name)).export({ format: "jwk" });
  return Object.fromEntries(Object.entries(jwk).filter(([, value]) => value !== undefined));
}

interface Rc2Vector {
  key: string;
  effectiveBits: number;
  plaintext: string;
  ciphertext: string;
}

function rc2Vectors(file: unknown): Rc2Vector[] {
  if (typeof file !== "object" || file === null || !("vectors" in file) || !Array.isArray(file.vectors)) throw new Error("bad rc2 vectors");
  return file.vectors as Rc2Vector[];
}

describe("readPfx on OpenSSL's files", () => {
  const leaf = toHex(fixtureBytes("leaf-cert"));
  const ca = toHex(fixtureBytes("ca-cert"));

  it("PBES2 / AES-256-CBC / HMAC-SHA256 (OpenSSL 3 default): chain leaf first and the leaf's key", async () => {
    const pfx = await readPfx(fixtureBytes("chain-pbes2-pfx"), "test-password");
    expect(pfx.certificates.map(toHex)).toStrictEqual([leaf, ca]);
    expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(keyJwk("leaf-key"));
  });

  it("-legacy: RC2-40 certificates, 3DES key, HMAC-SHA1", async () => {
    const pfx = await readPfx(fixtureBytes("chain-legacy-pfx"), "test-password");
    expect(pfx.certificates.map(toHex)).toStrictEqual([leaf, ca]);
    expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(keyJwk("leaf-key"));
  });

  it("3DES with a non-ASCII password (UTF-8 for OpenSSL, a BMPString for the PKCS#12 KDF)", async () => {
    const pfx = await readPfx(fixtureBytes("rsa-3des-unicode-pfx"), "pässwörd");
    expect(pfx.certificates.map(toHex)).toStrictEqual([toHex(fixtureBytes("rsa-cert"))]);
    expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(keyJwk("rsa-key"));
  });

  it("an empty password, given as \"\" or not at all", async () => {
    for (const password of ["", undefined]) {
      const pfx = await readPfx(fixtureBytes("ec-empty-password-pfx"), password);
      expect(pfx.certificates.map(toHex)).toStrictEqual([toHex(fixtureBytes("ec-cert"))]);
      expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(keyJwk("ec-key"));
    }
  });

  it("no MAC (`-nomac`): decryption is the check", async () => {
    const pfx = await readPfx(fixtureBytes("ec-nomac-pfx"), "nomac-password");
    expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(keyJwk("ec-key"));
    await expect(readPfx(fixtureBytes("ec-nomac-pfx"), "wrong")).rejects.toThrow(PKCS12_UNREADABLE);
  });

  it("answers a wrong password, a broken MAC, a cut file and garbage with the same message", async () => {
    const good = fixtureBytes("chain-pbes2-pfx");
    const flipped = good.slice();
    flipped[Math.floor(good.length / 2)] = (flipped[Math.floor(good.length / 2)] ?? 0) ^ 1;
    const attempts: [Uint8Array, string | undefined][] = [
      [good, "wrong-password"],
      [good, undefined],
      [fixtureBytes("chain-legacy-pfx"), "Test-password"],
      [flipped, "test-password"],
      [good.subarray(0, good.length - 10), "test-password"],
      [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x03]), "x"],
      [fixtureBytes("rsa-cert"), "x"],
      [new Uint8Array(0), "x"],
    ];
    for (const [bytes, password] of attempts) {
      const error: unknown = await readPfx(bytes, password).then(() => null, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(X509Error);
      expect((error as Error).message).toBe(PKCS12_UNREADABLE);
    }
  });
});

describe("writePfx", () => {
  it("writes PBES2-AES-256-CBC with PBKDF2-HMAC-SHA256, 2048 iterations, an HMAC-SHA256 MAC and no legacy algorithm", async () => {
    const pfx = await writePfx([fixtureBytes("leaf-cert"), fixtureBytes("ca-cert")], fixtureBytes("leaf-key"));
    const oid = (hex: string): Uint8Array => fromHex(hex);
    expect(containsBytes(pfx, oid("06092a864886f70d01050d"))).toBe(true); // PBES2
    expect(containsBytes(pfx, oid("06092a864886f70d01050c"))).toBe(true); // PBKDF2
    expect(containsBytes(pfx, oid("06096086480165030401 2a".replace(" ", "")))).toBe(true); // aes256-CBC
    expect(containsBytes(pfx, oid("06082a864886f70d0209"))).toBe(true); // hmacWithSHA256
    expect(containsBytes(pfx, oid("0609608648016503040201"))).toBe(true); // SHA-256 (MAC)
    expect(containsBytes(pfx, oid("02020800"))).toBe(true); // 2048 iterations
    expect(containsBytes(pfx, oid("2a864886f70d010c01"))).toBe(false); // no pkcs-12PbeIds
  });

  it("reads back, with the empty password by default and with a given one", async () => {
    const chain = [fixtureBytes("leaf-cert"), fixtureBytes("ca-cert")];
    const key = fixtureBytes("leaf-key");
    for (const password of [undefined, "", "s3cret-ü"]) {
      const pfx = await writePfx(chain, key, password);
      const back = await readPfx(pfx, password);
      expect(back.certificates.map(toHex)).toStrictEqual(chain.map(toHex));
      expect(toHex(back.privateKeyPkcs8)).toBe(toHex(key));
    }
    await expect(readPfx(await writePfx(chain, key, "right"), "wrong")).rejects.toThrow(PKCS12_UNREADABLE);
  });

  it("makes a PFX of a freshly issued certificate that reads back to the same key", async () => {
    const jwk = generateEc("P-384");
    const cer = await issueSelfSigned({ subject: "CN=pfx", notBefore: new Date("2030-01-01Z"), notAfter: new Date("2031-01-01Z"), privateJwk: jwk });
    const back = await readPfx(await writePfx([cer], await pkcs8FromPrivateJwk(jwk)), undefined);
    expect(await privateJwkFromPkcs8(back.privateKeyPkcs8)).toStrictEqual(jwk);
  });

  it("orders a root-first PFX leaf first on reading, and refuses a key no certificate holds", async () => {
    const rootFirst = await writePfx([fixtureBytes("ca-cert"), fixtureBytes("leaf-cert")], fixtureBytes("leaf-key"));
    expect((await readPfx(rootFirst, "")).certificates.map(toHex)).toStrictEqual([fixtureBytes("leaf-cert"), fixtureBytes("ca-cert")].map(toHex));
    const mismatched = await writePfx([fixtureBytes("ca-cert")], fixtureBytes("leaf-key"));
    await expect(readPfx(mismatched, "")).rejects.toThrow(/does not belong/);
  });

  it("refuses bad input before writing", async () => {
    await expect(writePfx([], fixtureBytes("leaf-key"))).rejects.toThrow(/at least one certificate/);
    await expect(writePfx([new Uint8Array([1, 2])], fixtureBytes("leaf-key"))).rejects.toThrow(X509Error);
    await expect(writePfx([fixtureBytes("leaf-cert")], new Uint8Array([1]))).rejects.toThrow(/PKCS#8/);
    await expect(writePfx([fixtureBytes("leaf-cert")], fixtureBytes("leaf-key"), "x".repeat(201))).rejects.toThrow(/200 characters/);
  });
});

describe("legacy primitives", () => {
  it("RC2 decrypts the RFC 2268 §5 vectors and OpenSSL's RC2-40", () => {
    for (const vector of rc2Vectors(rc2File)) {
      const block = fromHex(vector.ciphertext);
      rc2DecryptBlock(rc2ExpandKey(fromHex(vector.key), vector.effectiveBits), block);
      expect(toHex(block), `${vector.key}/${vector.effectiveBits}`).toBe(vector.plaintext);
    }
  });

  it("RC2-CBC checks its padding", () => {
    // One all-zero block under key 8800000000 / 40 bits: its plaintext ends in 00, not a valid pad.
    expect(() => rc2CbcDecrypt(fromHex("8800000000"), 40, new Uint8Array(8), fromHex("bf775de978814e6c"))).toThrow(/padding/);
    expect(() => rc2CbcDecrypt(fromHex("8800000000"), 40, new Uint8Array(8), fromHex("bf775de9"))).toThrow();
  });

  it("encodes the PKCS#12 password as a NUL-terminated BMPString, and no password as nothing", () => {
    expect(toHex(bmpPassword(""))).toBe("0000");
    expect(toHex(bmpPassword(null))).toBe("");
    expect(toHex(bmpPassword("aä€"))).toBe("006100e420ac0000");
  });
});
