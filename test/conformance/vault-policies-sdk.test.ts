/**
 * Vault policies through the official SDK (issue 17; docs/vault-policies.md): with "Key Vault secrets should have an
 * expiration date" assigned with Deny, `SecretClient.setSecret` without `expiresOn` fails as Azure's SDKs surface a
 * service error — a RestError 403 "Forbidden" whose body's innererror is ForbiddenByPolicy — and nothing is written;
 * with `expiresOn` the same call succeeds.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const SECRETS_EXPIRE = "/providers/Microsoft.Authorization/policyDefinitions/98728c90-32c7-4049-8429-847dc0f4fe37";

describe("a Deny vault policy seen through SecretClient", () => {
  it("setSecret without an expiry is a RestError 403 Forbidden with innererror ForbiddenByPolicy; with one it succeeds", { timeout: 60_000 }, async () => {
    // A vault of its own: the shared `dev` vault must not refuse other files' secrets.
    const vault = `pol${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    await admin.createVault(facts.tenantId, vault, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    await admin.assignRole(facts.tenantId, vault, randomUUID(), "Key Vault Secrets Officer", facts.principalId);
    const assigned = await httpsJson({
      url: `${facts.origin}/admin/tenants/${facts.tenantId}/vaults/${vault}/policyAssignments/secrets-must-expire`,
      method: "PUT",
      ca: readFileSync(facts.caPath, "utf8"),
      headers: { authorization: `Bearer ${facts.operatorKey}` },
      body: { properties: { policyDefinitionId: SECRETS_EXPIRE, parameters: { effect: { value: "Deny" } } } },
    });
    expect(assigned.status, assigned.text).toBe(201);

    const client = new SecretClient(`https://${vault}.vault.localhost:${facts.port}`, new ManagedIdentityCredential());
    const name = uniqueName("policy");
    const refused: unknown = await client.setSecret(name, "forever").then(
      () => expect.fail("setSecret without an expiry was not refused"),
      (error: unknown) => error,
    );
    // The SDK's RestError: statusCode and code from the answer, the parsed error body as `details`.
    expect(refused).toMatchObject({
      name: "RestError",
      statusCode: 403,
      code: "Forbidden",
      // The SDK maps the body with its KeyVaultError model: `innererror` becomes `innerError`.
      details: { error: { code: "Forbidden", innerError: { code: "ForbiddenByPolicy" } } },
    });
    expect((refused as Error).message).toContain("secrets-must-expire");
    await expectRestError(client.getSecret(name), { statusCode: 404, code: "SecretNotFound" });

    const expiresOn = new Date(Date.now() + 30 * 86_400_000);
    const stored = await client.setSecret(name, "bounded", { expiresOn });
    expect(stored.properties.expiresOn?.getTime()).toBe(Math.floor(expiresOn.getTime() / 1000) * 1000);
  });
});
