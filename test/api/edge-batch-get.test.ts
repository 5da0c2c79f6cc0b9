/**
 * Batch get (docs/edge-reads.md), an extension beyond Azure: up to 25 secrets in one POST, each item a SecretGet of its
 * own — authorized, throttled and audited per item — answered or failed on its own. Most calls go through the typed
 * client of docs/examples/edge-batch-get.ts, so the documented example is what is tested.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BatchGetError, batchGetSecrets, type BatchGetItem, type BatchGetResult } from "../../docs/examples/edge-batch-get.ts";
import { admin, setupVault, uniqueVaultName, vaultClient, type VaultClient } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { allPages, expectError, principalWithRole, readJson, setSecret, setVaultClock, versionOf } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const PATH = "/edge/secrets/batchget";
/** The example client's default api-version; the single GETs compared with it use the same one. */
const LATEST = "2026-04-01";

function batch(kv: VaultClient, token: string, items: readonly BatchGetItem[]): Promise<BatchGetResult[]> {
  return batchGetSecrets(kv.baseUrl, token, items, { fetch: (url, init) => SELF.fetch(url, init) });
}

interface AuditEvent {
  requestId: string;
  operationName: string;
  httpStatusCode: number;
  resultCode: string;
  object: { name: string; version: string | null } | null;
}

/** Every audit record of the vault (the log pages by 25). */
async function auditLog(kv: VaultClient, token: string): Promise<AuditEvent[]> {
  return (await allPages<AuditEvent>(kv, token, "/auditlog")).flatMap((page) => page.value);
}

async function post(kv: VaultClient, body: unknown) {
  const response = await kv.request("POST", PATH, body);
  return { ...(await readJson<{ value: BatchGetResult[] }>(response)), requestId: response.headers.get("x-ms-request-id") };
}

describe("batch get: each item answered on its own", () => {
  it("found, not found, an older version, a disabled secret; bundles are exactly the single GET's", async () => {
    const vault = uniqueVaultName("batch");
    const { kv, token } = await setupVault(vault);
    await setSecret(kv, "a", { value: "alpha", contentType: "text/plain", tags: { env: "prod" } });
    const old = versionOf((await setSecret(kv, "b", { value: "old" })).id);
    await setSecret(kv, "b", { value: "new" });
    await setSecret(kv, "d", { value: "hidden", attributes: { enabled: false } });

    const items = [{ name: "a" }, { name: "missing" }, { name: "b", version: old }, { name: "d" }, { name: "B", version: old.toUpperCase() }, { name: "b" }];
    const results = await batch(kv, token, items);
    expect(results.map((r) => [r.name, r.version, r.status])).toEqual([
      ["a", undefined, 200],
      ["missing", undefined, 404],
      ["b", old, 200],
      ["d", undefined, 403],
      ["B", old.toUpperCase(), 200],
      ["b", undefined, 200],
    ]);

    // The same answers as the single GETs, member for member (previousVersion included, at this api-version).
    const single = vaultClient(vault, token, LATEST);
    const paths = ["/secrets/a", "/secrets/missing", `/secrets/b/${old}`, "/secrets/d", `/secrets/B/${old.toUpperCase()}`, "/secrets/b"];
    for (const [i, path] of paths.entries()) {
      const got = await single.json("GET", path);
      const result = results[i] as BatchGetResult;
      expect(result.status, path).toBe(got.status);
      expect("secret" in result ? result.secret : { error: result.error }, path).toEqual(got.body);
    }
    expectError({ status: results[1]?.status ?? 0, body: results[1] }, 404, "SecretNotFound");
    expectError({ status: results[3]?.status ?? 0, body: results[3] }, 403, "Forbidden", "SecretDisabled");
    expect(results.map((r) => ("secret" in r ? r.secret.value : null))).toEqual(["alpha", null, "old", null, "old", "new"]);
  });

  it("an identity that cannot read secret values gets 403 ForbiddenByRbac per item, in a 200", async () => {
    const vault = uniqueVaultName("batch");
    const { tenantId, kv } = await setupVault(vault);
    await setSecret(kv, "a", { value: "1" });
    const reader = await principalWithRole(tenantId, vault, "Key Vault Reader");
    const results = await batch(reader.kv, reader.token, [{ name: "a" }, { name: "missing" }]);
    expect(results).toHaveLength(2);
    for (const result of results) expectError({ status: result.status, body: result }, 403, "Forbidden", "ForbiddenByRbac");

    const user = await principalWithRole(tenantId, vault, "Key Vault Secrets User");
    expect((await batch(user.kv, user.token, [{ name: "a" }])).map((r) => r.status)).toEqual([200]);
  });

  it("audits one SecretGet per item under the request's id, duplicates included, and nothing under the batch's name", async () => {
    const vault = uniqueVaultName("batch");
    const { kv, token } = await setupVault(vault);
    const version = versionOf((await setSecret(kv, "a", { value: "1" })).id);
    await setSecret(kv, "d", { value: "off", attributes: { enabled: false } });
    const answer = await post(kv, { secrets: [{ name: "a" }, { name: "missing" }, { name: "d" }, { name: "a", version }] });
    expect(answer.status).toBe(200);
    expect(answer.requestId).toMatch(/^[0-9a-f-]{36}$/);

    const records = (await auditLog(kv, token)).filter((r) => r.requestId === answer.requestId);
    const summary = records.map((r) => [r.operationName, r.object?.name, r.object?.version, r.httpStatusCode, r.resultCode]);
    expect(summary.sort()).toEqual(
      [
        ["SecretGet", "a", version, 200, "Success"],
        ["SecretGet", "a", version, 200, "Success"],
        ["SecretGet", "d", null, 403, "Forbidden"],
        ["SecretGet", "missing", null, 404, "SecretNotFound"],
      ].sort(),
    );
  });
});

describe("batch get: throttled per item", () => {
  /** 3.2 s into a 10-second window a year ahead: the window ends 6.8 s later, so Retry-After is 7. */
  const T = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000 + 3_200;

  it("each item costs a unit: over the limit only the excess items are 429; when every item is, the request is", async () => {
    const vault = uniqueVaultName("batch");
    const { tenantId, kv, token } = await setupVault(vault);
    await setSecret(kv, "a", { value: "1" });
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { secrets: 3 } })).status).toBe(200);
    await setVaultClock(vault, T);

    const results = await batch(kv, token, [{ name: "a" }, { name: "a" }, { name: "missing" }, { name: "a" }, { name: "missing" }]);
    const throttled = results.filter((r) => r.status === 429);
    expect(throttled).toHaveLength(2);
    for (const result of throttled) {
      expectError({ status: result.status, body: result }, 429, "Throttled");
      expect("retryAfterSeconds" in result && result.retryAfterSeconds).toBe(7);
    }
    for (const result of results.filter((r) => r.status !== 429)) expect([200, 404]).toContain(result.status);

    // Nothing left in the window: the whole request is 429 with the exact wait, under all three headers.
    const refused = await batch(kv, token, [{ name: "a" }, { name: "b" }]).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(BatchGetError);
    expect(refused).toMatchObject({ status: 429, code: "Throttled", retryAfterSeconds: 7 });
    const raw = await kv.request("POST", PATH, { secrets: [{ name: "a" }] });
    expect([raw.status, raw.headers.get("Retry-After"), raw.headers.get("retry-after-ms"), raw.headers.get("x-ms-retry-after-ms")]).toEqual([429, "7", "7000", "7000"]);
    expectError(await readJson(raw), 429, "Throttled");
    const requestId = raw.headers.get("x-ms-request-id");

    // Next window: admitted again; the refused items were each recorded as a throttled SecretGet.
    await setVaultClock(vault, T + 7_000);
    expect((await batch(kv, token, [{ name: "a" }])).map((r) => r.status)).toEqual([200]);
    const records = (await auditLog(kv, token)).filter((r) => r.requestId === requestId);
    expect(records.map((r) => [r.operationName, r.httpStatusCode, r.resultCode])).toEqual([["SecretGet", 429, "Throttled"]]);
  });
});

describe("batch get: input is checked whole before anything is read", () => {
  const hex = "0123456789abcdef0123456789abcdef";
  const cases: [string, unknown][] = [
    ["no items", { secrets: [] }],
    ["26 items", { secrets: Array.from({ length: 26 }, () => ({ name: "a" })) }],
    ["a bad name", { secrets: [{ name: "a" }, { name: "bad_name" }] }],
    ["a name too long", { secrets: [{ name: "n".repeat(128) }] }],
    ["a name that is not a string", { secrets: [{ name: 7 }] }],
    ["a bad version", { secrets: [{ name: "a", version: hex.slice(1) }] }],
    ["a version that is not hex", { secrets: [{ name: "a", version: "z".repeat(32) }] }],
    ["an empty version", { secrets: [{ name: "a", version: "" }] }],
    ["a null version", { secrets: [{ name: "a", version: null }] }],
    ["an unknown item member", { secrets: [{ name: "a", versoin: hex }] }],
    ["an unknown body member", { secrets: [{ name: "a" }], maxresults: 5 }],
    ["an item that is not an object", { secrets: ["a"] }],
    ["secrets that are not an array", { secrets: { name: "a" } }],
    ["no secrets member", {}],
    ["a body that is an array", [{ name: "a" }]],
    ["a body that is not JSON", '{"secrets":[{"name":"a"}'],
    ["no body", undefined],
  ];

  it("answers each bad batch 400 BadParameter; no item is read or audited as a SecretGet", async () => {
    const vault = uniqueVaultName("batch");
    const { kv, token } = await setupVault(vault);
    await setSecret(kv, "a", { value: "1" });
    const requestIds: (string | null)[] = [];
    for (const [label, body] of cases) {
      const answer = await post(kv, body);
      expectError(answer, 400, "BadParameter");
      expect(answer.body, label).not.toHaveProperty("value");
      requestIds.push(answer.requestId);
    }
    const log = await auditLog(kv, token);
    expect(log.filter((r) => r.operationName === "SecretGet")).toEqual([]);
    // Each refused batch is still recorded, once, under the batch's own name.
    const refused = log.filter((r) => r.operationName === "SecretBatchGet");
    expect(refused.map((r) => r.requestId).sort()).toEqual([...requestIds].sort());
    expect(new Set(refused.map((r) => `${r.httpStatusCode} ${r.resultCode}`))).toEqual(new Set(["400 BadParameter"]));
  });

  it("takes exactly 25 items", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("batch"));
    const results = await batch(kv, token, Array.from({ length: 25 }, (_, i) => ({ name: `s${i}` })));
    expect(results.map((r) => r.name)).toEqual(Array.from({ length: 25 }, (_, i) => `s${i}`));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([404]));
  });
});

describe("batch get: the request itself", () => {
  it("without a valid token: 401 with the challenge, before the body is read", async () => {
    const vault = uniqueVaultName("batch");
    const { kv } = await setupVault(vault);
    const anonymous = await vaultClient(vault, null).request("POST", PATH, { secrets: [{ name: "a" }] });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    const refused = await batch(kv, "not-a-token", [{ name: "a" }]).catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 401, code: "Unauthorized" });
  });

  it("is only a POST at its own path: no Azure path or object name reaches it", async () => {
    const { kv } = await setupVault(uniqueVaultName("batch"));
    expectError(await readJson(await kv.request("GET", PATH)), 404, "NotFound");
    // Under /secrets the same words are a secret's name, as in Azure.
    expectError(await readJson(await kv.request("GET", "/secrets/batchget")), 404, "SecretNotFound");
  });
});
