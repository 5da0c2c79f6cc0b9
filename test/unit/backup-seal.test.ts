import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { openBackup, sealBackup } from "../../core/crypto/envelope/backup-seal.ts";
import { base64UrlToBytes, bytesToBase64, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { RootKeyRing } from "../../core/crypto/envelope/root-key-ring.ts";

const TENANT_A = "7c1e6a52-1111-4a6e-9a0e-0123456789ab";
const TENANT_B = "7c1e6a52-2222-4a6e-9a0e-0123456789ab";
const payload = { name: "db-pass", versions: [{ version: "0".repeat(32), value: "Pa55-w0rd-unique-\u00e9" }] };

function withByteFlipped(blob: string, index: number): string {
  const bytes = base64UrlToBytes(blob);
  if (bytes === null) throw new Error("blob is not base64url");
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return bytesToBase64Url(bytes);
}

describe("backup blobs", () => {
  const root = RootKeyRing.fromEnv({ ROOT_KEY: env.ROOT_KEY });
  let blob: string;

  beforeAll(async () => {
    blob = await sealBackup(root, TENANT_A, "secret", payload);
  });

  it("open in the same tenant, for the same kind", async () => {
    expect(await openBackup(root, TENANT_A, "secret", blob)).toStrictEqual(payload);
  });

  it("are base64url without padding and do not show the payload", () => {
    expect(blob).toMatch(/^[A-Za-z0-9_-]+$/);
    const bytes = base64UrlToBytes(blob) ?? new Uint8Array();
    expect(bytes[0]).toBe(0x01);
    const asLatin1 = String.fromCharCode(...bytes);
    expect(asLatin1).not.toContain("Pa55-w0rd");
    expect(asLatin1).not.toContain("db-pass");
  });

  it("cannot be opened as another tenant", async () => {
    expect(await openBackup(root, TENANT_B, "secret", blob)).toBeNull();
  });

  it("cannot be opened as another kind of object", async () => {
    expect(await openBackup(root, TENANT_A, "key", blob)).toBeNull();
    expect(await openBackup(root, TENANT_A, "certificate", blob)).toBeNull();
  });

  it("cannot be opened under another root key", async () => {
    const other = RootKeyRing.fromEnv({ ROOT_KEY: bytesToBase64(crypto.getRandomValues(new Uint8Array(32))) });
    expect(await openBackup(other, TENANT_A, "secret", blob)).toBeNull();
  });

  it("fail to open after any single flipped bit", async () => {
    const length = (base64UrlToBytes(blob) ?? new Uint8Array()).length;
    for (const index of [0, 1, 12, 13, Math.floor(length / 2), length - 16, length - 1]) {
      expect(await openBackup(root, TENANT_A, "secret", withByteFlipped(blob, index)), `byte ${index}`).toBeNull();
    }
  });

  it("refuse malformed or truncated input without throwing", async () => {
    for (const bad of ["", "!!!", "AQ", "a", blob.slice(0, 20), `${blob}A`, `${blob}*`, blob.replace(/^A/, "B")]) {
      expect(await openBackup(root, TENANT_A, "secret", bad)).toBeNull();
    }
  });

  it("are sealed afresh each time", async () => {
    expect(await sealBackup(root, TENANT_A, "secret", payload)).not.toBe(blob);
  });
});

describe("RootKey.fromSecret", () => {
  it("requires exactly 32 bytes of base64", async () => {
    await expect(RootKey.fromSecret(undefined)).rejects.toThrow();
    await expect(RootKey.fromSecret("")).rejects.toThrow();
    await expect(RootKey.fromSecret(bytesToBase64(new Uint8Array(31)))).rejects.toThrow("32 bytes");
    await expect(RootKey.fromSecret(bytesToBase64(new Uint8Array(33)))).rejects.toThrow("32 bytes");
  });
});
