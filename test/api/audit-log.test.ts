/**
 * The audit log end to end: every data-plane request leaves exactly one record with the
 * right facts, none of them sensitive; the auditors' query and export filter, page and refuse bad input
 * the Azure way; only auditing roles may read.
 */
import { SELF, env, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { bytesToBase64, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import type { AuditEvent } from "../../worker/wire/audit-query.ts";
import { DAY_MS, ManualClock, systemClock } from "../../core/domain/clock.ts";
import { admin as controlPlane, setupVault, vaultClient, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { b64u, fromB64u } from "../support/key-api.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, getAbsolute, principalWithRole, readJson, versionOf } from "../support/secrets.ts";
import { dumpCells, findValue } from "../support/storage.ts";

failOnlyOnTrulyUnhandledRejections();

const SETUP_TIMEOUT = 240_000;
const CLIENT_IP = "203.0.113.7";

interface AuditList {
  value: AuditEvent[];
  nextLink: string | null;
}

/** What one request of the sequence must have left in the log. `object: undefined` = not checked. */
interface Expected {
  label: string;
  requestId: string;
  operation: string;
  status: number;
  code: string;
  callerOid: string | null;
  callerAppId?: string;
  object?: { type: string; name: string; version: string | null };
}

interface Scenario {
  vault: string;
  tenantId: string;
  admin: { oid: string; appId: string; token: string; kv: VaultClient };
  auditor: { token: string; kv: VaultClient };
  officer: VaultClient;
  expected: Expected[];
  /** Every sensitive value the sequence sent or received, in the forms a leak could take. */
  sensitive: Map<string, string>;
  /** The data-plane records of the sequence, oldest first, as the auditor read them after it. */
  snapshot: AuditEvent[];
}

const hex = (n: number) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0")).join("");

function addForms(map: Map<string, string>, label: string, bytes: Uint8Array, text?: string): void {
  if (text !== undefined) map.set(`${label} (text)`, text);
  map.set(`${label} (base64)`, bytesToBase64(bytes).replace(/=+$/, ""));
  map.set(`${label} (base64url)`, bytesToBase64Url(bytes));
}

function addToken(map: Map<string, string>, label: string, token: string): void {
  map.set(`${label} token`, token);
  const [, payload, signature] = token.split(".");
  map.set(`${label} token payload`, payload ?? "");
  map.set(`${label} token signature`, signature ?? "");
}

/** Every page of an audit query, following nextLink (which must keep the filters). */
async function auditPages(kv: VaultClient, token: string, query: string): Promise<AuditList[]> {
  const pages: AuditList[] = [];
  let response = await kv.json<AuditList>("GET", `/auditlog${query === "" ? "" : `?${query}`}`);
  for (let i = 0; i < 100; i++) {
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    pages.push(response.body);
    if (response.body.nextLink === null) return pages;
    response = await getAbsolute<AuditList>(response.body.nextLink, token);
  }
  throw new Error("audit paging did not end");
}

async function auditRecords(kv: VaultClient, token: string, query = ""): Promise<AuditEvent[]> {
  return (await auditPages(kv, token, query)).flatMap((p) => p.value);
}

/** The whole export, following the Link header; returns the raw JSON Lines text of every page. */
async function exportPages(kv: VaultClient, token: string, query: string): Promise<string[]> {
  const texts: string[] = [];
  let response = await kv.request("GET", `/auditlog/export${query === "" ? "" : `?${query}`}`);
  for (let i = 0; i < 100; i++) {
    // Decoded by hand: workerd's .text() warns on media types it does not know as text.
    const text = new TextDecoder().decode(await response.arrayBuffer());
    expect(response.status, text).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("application/x-ndjson; charset=utf-8");
    texts.push(text);
    const link = response.headers.get("Link");
    if (link === null) return texts;
    const next = /^<([^>]+)>;\s*rel="next"$/.exec(link)?.[1];
    expect(next, link).toBeDefined();
    response = await SELF.fetch(next as string, { headers: { Authorization: `Bearer ${token}` } });
  }
  throw new Error("export paging did not end");
}

const parseLines = (text: string): AuditEvent[] =>
  text === "" ? [] : text.trimEnd().split("\n").map((line) => JSON.parse(line) as AuditEvent);

const requestIdOf = (response: { headers: Headers }): string => {
  const id = response.headers.get("x-ms-request-id");
  expect(id).toBeTruthy();
  return id as string;
};

const AUDIT_OPS = /^AuditLog/;
const DATA_PLANE_OPS = /^(Secret|Key|GetRandomBytes|Authentication|Unknown)/;

async function runScenario(): Promise<Scenario> {
  const vault = uniqueVaultName("audit");
  const setup = await setupVault(vault);
  const admin = { oid: setup.principal.id, appId: setup.principal.appId, token: setup.token, kv: setup.kv };
  const auditorP = await principalWithRole(setup.tenantId, vault, "Key Vault Auditor");
  const officerP = await principalWithRole(setup.tenantId, vault, "Key Vault Secrets Officer");
  const nobody = await principalWithRole(setup.tenantId, vault, null);
  const anonymous = vaultClient(vault, null);
  const expected: Expected[] = [];
  const sensitive = new Map<string, string>();

  const secretValue = `audit-secret-${hex(16)}`;
  const digest = crypto.getRandomValues(new Uint8Array(32));
  const plaintext = `audit-plaintext-${hex(16)}`;
  addForms(sensitive, "secret value", utf8(secretValue), secretValue);
  addForms(sensitive, "digest", digest);
  addForms(sensitive, "plaintext", utf8(plaintext), plaintext);
  const tokens = { admin: admin.token, auditor: auditorP.token, officer: officerP.token, nobody: nobody.token };
  for (const [label, token] of Object.entries(tokens)) addToken(sensitive, label, token);

  type Who = { oid: string; appId: string } | null;
  const asAdmin: Who = { oid: admin.oid, appId: admin.appId };
  const who = (p: { principal: { id: string; appId: string } }): Who => ({ oid: p.principal.id, appId: p.principal.appId });
  /** Notes what `response`'s request must have left in the log. */
  const expect1 = (
    label: string,
    response: { headers: Headers },
    caller: Who,
    operation: string,
    status: number,
    code: string,
    object?: Expected["object"],
  ): void => {
    expected.push({
      label,
      requestId: requestIdOf(response),
      operation,
      status,
      code,
      callerOid: caller?.oid ?? null,
      ...(caller === null ? {} : { callerAppId: caller.appId }),
      ...(object === undefined ? {} : { object }),
    });
  };
  const secret = (name: string, version: string | null) => ({ type: "secret", name, version });
  const key = (version: string) => ({ type: "key", name: "signer", version });

  // Secret set (from a known client address), get latest, get by version, list.
  const set = await admin.kv.request("PUT", "/secrets/audited", { value: secretValue }, { "CF-Connecting-IP": CLIENT_IP });
  const setBody = await readJson<{ id: string }>(set);
  expect(set.status, JSON.stringify(setBody.body)).toBe(200);
  const secretVersion = versionOf(setBody.body.id);
  expect1("set", set, asAdmin, "SecretSet", 200, "Success", secret("audited", secretVersion));

  const get = await admin.kv.json<{ value: string }>("GET", "/secrets/audited");
  expect(get.body.value).toBe(secretValue);
  expect1("get", get, asAdmin, "SecretGet", 200, "Success", secret("audited", secretVersion));

  const getVersion = await admin.kv.json("GET", `/secrets/audited/${secretVersion}`);
  expect(getVersion.status).toBe(200);
  expect1("get version", getVersion, asAdmin, "SecretGet", 200, "Success", secret("audited", secretVersion));

  const list = await admin.kv.json("GET", "/secrets");
  expect(list.status).toBe(200);
  expect1("list", list, asAdmin, "SecretList", 200, "Success");

  // Key create, sign, encrypt, decrypt.
  const created = await admin.kv.json<{ key: { kid: string } }>("POST", "/keys/signer/create", { kty: "RSA", key_size: 2048 });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  const keyVersion = versionOf(created.body.key.kid);
  expect1("key create", created, asAdmin, "KeyCreate", 200, "Success", key(keyVersion));

  const op = (name: string, body: Record<string, unknown>) => admin.kv.json<{ value: string }>("POST", `/keys/signer/${keyVersion}/${name}`, body);
  const signed = await op("sign", { alg: "RS256", value: b64u(digest) });
  expect(signed.status, JSON.stringify(signed.body)).toBe(200);
  addForms(sensitive, "signature", fromB64u(signed.body.value));
  expect1("sign", signed, asAdmin, "KeySign", 200, "Success", key(keyVersion));

  const encrypted = await op("encrypt", { alg: "RSA-OAEP-256", value: b64u(utf8(plaintext)) });
  expect(encrypted.status, JSON.stringify(encrypted.body)).toBe(200);
  addForms(sensitive, "ciphertext", fromB64u(encrypted.body.value));
  expect1("encrypt", encrypted, asAdmin, "KeyEncrypt", 200, "Success", key(keyVersion));

  const decrypted = await op("decrypt", { alg: "RSA-OAEP-256", value: encrypted.body.value });
  expect(new TextDecoder().decode(fromB64u(decrypted.body.value))).toBe(plaintext);
  expect1("decrypt", decrypted, asAdmin, "KeyDecrypt", 200, "Success", key(keyVersion));

  // Refusals: no role (403), an auditor reaching for a secret (403), a missing secret (404),
  // no token (401, before any caller is known), a bad name (400, before the vault object is called).
  const denied = await nobody.kv.json("GET", "/secrets/audited");
  expectError(denied, 403, "Forbidden", "ForbiddenByRbac");
  expect1("no role", denied, who(nobody), "SecretGet", 403, "Forbidden", secret("audited", null));

  const auditorSecret = await auditorP.kv.json("GET", "/secrets/audited");
  expectError(auditorSecret, 403, "Forbidden", "ForbiddenByRbac");
  expect1("auditor reads a secret", auditorSecret, who(auditorP), "SecretGet", 403, "Forbidden");

  const missing = await admin.kv.json("GET", "/secrets/missing");
  expectError(missing, 404, "SecretNotFound");
  expect1("missing", missing, asAdmin, "SecretGet", 404, "SecretNotFound", secret("missing", null));

  const unauthenticated = await anonymous.json("GET", "/secrets/audited");
  expectError(unauthenticated, 401, "Unauthorized");
  expect1("no token", unauthenticated, null, "Authentication", 401, "Unauthorized");

  const badName = await admin.kv.json("GET", "/secrets/bad_name");
  expectError(badName, 400, "BadParameter");
  expect1("bad name", badName, asAdmin, "SecretGet", 400, "BadParameter");

  const all = await auditRecords(auditorP.kv, auditorP.token);
  const snapshot = all.filter((r) => !AUDIT_OPS.test(r.operationName));
  return {
    vault,
    tenantId: setup.tenantId,
    admin,
    auditor: { token: auditorP.token, kv: auditorP.kv },
    officer: officerP.kv,
    expected,
    sensitive,
    snapshot,
  };
}

describe("audit log", () => {
  let scenario: Scenario | undefined;
  const s = (): Scenario => {
    if (scenario === undefined) throw new Error("the audited scenario did not run");
    return scenario;
  };
  const testStart = Date.now();

  beforeAll(async () => {
    scenario = await runScenario();
  }, SETUP_TIMEOUT);

  it("holds exactly one record per request, in request order, with the request's facts", () => {
    const { expected, snapshot, admin } = s();
    const dataPlane = snapshot.filter((r) => DATA_PLANE_OPS.test(r.operationName));
    expect(dataPlane.map((r) => r.requestId)).toEqual(expected.map((e) => e.requestId));
    for (const [i, e] of expected.entries()) {
      const r = dataPlane[i] as AuditEvent;
      const label = `${e.label}: ${JSON.stringify(r)}`;
      const facts = { operation: r.operationName, status: r.httpStatusCode, code: r.resultCode };
      expect(facts, label).toEqual({ operation: e.operation, status: e.status, code: e.code });
      expect(r.resultType, label).toBe(e.code === "Success" ? "Success" : "Failure");
      expect(r.category).toBe("AuditEvent");
      expect(r.vaultName.toLowerCase()).toBe(s().vault.toLowerCase());
      if (e.callerOid === null) expect(r.identity, label).toBeNull();
      else expect(r.identity?.claim, label).toEqual({ oid: e.callerOid, appid: e.callerAppId });
      if (r.identity !== null) expect(r.identity.principalType.length, label).toBeGreaterThan(0);
      const object = r.object === null ? null : { type: r.object.type, name: r.object.name, version: r.object.version };
      if (e.object !== undefined) expect(object, label).toEqual(e.object);
      const time = Date.parse(r.time);
      expect(time, label).toBeGreaterThanOrEqual(testStart - 5_000);
      expect(time, label).toBeLessThanOrEqual(Date.now() + 5_000);
      expect(r.durationMs, label).toBeGreaterThanOrEqual(0);
    }
    expect(dataPlane[0]?.callerIpAddress).toBe(CLIENT_IP);
    expect(dataPlane[0]?.object?.id).toBe(`${admin.kv.baseUrl}/secrets/audited/${dataPlane[0]?.object?.version}`);
  });

  it("never holds a secret value, plaintext, ciphertext, digest, signature or token, through the export or in storage", async () => {
    const { auditor, sensitive, vault } = s();
    const exported = (await exportPages(auditor.kv, auditor.token, "")).join("");
    const listed = JSON.stringify(await auditPages(auditor.kv, auditor.token, ""));
    expect(parseLines(exported).length).toBeGreaterThanOrEqual(s().expected.length);
    for (const [label, value] of sensitive) {
      expect(value.length, label).toBeGreaterThan(8);
      expect(exported.includes(value), `export contains ${label}`).toBe(false);
      expect(listed.includes(value), `list contains ${label}`).toBe(false);
    }
    const stub = env.VAULT.get(env.VAULT.idFromName(vault.toLowerCase()));
    const cells = await runInDurableObject(stub, (_instance, state) => dumpCells(state.storage.sql).filter((c) => c.table === "audit_log"));
    expect(cells.length).toBeGreaterThan(0);
    for (const [label, value] of sensitive) {
      if (label.endsWith("(text)")) expect(findValue(cells, value), label).toEqual([]);
      else expect(cells.filter((c) => typeof c.value === "string" && c.value.includes(value)).map((c) => c.column), label).toEqual([]);
    }
  });

  it("filters by operation, caller, object, result and time range, across pages that keep the filters", async () => {
    const { auditor, snapshot, admin } = s();
    const inSnapshot = new Set(snapshot.map((r) => r.requestId));
    const first = snapshot[2] as AuditEvent;
    const last = snapshot[7] as AuditEvent;
    const cases: [string, (r: AuditEvent) => boolean][] = [
      ["operation=secretget", (r) => r.operationName === "SecretGet"],
      [`caller=${admin.oid.toUpperCase()}`, (r) => r.identity?.claim.oid === admin.oid],
      ["objectType=secret&objectName=AUDITED", (r) => r.object?.type === "secret" && r.object.name === "audited"],
      ["objectType=key", (r) => r.object?.type === "key"],
      ["result=success", (r) => r.resultCode === "Success"],
      ["result=failure", (r) => r.resultCode !== "Success"],
      ["result=forbidden", (r) => r.resultCode === "Forbidden"],
      ["operation=SecretGet&result=SecretNotFound", (r) => r.operationName === "SecretGet" && r.resultCode === "SecretNotFound"],
      [
        `from=${encodeURIComponent(first.time)}&to=${encodeURIComponent(last.time)}`,
        (r) => Date.parse(r.time) >= Date.parse(first.time) && Date.parse(r.time) < Date.parse(last.time),
      ],
    ];
    for (const [query, predicate] of cases) {
      const pages = await auditPages(auditor.kv, auditor.token, `${query}&maxresults=2`);
      for (const page of pages) expect(page.value.length, query).toBeLessThanOrEqual(2);
      const got = pages.flatMap((p) => p.value).filter((r) => inSnapshot.has(r.requestId));
      const want = snapshot.filter(predicate);
      expect(want.length, `${query} should match something`).toBeGreaterThan(0);
      expect(got.map((r) => r.requestId), query).toEqual(want.map((r) => r.requestId));
    }
  });

  it("pages the whole log three at a time with absolute nextLinks, nothing lost or repeated", async () => {
    const { auditor, snapshot } = s();
    const pages = await auditPages(auditor.kv, auditor.token, "maxresults=3");
    expect(pages.length).toBeGreaterThan(1);
    for (const page of pages.slice(0, -1)) {
      expect(page.value.length).toBeLessThanOrEqual(3);
      expect(page.nextLink).toMatch(/^https:\/\/.*\/auditlog\?api-version=.*&\$skiptoken=.*&maxresults=3$/);
    }
    const ids = pages.flatMap((p) => p.value.map((r) => r.requestId));
    expect(new Set(ids).size).toBe(ids.length);
    const inSnapshot = new Set(snapshot.map((r) => r.requestId));
    expect(ids.filter((id) => inSnapshot.has(id))).toEqual(snapshot.map((r) => r.requestId));
  });

  it("exports JSON Lines in bounded pages linked by Link headers, matching the query", async () => {
    const { auditor, snapshot } = s();
    const texts = await exportPages(auditor.kv, auditor.token, "maxresults=4");
    expect(texts.length).toBeGreaterThan(2);
    for (const text of texts) expect(parseLines(text).length).toBeLessThanOrEqual(4);
    for (const text of texts.filter((t) => t !== "")) expect(text.endsWith("\n")).toBe(true);
    const inSnapshot = new Set(snapshot.map((r) => r.requestId));
    const exported = texts.flatMap(parseLines).filter((r) => inSnapshot.has(r.requestId));
    expect(exported).toEqual(snapshot);

    const filtered = (await exportPages(auditor.kv, auditor.token, "operation=KeySign")).flatMap(parseLines);
    expect(filtered.map((r) => r.operationName)).toEqual(["KeySign"]);
  });

  it("answers bad queries with 400 BadParameter, and audits them", async () => {
    const { auditor } = s();
    const bad = [
      "/auditlog?from=yesterday",
      "/auditlog?from=2025-01-31T12:00:00",
      "/auditlog?from=2025-02-01&to=2025-01-01",
      "/auditlog?from=2025-01-01&to=2025-01-01",
      "/auditlog?result=bogus",
      "/auditlog?operation=Secret%20Get",
      "/auditlog?caller=not-a-guid",
      "/auditlog?objectType=vault",
      "/auditlog?objectName=bad_name",
      "/auditlog?maxresults=0",
      "/auditlog?maxresults=26",
      "/auditlog?$skiptoken=!!!",
      "/auditlog?form=2025-01-01",
      "/auditlog/export?maxresults=1001",
      "/auditlog/export?to=2025-13-01",
    ];
    for (const path of bad) {
      const response = await auditor.kv.json("GET", path);
      expectError(response, 400, "BadParameter");
    }
    const refused = await auditRecords(auditor.kv, auditor.token, "operation=AuditLogQuery&result=BadParameter");
    expect(refused.length).toBe(bad.filter((p) => !p.startsWith("/auditlog/export")).length);
    const refusedExports = await auditRecords(auditor.kv, auditor.token, "operation=AuditLogExport&result=failure");
    expect(refusedExports.map((r) => r.resultCode)).toEqual(["BadParameter", "BadParameter"]);
  });

  it("refuses callers without an auditing role with 403 ForbiddenByRbac", async () => {
    const { officer, auditor } = s();
    for (const path of ["/auditlog", "/auditlog/export"]) {
      const response = await officer.json("GET", path);
      const error = expectError(response, 403, "Forbidden", "ForbiddenByRbac");
      expect(error.message).toContain("Action: 'Microsoft.KeyVault/vaults/auditevents/read'");
    }
    // The refusals are audited like any other request.
    const refusals = await auditRecords(auditor.kv, auditor.token, "result=forbidden");
    expect(refusals.filter((r) => AUDIT_OPS.test(r.operationName)).map((r) => r.operationName)).toEqual(["AuditLogQuery", "AuditLogExport"]);
  });

  it("answers 401 with the challenge to a request without a token", async () => {
    const response = await vaultClient(s().vault, null).request("GET", "/auditlog");
    expect(response.status).toBe(401);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Bearer authorization=/);
  });

  it("drops records past the vault's audit retention when the alarm runs, and keeps newer ones", async () => {
    const { auditor, snapshot, tenantId, vault } = s();
    const patched = await controlPlane("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { auditRetentionDays: 1 });
    expect(patched.status, await patched.text()).toBe(200);
    const stub = env.VAULT.get(env.VAULT.idFromName(vault.toLowerCase()));
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.getAlarm())).not.toBeNull();

    const inSnapshot = new Set(snapshot.map((r) => r.requestId));
    const later = Date.now() + DAY_MS + 60_000;
    try {
      await runInDurableObject(stub, async (instance) => {
        instance.clock = new ManualClock(later);
        await instance.alarm();
      });
      const first = await auditRecords(auditor.kv, auditor.token);
      expect(first.filter((r) => inSnapshot.has(r.requestId))).toEqual([]);
      // The query just made is recorded at the new time and survives the next run.
      await runInDurableObject(stub, (instance) => instance.alarm());
      const second = await auditRecords(auditor.kv, auditor.token);
      expect(second.map((r) => r.operationName)).toContain("AuditLogQuery");
      expect(second.every((r) => Date.parse(r.time) >= later)).toBe(true);
    } finally {
      await runInDurableObject(stub, (instance) => {
        instance.clock = systemClock;
      });
    }
  });
});
