/**
 * Whole-vault snapshots (issue 18, docs/vault-snapshots.md): taken into R2 sealed (no value readable in the raw
 * object), restored into a new vault of the tenant with every object, version, deleted object, setting and role
 * assignment — values read back through the data plane of the new vault, under its own host — or in place, only
 * with the vault's name as confirmation. Scheduled snapshots run from the vault's alarm with the clock moved, and
 * only scheduled ones are pruned by the retention.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { expectError, newTenantWithVault, setSecret, setVaultClock, vaultObject } from "../support/secrets.ts";
import { listSnapshotsOf, rawSnapshot, restoreSnapshot, snapshotsPath, takeSnapshot } from "../support/snapshots.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
failOnlyOnTrulyUnhandledRejections();

const SECRET_A1 = `first-${crypto.randomUUID()}`;
const SECRET_A2 = `second-${crypto.randomUUID()}`;
const SECRET_GONE = `deleted-${crypto.randomUUID()}`;
const ISSUER_PWD = `issuer-pwd-${crypto.randomUUID()}`;
const DIGEST = "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU";

/** A vault with two versions of a secret, a soft-deleted secret, an EC key, an issuer with a password and contacts. */
async function populatedVault(prefix: string) {
  const name = uniqueVaultName(prefix);
  const setup = await newTenantWithVault(name);
  const { kv } = setup;
  const first = await setSecret(kv, "app", { value: SECRET_A1, tags: { env: "prod" } });
  await setSecret(kv, "app", { value: SECRET_A2, contentType: "text/plain" });
  await setSecret(kv, "gone", { value: SECRET_GONE });
  expect((await kv.json("DELETE", "/secrets/gone")).status).toBe(200);
  const key = await kv.json<{ key: { kid: string; x: string; y: string } }>("POST", "/keys/signer/create", { kty: "EC", crv: "P-256" });
  expect(key.status).toBe(200);
  expect((await kv.json("PUT", "/certificates/issuers/ca", { provider: "Test", credentials: { account_id: "acct", pwd: ISSUER_PWD } })).status).toBe(200);
  expect((await kv.json("PUT", "/certificates/contacts", { contacts: [{ email: "ops@example.com" }] })).status).toBe(200);
  const selfSigned = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=tls.example" }, issuer: { name: "Self" } };
  expect((await kv.json("POST", "/certificates/tls/create", { policy: selfSigned })).status).toBe(202);
  const pending = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=pending.example" }, issuer: { name: "Unknown" } };
  expect((await kv.json("POST", "/certificates/waiting/create", { policy: pending })).status).toBe(202);
  const hook = await admin("PUT", `/tenants/${setup.tenantId}/vaults/${name}/eventSubscriptions/hook`, {
    url: "https://hooks.receiver.example/a",
    // An event nothing here raises: the test makes no deliveries.
    eventTypes: ["Microsoft.KeyVault.CertificateNearExpiry"],
  });
  const { signingSecret } = (await hook.json()) as { signingSecret: string };
  expect([hook.status, typeof signingSecret]).toStrictEqual([201, "string"]);
  return { ...setup, name, signingSecret, firstVersion: first.id.split("/").pop() as string, key: key.body.key };
}

async function secretValue(kv: VaultClient, path: string): Promise<{ status: number; value?: string; id?: string }> {
  const got = await kv.json<{ value: string; id: string }>("GET", path);
  return { status: got.status, value: got.body?.value, id: got.body?.id };
}

describe("a snapshot restored into a new vault", () => {
  it("holds every version, deleted object, key, issuer, contact and role assignment, values sealed again for the new vault", async () => {
    const source = await populatedVault("snapsrc");
    const snapshot = await takeSnapshot(source.tenantId, source.name);
    expect(snapshot).toMatchObject({ status: "Succeeded", trigger: "manual", vault: source.name });
    // Names: app, gone and the certificate's managed secret; signer and its managed key; tls ("waiting" has no version yet).
    expect(snapshot.contents).toMatchObject({ secrets: 3, keys: 2, certificates: 1, deletedObjects: 1, roleAssignments: 1, eventSubscriptions: 1 });

    // Nothing readable at rest: not the values, not the issuer's password, not the key's private part.
    const raw = new TextDecoder("latin1").decode(await rawSnapshot(source.tenantId, source.name, snapshot.name));
    for (const plain of [SECRET_A1, SECRET_A2, SECRET_GONE, ISSUER_PWD, source.signingSecret, btoa(SECRET_A1), "acct", "ops@example.com", '"d"']) {
      expect(raw).not.toContain(plain);
    }

    // Changes after the snapshot are not in it.
    await setSecret(source.kv, "app", { value: "after-the-snapshot" });
    const target = uniqueVaultName("snapdst");
    const restored = await restoreSnapshot(source.tenantId, source.name, snapshot.name, { targetVault: target });
    expect(restored.status, await restored.clone().text()).toBe(201);
    expect(await restored.json()).toMatchObject({ name: target, tenantId: source.tenantId, vaultUri: `https://${target}.vault.localhost:8443` });

    // The role assignment came along: the source's principal reads the new vault with its token.
    const kv = vaultClient(target, source.token);
    expect(await secretValue(kv, "/secrets/app")).toMatchObject({ status: 200, value: SECRET_A2 });
    const old = await secretValue(kv, `/secrets/app/${source.firstVersion}`);
    expect(old).toStrictEqual({ status: 200, value: SECRET_A1, id: `https://${target}.vault.localhost:8443/secrets/app/${source.firstVersion}` });
    const versions = await kv.json<{ value: unknown[] }>("GET", "/secrets/app/versions");
    expect(versions.body.value).toHaveLength(2);
    expect((await kv.json<{ tags: object }>("GET", `/secrets/app/${source.firstVersion}`)).body.tags).toStrictEqual({ env: "prod" });
    const deleted = await kv.json<{ recoveryId: string }>("GET", "/deletedsecrets/gone");
    expect(deleted.status).toBe(200);
    expect((await kv.json("POST", "/deletedsecrets/gone/recover")).status).toBe(200);
    expect(await secretValue(kv, "/secrets/gone")).toMatchObject({ status: 200, value: SECRET_GONE });

    // The key keeps its name, version and public part, and its private part signs in the new vault.
    const version = source.key.kid.split("/").pop() as string;
    const key = await kv.json<{ key: { kid: string; x: string; y: string } }>("GET", `/keys/signer/${version}`);
    expect(key.body.key).toMatchObject({ kid: `https://${target}.vault.localhost:8443/keys/signer/${version}`, x: source.key.x, y: source.key.y });
    const signed = await kv.json<{ value: string }>("POST", `/keys/signer/${version}/sign`, { alg: "ES256", value: DIGEST });
    expect(signed.status).toBe(200);
    const verified = await source.kv.json<{ value: boolean }>("POST", `/keys/signer/${version}/verify`, { alg: "ES256", digest: DIGEST, value: signed.body.value });
    expect(verified.body.value).toBe(true);

    // Certificates: the issued one with its managed key and secret, the pending one with its operation and CSR.
    const [cert, sourceCert] = [await kv.json<{ cer: string }>("GET", "/certificates/tls"), await source.kv.json<{ cer: string }>("GET", "/certificates/tls")];
    expect([cert.status, cert.body.cer]).toStrictEqual([200, sourceCert.body.cer]);
    const pem = await kv.json<{ value: string }>("GET", "/secrets/tls?outContentType=application/x-pem-file");
    expect(pem.body.value).toContain("PRIVATE KEY-----");
    const csr = async (client: VaultClient) => (await client.json<{ csr: string; status: string }>("GET", "/certificates/waiting/pending")).body;
    expect(await csr(kv)).toMatchObject({ status: "inProgress", csr: (await csr(source.kv)).csr });
    expect((await kv.json("GET", "/certificates/issuers/ca")).body).toMatchObject({ provider: "Test", credentials: { account_id: "acct" } });
    expect((await kv.json("GET", "/certificates/contacts")).body).toMatchObject({ contacts: [{ email: "ops@example.com" }] });
    const hooks = (await (await admin("GET", `/tenants/${source.tenantId}/vaults/${target}/eventSubscriptions`)).json()) as { value: { id: string }[] };
    expect(hooks.value.map((h) => h.id)).toStrictEqual(["hook"]);
    const roles = (await (await admin("GET", `/tenants/${source.tenantId}/vaults/${target}/roleAssignments`)).json()) as { value: { principalId: string }[] };
    expect(roles.value.map((r) => r.principalId)).toStrictEqual([source.principal.id]);
  });

  it("refuses a target name already in use, and the name of a vault that is not there is free again after a refusal", async () => {
    const source = await populatedVault("snapdup");
    const snapshot = await takeSnapshot(source.tenantId, source.name);
    expectError(await jsonOf(await restoreSnapshot(source.tenantId, source.name, snapshot.name, { targetVault: source.name })), 409, "VaultAlreadyExists");
    const free = uniqueVaultName("snapnone");
    const missing = await restoreSnapshot(source.tenantId, source.name, crypto.randomUUID(), { targetVault: free });
    expectError(await jsonOf(missing), 404, "NotFound");
    expect((await admin("PUT", `/tenants/${source.tenantId}/vaults/${free}`, {})).status).toBe(201);
  });
});

async function jsonOf(response: Response) {
  const text = await response.text();
  return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as never, headers: response.headers };
}

describe("a purged vault's snapshots", () => {
  it("are still listed, and restore into a vault of the same name", async () => {
    const source = await populatedVault("snappurge");
    const snapshot = await takeSnapshot(source.tenantId, source.name);
    expect((await admin("DELETE", `/tenants/${source.tenantId}/vaults/${source.name}`)).status).toBe(204);
    expect((await admin("POST", `/tenants/${source.tenantId}/deletedVaults/${source.name}/purge`)).status).toBeLessThan(300);
    expect((await listSnapshotsOf(source.tenantId, source.name)).map((s) => s.name)).toStrictEqual([snapshot.name]);
    const restored = await restoreSnapshot(source.tenantId, source.name, snapshot.name, { targetVault: source.name });
    expect(restored.status, await restored.clone().text()).toBe(201);
    expect(await secretValue(vaultClient(source.name, source.token), "/secrets/app")).toMatchObject({ status: 200, value: SECRET_A2 });
  });
});

describe("a snapshot restored in place", () => {
  it("needs the vault's name as confirmation: without it 400 naming what to send, and nothing changes", async () => {
    const source = await populatedVault("snapconf");
    const snapshot = await takeSnapshot(source.tenantId, source.name);
    await setSecret(source.kv, "later", { value: "made-later" });
    for (const body of [{}, { confirm: "another-vault" }, { confirm: true }]) {
      const refused = await jsonOf(await restoreSnapshot(source.tenantId, source.name, snapshot.name, body));
      expect(expectError(refused, 400, "BadParameter").message).toContain(`"confirm": "${source.name}"`);
    }
    expect(await secretValue(source.kv, "/secrets/later")).toMatchObject({ status: 200, value: "made-later" });
  });

  it("with confirmation brings back the snapshot's state: later objects go, deleted ones return, values read back", async () => {
    const source = await populatedVault("snapinpl");
    const snapshot = await takeSnapshot(source.tenantId, source.name);
    await setSecret(source.kv, "later", { value: "made-later" });
    await setSecret(source.kv, "app", { value: "third" });
    expect((await source.kv.json("POST", "/deletedsecrets/gone/recover")).status).toBe(200);

    const restored = await restoreSnapshot(source.tenantId, source.name, snapshot.name, { confirm: source.name });
    expect(restored.status, await restored.clone().text()).toBe(200);
    expect(await restored.json()).toMatchObject({ restoredInto: source.name, snapshot: { name: snapshot.name } });
    expect((await secretValue(source.kv, "/secrets/later")).status).toBe(404);
    expect(await secretValue(source.kv, "/secrets/app")).toMatchObject({ status: 200, value: SECRET_A2 });
    expect((await source.kv.json<{ value: unknown[] }>("GET", "/secrets/app/versions")).body.value).toHaveLength(2);
    expect((await source.kv.json("GET", "/deletedsecrets/gone")).status).toBe(200);
  });
});

describe("scheduled snapshots", () => {
  it("run from the vault's alarm once the interval has passed, and keep only the newest `retain` scheduled ones", async () => {
    const { tenantId, name } = await populatedVault("snapsched");
    const manual = await takeSnapshot(tenantId, name);
    const start = Date.now();
    await setVaultClock(name, start);
    const put = await admin("PUT", `/tenants/${tenantId}/vaults/${name}/snapshotSchedule`, { intervalHours: 6, retain: 2 });
    expect(put.status).toBe(200);
    expect(await put.json()).toStrictEqual({ intervalHours: 6, retain: 2, nextRunAt: new Date(Math.floor(start / 1000) * 1000 + 6 * 3_600_000).toISOString() });

    // Not yet due: the alarm takes nothing.
    await runDurableObjectAlarm(vaultObject(name));
    expect(await listSnapshotsOf(tenantId, name)).toHaveLength(1);
    for (const hours of [6, 12, 18]) {
      await setVaultClock(name, start + hours * 3_600_000 + 1000);
      await runDurableObjectAlarm(vaultObject(name));
    }
    const kept = await listSnapshotsOf(tenantId, name);
    expect(kept.filter((s) => s.trigger === "scheduled")).toHaveLength(2);
    expect(kept.map((s) => s.name)).toContain(manual.name);
    const schedule = (await (await admin("GET", `/tenants/${tenantId}/vaults/${name}/snapshotSchedule`)).json()) as { nextRunAt: string };
    expect(Date.parse(schedule.nextRunAt)).toBeGreaterThan(start + 18 * 3_600_000);

    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${name}/snapshotSchedule`)).status).toBe(204);
    expect((await admin("GET", `/tenants/${tenantId}/vaults/${name}/snapshotSchedule`)).status).toBe(404);
    expectError(await jsonOf(await admin("PUT", `/tenants/${tenantId}/vaults/${name}/snapshotSchedule`, { intervalHours: 0, retain: 2 })), 400, "BadParameter");
  });

  it("lists, reads and deletes snapshots through the admin API", async () => {
    const { tenantId, name } = await populatedVault("snaplist");
    const snapshot = await takeSnapshot(tenantId, name);
    const got = await admin("GET", `${snapshotsPath(tenantId, name)}/${snapshot.name}`);
    expect([got.status, await got.json()]).toStrictEqual([200, snapshot]);
    expect((await admin("DELETE", `${snapshotsPath(tenantId, name)}/${snapshot.name}`)).status).toBe(204);
    expect((await admin("GET", `${snapshotsPath(tenantId, name)}/${snapshot.name}`)).status).toBe(404);
    expect(await listSnapshotsOf(tenantId, name)).toStrictEqual([]);
  });
});
