/**
 * Workload identity federation with `@azure/identity` unmodified (issue 17; docs/access-control.md "Workload
 * identity federation"): a service principal trusts the local OIDC issuer (standing in for GitHub Actions or a
 * Kubernetes cluster; `npm run dev` lists it in FEDERATED_TOKEN_ISSUERS) for one subject. The workload's token from
 * that issuer is exchanged by `ClientAssertionCredential` and by `WorkloadIdentityCredential` — configured as AKS
 * configures it, through AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE and AZURE_AUTHORITY_HOST —
 * and `SecretClient` reads a secret with the access token.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientAssertionCredential, ManagedIdentityCredential, WorkloadIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServicePrincipal } from "../../scripts/dev/admin-client.ts";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const ca = readFileSync(facts.caPath, "utf8");
const ISSUER = `${facts.origin}/local-oidc`;

async function send(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await httpsJson({ url: `${facts.origin}${path}`, method, ca, headers: { authorization: `Bearer ${facts.operatorKey}` }, body });
  return { status: response.status, json: response.json };
}

/** A principal trusting `subject` of the local issuer, holding Key Vault Secrets User on the dev vault. */
async function federatedPrincipal(subject: string): Promise<ServicePrincipal> {
  const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("workload"));
  const put = await send("PUT", `/admin/tenants/${facts.tenantId}/principals/${principal.id}/federatedIdentityCredentials/workload`, { issuer: ISSUER, subject });
  expect(put.status).toBe(201);
  await admin.assignRole(facts.tenantId, "dev", randomUUID(), "Key Vault Secrets User", principal.id);
  return principal;
}

/** The workload's own token, as its platform would hand it over. */
async function workloadToken(subject: string): Promise<string> {
  const response = await httpsJson({ url: `${ISSUER}/token`, method: "POST", ca, body: { subject } });
  expect(response.status).toBe(200);
  return (response.json as { token: string }).token;
}

describe("workload identity federation with @azure/identity", () => {
  const secretName = uniqueName("federated");
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edge-vault-wif-"));
    // Written by the dev environment's own identity, which administers the dev vault.
    await new SecretClient(facts.vaultUrl, new ManagedIdentityCredential()).setSecret(secretName, "for federated workloads");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("ClientAssertionCredential exchanges the workload's token and reads a secret", async () => {
    const subject = `repo:contoso/app:ref:refs/heads/${uniqueName("branch")}`;
    const principal = await federatedPrincipal(subject);
    const token = await workloadToken(subject);
    const credential = new ClientAssertionCredential(facts.tenantId, principal.appId, async () => token, {
      authorityHost: facts.origin,
      disableInstanceDiscovery: true,
    });
    const read = await new SecretClient(facts.vaultUrl, credential).getSecret(secretName);
    expect(read.value).toBe("for federated workloads");
  });

  it("WorkloadIdentityCredential reads AZURE_FEDERATED_TOKEN_FILE and reads a secret", async () => {
    const subject = `system:serviceaccount:payments:${uniqueName("sa")}`;
    const principal = await federatedPrincipal(subject);
    const tokenFile = join(dir, "azure-identity-token");
    await writeFile(tokenFile, `${await workloadToken(subject)}\n`);
    const names = ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_AUTHORITY_HOST"] as const;
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    Object.assign(process.env, { AZURE_TENANT_ID: facts.tenantId, AZURE_CLIENT_ID: principal.appId, AZURE_FEDERATED_TOKEN_FILE: tokenFile, AZURE_AUTHORITY_HOST: facts.origin });
    try {
      const credential = new WorkloadIdentityCredential({ disableInstanceDiscovery: true });
      const read = await new SecretClient(facts.vaultUrl, credential).getSecret(secretName);
      expect(read.value).toBe("for federated workloads");
    } finally {
      for (const n of names) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
    }
  });

  it("a token for another subject gets no access token", async () => {
    const principal = await federatedPrincipal(`repo:contoso/app:environment:${uniqueName("env")}`);
    const token = await workloadToken("repo:contoso/app:environment:someone-else");
    const credential = new ClientAssertionCredential(facts.tenantId, principal.appId, async () => token, {
      authorityHost: facts.origin,
      disableInstanceDiscovery: true,
    });
    await expect(credential.getToken(`${new URL(facts.vaultUrl).origin}/.default`)).rejects.toThrow(/AADSTS700027/);
  });
});
