/**
 * HMAC keys in the HSM: an oct-HSM key created or imported with key_ops sign/verify is a generic-secret token
 * object, and HS256/384/512 run in the token over the digest the client sends (Azure's sign takes a digest). An
 * imported key's MACs are checked against node:crypto's HMAC with the same bytes; generated keys' MACs are checked
 * for determinism, length, and by the vault's verify. The key kind is fixed at creation: mixed key_ops are refused,
 * and a kind's missing operations stay refused even when key_ops are widened later.
 */
import { createHmac, randomBytes } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, type HashName } from "./support/jwk.ts";
import { uniqueName } from "./support/names.ts";
import { b64u, fromB64u, RawVault } from "./support/raw-vault.ts";

const facts = devServerFacts();
const vault = new RawVault(facts);

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

const HS = [
  { alg: "HS256", hash: "sha256", bytes: 32 },
  { alg: "HS384", hash: "sha384", bytes: 48 },
  { alg: "HS512", hash: "sha512", bytes: 64 },
] as const satisfies ReadonlyArray<{ alg: string; hash: HashName; bytes: number }>;

const MAC_OPS = ["sign", "verify"];

async function createKey(body: Record<string, unknown>): Promise<{ path: string; key: Record<string, unknown> }> {
  const json = await vault.ok("POST", `/keys/${uniqueName("hsm-hmac")}/create`, body);
  const key = json.key as Record<string, unknown>;
  return { path: new URL(String(key.kid)).pathname, key };
}

async function mac(path: string, alg: string, value: Buffer): Promise<Buffer> {
  return fromB64u((await vault.ok("POST", `${path}/sign`, { alg, value: b64u(value) })).value);
}

async function verified(path: string, alg: string, value: Buffer, signature: Buffer): Promise<unknown> {
  return (await vault.ok("POST", `${path}/verify`, { alg, digest: b64u(value), value: b64u(signature) })).value;
}

describe("an imported 256-bit HMAC key", () => {
  const secret = randomBytes(32);
  let path: string;

  beforeAll(async () => {
    const json = await vault.ok("PUT", `/keys/${uniqueName("hsm-hmac-import")}`, { key: { kty: "oct-HSM", k: b64u(secret), key_ops: MAC_OPS } });
    const key = json.key as Record<string, unknown>;
    expect([key.kty, key.k, key.key_ops]).toEqual(["oct-HSM", undefined, MAC_OPS]);
    path = new URL(String(key.kid)).pathname;
  });

  it("HS256 is node:crypto's HMAC-SHA-256 of the digest, and the vault verifies it", async () => {
    const value = digest("sha256", "a message");
    const signature = await mac(path, "HS256", value);
    expect(signature.equals(createHmac("sha256", secret).update(value).digest())).toBe(true);
    expect(await verified(path, "HS256", value, signature)).toBe(true);
  });

  it("a changed MAC, a MAC of another digest or of the wrong length does not verify", async () => {
    const value = digest("sha256", "a message");
    const signature = createHmac("sha256", secret).update(value).digest();
    const flipped = Buffer.from(signature);
    flipped[31] = (flipped[31] ?? 0) ^ 1;
    expect(await verified(path, "HS256", value, flipped)).toBe(false);
    expect(await verified(path, "HS256", digest("sha256", "another"), signature)).toBe(false);
    expect(await verified(path, "HS256", value, signature.subarray(0, 16))).toBe(false);
  });

  it("HS384 and HS512 are refused: RFC 7518 §3.2 needs a key as long as the hash", async () => {
    for (const { alg, hash } of HS.slice(1)) {
      const answer = await vault.call("POST", `${path}/sign`, { alg, value: b64u(digest(hash, "x")) });
      expect([answer.status, answer.json.error?.code]).toEqual([400, "BadParameter"]);
    }
  });

  it("a 128-bit key cannot become an HMAC key", async () => {
    const answer = await vault.call("PUT", `/keys/${uniqueName("hsm-hmac-short")}`, { key: { kty: "oct-HSM", k: b64u(randomBytes(16)), key_ops: MAC_OPS } });
    expect([answer.status, answer.json.error?.code]).toEqual([400, "BadParameter"]);
  });
});

describe.each([
  { bits: 256, usable: HS.slice(0, 1) },
  { bits: 384, usable: HS.slice(0, 2) },
  { bits: 512, usable: HS },
])("a generated $bits-bit HMAC key", ({ bits, usable }) => {
  let path: string;

  beforeAll(async () => {
    const created = await createKey({ kty: "oct-HSM", key_size: bits, key_ops: MAC_OPS });
    expect([created.key.kty, created.key.k, created.key.key_ops]).toEqual(["oct-HSM", undefined, MAC_OPS]);
    path = created.path;
  });

  it("signs deterministically with every HS* its size allows, MACs as long as the hash, verified by the vault", async () => {
    for (const { alg, hash, bytes } of usable) {
      const value = digest(hash, `message for ${alg}`);
      const signature = await mac(path, alg, value);
      expect(signature).toHaveLength(bytes);
      expect((await mac(path, alg, value)).equals(signature)).toBe(true);
      expect((await mac(path, alg, digest(hash, "something else"))).equals(signature)).toBe(false);
      expect(await verified(path, alg, value, signature)).toBe(true);
    }
  });

  it("a digest of the wrong length is refused", async () => {
    const answer = await vault.call("POST", `${path}/sign`, { alg: "HS256", value: b64u(randomBytes(20)) });
    expect([answer.status, answer.json.error?.code]).toEqual([400, "BadParameter"]);
  });
});

describe("the kind of an oct-HSM key is fixed at creation", () => {
  it("key_ops asking for both MAC and cipher operations are refused and create nothing", async () => {
    const name = uniqueName("hsm-hmac-mixed");
    const answer = await vault.call("POST", `/keys/${name}/create`, { kty: "oct-HSM", key_ops: ["sign", "encrypt"] });
    expect([answer.status, answer.json.error?.code]).toEqual([400, "BadParameter"]);
    expect((await vault.call("GET", `/keys/${name}`)).status).toBe(404);
  });

  it("HMAC key sizes are 256, 384 and 512 bits", async () => {
    const answer = await vault.call("POST", `/keys/${uniqueName("hsm-hmac-size")}/create`, { kty: "oct-HSM", key_size: 128, key_ops: MAC_OPS });
    expect([answer.status, answer.json.error?.code]).toEqual([400, "BadParameter"]);
    expect(answer.json.error?.message).toContain("256, 384, 512");
  });

  it("an AES key given sign later still cannot MAC, an HMAC key given encrypt still cannot encrypt", async () => {
    const aes = await createKey({ kty: "oct-HSM", key_size: 256 });
    await vault.ok("PATCH", aes.path, { key_ops: ["encrypt", "decrypt", "sign", "verify"] });
    const sign = await vault.call("POST", `${aes.path}/sign`, { alg: "HS256", value: b64u(digest("sha256", "x")) });
    expect([sign.status, sign.json.error?.code]).toEqual([400, "BadParameter"]);

    const hmac = await createKey({ kty: "oct-HSM", key_size: 256, key_ops: MAC_OPS });
    await vault.ok("PATCH", hmac.path, { key_ops: ["sign", "verify", "encrypt"] });
    const encrypt = await vault.call("POST", `${hmac.path}/encrypt`, { alg: "A256GCM", value: b64u(Buffer.from("x")) });
    expect([encrypt.status, encrypt.json.error?.code]).toEqual([400, "BadParameter"]);
  });

  it("rotation makes a new HMAC key: new MACs, the old version's MACs still verify", async () => {
    const created = await createKey({ kty: "oct-HSM", key_size: 256, key_ops: MAC_OPS });
    const name = created.path.split("/")[2] ?? "";
    const value = digest("sha256", "rotated");
    const before = await mac(created.path, "HS256", value);
    const rotated = (await vault.ok("POST", `/keys/${name}/rotate`)).key as Record<string, unknown>;
    expect(rotated.key_ops).toEqual(MAC_OPS);
    const after = await mac(new URL(String(rotated.kid)).pathname, "HS256", value);
    expect(after.equals(before)).toBe(false);
    expect(await verified(created.path, "HS256", value, before)).toBe(true);
  });
});

describe("through the official SDK", () => {
  it("CryptographyClient signs and verifies HS256 with an oct-HSM HMAC key (remotely: oct material never leaves)", async () => {
    const credential = new ManagedIdentityCredential();
    const key = await new KeyClient(facts.vaultUrl, credential).createOctKey(uniqueName("hsm-hmac-sdk"), {
      hsm: true,
      keySize: 256,
      keyOps: ["sign", "verify"],
    });
    const client = new CryptographyClient(key, credential);
    const value = digest("sha256", "sdk");
    const { result } = await client.sign("HS256", value);
    expect(result).toHaveLength(32);
    expect((await client.verify("HS256", value, result)).result).toBe(true);
    expect((await client.verify("HS256", digest("sha256", "other"), result)).result).toBe(false);
  });
});
