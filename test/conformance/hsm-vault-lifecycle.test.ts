/**
 * What happens to the token's key objects over an HSM key's and a vault's life, counted on the SoftHSM2 token
 * itself: a key purged without a backup is destroyed; one backed up survives its purge (its backup refers to it)
 * and restores; deleting a vault keeps its HSM keys and the HSM key wrapping its data key (soft delete), recovering
 * it serves with them, and purging it destroys them. A premium vault with
 * `dataKeyProtection: "hsm"` serves secrets and keys like any other.
 */
import { createHash, randomUUID } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { beforeAll, describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";
import { countTokenKeys } from "./support/token-objects.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const admin = adminClient(facts);
const tokenKeys = () => countTokenKeys(facts.hsm?.dir ?? "");

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

async function premiumVault(options: { dataKeyProtection?: "hsm" } = {}): Promise<{ name: string; url: string }> {
  const name = uniqueName("hsmv");
  await admin.createVault(facts.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false, sku: "premium", ...options });
  await admin.assignRole(facts.tenantId, name, randomUUID(), "Key Vault Administrator", facts.principalId);
  return { name, url: facts.vaultUrl.replace("//dev.", `//${name}.`) };
}

describe("token objects over a key's life", () => {
  it("purge without a backup destroys the token key; with a backup it stays and restores", async () => {
    const keys = new KeyClient(facts.vaultUrl, credential);
    const before = tokenKeys();
    const plain = uniqueName("hsm-purge");
    await keys.createEcKey(plain, { hsm: true, curve: "P-256" });
    expect(tokenKeys()).toBe(before + 1);
    await (await keys.beginDeleteKey(plain, POLL)).pollUntilDone();
    expect(tokenKeys(), "soft delete keeps the token key").toBe(before + 1);
    await keys.purgeDeletedKey(plain);
    expect(tokenKeys(), "purge destroys it").toBe(before);

    const kept = uniqueName("hsm-kept");
    await keys.createEcKey(kept, { hsm: true, curve: "P-256" });
    const blob = await keys.backupKey(kept);
    await (await keys.beginDeleteKey(kept, POLL)).pollUntilDone();
    await keys.purgeDeletedKey(kept);
    expect(tokenKeys(), "a backed-up key's token object outlives the purge").toBe(before + 1);
    const restored = await keys.restoreKeyBackup(blob ?? new Uint8Array());
    expect(restored.keyType).toBe("EC-HSM");
    // The blob still refers to the object, so purging the restored key keeps it, and the blob restores again.
    await (await keys.beginDeleteKey(kept, POLL)).pollUntilDone();
    await keys.purgeDeletedKey(kept);
    expect(tokenKeys()).toBe(before + 1);
    expect((await keys.restoreKeyBackup(blob ?? new Uint8Array())).keyType).toBe("EC-HSM");
  }, SLOW);
});

describe("a premium vault whose data key the HSM protects", () => {
  it("serves secrets and keys, keeps them through a soft delete and recovery, and its purge destroys its token keys and its data key's wrapping key", async () => {
    const before = tokenKeys();
    const vault = await premiumVault({ dataKeyProtection: "hsm" });
    expect((await admin.getVault(facts.tenantId, vault.name))?.dataKeyProtection).toBe("hsm");
    expect(tokenKeys(), "the data key's wrapping key").toBe(before + 1);

    const secrets = new SecretClient(vault.url, credential);
    await secrets.setSecret("db-password", "kept under two keys");
    expect((await secrets.getSecret("db-password")).value).toBe("kept under two keys");
    const keys = new KeyClient(vault.url, credential);
    await keys.createRsaKey("software", { keySize: 2048 });
    await keys.createRsaKey("hsm", { hsm: true, keySize: 2048 });
    await keys.createKey("hsm-oct", "oct-HSM", { keySize: 256 });
    expect(tokenKeys()).toBe(before + 3);

    // Soft delete keeps the HSM keys and the data key's wrapping key; recovery serves with them again.
    await admin.deleteVault(facts.tenantId, vault.name);
    expect(tokenKeys(), "a soft-deleted vault keeps its token keys").toBe(before + 3);
    await admin.recoverVault(facts.tenantId, vault.name);
    expect((await secrets.getSecret("db-password")).value).toBe("kept under two keys");
    const digest = createHash("sha256").update("recovered").digest();
    const signer = new CryptographyClient(await keys.getKey("hsm"), credential);
    const signed = await signer.sign("RS256", digest);
    expect((await signer.verify("RS256", digest, signed.result)).result).toBe(true);

    // The purge destroys everything, on the token too, as deletion did before soft delete.
    await admin.deleteVault(facts.tenantId, vault.name);
    await admin.purgeDeletedVault(facts.tenantId, vault.name);
    expect(tokenKeys(), "the purge leaves nothing of it on the token").toBe(before);
  }, SLOW);

  it("is refused for a standard vault, with nothing created", async () => {
    const name = uniqueName("hsmv-std");
    await expect(
      admin.createVault(facts.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false, sku: "standard", dataKeyProtection: "hsm" }),
    ).rejects.toThrow(/premium/);
    expect(await admin.getVault(facts.tenantId, name)).toBeUndefined();
  });

  it("a plain premium vault reports rootKey protection", async () => {
    const vault = await premiumVault();
    expect((await admin.getVault(facts.tenantId, vault.name))?.dataKeyProtection).toBe("rootKey");
    await expectRestError(new KeyClient(vault.url, credential).getKey("none"), { statusCode: 404, code: "KeyNotFound" });
  });
});
