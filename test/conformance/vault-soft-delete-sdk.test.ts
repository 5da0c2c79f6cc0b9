/**
 * Vault soft delete seen by the official SecretClient (issue 17, docs/access-control.md "Vault soft delete"): a
 * deleted vault fails the SDK as a vault that does not exist; recovered (PUT with createMode "recover"), the same
 * client, with the token it already holds, reads the old secret and its old version; purged, it is gone.
 */
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const admin = adminClient(facts);

describe("a recovered vault through the official SecretClient", () => {
  it("serves its old secret and versions again; a purged one is gone", async () => {
    const vault = uniqueName("vsd").slice(0, 24);
    await admin.createVault(facts.tenantId, vault, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("vsd-sp"));
    await admin.assignRole(facts.tenantId, vault, randomUUID(), "Key Vault Secrets Officer", principal.id);
    const credential = new ClientSecretCredential(facts.tenantId, principal.appId, principal.clientSecret, {
      authorityHost: facts.origin,
      disableInstanceDiscovery: true,
    });
    const client = new SecretClient(facts.vaultUrl.replace("//dev.", `//${vault}.`), credential);
    const first = await client.setSecret("db-password", "before the deletion");
    await client.setSecret("db-password", "latest before the deletion");

    await admin.deleteVault(facts.tenantId, vault);
    await expectRestError(client.getSecret("db-password"), { statusCode: 404, code: "VaultNotFound" });

    const recovered = await admin.recoverVault(facts.tenantId, vault);
    expect(recovered.name).toBe(vault);
    expect((await client.getSecret("db-password")).value).toBe("latest before the deletion");
    expect((await client.getSecret("db-password", { version: first.properties.version ?? "" })).value).toBe("before the deletion");
    const versions = [];
    for await (const version of client.listPropertiesOfSecretVersions("db-password")) versions.push(version.version);
    expect(versions).toHaveLength(2);

    await admin.deleteVault(facts.tenantId, vault);
    await admin.purgeDeletedVault(facts.tenantId, vault);
    await expectRestError(client.getSecret("db-password"), { statusCode: 404, code: "VaultNotFound" });
    expect(await admin.getVault(facts.tenantId, vault)).toBeUndefined();
  });
});
