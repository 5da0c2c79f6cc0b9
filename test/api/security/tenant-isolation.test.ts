import { beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../core/contract/operations.ts";
import { admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../../support/fixture.ts";
import { expectChallenge } from "../../support/identity.ts";
import { EDGE_EXTENSION_REQUESTS, ISOLATION_REQUESTS, type IsolationRequest, type Names, type VaultOpKind } from "../../support/isolation-requests.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Tenant isolation, operation by operation (docs/security.md, Isolation). Azure's promise: a vault answers only
 * principals of its own Entra tenant; anyone else gets the 401 challenge, which names the vault's tenant and nothing
 * more. So: every data-plane operation kind (from the operation descriptors) and every edge extension, sent to tenant
 * A's vault with a valid token of tenant B — its vault administrator's and its tenant admin's — once naming objects that
 * exist and once naming objects that do not, is 401 with the same body and challenge both times, and vault A is
 * unchanged. Routes served without any token (published key sets) answer the foreign token exactly as no token.
 * Backups are bound to their tenant: tenant A's blobs restore in another vault of A, never in tenant B.
 */
const ANONYMOUS: ReadonlySet<VaultOpKind> = new Set(["keySet.key", "keySet.vault", "keySet.discovery"]);
const EC = { kty: "EC", crv: "P-256" };
const POLICY = { policy: { key_props: { kty: "EC", crv: "P-256", exportable: true }, x509_props: { subject: "CN=iso" }, issuer: { name: "Self" } } };

let tenantA: string;
let vaultA: string;
let owner: VaultClient;
let foreignTokens: readonly (readonly [string, string])[];
let existing: Names;
let missing: Names;
let vaultB: string;
let ownerB: VaultClient;

async function ok(kv: VaultClient, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await kv.json(method, path, body);
  if (r.status >= 300) throw new Error(`setup ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function deleted(kv: VaultClient, collection: string, name: string, make: () => Promise<unknown>): Promise<string> {
  await make();
  await ok(kv, "DELETE", `/${collection}/${name}`);
  return name;
}

beforeAll(async () => {
  tenantA = await createTenant("A");
  vaultA = uniqueVaultName("isoa");
  await createVault(tenantA, vaultA);
  expect((await admin("PATCH", `/tenants/${tenantA}/vaults/${vaultA}/settings`, { publicJwks: true })).status).toBe(200);
  const ownerA = await createPrincipal(tenantA);
  await assignRole(tenantA, vaultA, ownerA.id, "Key Vault Administrator");
  owner = vaultClient(vaultA, await tokenFor(ownerA.identityHeader as string));

  await ok(owner, "PUT", "/secrets/s-live", { value: "tenant A's secret" });
  await ok(owner, "POST", "/keys/k-live/create", EC);
  await ok(owner, "POST", "/certificates/c-live/create", POLICY);
  await ok(owner, "PUT", "/certificates/issuers/i-live", { provider: "Test" });
  await ok(owner, "PUT", "/certificates/contacts", { contacts: [{ email: "a@example.com" }] });
  const blobs = {
    secret: (await ok(owner, "POST", "/secrets/s-live/backup")).value as string,
    key: (await ok(owner, "POST", "/keys/k-live/backup")).value as string,
    certificate: (await ok(owner, "POST", "/certificates/c-live/backup")).value as string,
  };
  existing = {
    secret: "s-live", key: "k-live", certificate: "c-live", issuer: "i-live", blobs,
    deletedSecret: await deleted(owner, "secrets", "s-gone", () => ok(owner, "PUT", "/secrets/s-gone", { value: "x" })),
    deletedKey: await deleted(owner, "keys", "k-gone", () => ok(owner, "POST", "/keys/k-gone/create", EC)),
    deletedCertificate: await deleted(owner, "certificates", "c-gone", () => ok(owner, "POST", "/certificates/c-gone/create", POLICY)),
  };
  missing = { secret: "s-none", key: "k-none", certificate: "c-none", issuer: "i-none", deletedSecret: "s-never", deletedKey: "k-never", deletedCertificate: "c-never", blobs };

  const tenantB = await createTenant("B");
  vaultB = uniqueVaultName("isob");
  await createVault(tenantB, vaultB);
  const vaultAdminB = await createPrincipal(tenantB);
  await assignRole(tenantB, vaultB, vaultAdminB.id, "Key Vault Administrator");
  const tenantAdminB = await createPrincipal(tenantB, "managedIdentity", { tenantAdmin: true });
  const tokenB = await tokenFor(vaultAdminB.identityHeader as string);
  ownerB = vaultClient(vaultB, tokenB);
  foreignTokens = [["tenant B's vault administrator", tokenB], ["tenant B's tenant admin", await tokenFor(tenantAdminB.identityHeader as string)]];
});

/** Everything tenant A's vault holds that a request could change, as its own administrator reads it. */
async function stateOfA(): Promise<string> {
  const paths = [
    "/secrets", "/secrets/s-live", "/secrets/s-live/versions", "/deletedsecrets", "/keys", "/keys/k-live", "/keys/k-live/versions",
    "/keys/k-live/rotationpolicy", "/deletedkeys", "/certificates", "/certificates/c-live", "/certificates/c-live/policy",
    "/deletedcertificates", "/certificates/issuers", "/certificates/issuers/i-live", "/certificates/contacts",
    "/secrets/s-none", "/keys/k-none", "/certificates/c-none",
  ];
  const reads = await Promise.all(paths.map(async (path) => [path, await owner.json("GET", path)] as const));
  return JSON.stringify(reads.map(([path, r]) => [path, r.status, r.body]));
}

async function send(request: IsolationRequest, token: string | null): Promise<{ status: number; body: string; challenge: string | null; response: Response }> {
  const response = await vaultClient(vaultA, token).request(request.method, request.path, request.body);
  return { status: response.status, body: await response.clone().text(), challenge: response.headers.get("WWW-Authenticate"), response };
}

const cases = [
  ...Object.entries(ISOLATION_REQUESTS).map(([kind, make]) => [kind, make, ANONYMOUS.has(kind as VaultOpKind)] as const),
  ...Object.entries(EDGE_EXTENSION_REQUESTS).map(([name, make]) => [name, make, false] as const),
];

describe("another tenant's principal against tenant A's vault, every operation", () => {
  it("the requests cover exactly the vault operation kinds the descriptors declare", () => {
    const declared = Object.keys(OPERATIONS).filter((kind) => !kind.startsWith("hsm.")).sort();
    expect(Object.keys(ISOLATION_REQUESTS).sort()).toEqual(declared);
  });

  let before: string;
  it("reads vault A's state before the matrix", async () => {
    before = await stateOfA();
  });

  it.each(cases)("%s: the same refusal for an existing and a missing name", async (_kind, make, anonymous) => {
    for (const [who, token] of foreignTokens) {
      const onExisting = await send(make(existing), token);
      const onMissing = await send(make(missing), token);
      if (anonymous) {
        // Published on purpose (the vault's publicJwks setting): the foreign token must gain nothing over none.
        for (const [names, answer] of [[existing, onExisting], [missing, onMissing]] as const) {
          const asNobody = await send(make(names), null);
          expect({ status: answer.status, body: answer.body }, who).toStrictEqual({ status: asNobody.status, body: asNobody.body });
        }
        continue;
      }
      expect({ status: onMissing.status, body: onMissing.body, challenge: onMissing.challenge }, who).toStrictEqual({
        status: onExisting.status, body: onExisting.body, challenge: onExisting.challenge,
      });
      await expectChallenge(onExisting.response, tenantA);
    }
  });

  it("vault A is unchanged after every operation of the matrix", async () => {
    expect(await stateOfA()).toBe(before);
  });
});

describe("backups are bound to their tenant", () => {
  const collections = ["secrets", "keys", "certificates"] as const;
  const blobOf = (c: (typeof collections)[number]) => existing.blobs[c === "secrets" ? "secret" : c === "keys" ? "key" : "certificate"];

  it("tenant A's blobs, and each blob as another kind, are refused in tenant B's vault by its own administrator, alike", async () => {
    const before = JSON.stringify(await Promise.all(collections.map(async (c) => (await ownerB.json("GET", `/${c}`)).body)));
    const answers = new Set<string>();
    for (const into of collections) {
      for (const from of collections) {
        const r = await ownerB.json("POST", `/${into}/restore`, { value: blobOf(from) });
        expect(r.status, `${from} blob into ${into}`).toBe(400);
        answers.add(JSON.stringify(r.body));
      }
    }
    expect([...answers]).toHaveLength(1);
    expect(JSON.stringify(await Promise.all(collections.map(async (c) => (await ownerB.json("GET", `/${c}`)).body)))).toBe(before);
  });

  it("the same blobs restore into another vault of tenant A (positive control)", async () => {
    const second = uniqueVaultName("isoa2");
    await createVault(tenantA, second);
    const p = await createPrincipal(tenantA);
    await assignRole(tenantA, second, p.id, "Key Vault Administrator");
    const kv = vaultClient(second, await tokenFor(p.identityHeader as string));
    for (const c of collections) expect((await kv.json("POST", `/${c}/restore`, { value: blobOf(c) })).status, c).toBe(200);
  });
});
