/**
 * A vault's firewall (issue 17; Azure's networkAcls): with `defaultAction: "Deny"` only callers whose address is in an
 * IP rule reach the vault, every other is Azure's 403 ForbiddenByFirewall naming its address; bad rules are a 400 that
 * changes nothing; a firewall also keeps answers off the edge cache, which could not apply it.
 */
import { describe, expect, it } from "vitest";
import { admin, createPrincipal, createTenant, createVault, assignRole, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { fromAddress } from "../support/caller-address.ts";

async function setup(prefix: string): Promise<{ tenantId: string; vault: string; kv: VaultClient }> {
  const tenantId = await createTenant();
  const vault = uniqueVaultName(prefix);
  await createVault(tenantId, vault);
  const principal = await createPrincipal(tenantId);
  await assignRole(tenantId, vault, principal.id, "Key Vault Secrets Officer");
  return { tenantId, vault, kv: vaultClient(vault, await tokenFor(principal.identityHeader as string)) };
}

const settings = (tenantId: string, vault: string, body: unknown) => admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, body);

async function from(kv: VaultClient, address: string | null, path = "/secrets/s"): Promise<Response> {
  return kv.request("GET", path, undefined, address === null ? {} : fromAddress(address));
}

describe("the vault firewall", () => {
  it("admits the rules' addresses, IPv4 and IPv6, and refuses every other with ForbiddenByFirewall", async () => {
    const { tenantId, vault, kv } = await setup("fwall");
    expect((await kv.json("PUT", "/secrets/s", { value: "v" })).status).toBe(200);
    const set = await settings(tenantId, vault, { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "203.0.113.77/24" }, { value: "2001:DB8::/32" }] } });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { networkAcls: unknown }).networkAcls).toStrictEqual({ defaultAction: "Deny", ipRules: ["203.0.113.0/24", "2001:db8:0:0:0:0:0:0/32"] });

    for (const address of ["203.0.113.9", "2001:db8::1"]) expect((await from(kv, address)).status).toBe(200);
    for (const address of ["198.51.100.7", "2001:db9::1", null]) {
      const denied = await from(kv, address);
      const body = (await denied.json()) as { error: { code: string; message: string; innererror: { code: string } } };
      expect([denied.status, body.error.code, body.error.innererror.code]).toEqual([403, "Forbidden", "ForbiddenByFirewall"]);
      expect(body.error.message).toContain(`Client address: ${address ?? "unknown"}`);
    }
    // Decided before the body is read: a denied caller's malformed body is never parsed (no 400).
    const early = await kv.request("PUT", "/secrets/s", "{not json", fromAddress("198.51.100.7", { "Content-Type": "application/json" }));
    expect([early.status, ((await early.json()) as { error: { innererror: { code: string } } }).error.innererror.code]).toEqual([403, "ForbiddenByFirewall"]);
    expect((await settings(tenantId, vault, { networkAcls: null })).status).toBe(200);
    expect((await from(kv, "198.51.100.7")).status).toBe(200);
  });

  it("refuses rules it cannot apply with 400, and keeps the ones it had", async () => {
    const { tenantId, vault, kv } = await setup("fwbad");
    expect((await settings(tenantId, vault, { networkAcls: { defaultAction: "Deny", ipRules: ["203.0.113.0/24"] } })).status).toBe(200);
    for (const networkAcls of [
      { defaultAction: "Deny", ipRules: ["300.1.1.1"] },
      { defaultAction: "Deny", ipRules: ["10.0.0.0/33"] },
      { defaultAction: "Deny", ipRules: ["1::2::3"] },
      { defaultAction: "Deny", bypass: "AzureServices" },
      { defaultAction: "Deny", virtualNetworkRules: [{ id: "vnet" }] },
      { defaultAction: "Maybe" },
      "deny",
    ]) {
      expect((await settings(tenantId, vault, { networkAcls })).status).toBe(400);
    }
    expect((await from(kv, "198.51.100.7")).status).toBe(403);
  });

  it("keeps answers off the edge cache while it narrows who may read", async () => {
    const { tenantId, vault, kv } = await setup("fwedge");
    const version = ((await kv.json<{ id: string }>("PUT", "/secrets/s", { value: "v" })).body.id.split("/").pop()) as string;
    expect((await settings(tenantId, vault, { edgeCache: true, networkAcls: { defaultAction: "Deny", ipRules: ["203.0.113.0/24"] } })).status).toBe(200);
    for (let i = 0; i < 2; i++) {
      const read = await from(kv, "203.0.113.9", `/secrets/s/${version}`);
      expect(read.status).toBe(200);
      expect(read.headers.get("cache-status") ?? "").not.toContain("hit");
    }
    expect((await from(kv, "198.51.100.7", `/secrets/s/${version}`)).status).toBe(403);
  });
});
