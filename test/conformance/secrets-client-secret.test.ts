/**
 * A service principal signing in with `ClientSecretCredential`: the SDK discovers the tenant's OpenID
 * configuration on the local authority host, runs the client-credentials grant, and is authorised by an RBAC
 * role assignment on the vault.
 */
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import type { ServicePrincipal } from "../../scripts/dev/admin-client.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { secretVersionIdPattern } from "./support/identifiers.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const admin = adminClient(facts);

function clientFor(principal: ServicePrincipal): SecretClient {
  const credential = new ClientSecretCredential(facts.tenantId, principal.appId, principal.clientSecret, {
    authorityHost: facts.origin,
    // Instance discovery asks Microsoft Entra about the authority, which a local one cannot pass.
    disableInstanceDiscovery: true,
  });
  return new SecretClient(facts.vaultUrl, credential);
}

describe("ClientSecretCredential", () => {
  it("reads and writes secrets as a Key Vault Secrets Officer", async () => {
    const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("officer"));
    const assignment = await admin.assignRole(facts.tenantId, "dev", randomUUID(), "Key Vault Secrets Officer", principal.id);
    expect(assignment.roleDefinitionName).toBe("Key Vault Secrets Officer");
    expect(assignment.principalId).toBe(principal.id);

    const client = clientFor(principal);
    const name = uniqueName("sp-secret");
    const stored = await client.setSecret(name, "from a service principal");
    expect(stored.properties.id).toMatch(secretVersionIdPattern(facts.vaultUrl, name));
    const read = await client.getSecret(name);
    expect(read.value).toBe("from a service principal");
    expect(read.properties.id).toBe(stored.properties.id);
  });

  it("is refused with 403 Forbidden without a role assignment", async () => {
    const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("no-role"));
    const client = clientFor(principal);
    await expectRestError(client.getSecret(uniqueName("anything")), { statusCode: 403, code: "Forbidden" });
  });
});
