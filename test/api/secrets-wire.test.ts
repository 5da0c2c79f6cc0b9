import { describe, expect, it } from "vitest";
import { setupVault, tokenFor, vaultClient, uniqueVaultName } from "../support/fixture.ts";
import {
  expectError,
  rawVaultFetch,
  readJson,
  setSecret,
  unhandledRejectionsDuring,
  type ListResult,
  type SecretBundle,
} from "../support/secrets.ts";

const challengeFor = (tenantId: string) =>
  `Bearer authorization="https://localhost:8443/${tenantId}", resource="https://vault.localhost:8443"`;

function expectCommonHeaders(headers: Headers, label: string): void {
  expect(headers.get("x-ms-request-id"), label).toMatch(/^[0-9a-f-]{36}$/);
  expect(headers.get("Cache-Control"), label).toBe("no-cache");
}

describe("response headers", () => {
  it("every response, success or error, has x-ms-request-id, Cache-Control: no-cache, JSON content type and echoes x-ms-client-request-id", async () => {
    const vault = uniqueVaultName("wire");
    const { kv, token } = await setupVault(vault, "Key Vault Secrets User");
    const admin = await setupVault(uniqueVaultName("wire"));
    await setSecret(admin.kv, "x", { value: "v" });

    const cases: Array<{ label: string; status: number; send: (clientId: string) => Promise<Response> }> = [
      { label: "200 list", status: 200, send: (id) => kv.request("GET", "/secrets", undefined, { "x-ms-client-request-id": id }) },
      { label: "200 set (admin)", status: 200, send: (id) => admin.kv.request("PUT", "/secrets/y", { value: "v" }, { "x-ms-client-request-id": id }) },
      { label: "200 get (admin)", status: 200, send: (id) => admin.kv.request("GET", "/secrets/x", undefined, { "x-ms-client-request-id": id }) },
      { label: "404 unknown secret", status: 404, send: (id) => kv.request("GET", "/secrets/nope", undefined, { "x-ms-client-request-id": id }) },
      { label: "400 bad body", status: 400, send: (id) => admin.kv.request("PUT", "/secrets/z", "[1]", { "x-ms-client-request-id": id }) },
      { label: "403 rbac", status: 403, send: (id) => kv.request("PUT", "/secrets/z", { value: "v" }, { "x-ms-client-request-id": id }) },
      {
        label: "401 no token",
        status: 401,
        send: (id) => vaultClient(vault, null).request("GET", "/secrets", undefined, { "x-ms-client-request-id": id }),
      },
      {
        label: "400 missing api-version",
        status: 400,
        send: (id) => rawVaultFetch(vault, "/secrets", { headers: { Authorization: `Bearer ${token}`, "x-ms-client-request-id": id } }),
      },
      { label: "404 unknown path", status: 404, send: (id) => kv.request("GET", "/nothing/here", undefined, { "x-ms-client-request-id": id }) },
    ];
    const requestIds = new Set<string>();
    for (const { label, status, send } of cases) {
      const clientId = crypto.randomUUID();
      const res = await send(clientId);
      await res.text();
      expect(res.status, label).toBe(status);
      expectCommonHeaders(res.headers, label);
      expect(res.headers.get("x-ms-client-request-id"), label).toBe(clientId);
      expect(res.headers.get("Content-Type"), label).toMatch(/^application\/json/);
      requestIds.add(res.headers.get("x-ms-request-id") as string);
    }
    expect(requestIds.size).toBe(cases.length);
  });

  it("204 purge also carries the request id and no-cache", async () => {
    const { kv } = await setupVault(uniqueVaultName("wire"));
    await setSecret(kv, "p", { value: "v" });
    await kv.json("DELETE", "/secrets/p");
    const clientId = crypto.randomUUID();
    const res = await kv.request("DELETE", "/deletedsecrets/p", undefined, { "x-ms-client-request-id": clientId });
    expect(res.status).toBe(204);
    expectCommonHeaders(res.headers, "204");
    expect(res.headers.get("x-ms-client-request-id")).toBe(clientId);
  });

  it("without x-ms-client-request-id none is invented", async () => {
    const { kv } = await setupVault(uniqueVaultName("wire"));
    const res = await kv.request("GET", "/secrets");
    expect(res.status).toBe(200);
    expect(res.headers.get("x-ms-client-request-id")).toBeNull();
    expectCommonHeaders(res.headers, "no client id");
  });
});

describe("api-version", () => {
  it("missing -> 400 BadParameter, checked before authentication", async () => {
    const vault = uniqueVaultName("wire");
    const { token } = await setupVault(vault);
    for (const headers of [{ Authorization: `Bearer ${token}` }, {}] as Array<Record<string, string>>) {
      const res = await readJson(await rawVaultFetch(vault, "/secrets", { headers }));
      expectError(res, 400, "BadParameter");
      expectCommonHeaders(res.headers, "missing api-version");
    }
    expectError(await readJson(await rawVaultFetch(vault, "/secrets?api-version=", { headers: { Authorization: `Bearer ${token}` } })), 400, "BadParameter");
  });

  it("unknown 7.9 -> 400 BadParameter 'is not recognized'", async () => {
    const vault = uniqueVaultName("wire");
    const { token } = await setupVault(vault);
    for (const version of ["7.9", "8.0", "2024-01-01", "latest", "7", "2025-07-01x"]) {
      const res = await vaultClient(vault, token, version).json("GET", "/secrets");
      const error = expectError(res, 400, "BadParameter");
      expect(error.message, version).toContain(`The specified version (${version}) is not recognized`);
    }
  });

  it("accepts 7.0, 7.3, 7.4-preview.1, 7.6, 2025-06-01 and 2025-07-01 on reads and writes", async () => {
    const vault = uniqueVaultName("wire");
    const { token } = await setupVault(vault);
    for (const version of ["7.0", "7.3", "7.4-preview.1", "7.6", "2025-06-01", "2025-07-01"]) {
      const kv = vaultClient(vault, token, version);
      const name = `v-${version.replace(/\./g, "-")}`;
      const set = await kv.json<SecretBundle>("PUT", `/secrets/${name}`, { value: version });
      expect(set.status, version).toBe(200);
      const got = await kv.json<SecretBundle>("GET", `/secrets/${name}/`);
      expect(got.status, version).toBe(200);
      expect(got.body.value).toBe(version);
      expect((await kv.json<ListResult>("GET", "/secrets")).status, version).toBe(200);
    }
  });

  it("a percent-encoded parameter name (api%2Dversion=2025-07-01, as the JS SDK sends it) is accepted", async () => {
    const vault = uniqueVaultName("wire");
    const { kv, token } = await setupVault(vault);
    await setSecret(kv, "enc", { value: "decoded" });
    const res = await readJson<SecretBundle>(
      await rawVaultFetch(vault, "/secrets/enc?api%2Dversion=2025-07-01", { headers: { Authorization: `Bearer ${token}` } }),
    );
    expect(res.status).toBe(200);
    expect(res.body.value).toBe("decoded");
    const lower = await rawVaultFetch(vault, "/secrets/enc?api%2dversion=2025-07-01", { headers: { Authorization: `Bearer ${token}` } });
    expect(lower.status).toBe(200);
  });
});

describe("401 challenge", () => {
  it("no token -> 401 Unauthorized with exactly Azure's WWW-Authenticate challenge", async () => {
    const vault = uniqueVaultName("wire");
    const { tenantId } = await setupVault(vault);
    const anon = vaultClient(vault, null);
    for (const [method, path] of [
      ["GET", "/secrets/x"],
      ["GET", "/secrets"],
      ["DELETE", "/secrets/x"],
      ["POST", "/secrets/restore"],
      ["GET", "/deletedsecrets"],
    ] as const) {
      const res = await anon.json(method, path);
      expect(res.status, `${method} ${path}`).toBe(401);
      const error = expectError(res, 401, "Unauthorized");
      expect(error.message).toBe("AKV10000: Request is missing a Bearer or PoP token.");
      expect(res.headers.get("WWW-Authenticate")).toBe(challengeFor(tenantId));
      expectCommonHeaders(res.headers, "401");
    }
  });

  it("the SDK's first, bodiless PUT gets the 401 (not a 400 for the missing body)", async () => {
    const vault = uniqueVaultName("wire");
    const { tenantId, kv } = await setupVault(vault);
    const variants: Array<Record<string, string>> = [{}, { "Content-Type": "application/json" }, { "Content-Type": "application/json", "Content-Length": "0" }];
    for (const headers of variants) {
      const res = await readJson(await rawVaultFetch(vault, "/secrets/first?api-version=2025-07-01", { method: "PUT", headers }));
      expectError(res, 401, "Unauthorized");
      expect(res.headers.get("WWW-Authenticate")).toBe(challengeFor(tenantId));
    }
    // Also for the other body-carrying operations.
    for (const [method, path] of [
      ["PATCH", "/secrets/first/0123456789abcdef0123456789abcdef"],
      ["POST", "/secrets/restore"],
    ] as const) {
      const res = await readJson(await rawVaultFetch(vault, `${path}?api-version=2025-07-01`, { method }));
      expectError(res, 401, "Unauthorized");
    }
    expectError(await kv.json("GET", "/secrets/first"), 404, "SecretNotFound");
  });

  it("a body sent without a token is not read or acted on", async () => {
    const vault = uniqueVaultName("wire");
    const { kv } = await setupVault(vault);
    const res = await vaultClient(vault, null).json("PUT", "/secrets/sneak", { value: "x" });
    expectError(res, 401, "Unauthorized");
    expectError(await kv.json("GET", "/secrets/sneak"), 404, "SecretNotFound");
  });

  it("garbage tokens and other schemes -> 401 with the challenge", async () => {
    const vault = uniqueVaultName("wire");
    const { tenantId } = await setupVault(vault);
    for (const authorization of ["Bearer garbage", "Bearer ", "Basic dXNlcjpwYXNz", "bearer", "Bearer x.y", "Token abc"]) {
      const res = await readJson(await rawVaultFetch(vault, "/secrets?api-version=2025-07-01", { headers: { Authorization: authorization } }));
      expect(res.status, authorization).toBe(401);
      expectError(res, 401, "Unauthorized");
      expect(res.headers.get("WWW-Authenticate"), authorization).toBe(challengeFor(tenantId));
    }
  });

  it("structurally broken JWTs (undecodable header, alg none) -> 401, handled without unhandled rejections", async () => {
    const vault = uniqueVaultName("wire");
    const { tenantId } = await setupVault(vault);
    const b64url = (s: string) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const tokens = [
      "a.b.c",
      `${b64url('{"alg":"none","typ":"JWT"}')}.${b64url(`{"tid":"${tenantId}","oid":"x","exp":9999999999}`)}.`,
      `${b64url('{"alg":"HS256"}')}.${b64url("{}")}.${b64url("sig")}`,
    ];
    const unhandled = await unhandledRejectionsDuring(async () => {
      for (const token of tokens) {
        const res = await readJson(await rawVaultFetch(vault, "/secrets?api-version=2025-07-01", { headers: { Authorization: `Bearer ${token}` } }));
        expect(res.status, token).toBe(401);
        expectError(res, 401, "Unauthorized");
        expect(res.headers.get("WWW-Authenticate")).toBe(challengeFor(tenantId));
      }
    });
    // A rejected token must be an ordinary 401, not an unhandled promise rejection in the Worker.
    expect(unhandled).toEqual([]);
  });

  it("a token issued for another resource -> 401", async () => {
    const vault = uniqueVaultName("wire");
    const { tenantId, principal, kv } = await setupVault(vault);
    await setSecret(kv, "s", { value: "v" });
    const otherToken = await tokenFor(principal.identityHeader as string, "https://other.example");
    const res = await vaultClient(vault, otherToken).json("GET", "/secrets/s");
    expectError(res, 401, "Unauthorized");
    expect(res.headers.get("WWW-Authenticate")).toBe(challengeFor(tenantId));
    // The audience with a trailing slash is the same resource and is accepted.
    const slashToken = await tokenFor(principal.identityHeader as string, "https://vault.localhost:8443/");
    expect((await vaultClient(vault, slashToken).json("GET", "/secrets/s")).status).toBe(200);
  });

  it("a valid token with a tampered signature -> 401", async () => {
    const vault = uniqueVaultName("wire");
    const { token } = await setupVault(vault);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const flipped = signature.slice(0, 5) + (signature[5] === "A" ? "B" : "A") + signature.slice(6);
    expect((await vaultClient(vault, `${header}.${payload}.${flipped}`).json("GET", "/secrets")).status).toBe(401);
  });
});

describe("ids echo the request host", () => {
  it("ids use the vault host and port the client addressed, lower-cased", async () => {
    const vault = uniqueVaultName("wire");
    const { kv, token } = await setupVault(vault);
    const set = await setSecret(kv, "host", { value: "v" });
    expect(set.id.startsWith(`https://${vault}.vault.localhost:8443/secrets/host/`)).toBe(true);
    const upper = await readJson<SecretBundle>(
      await rawVaultFetch(vault.toUpperCase(), "/secrets/host?api-version=2025-07-01", { headers: { Authorization: `Bearer ${token}` } }),
    );
    expect(upper.status).toBe(200);
    expect(upper.body.id).toBe(set.id);
  });
});
