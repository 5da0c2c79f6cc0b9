import { describe, expect, it } from "vitest";
import { admin, createTenant, vaultClient, uniqueVaultName } from "../../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";
import { addVault, expectError, newTenantWithVault, readJson } from "../../support/secrets.ts";
import type { VaultClient } from "../../support/fixture.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Found by an outside attack run (docs/security.md): a `$skiptoken` from one vault was accepted by another vault
 * and by another tenant's vault, and hand-made cursors were accepted. Tokens are now sealed and bound to tenant, vault, collection and api-version.
 */
async function fill(kv: VaultClient, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await kv.request("PUT", `/secrets/s${String(i).padStart(2, "0")}`, { value: "v" })).status).toBe(200);
}

async function tokenOf(kv: VaultClient, path: string): Promise<string> {
  const { body } = await readJson<{ nextLink: string | null }>(await kv.request("GET", `${path}?maxresults=2`));
  expect(body.nextLink).not.toBeNull();
  return new URL(body.nextLink as string).searchParams.get("$skiptoken") as string;
}

async function expectRefused(kv: VaultClient, path: string, token: string, label: string): Promise<void> {
  const response = await readJson(await kv.request("GET", `${path}?maxresults=2&$skiptoken=${encodeURIComponent(token)}`));
  expect(response.status, label).toBe(400);
  expectError(response, 400, "BadParameter");
}

const hand = (cursor: unknown): string => btoa(JSON.stringify(cursor)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("continuation tokens are opaque and bound to where they came from", () => {
  it("a token works where it was issued, and nowhere else", async () => {
    const v1 = uniqueVaultName("pg");
    const v2 = uniqueVaultName("pg");
    const v3 = uniqueVaultName("pg");
    const { tenantId, kv: kv1 } = await newTenantWithVault(v1);
    const { kv: kv2 } = await addVault(tenantId, v2);
    const { kv: kv3 } = await newTenantWithVault(v3);
    for (const kv of [kv1, kv2, kv3]) await fill(kv, 4);
    const token = await tokenOf(kv1, "/secrets");

    // It decodes to nothing readable: no name of the vault's objects is in it.
    expect(atob(token.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(token.length / 4) * 4, "="))).not.toContain("s01");
    expect((await kv1.request("GET", `/secrets?maxresults=2&$skiptoken=${encodeURIComponent(token)}`)).status).toBe(200);

    await expectRefused(kv2, "/secrets", token, "another vault of the same tenant");
    await expectRefused(kv3, "/secrets", token, "another tenant's vault");
    await expectRefused(kv1, "/deletedsecrets", token, "another collection of the same vault");
    await expectRefused(kv1, "/keys", token, "the keys collection");
    await expectRefused(kv1, "/secrets/s00/versions", token, "a versions list");
  });

  it("a token is bound to the api-version it was issued under", async () => {
    const v = uniqueVaultName("pg");
    const { kv, token: bearer } = await newTenantWithVault(v);
    await fill(kv, 4);
    const token = await tokenOf(kv, "/secrets");
    await expectRefused(vaultClient(v, bearer, "7.4"), "/secrets", token, "api-version 7.4");
    await expectRefused(vaultClient(v, bearer, "2025-06-01"), "/secrets", token, "api-version 2025-06-01");
  });

  it.each([
    ["an empty cursor", hand({ after: "" })],
    ["an injection attempt", hand({ after: "' OR 1=1 --" })],
    ["a sequence cursor", hand({ afterSeq: 0 })],
    ["random bytes", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["not base64url", "%%%"],
    ["a huge token", "A".repeat(5000)],
  ])("a hand-made token (%s) is 400 BadParameter", async (_label, token) => {
    const v = uniqueVaultName("pg");
    const { kv } = await newTenantWithVault(v);
    await fill(kv, 1);
    for (const path of ["/secrets", "/secrets/s00/versions", "/deletedsecrets", "/keys", "/certificates", "/certificates/issuers"]) {
      await expectRefused(kv, path, token, `${path}`);
    }
  });

  it("the control-plane audit log's tokens are bound to the tenant whose log issued them", async () => {
    const a = await createTenant();
    const b = await createTenant();
    for (let i = 0; i < 3; i++) expect((await admin("GET", `/tenants/${a}/vaults`)).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await admin("GET", `/tenants/${b}/vaults`)).status).toBe(200);
    const first = (await (await admin("GET", `/tenants/${a}/auditLog?maxresults=1`)).json()) as { nextLink: string };
    const token = new URL(first.nextLink).searchParams.get("$skiptoken") as string;
    expect((await admin("GET", `/tenants/${a}/auditLog?maxresults=1&$skiptoken=${encodeURIComponent(token)}`)).status).toBe(200);
    expect((await admin("GET", `/tenants/${b}/auditLog?maxresults=1&$skiptoken=${encodeURIComponent(token)}`)).status).toBe(400);
    expect((await admin("GET", `/auditLog?maxresults=1&$skiptoken=${encodeURIComponent(token)}`)).status).toBe(400);
  });
});
