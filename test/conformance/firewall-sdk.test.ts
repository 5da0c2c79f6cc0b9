/**
 * The vault firewall through the official SDK (issue 17; docs/access-control.md "Firewall"): with `networkAcls` denying
 * every address but a documentation range, `SecretClient` calls from this loopback caller fail as Azure's SDKs surface
 * the service's answer — a RestError 403 "Forbidden" whose innererror is ForbiddenByFirewall, naming the caller's
 * address — and admitting the loopback lets the same client read again.
 */
import { randomUUID } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const admin = adminClient(facts);

describe("a firewalled vault seen through SecretClient", () => {
  it("is a RestError 403 Forbidden with innererror ForbiddenByFirewall; admitting the caller's address lets it through", { timeout: 60_000 }, async () => {
    // A vault of its own: the shared `dev` vault must stay open to the other files.
    const vault = `fw${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await admin.createVault(facts.tenantId, vault, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    await admin.assignRole(facts.tenantId, vault, randomUUID(), "Key Vault Secrets Officer", facts.principalId);
    const client = new SecretClient(`https://${vault}.vault.localhost:${facts.port}`, new ManagedIdentityCredential());
    const name = uniqueName("walled");
    await client.setSecret(name, "inside");

    await admin.setVaultSettings(facts.tenantId, vault, { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "203.0.113.0/24" }] } });
    const refused: unknown = await client.getSecret(name).then(
      () => expect.fail("a caller outside the firewall's rules was let through"),
      (error: unknown) => error,
    );
    expect(refused).toMatchObject({
      name: "RestError",
      statusCode: 403,
      code: "Forbidden",
      // The SDK maps the body with its KeyVaultError model: `innererror` becomes `innerError`.
      details: { error: { code: "Forbidden", innerError: { code: "ForbiddenByFirewall" } } },
    });
    expect((refused as Error).message).toContain("Client address is not authorized and caller is not a trusted service");

    await admin.setVaultSettings(facts.tenantId, vault, { networkAcls: { defaultAction: "Deny", ipRules: [{ value: "127.0.0.0/8" }, { value: "::1" }] } });
    expect((await client.getSecret(name)).value).toBe("inside");
  });
});
