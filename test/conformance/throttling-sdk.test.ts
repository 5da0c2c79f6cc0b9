/**
 * The official SecretClient driven over a vault's limit: the service answers 429 Throttled with
 * Retry-After, the SDK's retry policy waits that long and retries, and every call completes.
 */
import { randomUUID } from "node:crypto";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient, type SecretClientOptions } from "@azure/keyvault-secrets";
import { describe, expect, it } from "vitest";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const admin = adminClient(facts);

/** Every attempt the SDK puts on the wire, retries included (a per-retry pipeline policy). */
function attemptLog(): { statuses: number[]; retryAfter: string[]; policy: NonNullable<SecretClientOptions["additionalPolicies"]>[number] } {
  const statuses: number[] = [];
  const retryAfter: string[] = [];
  return {
    statuses,
    retryAfter,
    policy: {
      position: "perRetry",
      policy: {
        name: "attemptLog",
        sendRequest: async (request, next) => {
          const response = await next(request);
          statuses.push(response.status);
          if (response.status === 429) retryAfter.push(response.headers.get("retry-after") ?? "");
          return response;
        },
      },
    },
  };
}

describe("throttling through the official SDK", () => {
  it("a client driven over the limit is told to wait, retries, and completes every call", async () => {
    // A vault of its own, so the other test files' traffic to `dev` is never throttled.
    const vault = uniqueName("thr").slice(0, 24);
    await admin.createVault(facts.tenantId, vault, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("thr-sp"));
    await admin.assignRole(facts.tenantId, vault, randomUUID(), "Key Vault Secrets Officer", principal.id);
    await admin.setVaultSettings(facts.tenantId, vault, { throttleLimits: { secrets: 4, secretCreate: 2 } });
    const credential = new ClientSecretCredential(facts.tenantId, principal.appId, principal.clientSecret, {
      authorityHost: facts.origin,
      disableInstanceDiscovery: true,
    });
    const vaultUrl = facts.vaultUrl.replace("//dev.", `//${vault}.`);
    const log = attemptLog();
    const client = new SecretClient(vaultUrl, credential, { additionalPolicies: [log.policy] });

    // Three creates against a limit of two per window: at least one is throttled and retried.
    const created = [];
    for (const value of ["one", "two", "three"]) created.push(await client.setSecret("counted", value));
    expect(new Set(created.map((s) => s.properties.version)).size).toBe(3);

    // Eight reads against a limit of four per window, all at once.
    const reads = await Promise.all(Array.from({ length: 8 }, () => client.getSecret("counted")));
    expect(reads.every((s) => s.value === "three")).toBe(true);

    // The limits were really hit, and each 429 told the client how long to wait (1–10 s).
    expect(log.statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(log.retryAfter.every((v) => /^([1-9]|10)$/.test(v))).toBe(true);
  }, 60_000);
});
