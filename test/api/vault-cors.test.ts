/**
 * CORS per vault (issue 17; docs/access-control.md "CORS"): a preflight is answered without a token by the vault's
 * rule, 204 with its headers or 403 with none; an allowed origin's answers — the 401 challenge included — carry
 * Access-Control-Allow-Origin and expose WWW-Authenticate; another origin's carry nothing; bad rules are a 400.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API_VERSION, admin, assignRole, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName } from "../support/fixture.ts";

const APP = "https://app.example";
const RULE = { allowedOrigins: [APP], allowedMethods: ["GET", "PUT"], allowedHeaders: ["authorization", "content-type", "x-ms-client-request-id"], exposedHeaders: ["x-app-trace"], maxAgeInSeconds: 600 };

async function setup(prefix: string) {
  const tenantId = await createTenant();
  const vault = uniqueVaultName(prefix);
  await createVault(tenantId, vault);
  const principal = await createPrincipal(tenantId);
  await assignRole(tenantId, vault, principal.id, "Key Vault Secrets Officer");
  return { tenantId, vault, url: `https://${vault}.vault.localhost:8443`, token: await tokenFor(principal.identityHeader as string) };
}

const settings = (tenantId: string, vault: string, body: unknown) => admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, body);
const preflight = (url: string, origin: string, method: string, headers: string) =>
  SELF.fetch(`${url}/secrets/s?api-version=${API_VERSION}`, { method: "OPTIONS", headers: { Origin: origin, "Access-Control-Request-Method": method, "Access-Control-Request-Headers": headers } });

describe("CORS", () => {
  it("answers an allowed preflight without a token, and refuses the rest with no CORS headers", async () => {
    const { tenantId, vault, url } = await setup("corspre");
    expect((await preflight(url, APP, "PUT", "authorization")).status).toBe(403);
    expect((await settings(tenantId, vault, { cors: RULE })).status).toBe(200);
    const allowed = await preflight(url, APP, "PUT", "Authorization, Content-Type");
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, PUT");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("Authorization, Content-Type");
    expect(allowed.headers.get("access-control-max-age")).toBe("600");
    for (const [origin, method, headers] of [["https://evil.example", "PUT", "authorization"], [APP, "DELETE", ""], [APP, "GET", "x-other"]] as const) {
      const refused = await preflight(url, origin, method, headers);
      expect(refused.status).toBe(403);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    }
  });

  it("marks an allowed origin's answers, the 401 challenge included, and exposes WWW-Authenticate", async () => {
    const { tenantId, vault, url, token } = await setup("corsreq");
    expect((await settings(tenantId, vault, { cors: RULE })).status).toBe(200);
    const challenge = await SELF.fetch(`${url}/secrets/s?api-version=${API_VERSION}`, { headers: { Origin: APP } });
    expect(challenge.status).toBe(401);
    expect(challenge.headers.get("access-control-allow-origin")).toBe(APP);
    expect(challenge.headers.get("access-control-expose-headers")).toContain("WWW-Authenticate");
    expect(challenge.headers.get("access-control-expose-headers")).toContain("x-app-trace");
    const put = await SELF.fetch(`${url}/secrets/s?api-version=${API_VERSION}`, {
      method: "PUT",
      headers: { Origin: APP, Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ value: "from a browser" }),
    });
    expect([put.status, put.headers.get("access-control-allow-origin")]).toEqual([200, APP]);
    const elsewhere = await SELF.fetch(`${url}/secrets/s?api-version=${API_VERSION}`, { headers: { Origin: "https://evil.example", Authorization: `Bearer ${token}` } });
    expect([elsewhere.status, elsewhere.headers.get("access-control-allow-origin")]).toEqual([200, null]);
  });

  it("refuses rules it cannot apply with 400", async () => {
    const { tenantId, vault } = await setup("corsbad");
    for (const cors of [
      { ...RULE, allowedOrigins: [] },
      { ...RULE, allowedOrigins: ["https://app.example/path"] },
      { ...RULE, allowedMethods: ["CONNECT"] },
      { ...RULE, allowedHeaders: ["bad header"] },
      { ...RULE, maxAgeInSeconds: -1 },
      "everyone",
    ]) {
      expect((await settings(tenantId, vault, { cors })).status).toBe(400);
    }
    const kept = (await (await admin("GET", `/tenants/${tenantId}/vaults/${vault}/settings`)).json()) as { cors: unknown };
    expect(kept.cors).toBeNull();
  });
});
