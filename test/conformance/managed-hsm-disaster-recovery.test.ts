/**
 * The managed HSM's disaster-recovery path end to end (docs/managed-hsm.md; issue 15): a new HSM made through the
 * admin API with an initial administrator is activated by downloading its security domain to three holders; an
 * RSA-HSM key made in the token signs; a full backup goes to the dev server's container; the HSM is destroyed and one
 * of the same name made again, which takes the old domain by upload (2 of 3 holders' keys, through its transfer key,
 * as `az keyvault security-domain restore-blob` does) and restores the backup. The key comes back with its id, the
 * unmodified `@azure/keyvault-keys` CryptographyClient signs with it, and node:crypto verifies.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import { ManagedIdentityCredential } from "@azure/identity";
import { CryptographyClient, KeyClient } from "@azure/keyvault-keys";
import { describe, expect, it } from "vitest";
import { createRestoreBlob } from "../../core/crypto/security-domain/restore-blob.ts";
import { exchangeCertificateFrom } from "../../core/crypto/security-domain/transfer-key.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { digest } from "./support/jwk.ts";
import { holder, makeManagedHsm } from "./support/managed-hsm.ts";
import { SLOW } from "./support/keys.ts";
import { RawVault } from "./support/raw-vault.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const credential = new ManagedIdentityCredential();
const HSM_ROLES = ["Managed HSM Crypto User", "Managed HSM Backup User", "Managed HSM Restore User"];

const makeHsm = (name: string) => makeManagedHsm(name, HSM_ROLES);

async function untilDone(raw: RawVault, path: string, done: string): Promise<Record<string, unknown>> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const status = await raw.ok("GET", path);
    if (status.status !== "InProgress") {
      expect(status.status).toBe(done);
      return status;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${path} did not finish`);
}

describe("managed HSM disaster recovery", () => {
  it("download the domain, back up, destroy, recreate, upload the domain, restore, sign with the restored key", { timeout: SLOW * 2 }, async () => {
    const holders = await Promise.all([1, 2, 3].map(holder));
    const name = `drhsm${crypto.randomUUID().slice(0, 8)}`;
    const url = await makeHsm(name);
    const raw = new RawVault(url);

    const download = await raw.call("POST", "/securitydomain/download", { certificates: holders.map((h) => h.jwk), required: 2 });
    expect(download.status).toBe(202);
    const domain = download.json.value as string;
    await untilDone(raw, "/securitydomain/download/pending", "Success");

    const keys = new KeyClient(url, credential);
    const key = await keys.createRsaKey("survivor", { hsm: true, keySize: 2048 });
    expect(key.keyType).toBe("RSA-HSM");
    const publicKey: KeyObject = createPublicKey({ key: { kty: "RSA", n: Buffer.from(key.key?.n ?? []).toString("base64url"), e: Buffer.from(key.key?.e ?? []).toString("base64url") }, format: "jwk" });

    const container = `https://devbackups.blob.localhost:${facts.port}/disaster`;
    const backup = await raw.call("POST", "/backup", { storageResourceUri: container, token: "unused" });
    expect(backup.status).toBe(202);
    const done = await untilDone(raw, `/backup/${String(backup.json.jobId)}/pending`, "Succeeded");
    const folder = String(done.azureStorageBlobContainerUri).slice(container.length + 1);

    await admin.deleteVault(facts.tenantId, name);
    await admin.purgeDeletedVault(facts.tenantId, name);
    await makeHsm(name);
    const reborn = new RawVault(url);
    expect((await reborn.call("GET", "/keys")).status).toBe(409);
    const transfer = await reborn.ok("GET", "/securitydomain/upload");
    const value = await createRestoreBlob({
      securityDomain: domain,
      wrappingKeys: [holders[0], holders[2]].map((h) => ({ certificate: h!.certificate, privateKey: h!.privateJwk })),
      exchangeCertificate: exchangeCertificateFrom(transfer),
    });
    expect((await reborn.call("POST", "/securitydomain/upload", { value })).status).toBe(202);
    await untilDone(reborn, "/securitydomain/upload/pending", "Success");

    const restore = await reborn.call("PUT", "/restore", { sasTokenParameters: { storageResourceUri: container, token: "unused" }, folderToRestore: folder });
    expect(restore.status).toBe(202);
    await untilDone(reborn, `/restore/${String(restore.json.jobId)}/pending`, "Succeeded");

    const restored = await keys.getKey("survivor");
    expect(restored.id).toBe(key.id);
    const message = Buffer.from("signed after the disaster");
    const signature = await new CryptographyClient(restored, credential).sign("RS256", digest("sha256", message));
    expect(verify("sha256", message, publicKey, Buffer.from(signature.result))).toBe(true);
  });
});
