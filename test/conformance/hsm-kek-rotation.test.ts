/**
 * Rotation of the HSM key-encryption key of a premium vault with `dataKeyProtection: "hsm"` (docs/root-key-rotation.md
 * "HSM-protected vaults") against the real dev server, SoftHSM2 behind the bridge: the operator starts a sweep with
 * new HSM key-encryption keys, the registry's alarm runs it, and afterwards the token holds a new key in place of the
 * old one (counted on the token itself), while the unmodified SDK reads what it wrote before, also after the vault
 * opened its data key afresh (soft delete and recovery reload it from storage).
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { beforeAll, describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import type { RootKeyStatus } from "../../core/contract/root-keys.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { tokenKeyIds } from "./support/token-objects.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const credential = new ManagedIdentityCredential();

beforeAll(() => {
  expect(facts.hsm, "the dev server runs the HSM bridge (apt-get install softhsm2)").toBeDefined();
});

async function rootKeys(method: "GET" | "POST", path: string, body?: unknown): Promise<{ status: number; json: RootKeyStatus }> {
  const response = await httpsJson({
    url: `${facts.origin}/admin/rootKeys${path}`,
    method,
    ca: readFileSync(facts.caPath, "utf8"),
    headers: { authorization: `Bearer ${facts.operatorKey}` },
    body,
  });
  return { status: response.status, json: response.json as RootKeyStatus };
}

/**
 * The sweep runs from the registry's alarm on the server's clock and walks every tenant and vault the shared dev server
 * holds, so its length depends on what ran before: wait while it makes progress, and fail only when it stalls (no
 * holder moved for STALL_MS, longer than the bridge's key-generation deadline), quoting the server's log.
 */
const STALL_MS = 90_000;
async function sweepDone(): Promise<RootKeyStatus> {
  let moved = -1;
  let progressAt = Date.now();
  for (;;) {
    const { json } = await rootKeys("GET", "");
    if (json.sweep?.state === "done") return json;
    if ((json.sweep?.moved ?? 0) > moved) {
      moved = json.sweep?.moved ?? 0;
      progressAt = Date.now();
    } else if (Date.now() - progressAt > STALL_MS) {
      const log = readFileSync(join(facts.stateDir, "wrangler.log"), "utf8").split("\n").slice(-60).join("\n");
      throw new Error(`the root-key sweep stalled: ${JSON.stringify(json.sweep)}\nthe dev server's last log lines:\n${log}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("HSM key-encryption key rotation", () => {
  it("replaces the token key wrapping the vault's data key; the vault serves throughout and after reopening", async () => {
    const name = uniqueName("hsmkek");
    await admin.createVault(facts.tenantId, name, { sku: "premium", dataKeyProtection: "hsm", softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    await admin.assignRole(facts.tenantId, name, randomUUID(), "Key Vault Administrator", facts.principalId);
    const secrets = new SecretClient(facts.vaultUrl.replace("//dev.", `//${name}.`), credential);
    await secrets.setSecret("before", "written before the rotation");
    const before = tokenKeyIds(facts.hsm?.dir ?? "");

    const started = await rootKeys("POST", "/rotate", { hsmKeyEncryptionKeys: true });
    expect(started.status).toBe(202);
    expect(started.json.sweep).toMatchObject({ hsmKeyEncryptionKeys: true });
    await secrets.setSecret("during", "written while the sweep runs");
    const done = await sweepDone();
    expect(done.sweep).toMatchObject({ state: "done", remaining: 0 });

    const after = tokenKeyIds(facts.hsm?.dir ?? "");
    expect(after.length, "one new token key per HSM-protected vault, the old one destroyed").toBe(before.length);
    expect(after.filter((id) => !before.includes(id)).length, "new token keys").toBeGreaterThanOrEqual(1);

    // Soft delete and recovery make the vault read its row again: the data key opens through the new token key.
    await admin.deleteVault(facts.tenantId, name);
    await admin.recoverVault(facts.tenantId, name);
    expect((await secrets.getSecret("before")).value).toBe("written before the rotation");
    expect((await secrets.getSecret("during")).value).toBe("written while the sweep runs");
  }, 600_000);
});
