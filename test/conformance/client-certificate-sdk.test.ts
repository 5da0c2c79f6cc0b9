/**
 * Certificate client credentials with `@azure/identity`'s ClientCertificateCredential, unmodified (issue 17;
 * docs/access-control.md "Certificate credentials"): the test makes a key and self-signed certificate with OpenSSL,
 * registers the public certificate on a service principal through the admin API, and the SDK — signing a
 * private_key_jwt assertion (PS256, `x5t#S256`) with the PEM's key — gets a token with which `SecretClient` reads a
 * secret. With the certificate removed, the same credential gets none.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ClientCertificateCredential, ManagedIdentityCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { opensslOrThrow } from "../../scripts/dev/openssl.ts";
import { adminClient } from "./support/admin.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const admin = adminClient(facts);
const ca = readFileSync(facts.caPath, "utf8");

async function send(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await httpsJson({ url: `${facts.origin}${path}`, method, ca, headers: { authorization: `Bearer ${facts.operatorKey}` }, body });
  return { status: response.status, json: response.json };
}

describe("ClientCertificateCredential", () => {
  const secretName = uniqueName("by-certificate");
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "edge-vault-cert-"));
    await new SecretClient(facts.vaultUrl, new ManagedIdentityCredential()).setSecret(secretName, "signed in with a certificate");
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("signs in with a PEM holding the certificate and its private key, and reads a secret", async () => {
    const keyPath = join(dir, "client.key");
    const certPath = join(dir, "client.crt");
    await opensslOrThrow(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath, "-subj", "/CN=ci-client", "-days", "2"]);
    const certificatePem = await readFile(certPath, "utf8");
    const pemWithKey = `${await readFile(keyPath, "utf8")}${certificatePem}`;

    const principal = await admin.createServicePrincipal(facts.tenantId, uniqueName("cert-client"));
    const added = await send("POST", `/admin/tenants/${facts.tenantId}/principals/${principal.id}/certificates`, { key: certificatePem, displayName: "ci" });
    expect(added.status).toBe(201);
    await admin.assignRole(facts.tenantId, "dev", randomUUID(), "Key Vault Secrets User", principal.id);

    const credential = new ClientCertificateCredential(facts.tenantId, principal.appId, { certificate: pemWithKey }, { authorityHost: facts.origin, disableInstanceDiscovery: true });
    const read = await new SecretClient(facts.vaultUrl, credential).getSecret(secretName);
    expect(read.value).toBe("signed in with a certificate");

    const { keyId } = added.json as { keyId: string };
    expect((await send("DELETE", `/admin/tenants/${facts.tenantId}/principals/${principal.id}/certificates/${keyId}`)).status).toBe(204);
    const fresh = new ClientCertificateCredential(facts.tenantId, principal.appId, { certificate: pemWithKey }, { authorityHost: facts.origin, disableInstanceDiscovery: true });
    await expect(fresh.getToken(`${new URL(facts.vaultUrl).origin}/.default`)).rejects.toThrow(/AADSTS700027/);
  });
});
