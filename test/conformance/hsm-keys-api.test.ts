/**
 * Every key type and operation of the keys API with -HSM types, over raw HTTP (every algorithm name, whether or not
 * an SDK offers it), each result checked by node:crypto: RSA-HSM 2048/3072/4096 signatures verified and ciphertexts
 * opened with the published public key or made by it; oct-HSM 128/192/256 imported with known bytes so node:crypto
 * opens what the token sealed and the token opens what node:crypto sealed, for GCM, CBC, CBCPAD, KW and KWP.
 * HMAC oct-HSM keys are hsm-hmac-keys.test.ts.
 */
import { constants, createCipheriv, createDecipheriv, publicDecrypt, publicEncrypt, randomBytes, verify as nodeVerify } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { KeyClient } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, publicKeyOf } from "./support/jwk.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { b64u, fromB64u, RawVault } from "./support/raw-vault.ts";

const facts = devServerFacts();
const vault = new RawVault(facts);

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

interface CreatedKey {
  readonly kid: string;
  readonly path: string;
  readonly jwk: Record<string, unknown>;
}

async function create(body: Record<string, unknown>): Promise<CreatedKey> {
  const name = uniqueName("hsm-api");
  const json = await vault.ok("POST", `/keys/${name}/create`, body);
  const key = json.key as Record<string, unknown>;
  const kid = String(key.kid);
  return { kid, path: new URL(kid).pathname, jwk: key };
}

describe.each([2048, 3072, 4096])("RSA-HSM %i", (size) => {
  let key: CreatedKey;

  beforeAll(async () => {
    key = await create({ kty: "RSA-HSM", key_size: size });
  }, SLOW);

  it("reports its size, type and the HSM's platform", async () => {
    const json = await vault.ok("GET", key.path);
    expect(json.key).toMatchObject({ kty: "RSA-HSM" });
    expect(fromB64u((json.key as Record<string, unknown>).n).length).toBe(size / 8);
    expect(json.attributes).toMatchObject({ hsmPlatform: "0", exportable: false });
  });

  it.each([
    ["RS256", "sha256", false],
    ["RS384", "sha384", false],
    ["RS512", "sha512", false],
    ["PS256", "sha256", true],
    ["PS384", "sha384", true],
    ["PS512", "sha512", true],
  ] as const)("%s: node:crypto verifies the token's signature; the server verifies it too", async (alg, hash, pss) => {
    const message = `rsa-hsm ${size} ${alg}`;
    const signed = await vault.ok("POST", `${key.path}/sign`, { alg, value: b64u(digest(hash, message)) });
    const signature = fromB64u(signed.value);
    const publicKey = publicKeyOf({ kty: "RSA", n: fromB64u(key.jwk.n), e: fromB64u(key.jwk.e) });
    const verifyKey = pss ? { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: digest(hash, "").length } : publicKey;
    expect(nodeVerify(hash, Buffer.from(message), verifyKey, signature)).toBe(true);
    const verified = await vault.ok("POST", `${key.path}/verify`, { alg, digest: b64u(digest(hash, message)), value: b64u(signature) });
    expect(verified.value).toBe(true);
  });

  it("RSNULL: PKCS#1 v1.5 padding over the given bytes, recovered by node:crypto", async () => {
    const payload = randomBytes(40);
    const signed = await vault.ok("POST", `${key.path}/sign`, { alg: "RSNULL", value: b64u(payload) });
    const publicKey = publicKeyOf({ kty: "RSA", n: fromB64u(key.jwk.n), e: fromB64u(key.jwk.e) });
    expect(publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, fromB64u(signed.value)).equals(payload)).toBe(true);
  });

  it.each([
    ["RSA1_5", constants.RSA_PKCS1_PADDING, undefined],
    ["RSA-OAEP", constants.RSA_PKCS1_OAEP_PADDING, "sha1"],
    ["RSA-OAEP-256", constants.RSA_PKCS1_OAEP_PADDING, "sha256"],
  ] as const)("%s: the token opens what node:crypto and the server sealed; wrap and unwrap likewise", async (alg, padding, oaepHash) => {
    const publicKey = publicKeyOf({ kty: "RSA", n: fromB64u(key.jwk.n), e: fromB64u(key.jwk.e) });
    const plaintext = randomBytes(24);
    const byNode = publicEncrypt({ key: publicKey, padding, ...(oaepHash === undefined ? {} : { oaepHash }) }, plaintext);
    expect(fromB64u((await vault.ok("POST", `${key.path}/decrypt`, { alg, value: b64u(byNode) })).value).equals(plaintext)).toBe(true);

    const sealed = await vault.ok("POST", `${key.path}/encrypt`, { alg, value: b64u(plaintext) });
    expect(fromB64u((await vault.ok("POST", `${key.path}/decrypt`, { alg, value: String(sealed.value) })).value).equals(plaintext)).toBe(true);

    const wrapped = await vault.ok("POST", `${key.path}/wrapkey`, { alg, value: b64u(plaintext) });
    expect(fromB64u((await vault.ok("POST", `${key.path}/unwrapkey`, { alg, value: String(wrapped.value) })).value).equals(plaintext)).toBe(true);
  });
});

describe.each([128, 192, 256] as const)("oct-HSM %i", (bits) => {
  const secret = randomBytes(bits / 8);
  let path: string;

  beforeAll(async () => {
    const json = await vault.ok("PUT", `/keys/${uniqueName("hsm-oct")}`, { key: { kty: "oct-HSM", k: b64u(secret) } });
    const key = json.key as Record<string, unknown>;
    expect(key.kty).toBe("oct-HSM");
    expect(key.k).toBeUndefined();
    path = new URL(String(key.kid)).pathname;
  });

  it(`A${bits}GCM both ways, with AAD`, async () => {
    const aad = randomBytes(9);
    const sealed = await vault.ok("POST", `${path}/encrypt`, { alg: `A${bits}GCM`, value: b64u(Buffer.from("token seals")), aad: b64u(aad) });
    const decipher = createDecipheriv(`aes-${bits}-gcm`, secret, fromB64u(sealed.iv));
    decipher.setAAD(aad);
    decipher.setAuthTag(fromB64u(sealed.tag));
    expect(Buffer.concat([decipher.update(fromB64u(sealed.value)), decipher.final()]).toString()).toBe("token seals");

    const iv = randomBytes(12);
    const cipher = createCipheriv(`aes-${bits}-gcm`, secret, iv);
    cipher.setAAD(aad);
    const ciphertext = Buffer.concat([cipher.update("node seals"), cipher.final()]);
    const opened = await vault.ok("POST", `${path}/decrypt`, { alg: `A${bits}GCM`, value: b64u(ciphertext), iv: b64u(iv), tag: b64u(cipher.getAuthTag()), aad: b64u(aad) });
    expect(fromB64u(opened.value).toString()).toBe("node seals");
  });

  it(`A${bits}CBC (no padding) and A${bits}CBCPAD (PKCS#7) both ways`, async () => {
    const iv = randomBytes(16);
    const block = randomBytes(32);
    const cbc = await vault.ok("POST", `${path}/encrypt`, { alg: `A${bits}CBC`, value: b64u(block), iv: b64u(iv) });
    const plain = createDecipheriv(`aes-${bits}-cbc`, secret, iv).setAutoPadding(false);
    expect(Buffer.concat([plain.update(fromB64u(cbc.value)), plain.final()]).equals(block)).toBe(true);

    const cipher = createCipheriv(`aes-${bits}-cbc`, secret, iv);
    const padded = Buffer.concat([cipher.update("seventeen bytes!!"), cipher.final()]);
    const opened = await vault.ok("POST", `${path}/decrypt`, { alg: `A${bits}CBCPAD`, value: b64u(padded), iv: b64u(iv) });
    expect(fromB64u(opened.value).toString()).toBe("seventeen bytes!!");
  });

  it.each([
    [`A${bits}KW`, `id-aes${bits}-wrap`, "a6a6a6a6a6a6a6a6", 32],
    ["CKM_AES_KEY_WRAP", `id-aes${bits}-wrap`, "a6a6a6a6a6a6a6a6", 24],
    ["CKM_AES_KEY_WRAP_PAD", `id-aes${bits}-wrap-pad`, "a65959a6", 21],
  ])("%s: RFC 3394/5649 both ways (node:crypto %s)", async (alg, nodeCipher, iv, length) => {
    const keyBytes = randomBytes(length);
    const wrapped = await vault.ok("POST", `${path}/wrapkey`, { alg, value: b64u(keyBytes) });
    const unwrap = createDecipheriv(nodeCipher, secret, Buffer.from(iv, "hex"));
    expect(Buffer.concat([unwrap.update(fromB64u(wrapped.value)), unwrap.final()]).equals(keyBytes)).toBe(true);

    const wrap = createCipheriv(nodeCipher, secret, Buffer.from(iv, "hex"));
    const byNode = Buffer.concat([wrap.update(keyBytes), wrap.final()]);
    expect(fromB64u((await vault.ok("POST", `${path}/unwrapkey`, { alg, value: b64u(byNode) })).value).equals(keyBytes)).toBe(true);
  });

  it("a tampered GCM tag is the one generic decryption failure", async () => {
    const sealed = await vault.ok("POST", `${path}/encrypt`, { alg: `A${bits}GCM`, value: b64u(Buffer.from("x")) });
    const tag = fromB64u(sealed.tag);
    tag[0] = (tag[0] ?? 0) ^ 1;
    const answer = await vault.call("POST", `${path}/decrypt`, { alg: `A${bits}GCM`, value: String(sealed.value), iv: String(sealed.iv), tag: b64u(tag) });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toEqual({ code: "BadParameter", message: "Decryption failed." });
  });
});

describe("management of HSM keys", () => {
  it("update, disable, list and versions work as for software keys", async () => {
    const key = await create({ kty: "EC-HSM", crv: "P-384", key_ops: ["sign", "verify"], tags: { purpose: "hsm" } });
    const name = key.path.split("/")[2] ?? "";
    const disabled = await vault.ok("PATCH", key.path, { attributes: { enabled: false } });
    expect(disabled.attributes).toMatchObject({ enabled: false });
    const refused = await vault.call("POST", `${key.path}/sign`, { alg: "ES384", value: b64u(digest("sha384", "x")) });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe("Forbidden");
    await vault.ok("PATCH", key.path, { attributes: { enabled: true } });
    const versions = await vault.ok("GET", `/keys/${name}/versions`);
    expect((versions.value as unknown[]).length).toBe(1);
    // Every page: the shared dev vault holds more keys than one page by the time this runs (the SDK follows nextLink).
    const listed: string[] = [];
    for await (const properties of new KeyClient(facts.vaultUrl, new ManagedIdentityCredential()).listPropertiesOfKeys()) listed.push(properties.name);
    expect(listed).toContain(name);
    const signed = await vault.ok("POST", `${key.path}/sign`, { alg: "ES384", value: b64u(digest("sha384", "enabled again")) });
    const publicKey = publicKeyOf({ kty: "EC", crv: "P-384", x: fromB64u(key.jwk.x), y: fromB64u(key.jwk.y) });
    expect(nodeVerify("sha384", Buffer.from("enabled again"), { key: publicKey, dsaEncoding: "ieee-p1363" }, fromB64u(signed.value))).toBe(true);
  });

  it("a rotation policy rotates an HSM key into a new token key", async () => {
    const key = await create({ kty: "oct-HSM", key_size: 256 });
    const name = key.path.split("/")[2] ?? "";
    await vault.ok("PUT", `/keys/${name}/rotationpolicy`, { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }] });
    const rotated = await vault.ok("POST", `/keys/${name}/rotate`);
    expect((rotated.key as Record<string, unknown>).kty).toBe("oct-HSM");
    expect((rotated.key as Record<string, unknown>).kid).not.toBe(key.kid);
    const sealed = await vault.ok("POST", `/keys/${name}/encrypt`, { alg: "A256GCM", value: b64u(Buffer.from("new version")) });
    expect(sealed.kid).toBe((rotated.key as Record<string, unknown>).kid);
    // The old version's token key still opens what it sealed before.
    const old = await vault.ok("POST", `${key.path}/encrypt`, { alg: "A256GCM", value: b64u(Buffer.from("old version")) });
    const opened = await vault.ok("POST", `${key.path}/decrypt`, { alg: "A256GCM", value: String(old.value), iv: String(old.iv), tag: String(old.tag) });
    expect(fromB64u(opened.value).toString()).toBe("old version");
  });

  it("sizes and curves Azure does not offer are refused as for software keys, before the token is asked", async () => {
    for (const [hsm, software] of [
      [{ kty: "RSA-HSM", key_size: 1024 }, { kty: "RSA", key_size: 1024 }],
      [{ kty: "oct-HSM", key_size: 512 }, { kty: "oct", key_size: 512 }],
    ]) {
      const a = await vault.call("POST", `/keys/${uniqueName("hsm-size")}/create`, hsm);
      const b = await vault.call("POST", `/keys/${uniqueName("sw-size")}/create`, software);
      expect([a.status, a.json.error?.code]).toEqual([400, "BadParameter"]);
      expect(a.json.error?.message).toBe(b.json.error?.message);
    }
  });

  it("RSA-HSM with public exponent 3 is refused: the token generates with 65537", async () => {
    const answer = await vault.call("POST", `/keys/${uniqueName("hsm-e3")}/create`, { kty: "RSA-HSM", public_exponent: 3 });
    expect(answer.status).toBe(400);
    expect(answer.json.error?.code).toBe("BadParameter");
  });
});
