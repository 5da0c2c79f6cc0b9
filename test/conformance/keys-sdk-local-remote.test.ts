/**
 * Where the unmodified JS CryptographyClient runs each operation when built from a key id: the request log
 * (an `additionalPolicies` recorder, changing nothing) shows what reached the server. The SDK GETs the key
 * once, then keeps RSA1_5 / RSA-OAEP encrypt and wrapKey and RS* / PS* verifyData local with the public key
 * and checks enabled/exp/key_ops itself; everything else is sent. This is why the server's own enforcement
 * matters for those operations, and why the other conformance files also drive them through a client with no
 * key material.
 */
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient, type KeyVaultKey } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { CryptoHarness, operations } from "./support/crypto-clients.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { octJwk, toVaultJwk } from "./support/jwk.ts";
import { SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const keys = new KeyClient(facts.vaultUrl, credential);
const harness = new CryptoHarness(credential);

type Step = readonly [label: string, run: (client: CryptographyClient) => Promise<unknown>];

/** Runs the steps in order on one client and returns, per step, the calls that reached the server. */
async function observe(client: CryptographyClient, steps: readonly Step[]): Promise<Record<string, string[]>> {
  const seen: Record<string, string[]> = {};
  for (const [label, run] of steps) {
    const { requests } = await harness.log.during(() => run(client));
    seen[label] = operations(requests);
  }
  return seen;
}

const sha256 = (data: Uint8Array): Buffer => createHash("sha256").update(data).digest();

describe("CryptographyClient built from a key id", () => {
  let rsa: KeyVaultKey;
  let ec: KeyVaultKey;
  let oct: KeyVaultKey;

  beforeAll(async () => {
    const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
    rsa = await keys.importKey(uniqueName("where-rsa"), toVaultJwk(pair.privateKey.export({ format: "jwk" })));
    ec = await keys.createEcKey(uniqueName("where-ec"), { curve: "P-256" });
    oct = await keys.importKey(uniqueName("where-oct"), { ...octJwk(randomBytes(32)), keyOps: ["encrypt", "decrypt", "wrapKey", "unwrapKey"] });
  }, SLOW);

  it("RSA: encrypt and wrapKey with RSA1_5 / RSA-OAEP and RS*/PS* verifyData stay in the SDK", async () => {
    const data = randomBytes(64);
    const digest = sha256(data);
    const cek = randomBytes(32);
    const client = harness.byId(rsa);
    let signature: Uint8Array = new Uint8Array();
    let sealed: Uint8Array = new Uint8Array();
    const seen = await observe(client, [
      ["first call (sign RS256)", async () => (signature = (await client.sign("RS256", digest)).result)],
      ["encrypt RSA1_5", () => client.encrypt({ algorithm: "RSA1_5", plaintext: cek })],
      ["encrypt RSA-OAEP", async () => (sealed = (await client.encrypt({ algorithm: "RSA-OAEP", plaintext: cek })).result)],
      ["encrypt RSA-OAEP-256", () => client.encrypt({ algorithm: "RSA-OAEP-256", plaintext: cek })],
      ["decrypt RSA-OAEP", () => client.decrypt({ algorithm: "RSA-OAEP", ciphertext: sealed })],
      ["wrapKey RSA1_5", () => client.wrapKey("RSA1_5", cek)],
      ["wrapKey RSA-OAEP", () => client.wrapKey("RSA-OAEP", cek)],
      ["wrapKey RSA-OAEP-256", () => client.wrapKey("RSA-OAEP-256", cek)],
      ["unwrapKey RSA-OAEP", async () => client.unwrapKey("RSA-OAEP", (await client.wrapKey("RSA-OAEP", cek)).result)],
      ["verify RS256", () => client.verify("RS256", digest, signature)],
      ["verifyData RS256", () => client.verifyData("RS256", data, signature)],
      ["signData PS256", () => client.signData("PS256", data)],
    ]);
    expect(seen).toEqual({
      // The SDK fetches the key on its first operation, then never again.
      "first call (sign RS256)": ["GET key", "POST sign"],
      "encrypt RSA1_5": [],
      "encrypt RSA-OAEP": [],
      "encrypt RSA-OAEP-256": ["POST encrypt"],
      "decrypt RSA-OAEP": ["POST decrypt"],
      "wrapKey RSA1_5": [],
      "wrapKey RSA-OAEP": [],
      "wrapKey RSA-OAEP-256": ["POST wrapkey"],
      "unwrapKey RSA-OAEP": ["POST unwrapkey"],
      "verify RS256": ["POST verify"],
      "verifyData RS256": [],
      "signData PS256": ["POST sign"],
    });
  });

  it("EC: every operation is sent, verifyData as a digest", async () => {
    const data = randomBytes(64);
    const client = harness.byId(ec);
    let signature: Uint8Array = new Uint8Array();
    const seen = await observe(client, [
      ["signData ES256", async () => (signature = (await client.signData("ES256", data)).result)],
      ["verify ES256", () => client.verify("ES256", sha256(data), signature)],
      ["verifyData ES256", () => client.verifyData("ES256", data, signature)],
    ]);
    expect(seen).toEqual({
      "signData ES256": ["GET key", "POST sign"],
      "verify ES256": ["POST verify"],
      "verifyData ES256": ["POST verify"],
    });
  });

  it("oct: the vault never returns the material, so every operation is sent", async () => {
    const client = harness.byId(oct);
    const cek = randomBytes(32);
    const seen = await observe(client, [
      ["encrypt A256CBCPAD", () => client.encrypt({ algorithm: "A256CBCPAD", plaintext: cek, iv: randomBytes(16) })],
      ["encrypt A256GCM", () => client.encrypt({ algorithm: "A256GCM", plaintext: cek })],
      ["wrapKey A256KW", () => client.wrapKey("A256KW", cek)],
    ]);
    expect(seen).toEqual({
      "encrypt A256CBCPAD": ["GET key", "POST encrypt"],
      "encrypt A256GCM": ["POST encrypt"],
      "wrapKey A256KW": ["POST wrapkey"],
    });
  });

  it("a KeyVaultKey without material sends everything, with no GET", async () => {
    const client = harness.remoteOnly(rsa);
    const cek = randomBytes(32);
    const data = randomBytes(64);
    const signature = (await harness.byId(rsa).signData("RS256", data)).result;
    const seen = await observe(client, [
      ["encrypt RSA1_5", () => client.encrypt({ algorithm: "RSA1_5", plaintext: cek })],
      ["wrapKey RSA-OAEP", () => client.wrapKey("RSA-OAEP", cek)],
      ["verifyData RS256", () => client.verifyData("RS256", data, signature)],
    ]);
    expect(seen).toEqual({
      "encrypt RSA1_5": ["POST encrypt"],
      "wrapKey RSA-OAEP": ["POST wrapkey"],
      "verifyData RS256": ["POST verify"],
    });
  });
});
