/**
 * A managed HSM's soft delete end to end (docs/access-control.md "Vault soft delete", its managed HSM paragraph): a
 * managed HSM of its own is made through the admin API and activated (security domain downloaded to three holders);
 * an EC-HSM key made in the SoftHSM2 token signs through the unmodified `@azure/keyvault-keys` clients. Deleted, its
 * data plane answers as a vault that does not exist (404 VaultNotFound) and deletedVaults lists it with its sku;
 * recovered (PUT with createMode "recover"), it is still active, its role assignments are back, and the same key
 * (same kid) signs again with the credential that held the token before; purged, it is listed nowhere, nothing of it
 * stays on the token, and its name can be taken again.
 */
import { verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { beforeAll, describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest, publicKeyOf } from "./support/jwk.ts";
import { holder, makeManagedHsm } from "./support/managed-hsm.ts";
import { SLOW } from "./support/keys.ts";
import { RawVault } from "./support/raw-vault.ts";
import { expectRestError } from "./support/rest-error.ts";
import { countTokenKeys } from "./support/token-objects.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const ca = readFileSync(facts.caPath, "utf8");
const credential = new ManagedIdentityCredential();
const tokenKeys = () => countTokenKeys(facts.hsm?.dir ?? "");
const HSM_ROLES = ["Managed HSM Crypto User"];

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

/** The operator's raw view of an admin route: status and parsed body. */
async function operator(method: string, path: string): Promise<{ status: number; json: unknown }> {
  const answer = await httpsJson({ url: `${facts.origin}/admin${path}`, method, ca, headers: { authorization: `Bearer ${facts.operatorKey}` } });
  return { status: answer.status, json: answer.json };
}

const makeHsm = (name: string) => makeManagedHsm(name, HSM_ROLES);

async function activate(raw: RawVault): Promise<void> {
  const download = await raw.call("POST", "/securitydomain/download", { certificates: (await Promise.all([1, 2, 3].map(holder))).map((h) => h.jwk), required: 2 });
  expect(download.status).toBe(202);
  for (let attempt = 0; attempt < 100; attempt++) {
    const pending = await raw.ok("GET", "/securitydomain/download/pending");
    if (pending.status !== "InProgress") return void expect(pending.status).toBe("Success");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the security domain download did not finish");
}

const assignmentsOf = async (name: string) =>
  ((await operator("GET", `/tenants/${facts.tenantId}/vaults/${name}/roleAssignments`)).json as { value: { id: string; principalId: string; roleDefinitionName: string }[] }).value
    .map((a) => `${a.id} ${a.principalId} ${a.roleDefinitionName}`)
    .sort();
const deletedNamed = async (name: string, path = `/tenants/${facts.tenantId}/deletedVaults`) =>
  ((await operator("GET", path)).json as { value: { name: string; properties: { sku?: string } }[] }).value.filter((d) => d.name === name);

describe("a managed HSM's soft delete", () => {
  it("deleted, it is not served and is listed with its sku; recovered, the same key signs again; purged, it is gone and its name free", { timeout: SLOW * 2 }, async () => {
    const before = tokenKeys();
    const name = `sdhsm${crypto.randomUUID().slice(0, 8)}`;
    const url = await makeHsm(name);
    const raw = new RawVault(url);
    await activate(raw);

    const keys = new KeyClient(url, credential);
    const key = await keys.createEcKey("survivor", { hsm: true, curve: "P-256" });
    expect(key.keyType).toBe("EC-HSM");
    const publicKey = { key: publicKeyOf(key.key), dsaEncoding: "ieee-p1363" as const };
    const message = Buffer.from("signed before the deletion");
    const first = await new CryptographyClient(key, credential).sign("ES256", digest("sha256", message));
    expect(verify("sha256", message, publicKey, first.result)).toBe(true);
    const assignments = await assignmentsOf(name);
    expect(assignments.length).toBeGreaterThanOrEqual(2);
    const onToken = tokenKeys();
    expect(onToken).toBeGreaterThan(before);

    // Deleted: the data plane answers as for a managed HSM that never was; the deleted list shows it as one.
    await admin.deleteVault(facts.tenantId, name);
    await expectRestError(keys.getKey("survivor"), { statusCode: 404, code: "VaultNotFound" });
    const never = await new RawVault(`https://never${name}.managedhsm.localhost:${facts.port}`).call("GET", "/keys");
    const gone = await raw.call("GET", "/keys");
    expect([gone.status, gone.json.error?.code]).toEqual([never.status, never.json.error?.code]);
    expect(await admin.getVault(facts.tenantId, name)).toBeUndefined();
    const [listed] = await deletedNamed(name);
    expect(listed).toMatchObject({ name, type: "Microsoft.KeyVault/deletedVaults", properties: { vaultId: `/tenants/${facts.tenantId}/vaults/${name}`, sku: "managedHSM" } });
    const got = await operator("GET", `/tenants/${facts.tenantId}/deletedVaults/${name}`);
    expect([got.status, got.json]).toEqual([200, listed]);
    expect(await deletedNamed(name, "/deletedVaults")).toHaveLength(1);
    expect(tokenKeys(), "a soft-deleted managed HSM keeps its token keys").toBe(onToken);

    // Recovered: still active (an HSM without its security domain answers 409), with its role assignments, and the
    // same key, by the same kid, signs again for the client and token it had before.
    const recovered = await admin.recoverVault(facts.tenantId, name);
    expect([recovered.name, recovered.sku]).toEqual([name, "managedHSM"]);
    expect(await deletedNamed(name)).toEqual([]);
    expect((await raw.call("GET", "/keys")).status).toBe(200);
    expect(await assignmentsOf(name)).toEqual(assignments);
    const again = await keys.getKey("survivor");
    expect(again.id).toBe(key.id);
    const later = Buffer.from("signed after the recovery");
    const second = await new CryptographyClient(again, credential).sign("ES256", digest("sha256", later));
    expect(second.keyID).toBe(key.id);
    expect(verify("sha256", later, publicKey, second.result)).toBe(true);
    expect((await new CryptographyClient(again, credential).verify("ES256", digest("sha256", message), first.result)).result).toBe(true);

    // Deleted and purged: listed nowhere, nothing left on the token, and the name can be taken again.
    await admin.deleteVault(facts.tenantId, name);
    await admin.purgeDeletedVault(facts.tenantId, name);
    expect(await admin.getVault(facts.tenantId, name)).toBeUndefined();
    expect(await deletedNamed(name)).toEqual([]);
    expect(await deletedNamed(name, "/deletedVaults")).toEqual([]);
    expect((await operator("GET", `/tenants/${facts.tenantId}/deletedVaults/${name}`)).status).toBe(404);
    await expectRestError(keys.getKey("survivor"), { statusCode: 404, code: "VaultNotFound" });
    expect(tokenKeys(), "the purge leaves nothing of it on the token").toBe(before);

    await makeHsm(name);
    expect((await admin.getVault(facts.tenantId, name))?.sku).toBe("managedHSM");
    expect((await raw.call("GET", "/keys")).status, "the new managed HSM waits for its security domain").toBe(409);
    await admin.deleteVault(facts.tenantId, name);
    await admin.purgeDeletedVault(facts.tenantId, name);
  });
});
