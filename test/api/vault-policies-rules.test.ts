/**
 * Vault policies' rules (issue 17; docs/vault-policies.md): each of Azure Policy's built-in Key Vault definitions with
 * Deny (the write is refused with 403 ForbiddenByPolicy, nothing is written, one audit record) and Audit (the write
 * happens and the compliance report lists the object); the report also judges objects made before the assignment.
 */
import { describe, expect, it } from "vitest";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";
import {
  SECRET_EXPIRY,
  SECRET_MAX_VALIDITY,
  SECRET_DAYS_BEFORE_EXPIRY,
  KEY_EXPIRY,
  KEY_TYPES,
  RSA_MIN,
  EC_CURVES,
  KEY_ROTATION,
  CERT_VALIDITY,
  CERT_ISSUERS,
  FIREWALL,
  SLOW,
  DAY,
  now,
  body,
  assignVault,
  states,
  expectDenied,
  versions,
  auditRecords,
  type ErrorBody,
} from "../support/policies.ts";

describe("secret rules", () => {
  it("expiration date: Deny refuses a secret without exp (nothing written, one audit record); Audit writes it and reports it", SLOW, async () => {
    const vault = uniqueVaultName("polsec");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "secrets-expire", SECRET_EXPIRY, "Deny");
    await expectDenied(await kv.json("PUT", "/secrets/forever", { value: "v" }), "secrets-expire");
    expect((await kv.json("GET", "/secrets/forever")).status).toBe(404);
    const records = (await auditRecords(kv, "SecretSet")).filter((r) => r.object?.name === "forever");
    expect(records.map((r) => [r.httpStatusCode, r.resultCode])).toEqual([[403, "Forbidden"]]);
    expect(records[0]?.resultDescription).toContain("'secrets-expire' (98728c90-32c7-4049-8429-847dc0f4fe37)");
    expect((await kv.json("PUT", "/secrets/bounded", { value: "v", attributes: { exp: now() + 30 * DAY } })).status).toBe(200);

    await assignVault(tenantId, vault, "secrets-expire", SECRET_EXPIRY, "Audit");
    const written = await kv.json<{ id: string }>("PUT", "/secrets/forever", { value: "v" });
    expect(written.status).toBe(200);
    const rows = await states(tenantId, vault);
    expect(rows.map((r) => [r.objectKind, r.objectName, r.objectVersion, r.policyAssignmentName, r.policyDefinitionAction, r.complianceState])).toEqual([
      ["secret", "forever", written.body.id.split("/").pop(), "secrets-expire", "audit", "NonCompliant"],
    ]);
    expect(rows[0]?.resourceType).toBe("Microsoft.KeyVault.Data/vaults/secrets");
    expect(rows[0]?.policyDefinitionId).toBe(SECRET_EXPIRY);
  });

  it("an update that would remove the expiry is refused and the stored exp stays", SLOW, async () => {
    const vault = uniqueVaultName("polsecupd");
    const { tenantId, kv } = await setupVault(vault);
    const exp = now() + 10 * DAY;
    expect((await kv.json("PUT", "/secrets/s", { value: "v", attributes: { exp } })).status).toBe(200);
    await assignVault(tenantId, vault, "expire", SECRET_EXPIRY, "Deny");
    await expectDenied(await kv.json("PATCH", "/secrets/s/", { attributes: { exp: null } }), "expire");
    expect((await kv.json<{ attributes: { exp?: number } }>("GET", "/secrets/s")).body.attributes.exp).toBe(exp);
    expect((await kv.json("PATCH", "/secrets/s/", { contentType: "text/plain" })).status).toBe(200);
  });

  it("maximum validity and days before expiration, Deny and Audit", SLOW, async () => {
    const vault = uniqueVaultName("polsecval");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "max-90", SECRET_MAX_VALIDITY, "Deny", { maximumValidityInDays: 90 });
    await expectDenied(await kv.json("PUT", "/secrets/long", { value: "v", attributes: { exp: now() + 91 * DAY } }), "max-90");
    await expectDenied(await kv.json("PUT", "/secrets/long", { value: "v" }), "max-90");
    expect(await versions(kv, "secrets", "long")).toBe(0);
    expect((await kv.json("PUT", "/secrets/ok", { value: "v", attributes: { exp: now() + 89 * DAY } })).status).toBe(200);

    await assignVault(tenantId, vault, "min-30-left", SECRET_DAYS_BEFORE_EXPIRY, "Deny", { minimumDaysBeforeExpiration: 30 });
    await expectDenied(await kv.json("PUT", "/secrets/soon", { value: "v", attributes: { exp: now() + 29 * DAY } }), "min-30-left");
    expect(await versions(kv, "secrets", "soon")).toBe(0);

    await assignVault(tenantId, vault, "min-30-left", SECRET_DAYS_BEFORE_EXPIRY, "Audit", { minimumDaysBeforeExpiration: 30 });
    await assignVault(tenantId, vault, "max-90", SECRET_MAX_VALIDITY, "Audit", { maximumValidityInDays: 90 });
    expect((await kv.json("PUT", "/secrets/soon", { value: "v", attributes: { exp: now() + 29 * DAY } })).status).toBe(200);
    expect((await kv.json("PUT", "/secrets/long", { value: "v", attributes: { exp: now() + 120 * DAY } })).status).toBe(200);
    const rows = (await states(tenantId, vault)).map((r) => [r.objectName, r.policyAssignmentName]);
    expect(rows).toEqual(expect.arrayContaining([["soon", "min-30-left"], ["long", "max-90"]]));
    expect(rows).toHaveLength(2);
  });

  it("judges objects made before the assignment too (the report is computed when asked)", SLOW, async () => {
    const vault = uniqueVaultName("polold");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("PUT", "/secrets/before", { value: "v" })).status).toBe(200);
    expect(await states(tenantId, vault)).toEqual([]);
    await assignVault(tenantId, vault, "expire", SECRET_EXPIRY, "Deny");
    expect((await states(tenantId, vault)).map((r) => [r.objectName, r.policyDefinitionAction])).toEqual([["before", "deny"]]);
    // Deleted objects are not reported.
    expect((await kv.json("DELETE", "/secrets/before")).status).toBe(200);
    expect(await states(tenantId, vault)).toEqual([]);
  });
});

describe("key rules", () => {
  it("expiration date: Deny on create, update and rotate; Audit reports", SLOW, async () => {
    const vault = uniqueVaultName("polkey");
    const { tenantId, kv } = await setupVault(vault);
    expect((await kv.json("POST", "/keys/old/create", { kty: "EC", crv: "P-256", attributes: { exp: now() + 60 * DAY } })).status).toBe(200);
    await assignVault(tenantId, vault, "keys-expire", KEY_EXPIRY, "Deny");
    await expectDenied(await kv.json("POST", "/keys/k/create", { kty: "EC", crv: "P-256" }), "keys-expire");
    expect(await versions(kv, "keys", "k")).toBe(0);
    await expectDenied(await kv.json("PATCH", "/keys/old/", { attributes: { exp: null } }), "keys-expire");
    // A rotation without a policy expiryTime makes a version without exp.
    await expectDenied(await kv.json("POST", "/keys/old/rotate"), "keys-expire");
    expect(await versions(kv, "keys", "old")).toBe(1);

    await assignVault(tenantId, vault, "keys-expire", KEY_EXPIRY, "Audit");
    expect((await kv.json("POST", "/keys/k/create", { kty: "EC", crv: "P-256" })).status).toBe(200);
    expect((await states(tenantId, vault)).map((r) => [r.objectKind, r.objectName, r.policyDefinitionAction])).toEqual([["key", "k", "audit"]]);
  });

  it("allowed types, RSA minimum size and curves: Deny refuses, Audit reports", SLOW, async () => {
    const vault = uniqueVaultName("polkty");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "ec-only", KEY_TYPES, "Deny", { allowedKeyTypes: ["EC", "EC-HSM"] });
    await assignVault(tenantId, vault, "p256-only", EC_CURVES, "Deny", { allowedECNames: ["P-256"] });
    await expectDenied(await kv.json("POST", "/keys/rsa/create", { kty: "RSA", key_size: 2048 }), "ec-only");
    await expectDenied(await kv.json("POST", "/keys/p384/create", { kty: "EC", crv: "P-384" }), "p256-only");
    expect(await versions(kv, "keys", "rsa")).toBe(0);
    expect(await versions(kv, "keys", "p384")).toBe(0);
    expect((await kv.json("POST", "/keys/p256/create", { kty: "EC", crv: "P-256" })).status).toBe(200);

    await assignVault(tenantId, vault, "ec-only", KEY_TYPES, "Disabled", { allowedKeyTypes: ["EC"] });
    await assignVault(tenantId, vault, "rsa-3072", RSA_MIN, "Deny", { minimumRSAKeySize: 3072 });
    await expectDenied(await kv.json("POST", "/keys/rsa/create", { kty: "RSA", key_size: 2048 }), "rsa-3072");
    expect(await versions(kv, "keys", "rsa")).toBe(0);

    await assignVault(tenantId, vault, "rsa-3072", RSA_MIN, "Audit", { minimumRSAKeySize: 3072 });
    await assignVault(tenantId, vault, "p256-only", EC_CURVES, "Audit", { allowedECNames: ["P-256"] });
    expect((await kv.json("POST", "/keys/rsa/create", { kty: "RSA", key_size: 2048 })).status).toBe(200);
    expect((await kv.json("POST", "/keys/p384/create", { kty: "EC", crv: "P-384" })).status).toBe(200);
    let rows = (await states(tenantId, vault)).map((r) => [r.objectName, r.policyAssignmentName]);
    // "ec-only" is Disabled: it reports nothing.
    expect(rows.sort()).toEqual([["p384", "p256-only"], ["rsa", "rsa-3072"]]);
    await assignVault(tenantId, vault, "ec-only", KEY_TYPES, "Audit", { allowedKeyTypes: ["EC"] });
    rows = (await states(tenantId, vault)).map((r) => [r.objectName, r.policyAssignmentName]);
    expect(rows.sort()).toEqual([["p384", "p256-only"], ["rsa", "ec-only"], ["rsa", "rsa-3072"]]);
  });

  it("rotation within N days is Audit-only, as in Azure: Deny is a 400; Audit reports keys without a timely rotation", SLOW, async () => {
    const vault = uniqueVaultName("polrot");
    const { tenantId, kv } = await setupVault(vault);
    const denied = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/policyAssignments/rotate`, body(KEY_ROTATION, "Deny", { maximumDaysToRotate: 90 }));
    expect([denied.status, ((await denied.json()) as ErrorBody).error.code]).toEqual([400, "BadParameter"]);
    expect((await kv.json("POST", "/keys/norot/create", { kty: "EC", crv: "P-256" })).status).toBe(200);
    expect((await kv.json("POST", "/keys/late/create", { kty: "EC", crv: "P-256" })).status).toBe(200);
    expect((await kv.json("POST", "/keys/timely/create", { kty: "EC", crv: "P-256" })).status).toBe(200);
    const policy = (days: number) => ({ lifetimeActions: [{ trigger: { timeAfterCreate: `P${days}D` }, action: { type: "Rotate" } }], attributes: { expiryTime: "P2Y" } });
    expect((await kv.json("PUT", "/keys/late/rotationpolicy", policy(180))).status).toBe(200);
    expect((await kv.json("PUT", "/keys/timely/rotationpolicy", policy(60))).status).toBe(200);
    await assignVault(tenantId, vault, "rotate", KEY_ROTATION, "Audit", { maximumDaysToRotate: 90 });
    const rows = await states(tenantId, vault);
    expect(rows.map((r) => r.objectName).sort()).toEqual(["late", "norot"]);
    expect(rows.find((r) => r.objectName === "norot")?.complianceReason).toContain("no scheduled rotation");
  });
});

describe("imports", () => {
  it("a key import is judged like a create: a P-384 JWK is refused where only P-256 is allowed", SLOW, async () => {
    const vault = uniqueVaultName("polimpk");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "p256-only", EC_CURVES, "Deny", { allowedECNames: ["P-256"] });
    const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign", "verify"])) as CryptoKeyPair;
    const jwk = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
    const key = { kty: "EC", crv: "P-384", x: jwk.x, y: jwk.y, d: jwk.d };
    await expectDenied(await kv.json("PUT", "/keys/imported", { key }), "p256-only");
    expect(await versions(kv, "keys", "imported")).toBe(0);
    await assignVault(tenantId, vault, "p256-only", EC_CURVES, "Audit", { allowedECNames: ["P-256"] });
    expect((await kv.json("PUT", "/keys/imported", { key })).status).toBe(200);
    expect((await states(tenantId, vault)).map((r) => [r.objectName, r.policyAssignmentName])).toEqual([["imported", "p256-only"]]);
  });

  it("a certificate import is judged by the certificate's own validity", SLOW, async () => {
    const source = uniqueVaultName("polsrc");
    const { kv: sourceKv } = await setupVault(source);
    const long = { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=long.example", validity_months: 24 }, issuer: { name: "Self" } } };
    expect((await sourceKv.json("POST", "/certificates/long/create", long)).status).toBe(202);
    const pfx = (await sourceKv.json<{ value: string }>("GET", "/secrets/long")).body.value;

    const vault = uniqueVaultName("polimpc");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "max-12", CERT_VALIDITY, "Deny", { maximumValidityInMonths: 12 });
    // The import's own policy says 12 months; the certificate it carries is valid for 24.
    const body = { value: pfx, policy: { x509_props: { validity_months: 12 }, secret_props: { contentType: "application/x-pkcs12" } } };
    await expectDenied(await kv.json("POST", "/certificates/imported/import", body), "max-12");
    expect((await kv.json("GET", "/certificates/imported")).status).toBe(404);
    await assignVault(tenantId, vault, "max-12", CERT_VALIDITY, "Deny", { maximumValidityInMonths: 24 });
    expect((await kv.json("POST", "/certificates/imported/import", body)).status).toBe(200);
  });
});

describe("certificate rules", () => {
  const policy = (months: number, issuer = "Self") => ({
    policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=a.example", validity_months: months }, issuer: { name: issuer } },
  });

  it("maximum validity: Deny refuses a create and a policy update; Audit reports", SLOW, async () => {
    const vault = uniqueVaultName("polcrt");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "max-12", CERT_VALIDITY, "Deny", { maximumValidityInMonths: 12 });
    await expectDenied(await kv.json("POST", "/certificates/long/create", policy(24)), "max-12");
    expect((await kv.json("GET", "/certificates/long")).status).toBe(404);
    expect((await kv.json("POST", "/certificates/ok/create", policy(12))).status).toBe(202);
    await expectDenied(await kv.json("PATCH", "/certificates/ok/policy", { x509_props: { validity_months: 36 } }), "max-12");
    expect((await kv.json<{ x509_props: { validity_months: number } }>("GET", "/certificates/ok/policy")).body.x509_props.validity_months).toBe(12);

    await assignVault(tenantId, vault, "max-12", CERT_VALIDITY, "Audit", { maximumValidityInMonths: 12 });
    expect((await kv.json("POST", "/certificates/long/create", policy(24))).status).toBe(202);
    expect((await states(tenantId, vault)).map((r) => [r.objectKind, r.objectName, r.policyDefinitionAction])).toEqual([["certificate", "long", "audit"]]);
  });

  it("allowed issuers: Deny refuses another issuer; Audit reports", SLOW, async () => {
    const vault = uniqueVaultName("polcas");
    const { tenantId, kv } = await setupVault(vault);
    await assignVault(tenantId, vault, "self-only", CERT_ISSUERS, "Deny", { allowedCAs: ["Self"] });
    await expectDenied(await kv.json("POST", "/certificates/csr/create", policy(12, "Unknown")), "self-only");
    expect((await kv.json("GET", "/certificates/csr/pending")).status).toBe(404);
    expect((await kv.json("POST", "/certificates/self/create", policy(12))).status).toBe(202);
    await assignVault(tenantId, vault, "self-only", CERT_ISSUERS, "Audit", { allowedCAs: ["OurCA"] });
    expect((await states(tenantId, vault)).map((r) => [r.objectName, r.policyAssignmentName])).toEqual([["self", "self-only"]]);
  });
});

describe("firewall rule", () => {
  it("Deny refuses settings that would open the firewall; Audit reports the vault", SLOW, async () => {
    const vault = uniqueVaultName("polfw");
    const { tenantId } = await setupVault(vault);
    const settings = (networkAcls: unknown) => admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { networkAcls });
    await assignVault(tenantId, vault, "firewall", FIREWALL, "Audit");
    expect((await states(tenantId, vault)).map((r) => [r.objectKind, r.objectName, r.resourceType])).toEqual([["vault", vault, "Microsoft.KeyVault/vaults"]]);
    expect((await settings({ defaultAction: "Deny", ipRules: ["203.0.113.0/24"] })).status).toBe(200);
    expect(await states(tenantId, vault)).toEqual([]);

    await assignVault(tenantId, vault, "firewall", FIREWALL, "Deny");
    for (const open of [null, { defaultAction: "Allow" }]) {
      const refused = await settings(open);
      const error = ((await refused.json()) as ErrorBody).error;
      expect([refused.status, error.code, error.innererror?.code]).toEqual([403, "Forbidden", "ForbiddenByPolicy"]);
    }
    const kept = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`)).json()) as { networkAcls: { defaultAction: string } };
    expect(kept.networkAcls.defaultAction).toBe("Deny");
    // Narrowing is still allowed.
    expect((await settings({ defaultAction: "Deny", ipRules: ["203.0.113.0/25"] })).status).toBe(200);
    const audit = await admin("GET", `/tenants/${tenantId}/auditLog?operation=VaultSettingsPatch`);
    const codes = ((await audit.json()) as { value: { httpStatusCode: number; resultCode: string }[] }).value.map((r) => [r.httpStatusCode, r.resultCode]);
    expect(codes.filter(([s]) => s === 403)).toEqual([[403, "Forbidden"], [403, "Forbidden"]]);
  });
});
