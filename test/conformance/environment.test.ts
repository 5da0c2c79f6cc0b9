/**
 * The test worker's environment: the SDK tests only mean something if the forked worker really started with the
 * dev server's CA trusted and the managed-identity variables set, as a developer's shell has after
 * `source .dev/env`.
 */
import { readFile } from "node:fs/promises";
import { lookup } from "node:dns/promises";
import { get } from "node:https";
import { describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";

const facts = devServerFacts();

function property(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && key in value ? Reflect.get(value, key) : undefined;
}

/** A GET with Node's default trust store only: no `ca` option, so it succeeds only through NODE_EXTRA_CA_CERTS. */
function getWithDefaultTrust(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

describe("test worker environment", () => {
  it("started with the dev server's variables", () => {
    expect(process.env.NODE_EXTRA_CA_CERTS).toBe(facts.caPath);
    expect(process.env.IDENTITY_ENDPOINT).toBe(`${facts.origin}/msi/token`);
    expect(process.env.IDENTITY_HEADER).toBe(facts.identityHeader);
    expect(process.env.KEYVAULT_URL).toBe(facts.vaultUrl);
    expect(process.env.MANAGED_HSM_URL).toBe(facts.managedHsmUrl);
    expect(facts.vaultUrl).toBe(`https://dev.vault.localhost:${facts.port}`);
  });

  it("trusts the local CA without being told", async () => {
    const health = await getWithDefaultTrust(`${facts.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ status: "ok" });
    const viaFetch = await fetch(`${facts.origin}/healthz`);
    expect(viaFetch.status).toBe(200);
  });

  it("reaches the server on both loopback families", async () => {
    const ca = await readFile(facts.caPath, "utf8");
    for (const host of ["127.0.0.1", "[::1]"]) {
      const response = await httpsJson({ url: `https://${host}:${facts.port}/healthz`, ca });
      expect(response.status, host).toBe(200);
    }
  });

  it("reaches the vault by its own host name, which answers with the bearer challenge", async () => {
    await expect(lookup("dev.vault.localhost")).resolves.toBeDefined();
    const ca = await readFile(facts.caPath, "utf8");
    const response = await httpsJson({ url: `${facts.vaultUrl}/secrets?api-version=7.4`, ca });
    expect(response.status, response.text).toBe(401);
    expect(response.headers["www-authenticate"]).toBe(
      `Bearer authorization="${facts.origin}/${facts.tenantId}", resource="https://vault.localhost:${facts.port}"`,
    );
  });
});

describe("App Service managed identity endpoint", () => {
  const resource = `https://vault.localhost:${facts.port}`;
  const tokenUrl = `${facts.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`;

  it("issues a bearer token for the vault resource", async () => {
    const ca = await readFile(facts.caPath, "utf8");
    const response = await httpsJson({ url: tokenUrl, ca, headers: { "X-IDENTITY-HEADER": facts.identityHeader } });
    expect(response.status, response.text).toBe(200);
    expect(response.json).toMatchObject({ token_type: "Bearer", resource, access_token: expect.any(String) });
    // App Service sends expires_on as a string of Unix seconds; the SDKs accept either form.
    expect(Number(property(response.json, "expires_on"))).toBeGreaterThan(Date.now() / 1000);
    // A JWT: the Azure CLI reads its claims, so the token must be one even if the SDKs treat it as opaque.
    expect(String(property(response.json, "access_token")).split(".")).toHaveLength(3);
  });

  it("refuses a wrong identity header", async () => {
    const ca = await readFile(facts.caPath, "utf8");
    const response = await httpsJson({ url: tokenUrl, ca, headers: { "X-IDENTITY-HEADER": "not-the-header" } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.text).not.toContain("access_token");
  });
});
