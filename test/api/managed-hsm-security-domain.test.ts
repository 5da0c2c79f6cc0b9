/**
 * A managed HSM's security domain over raw HTTP (securitydomain.json; docs/managed-hsm.md "Security domain"): a new
 * HSM serves nothing but its security domain until a download activates it; the download is Azure's format (the
 * holders' client, restore-blob.ts, recovers it with 2 of 3 keys); a second new HSM takes it by upload through its
 * transfer key, and is activated with the same domain. Bad input and forgeries are 400s that change nothing.
 */
import { describe, expect, it } from "vitest";
import { createRestoreBlob } from "../../core/crypto/security-domain/restore-blob.ts";
import { exchangeCertificateFrom } from "../../core/crypto/security-domain/transfer-key.ts";
import { createPrincipal, createTenant, tokenFor, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { setVaultClock, vaultObject } from "../support/secrets.ts";
import { securityDomainHolders } from "../support/security-domain.ts";

const HSM_RESOURCE = "https://managedhsm.localhost:8443";
const ADMINISTRATOR = "a290e904-7015-4bba-90c8-60543313cdb4";
const CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b";

async function newHsm(prefix: string, tenantId?: string): Promise<{ name: string; tenantId: string; admin: VaultClient; user: VaultClient }> {
  const tenant = tenantId ?? (await createTenant());
  const name = uniqueVaultName(prefix);
  expect((await vaultObject(name).create({ name, tenantId: tenant, retentionDays: 90, purgeProtection: false, sku: "managedHSM" })).ok).toBe(true);
  const [admin, user] = [await createPrincipal(tenant), await createPrincipal(tenant)];
  await vaultObject(name).putRoleAssignment({ id: crypto.randomUUID(), principalId: admin.id, roleDefinitionId: ADMINISTRATOR, scope: "/", created: 1 });
  await vaultObject(name).putRoleAssignment({ id: crypto.randomUUID(), principalId: user.id, roleDefinitionId: CRYPTO_USER, scope: "/", created: 1 });
  const client = async (p: typeof admin) => vaultClient(name, await tokenFor(p.identityHeader as string, HSM_RESOURCE), "7.5", "managedhsm");
  return { name, tenantId: tenant, admin: await client(admin), user: await client(user) };
}

const certificates = async () => (await securityDomainHolders()).map((h) => h.jwk);

describe("a new managed HSM", () => {
  it("serves only its security domain until a download activates it, as a long-running operation", async () => {
    const hsm = await newHsm("sdnew");
    const start = Date.UTC(2026, 11, 7);
    await setVaultClock(hsm.name, start);
    const before = await hsm.user.json<{ error: { code: string; message: string } }>("GET", "/keys");
    expect([before.status, before.body.error.code]).toEqual([409, "Conflict"]);
    expect(before.body.error.message).toContain("not activated");
    expect((await hsm.admin.json("GET", "/settings")).status).toBe(409);
    // Only the Administrator's role downloads it.
    expect((await hsm.user.json("POST", "/securitydomain/download", { certificates: await certificates(), required: 2 })).status).toBe(403);

    const download = await hsm.admin.request("POST", "/securitydomain/download", { certificates: await certificates(), required: 2 });
    expect(download.status).toBe(202);
    expect(download.headers.get("azure-asyncoperation")).toBe(`https://${hsm.name}.managedhsm.localhost:8443/securitydomain/download/pending?api-version=7.5`);
    expect(download.headers.get("retry-after")).toMatch(/^\d+$/);
    const domain = JSON.parse(((await download.json()) as { value: string }).value) as { SharedKeys: { required: number; enc_shares: unknown[] }; version: number };
    expect([domain.version, domain.SharedKeys.required, domain.SharedKeys.enc_shares.length]).toEqual([2, 2, 3]);

    expect((await hsm.admin.json("GET", "/securitydomain/download/pending")).body).toStrictEqual({ status: "InProgress", status_details: null });
    expect((await hsm.user.json("GET", "/keys")).status).toBe(409);
    await setVaultClock(hsm.name, start + 1000);
    expect((await hsm.admin.json<{ status: string }>("GET", "/securitydomain/download/pending")).body.status).toBe("Success");
    expect((await hsm.user.json("GET", "/keys")).status).toBe(200);
  });

  it("refuses bad downloads with 400 and stays inactive", async () => {
    const hsm = await newHsm("sdbad");
    const jwks = await certificates();
    const noX5c = { ...jwks[0], x5c: undefined };
    for (const body of [
      { certificates: jwks.slice(0, 2), required: 2 },
      { certificates: jwks, required: 4 },
      { certificates: jwks, required: 1 },
      { certificates: [noX5c, jwks[1], jwks[2]], required: 2 },
      { certificates: [jwks[0], jwks[0], jwks[1]], required: 2 },
      { certificates: "all of them" },
    ]) {
      const refused = await hsm.admin.json<{ error: { code: string } }>("POST", "/securitydomain/download", body);
      expect([refused.status, refused.body.error.code]).toEqual([400, "BadParameter"]);
    }
    expect((await hsm.admin.json("GET", "/securitydomain/download/pending")).status).toBe(400);
    expect((await hsm.user.json("GET", "/keys")).status).toBe(409);
  });
});

describe("disaster recovery: the domain uploaded into a new HSM", () => {
  it("takes a restore blob encrypted to its transfer key, made with 2 of the 3 holders' keys, and is activated", async () => {
    const first = await newHsm("sdfirst");
    await vaultObject(first.name).updateOperationalSettings({ longRunningOperations: "immediate" });
    const value = ((await first.admin.json<{ value: string }>("POST", "/securitydomain/download", { certificates: await certificates(), required: 2 })).body).value;

    const second = await newHsm("sdsecond", first.tenantId);
    await vaultObject(second.name).updateOperationalSettings({ longRunningOperations: "immediate" });
    const transfer = await second.admin.json<{ key_format: string; transfer_key: string }>("GET", "/securitydomain/upload");
    expect(transfer.status).toBe(200);
    expect(transfer.body.key_format).toBe("jwk");
    expect(typeof transfer.body.transfer_key).toBe("string");
    // The same transfer key until an upload uses it.
    expect((await second.admin.json("GET", "/securitydomain/upload")).body).toStrictEqual(transfer.body);

    const holders = await securityDomainHolders();
    const blob = await createRestoreBlob({
      securityDomain: value,
      wrappingKeys: [holders[2], holders[0]].map((h) => ({ certificate: h!.certificate, privateKey: h!.privateJwk })),
      exchangeCertificate: exchangeCertificateFrom(transfer.body),
    });

    // A forgery first: one changed character is the one generic 400, and the HSM stays new.
    const forged = blob.replace(/"enc_key":"(.)/, (_m, c: string) => `"enc_key":"${c === "e" ? "f" : "e"}`);
    const refused = await second.admin.json<{ error: { code: string; message: string } }>("POST", "/securitydomain/upload", { value: forged });
    expect([refused.status, refused.body.error.code, refused.body.error.message]).toEqual([400, "BadParameter", "The security domain could not be restored."]);
    expect((await second.user.json("GET", "/keys")).status).toBe(409);

    const uploaded = await second.admin.request("POST", "/securitydomain/upload", { value: blob });
    expect(uploaded.status).toBe(202);
    expect(uploaded.headers.get("azure-asyncoperation")).toContain("/securitydomain/upload/pending");
    expect((await second.admin.json<{ status: string }>("GET", "/securitydomain/upload/pending")).body.status).toBe("Success");
    expect((await second.user.json("GET", "/keys")).status).toBe(200);
    // An active HSM takes no other domain, and has no transfer key to give.
    expect((await second.admin.json("POST", "/securitydomain/upload", { value: blob })).status).toBe(409);
    expect((await second.admin.json("GET", "/securitydomain/upload")).status).toBe(409);
  });
});
