import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuditFilter } from "../../core/contract/audit.ts";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import { encodeCursor } from "../../core/domain/objects/paging.ts";
import { auditPage, decodePosition, encodePosition } from "../../durable-objects/operations/audit-handlers.ts";
import { AuditRepository, type AuditPosition } from "../../durable-objects/storage/audit-repository.ts";
import { badParameter } from "../support/bad-parameter.ts";

/** A fresh vault object per test (isolatedStorage): its constructor has migrated the schema. */
const stub = () => env.VAULT.get(env.VAULT.idFromName(`audit-repo-${crypto.randomUUID()}`));

function withRepository<T>(fn: (repo: AuditRepository, sql: SqlStorage) => T | Promise<T>): Promise<T> {
  return runInDurableObject(stub(), (_instance, state) => fn(new AuditRepository(state.storage.sql), state.storage.sql));
}

const T0 = Date.UTC(2025, 0, 31, 12);
const ALICE = "aaaaaaaa-0000-4000-8000-000000000001";
const BOB = "bbbbbbbb-0000-4000-8000-000000000002";

let counter = 0;
function record(over: Partial<AuditRecord> = {}): AuditRecord {
  counter += 1;
  return {
    timeMs: T0,
    requestId: `req-${counter}`,
    tenantId: "tenant-1",
    vault: "auditvault",
    caller: { objectId: ALICE, appId: "app-alice", type: "ManagedIdentity" },
    clientIp: "203.0.113.7",
    operation: "SecretGet",
    object: { kind: "secret", name: "db-pass", version: null },
    httpStatus: 200,
    resultCode: "Success",
    durationMs: 3,
    ...over,
  };
}

const ids = (records: readonly AuditRecord[]) => records.map((r) => r.requestId);

/** Every page of a query, following `next` to the end. */
function allPages(repo: AuditRepository, filter: AuditFilter, maxResults: number): { pages: AuditRecord[][]; items: AuditRecord[] } {
  const pages: AuditRecord[][] = [];
  let skipToken: string | undefined;
  for (let i = 0; i < 1000; i++) {
    const page = auditPage(repo, filter, { maxResults, ...(skipToken === undefined ? {} : { skipToken }) }, 25);
    pages.push([...page.items]);
    if (page.next === null) return { pages, items: pages.flat() };
    skipToken = page.next;
  }
  throw new Error("paging did not end");
}

describe("audit repository", () => {
  it("stores every field and reads it back, null caller, IP and object included", async () => {
    await withRepository((repo) => {
      const full = record({ object: { kind: "key", name: "k1", version: "0123456789abcdef0123456789abcdef" }, durationMs: 17 });
      const refused = { operation: "Authentication", httpStatus: 401, resultCode: "Unauthorized" };
      const bare = record({ timeMs: T0 + 1, caller: null, clientIp: null, object: null, ...refused });
      repo.insert(full);
      repo.insert(bare);
      expect(repo.query({}, null, 10, 100)).toEqual({ records: [full, bare], next: null });
    });
  });

  it("reads oldest first by time, records of the same millisecond in insertion order", async () => {
    await withRepository((repo) => {
      const late = record({ timeMs: T0 + 50 });
      const early = record({ timeMs: T0 });
      const sameA = record({ timeMs: T0 + 10 });
      const sameB = record({ timeMs: T0 + 10 });
      for (const r of [late, early, sameA, sameB]) repo.insert(r);
      expect(ids(repo.query({}, null, 10, 100).records)).toEqual(ids([early, sameA, sameB, late]));
    });
  });

  it("filters by time range: from inclusive, to exclusive", async () => {
    await withRepository((repo) => {
      const rs = [0, 1, 2, 3, 4].map((i) => record({ timeMs: T0 + i * 1000 }));
      for (const r of rs) repo.insert(r);
      const q = (filter: AuditFilter) => ids(repo.query(filter, null, 25, 100).records);
      expect(q({ fromMs: T0 + 1000, toMs: T0 + 3000 })).toEqual(ids(rs.slice(1, 3)));
      expect(q({ fromMs: T0 + 1001 })).toEqual(ids(rs.slice(2)));
      expect(q({ toMs: T0 + 1 })).toEqual(ids(rs.slice(0, 1)));
      expect(q({ fromMs: T0 + 5000 })).toEqual([]);
    });
  });

  it("filters by operation, caller and object ignoring case, by kind, and by result", async () => {
    await withRepository((repo) => {
      const get = record({ operation: "SecretGet" });
      const bob = { objectId: BOB, appId: "app-bob", type: "ServicePrincipal" };
      const denied = record({ operation: "SecretGet", caller: bob, httpStatus: 403, resultCode: "Forbidden" });
      const other = { kind: "secret", name: "Other", version: null } as const;
      const missing = record({ operation: "SecretGet", object: other, httpStatus: 404, resultCode: "SecretNotFound" });
      const sign = record({ operation: "KeySign", object: { kind: "key", name: "db-pass", version: "0123456789abcdef0123456789abcdef" } });
      const anonymous = record({ operation: "Authentication", caller: null, object: null, httpStatus: 401, resultCode: "Unauthorized" });
      for (const r of [get, denied, missing, sign, anonymous]) repo.insert(r);
      const q = (filter: AuditFilter) => ids(repo.query(filter, null, 25, 100).records);

      expect(q({ operation: "secretget" })).toEqual(ids([get, denied, missing]));
      expect(q({ operation: "KEYSIGN" })).toEqual(ids([sign]));
      expect(q({ callerObjectId: BOB.toUpperCase() })).toEqual(ids([denied]));
      expect(q({ callerObjectId: ALICE })).toEqual(ids([get, missing, sign]));
      expect(q({ objectName: "DB-PASS" })).toEqual(ids([get, denied, sign]));
      expect(q({ objectKind: "secret", objectName: "db-pass" })).toEqual(ids([get, denied]));
      expect(q({ objectKind: "key" })).toEqual(ids([sign]));
      expect(q({ result: { outcome: "success" } })).toEqual(ids([get, sign]));
      expect(q({ result: { outcome: "failure" } })).toEqual(ids([denied, missing, anonymous]));
      expect(q({ result: { resultCode: "Forbidden" } })).toEqual(ids([denied]));
      expect(q({ operation: "SecretGet", result: { outcome: "failure" }, callerObjectId: ALICE })).toEqual(ids([missing]));
      expect(q({ operation: "SecretSet" })).toEqual([]);
    });
  });

  it("pages through a filtered log with opaque tokens, each page bounded, nothing lost or repeated", async () => {
    await withRepository((repo) => {
      const rs: AuditRecord[] = [];
      for (let i = 0; i < 23; i++) {
        // Several records share a millisecond, so page boundaries fall between them.
        rs.push(record({ timeMs: T0 + Math.floor(i / 4), operation: i % 3 === 0 ? "KeySign" : "SecretGet" }));
      }
      for (const r of rs) repo.insert(r);

      const everything = allPages(repo, {}, 5);
      expect(everything.pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 3]);
      expect(ids(everything.items)).toEqual(ids(rs));

      const signs = allPages(repo, { operation: "KeySign" }, 2);
      expect(ids(signs.items)).toEqual(ids(rs.filter((r) => r.operation === "KeySign")));
      expect(Math.max(...signs.pages.map((p) => p.length))).toBeLessThanOrEqual(2);

      // An exact fit ends without an extra empty page.
      expect(allPages(repo, {}, 23).pages.map((p) => p.length)).toEqual([23]);
    });
  });

  it("continues after the last record seen when more arrive between pages", async () => {
    await withRepository((repo) => {
      const first = [record(), record()];
      for (const r of first) repo.insert(r);
      const page1 = auditPage(repo, {}, { maxResults: 2 }, 25);
      expect(page1.next).toBeNull();
      // A client that kept the position (as a token) sees only what came after it.
      const token = encodePosition({ timeMs: T0, seq: 2 });
      const later = record({ timeMs: T0 + 5 });
      repo.insert(later);
      expect(ids(auditPage(repo, {}, { maxResults: 25, skipToken: token }, 25).items)).toEqual(ids([later]));
    });
  });

  it("examines at most scanLimit rows per call: rare matches come back over several calls, none lost", async () => {
    await withRepository((repo) => {
      const rs: AuditRecord[] = [];
      for (let i = 0; i < 40; i++) rs.push(record({ timeMs: T0 + i, operation: i % 9 === 4 ? "KeySign" : "SecretGet" }));
      for (const r of rs) repo.insert(r);
      const wanted = rs.filter((r) => r.operation === "KeySign");

      const found: AuditRecord[] = [];
      let after: AuditPosition | null = null;
      let calls = 0;
      do {
        const scan = repo.query({ operation: "KeySign" }, after, 25, 7);
        expect(scan.records.length).toBeLessThanOrEqual(7);
        found.push(...scan.records);
        after = scan.next;
        calls += 1;
      } while (after !== null && calls < 100);
      expect(ids(found)).toEqual(ids(wanted));
      expect(calls).toBe(Math.ceil(40 / 7));

      // A page of nothing but a continuation is an ordinary answer.
      const empty = repo.query({ operation: "KeySign" }, null, 25, 3);
      expect(empty.records).toEqual([]);
      expect(empty.next).not.toBeNull();
    });
  });

  it("answers the range with no next when the scan budget ends exactly at the last row", async () => {
    await withRepository((repo) => {
      for (let i = 0; i < 6; i++) repo.insert(record({ timeMs: T0 + i }));
      expect(repo.query({ operation: "KeySign" }, null, 25, 6)).toEqual({ records: [], next: null });
      expect(repo.query({ operation: "KeySign" }, null, 25, 5).next).not.toBeNull();
    });
  });

  it("walks the time index for ranges and pages, without sorting", async () => {
    await withRepository((_repo, sql) => {
      const plan = (query: string, ...params: (string | number)[]) =>
        sql.exec<{ detail: string }>(`EXPLAIN QUERY PLAN ${query}`, ...params).toArray().map((r) => r.detail).join(" | ");
      const scanned = plan(
        "SELECT * FROM audit_log WHERE time_ms >= ? AND time_ms < ? AND time_ms >= ? AND (time_ms > ? OR seq > ?) ORDER BY time_ms, seq LIMIT ?",
        T0, T0 + 1000, T0, T0, 5, 100,
      );
      expect(scanned).toContain("audit_log_by_time");
      expect(scanned).not.toContain("TEMP B-TREE");
      expect(plan("DELETE FROM audit_log WHERE time_ms < ?", T0)).toContain("audit_log_by_time");
      // The repository's page query: the scan window as an ordered co-routine, filtered without a sort.
      const page = plan(
        "SELECT seq FROM (SELECT * FROM audit_log WHERE 1 = 1 AND time_ms >= ? ORDER BY time_ms, seq LIMIT ?) " +
          "WHERE 1 = 1 AND operation = ? COLLATE NOCASE ORDER BY time_ms, seq LIMIT ?",
        T0, 100, "SecretGet", 5,
      );
      expect(page).toContain("audit_log_by_time");
      expect(page).not.toContain("TEMP B-TREE");
      expect(plan("DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE time_ms < ? ORDER BY time_ms, seq LIMIT ?)", T0, 5)).toContain(
        "audit_log_by_time",
      );
    });
  });

  it("prunes records older than the cutoff, oldest first, in batches when asked", async () => {
    await withRepository((repo) => {
      expect(repo.oldestTimeMs()).toBeNull();
      expect(repo.pruneOlderThan(T0)).toBe(0);
      const rs = [5, 1, 3, 2, 4].map((i) => record({ timeMs: T0 + i * 1000 }));
      for (const r of rs) repo.insert(r);
      expect(repo.oldestTimeMs()).toBe(T0 + 1000);

      // Strictly older: a record exactly at the cutoff stays.
      expect(repo.pruneOlderThan(T0 + 2000)).toBe(1);
      expect(repo.oldestTimeMs()).toBe(T0 + 2000);

      expect(repo.pruneOlderThan(T0 + 5000, 2)).toBe(2);
      expect(repo.oldestTimeMs()).toBe(T0 + 4000);
      expect(repo.pruneOlderThan(T0 + 5000, 2)).toBe(1);
      expect(repo.pruneOlderThan(T0 + 5000, 2)).toBe(0);

      expect(ids(repo.query({}, null, 25, 100).records)).toEqual(ids([rs[0] as AuditRecord]));
      expect(repo.pruneOlderThan(T0 + 60_000)).toBe(1);
      expect(repo.oldestTimeMs()).toBeNull();
    });
  });
});

describe("audit pages (the handlers' checks)", () => {
  it("refuse page sizes outside the operation's bound", async () => {
    await withRepository((repo) => {
      for (const maxResults of [0, -1, 26, 1.5, Number.NaN]) badParameter(() => auditPage(repo, {}, { maxResults }, 25));
      expect(auditPage(repo, {}, { maxResults: 1000 }, 1000)).toEqual({ items: [], next: null });
    });
  });

  it("refuse an empty time range", async () => {
    await withRepository((repo) => {
      badParameter(() => auditPage(repo, { fromMs: T0, toMs: T0 }, { maxResults: 5 }, 25));
      badParameter(() => auditPage(repo, { fromMs: T0 + 1, toMs: T0 }, { maxResults: 5 }, 25));
    });
  });

  it("refuse continuation tokens that are not theirs", () => {
    const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const foreign = [b64url("{}"), b64url('{"afterSeq":5}'), encodeCursor({ after: "db-pass" })];
    for (const token of ["!!!", ...foreign, encodeCursor({ after: "1.x" }), encodeCursor({ after: "1.2.3" })]) {
      badParameter(() => decodePosition(token));
    }
    expect(decodePosition(undefined)).toBeNull();
    expect(decodePosition(encodePosition({ timeMs: T0, seq: 42 }))).toEqual({ timeMs: T0, seq: 42 });
    expect(encodePosition({ timeMs: T0, seq: 42 })).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
