/**
 * The edge cache (docs/edge-reads.md, "Edge cache"): a vault that keeps reads at the edge lets the Worker answer a
 * secret or key version without calling the vault object while the vault's lease runs, and any change to what such a
 * read answers (disable, delete, role removal, the switch turned off) returns only after every lease granted before it
 * has run out. Nothing is ever purged, so a stale entry left in this isolate is exactly what a remote colo would hold:
 * these tests prove that it is never served after the change returned.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import {
  admin,
  createPrincipal,
  setupVault,
  tokenFor,
  uniqueVaultName,
  vaultClient,
  type VaultClient,
  type VaultSetup,
} from "../support/fixture.ts";

const HIT = "edge-vault; hit";
const MISS = "edge-vault; fwd=miss";

async function edgeVault(prefix: string, role = "Key Vault Administrator"): Promise<VaultSetup & { vault: string }> {
  const vault = uniqueVaultName(prefix);
  const setup = await setupVault(vault, role);
  const switched = await admin("PATCH", `/tenants/${setup.tenantId}/vaults/${vault}/settings`, { edgeCache: true });
  expect(switched.status).toBe(200);
  expect(((await switched.json()) as { edgeCache: boolean }).edgeCache).toBe(true);
  return { ...setup, vault };
}

async function read(kv: VaultClient, path: string) {
  const response = await kv.request("GET", path);
  return { status: response.status, cache: response.headers.get("Cache-Status"), body: await response.text(), headers: response.headers };
}

async function newVersion(kv: VaultClient, name: string, value: string): Promise<string> {
  const set = await kv.json<{ id: string }>("PUT", `/secrets/${name}`, { value });
  expect(set.status).toBe(200);
  return set.body.id.split("/").pop() ?? "";
}

describe("the edge cache", () => {
  it("is off unless the vault switches it on: every read goes to the vault object", async () => {
    const { kv } = await setupVault(uniqueVaultName("edgeoff"));
    const version = await newVersion(kv, "s", "v1");
    for (let i = 0; i < 2; i++) expect((await read(kv, `/secrets/s/${version}`)).cache).toBeNull();
  });

  it("answers a version's second read from the edge, byte for byte, and audits it", async () => {
    const { kv } = await edgeVault("edgehit");
    const version = await newVersion(kv, "s", "v1");
    const first = await read(kv, `/secrets/s/${version}`);
    const second = await read(kv, `/secrets/s/${version.toUpperCase()}`);
    expect([first.status, first.cache, second.status, second.cache]).toEqual([200, MISS, 200, HIT]);
    expect(second.body).toBe(first.body);
    expect(second.headers.get("Content-Type")).toBe(first.headers.get("Content-Type"));
    expect(second.headers.get("ETag")).toBe(first.headers.get("ETag"));

    // The latest version moves with every new version, and a conversion is made per request: neither is kept.
    for (const path of ["/secrets/s", `/secrets/s/${version}?outContentType=application/x-pem-file`]) {
      expect((await read(kv, path)).cache, path).toBeNull();
    }

    const requestId = second.headers.get("x-ms-request-id");
    const record = await eventually(async () => {
      const log = await kv.json<{ value: { requestId: string; operationName: string; httpStatusCode: number }[] }>("GET", "/auditlog");
      return log.body.value.find((r) => r.requestId === requestId);
    });
    expect([record.operationName, record.httpStatusCode]).toEqual(["SecretGet", 200]);
  });

  it("keeps a key version's bundle too; a conditional read of a kept version is 304", async () => {
    const { kv } = await edgeVault("edgekey");
    const created = await kv.json<{ key: { kid: string } }>("POST", "/keys/k/create", { kty: "EC", crv: "P-256" });
    const version = created.body.key.kid.split("/").pop() ?? "";
    const first = await read(kv, `/keys/k/${version}`);
    const second = await read(kv, `/keys/k/${version}`);
    expect([first.cache, second.cache, second.body]).toEqual([MISS, HIT, first.body]);
    const conditional = await kv.request("GET", `/keys/k/${version}`, undefined, { "If-None-Match": first.headers.get("ETag") ?? "" });
    expect([conditional.status, conditional.headers.get("Cache-Status")]).toEqual([304, HIT]);
  });

  it("never serves a version after the call that disabled it returned, however reads and the change interleave", async () => {
    const { kv } = await edgeVault("edgerace");
    const version = await newVersion(kv, "s", "v1");
    const path = `/secrets/s/${version}`;
    expect((await read(kv, path)).status).toBe(200);
    expect((await read(kv, path)).cache).toBe(HIT);

    // Reads before, during and after the change's commit: some fill the cache with the enabled version late.
    const racing = Array.from({ length: 12 }, () => read(kv, path));
    const disabled = await kv.request("PATCH", path, { attributes: { enabled: false } });
    expect(disabled.status).toBe(200);
    const after = await read(kv, path);
    expect([after.status, after.cache, JSON.parse(after.body).error.code]).toEqual([403, null, "Forbidden"]);
    expect(JSON.parse(after.body).error.innererror?.code).toBe("SecretDisabled");
    for (const r of await Promise.all(racing)) expect([200, 403]).toContain(r.status);
    // Still refused once every racing read has kept what it read.
    expect((await read(kv, path)).status).toBe(403);
  });

  it("never serves a version after the delete returned", async () => {
    const { kv } = await edgeVault("edgedel");
    const version = await newVersion(kv, "s", "v1");
    const path = `/secrets/s/${version}`;
    await read(kv, path);
    expect((await read(kv, path)).cache).toBe(HIT);
    expect((await kv.request("DELETE", "/secrets/s")).status).toBe(200);
    const after = await read(kv, path);
    expect([after.status, after.cache]).toEqual([404, null]);
  });

  it("a kept read is served only to a caller whose own permission was granted; a removed role ends it", async () => {
    const { kv, tenantId, vault } = await edgeVault("edgerole");
    const version = await newVersion(kv, "s", "v1");
    const path = `/secrets/s/${version}`;
    await read(kv, path);

    const reader = await createPrincipal(tenantId);
    const readerKv = vaultClient(vault, await tokenFor(reader.identityHeader as string));
    const refused = await read(readerKv, path);
    expect([refused.status, refused.cache]).toEqual([403, null]);

    const assignment = crypto.randomUUID();
    const put = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${assignment}`, {
      roleDefinitionName: "Key Vault Secrets User",
      principalId: reader.id,
    });
    expect(put.status).toBe(201);
    expect((await read(readerKv, path)).cache).toBe(MISS);
    expect((await read(readerKv, path)).cache).toBe(HIT);

    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${vault}/roleAssignments/${assignment}`)).status).toBe(204);
    const revoked = await read(readerKv, path);
    expect([revoked.status, revoked.cache]).toEqual([403, null]);
    // The administrator's own permission is untouched.
    expect((await read(kv, path)).status).toBe(200);
  });

  it("switched off, it stops answering from the edge once the switch returns", async () => {
    const { kv, tenantId, vault } = await edgeVault("edgeswitch");
    const version = await newVersion(kv, "s", "v1");
    await read(kv, `/secrets/s/${version}`);
    expect((await read(kv, `/secrets/s/${version}`)).cache).toBe(HIT);
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { edgeCache: false })).status).toBe(200);
    expect((await read(kv, `/secrets/s/${version}`)).cache).toBeNull();
  });

  it("keeps published key sets; a disabled version leaves them, and switching them off hides them, before the call returns", async () => {
    const { kv, tenantId, vault } = await edgeVault("edgejwks");
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { publicJwks: true })).status).toBe(200);
    const created = await kv.json<{ key: { kid: string } }>("POST", "/keys/signer/create", { kty: "EC", crv: "P-256" });
    const kid = created.body.key.kid;
    const anonymous = (path: string) => SELF.fetch(`${kv.baseUrl}${path}`);
    const kids = async (response: Response) => ((await response.json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

    for (const path of ["/keys/signer/jwks", "/.well-known/jwks.json", "/.well-known/openid-configuration"]) {
      const first = await anonymous(path);
      const second = await anonymous(path);
      expect([first.status, first.headers.get("Cache-Status"), second.status, second.headers.get("Cache-Status")], path).toEqual([200, MISS, 200, HIT]);
      expect(second.headers.get("Cache-Control"), path).toBe(first.headers.get("Cache-Control"));
    }
    expect(await kids(await anonymous("/keys/signer/jwks"))).toEqual([kid]);

    expect((await kv.request("PATCH", `/keys/signer/${kid.split("/").pop()}`, { attributes: { enabled: false } })).status).toBe(200);
    expect((await anonymous("/keys/signer/jwks")).status).toBe(404);
    expect(await kids(await anonymous("/.well-known/jwks.json"))).toEqual([]);

    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { publicJwks: false })).status).toBe(200);
    for (const path of ["/keys/signer/jwks", "/.well-known/openid-configuration"]) expect((await anonymous(path)).status, path).toBe(404);
  });

  it("refuses a non-boolean switch and changes nothing", async () => {
    const { tenantId, vault } = await edgeVault("edgebad");
    const refused = await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { edgeCache: "yes" });
    expect([refused.status, ((await refused.json()) as { error: { code: string } }).error.code]).toEqual([400, "BadParameter"]);
    const settings = await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`);
    expect(((await settings.json()) as { edgeCache: boolean }).edgeCache).toBe(true);
  });

  it("a principal of another vault's tenant cannot use what this vault kept", async () => {
    const { kv } = await edgeVault("edgetenant");
    const version = await newVersion(kv, "s", "v1");
    await read(kv, `/secrets/s/${version}`);
    const other = await edgeVault("edgeother");
    const crossed = await read(vaultClient(kv.baseUrl.slice(8).split(".")[0] ?? "", other.token), `/secrets/s/${version}`);
    expect([crossed.status, crossed.cache]).toEqual([401, null]);
  });
});

/** The hit's audit record is written by a batch shortly after the answer (edge-audit-batch.ts). */
async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 50; i++) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("not found in time");
}
