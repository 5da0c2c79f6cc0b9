/**
 * The managed HSM (`devhsm`, sku managedHSM) through the official SDKs: served at its own
 * `{name}.managedhsm.localhost` host with its own token resource, it holds HSM keys only (made in the SoftHSM2
 * token behind the PKCS#11 bridge; plain RSA, EC and oct requests are made as those) and answers `/rng`; signatures it makes are checked by node:crypto with the
 * public key it published. Raw HTTP checks what the SDKs cannot show: which paths and hosts it does not serve.
 */
import { verify as nodeVerify } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, publicKeyOf } from "./support/jwk.ts";
import { collect, POLL, SLOW } from "./support/keys.ts";
import { keyVersionIdPattern } from "./support/identifiers.ts";
import { uniqueName } from "./support/names.ts";
import { RawVault, tokenResource } from "./support/raw-vault.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
let hsmUrl: string;
let keys: KeyClient;

beforeAll(() => {
  // No silent skip: CI installs softhsm2, and the dev server makes the managed HSM whenever its bridge runs.
  expect(facts.managedHsmUrl, "the dev server made its managed HSM (it needs the HSM bridge: apt-get install softhsm2)").toBeDefined();
  hsmUrl = String(facts.managedHsmUrl);
  keys = new KeyClient(hsmUrl, credential);
});

describe("host", () => {
  it("is devhsm.managedhsm.localhost, challenging for the managedhsm resource", async () => {
    expect(hsmUrl).toBe(`https://devhsm.managedhsm.localhost:${facts.port}`);
    const response = await fetch(`${hsmUrl}/keys?api-version=7.5`);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer authorization="${facts.origin}/${facts.tenantId}", resource="${tokenResource(hsmUrl)}"`,
    );
    expect(tokenResource(hsmUrl)).toBe(`https://managedhsm.localhost:${facts.port}`);
  });

  it("serves no secrets or certificates", async () => {
    const hsm = new RawVault(hsmUrl);
    for (const path of ["/secrets", "/certificates"]) {
      const answer = await hsm.call("GET", path);
      expect({ status: answer.status, code: answer.json.error?.code }, path).toEqual({ status: 404, code: "NotFound" });
    }
  });

  it("is not served as a vault, and the vault is not served as a managed HSM", async () => {
    const asVault = await new RawVault(hsmUrl.replace(".managedhsm.", ".vault.")).call("GET", "/keys");
    expect({ status: asVault.status, code: asVault.json.error?.code }).toEqual({ status: 404, code: "VaultNotFound" });
    const vaultAsHsm = await new RawVault(facts.vaultUrl.replace(".vault.", ".managedhsm.")).call("GET", "/keys");
    expect({ status: vaultAsHsm.status, code: vaultAsHsm.json.error?.code }).toEqual({ status: 404, code: "VaultNotFound" });
  });
});

describe("HSM keys", () => {
  it("creates an RSA-HSM key in the managed HSM that signs a SHA-256 digest node:crypto verifies", async () => {
    const name = uniqueName("mhsm-rsa");
    const key = await keys.createRsaKey(name, { hsm: true });
    expect(key.id).toMatch(keyVersionIdPattern(hsmUrl, name));
    expect(key.properties.vaultUrl).toBe(hsmUrl);
    expect(key.keyType).toBe("RSA-HSM");
    const message = Buffer.from(`managed HSM RS256 ${name}`);
    const signed = await new CryptographyClient(key, credential).sign("RS256", digest("sha256", message));
    expect(nodeVerify("sha256", message, publicKeyOf(key.key), signed.result)).toBe(true);
  }, SLOW);

  it("creates an EC-HSM key in the managed HSM that signs a SHA-256 digest node:crypto verifies", async () => {
    const name = uniqueName("mhsm-ec");
    const key = await keys.createEcKey(name, { hsm: true, curve: "P-256" });
    expect(key.id).toMatch(keyVersionIdPattern(hsmUrl, name));
    expect(key.keyType).toBe("EC-HSM");
    const message = Buffer.from(`managed HSM ES256 ${name}`);
    const signed = await new CryptographyClient(key, credential).sign("ES256", digest("sha256", message));
    // JWS ECDSA signatures are r ‖ s (RFC 7518 §3.4), node:crypto's "ieee-p1363".
    expect(nodeVerify("sha256", message, { key: publicKeyOf(key.key), dsaEncoding: "ieee-p1363" }, signed.result)).toBe(true);
  });

  // Azure's managed HSM holds HSM keys only and takes the plain types as their HSM ones (recorded: {"kty":"RSA"} →
  // "RSA-HSM"; an imported "oct" key → "oct-HSM"); it does not refuse them.
  it("takes RSA, EC and oct as RSA-HSM, EC-HSM and oct-HSM keys made in the token", async () => {
    const rsa = await keys.createRsaKey(uniqueName("mhsm-soft-rsa"));
    expect(rsa.keyType).toBe("RSA-HSM");
    const message = Buffer.from("managed HSM plain RSA");
    const signed = await new CryptographyClient(rsa, credential).sign("RS256", digest("sha256", message));
    expect(nodeVerify("sha256", message, publicKeyOf(rsa.key), signed.result)).toBe(true);
    expect((await keys.createEcKey(uniqueName("mhsm-soft-ec"), { curve: "P-256" })).keyType).toBe("EC-HSM");
    const raw = new RawVault(hsmUrl, "2025-07-01");
    const oct = await raw.call("POST", `/keys/${uniqueName("mhsm-soft-oct")}/create`, { kty: "oct", key_size: 256 });
    expect([oct.status, (oct.json.key as { kty?: string } | undefined)?.kty]).toEqual([200, "oct-HSM"]);
  }, SLOW);

  it("lists, deletes and shows the deleted key", async () => {
    const name = uniqueName("mhsm-list");
    const key = await keys.createEcKey(name, { hsm: true, curve: "P-256" });
    const listed = await collect(keys.listPropertiesOfKeys());
    expect(listed.map((properties) => properties.name)).toContain(name);

    await (await keys.beginDeleteKey(name, POLL)).pollUntilDone();
    const deleted = await keys.getDeletedKey(name);
    expect(deleted.properties.recoveryId).toBe(`${hsmUrl}/deletedkeys/${name}`);
    expect(deleted.properties.version).toBe(key.properties.version);
    expect(deleted.keyType).toBe("EC-HSM");
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });
  });
});

describe("/rng", () => {
  it("returns the bytes asked for, different each time", async () => {
    const first = await keys.getRandomBytes(32);
    const second = await keys.getRandomBytes(32);
    expect(first).toHaveLength(32);
    expect(second).toHaveLength(32);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });
});
