/**
 * A soft-deleted vault is off its tenant's list, so the tenant's policy pushes pass it by; its recovery takes the
 * tenant's assignments as they are then (worker/clients/vault-soft-delete.ts, docs/vault-policies.md): an assignment
 * made while it was deleted applies, and one removed meanwhile no longer does.
 */
import { describe, expect, it } from "vitest";
import { admin, setupVault, uniqueVaultName } from "../support/fixture.ts";
import { KEY_EXPIRY, SECRET_EXPIRY, body, expectDenied } from "../support/policies.ts";

describe("a recovered vault and its tenant's policies", () => {
  it("enforces what the tenant assigned while it was deleted, and no longer what the tenant removed", async () => {
    const name = uniqueVaultName("sdpol");
    const { tenantId, kv } = await setupVault(name);
    const tenantAssignment = (assignment: string) => `/tenants/${tenantId}/policyAssignments/${assignment}`;
    expect((await admin("PUT", tenantAssignment("keys-expire"), body(KEY_EXPIRY, "Deny", {}, { displayName: "Keys expire" }))).status).toBe(201);
    await expectDenied(await kv.json("POST", "/keys/k/create", { kty: "EC" }), "Keys expire");

    expect((await admin("DELETE", `/tenants/${tenantId}/vaults/${name}`)).status).toBe(204);
    expect((await admin("PUT", tenantAssignment("secrets-expire"), body(SECRET_EXPIRY, "Deny", {}, { displayName: "Secrets expire" }))).status).toBe(201);
    expect((await admin("DELETE", tenantAssignment("keys-expire"))).status).toBe(200);
    expect((await admin("PUT", `/tenants/${tenantId}/vaults/${name}`, { createMode: "recover" })).status).toBe(200);

    await expectDenied(await kv.json("PUT", "/secrets/s", { value: "v" }), "Secrets expire");
    expect((await kv.json("POST", "/keys/k/create", { kty: "EC" })).status).toBe(200);
  });
});
