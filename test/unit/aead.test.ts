import { describe, expect, it } from "vitest";
import { open, seal } from "../../core/crypto/envelope/aead.ts";
import { utf8 } from "../../core/crypto/bytes.ts";

const newKey = () => crypto.subtle.generateKey({ name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]) as Promise<CryptoKey>;
const AAD = "v1|tenant|vault|secret|name|0123456789abcdef0123456789abcdef";

function flip(bytes: Uint8Array, index: number, bit = 0x01): Uint8Array {
  const copy = bytes.slice();
  copy[index] = (copy[index] ?? 0) ^ bit;
  return copy;
}

describe("AES-256-GCM envelope (iv || ciphertext || tag)", () => {
  it("round-trips and has the documented layout", async () => {
    const key = await newKey();
    const plaintext = utf8("correct horse battery staple");
    const sealed = await seal(key, plaintext, AAD);
    expect(sealed.length).toBe(12 + plaintext.length + 16);
    expect(new TextDecoder().decode(await open(key, sealed, AAD))).toBe("correct horse battery staple");
  });

  it("seals an empty plaintext", async () => {
    const key = await newKey();
    const sealed = await seal(key, new Uint8Array(), AAD);
    expect(sealed.length).toBe(28);
    expect((await open(key, sealed, AAD)).length).toBe(0);
  });

  it("uses a fresh IV every time", async () => {
    const key = await newKey();
    const a = await seal(key, utf8("same"), AAD);
    const b = await seal(key, utf8("same"), AAD);
    expect(a.slice(0, 12)).not.toStrictEqual(b.slice(0, 12));
    expect(a).not.toStrictEqual(b);
  });

  it("does not open with another AAD (the binding to where the value belongs)", async () => {
    const key = await newKey();
    const sealed = await seal(key, utf8("value"), AAD);
    await expect(open(key, sealed, AAD.replace("|name|", "|other|"))).rejects.toThrow();
    await expect(open(key, sealed, "")).rejects.toThrow();
    await expect(open(key, sealed, `${AAD} `)).rejects.toThrow();
  });

  it("does not open with another key", async () => {
    const sealed = await seal(await newKey(), utf8("value"), AAD);
    await expect(open(await newKey(), sealed, AAD)).rejects.toThrow();
  });

  it("detects a flipped bit in the IV, the ciphertext and the tag", async () => {
    const key = await newKey();
    const sealed = await seal(key, utf8("sixteen byte msg"), AAD);
    for (const index of [0, 11, 12, 20, 27, sealed.length - 16, sealed.length - 1]) {
      await expect(open(key, flip(sealed, index), AAD), `byte ${index}`).rejects.toThrow();
    }
    await expect(open(key, flip(sealed, 15, 0x80), AAD)).rejects.toThrow();
  });

  it("refuses truncated input", async () => {
    const key = await newKey();
    const sealed = await seal(key, utf8("value"), AAD);
    await expect(open(key, sealed.slice(0, 27), AAD)).rejects.toThrow("too short");
    await expect(open(key, sealed.slice(0, sealed.length - 1), AAD)).rejects.toThrow();
    await expect(open(key, new Uint8Array(), AAD)).rejects.toThrow();
  });
});
