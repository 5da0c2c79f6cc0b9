import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import {
  AUDIT_EXPORT_MAX_RESULTS,
  AUDIT_QUERY_MAX_RESULTS,
  auditEvent,
  auditJsonLines,
  auditListBody,
  auditNextLink,
  auditQuery,
  parseTime,
} from "../../worker/wire/audit-query.ts";
import { badParameter } from "../support/bad-parameter.ts";

const BASE = "https://myvault.vault.localhost:8443";
const OID = "0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

const url = (query: string) => new URL(`${BASE}/auditlog?api-version=2025-07-01${query === "" ? "" : `&${query}`}`);
const parse = (query: string, max = AUDIT_QUERY_MAX_RESULTS) => auditQuery(url(query), max);

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  timeMs: Date.UTC(2025, 0, 31, 12, 0, 0, 123),
  requestId: "7d6c5b4a-3f2e-4d1c-9b8a-7f6e5d4c3b2a",
  tenantId: "tenant-1",
  vault: "MyVault",
  caller: { objectId: OID, appId: "app-1", type: "ManagedIdentity" },
  clientIp: "203.0.113.7",
  operation: "SecretGet",
  object: { kind: "secret", name: "db-pass", version: "0123456789abcdef0123456789abcdef" },
  httpStatus: 200,
  resultCode: "Success",
  durationMs: 4,
  ...over,
});

describe("audit query parameters", () => {
  it("an empty query is an empty filter and a full page", () => {
    expect(parse("")).toEqual({ filter: {}, page: { maxResults: AUDIT_QUERY_MAX_RESULTS } });
    expect(parse("", AUDIT_EXPORT_MAX_RESULTS).page).toEqual({ maxResults: AUDIT_EXPORT_MAX_RESULTS });
  });

  it("reads every filter", () => {
    const q = parse(
      `from=2025-01-01T00:00:00Z&to=2025-02-01&operation=secretget&caller=${OID.toUpperCase()}` +
        "&objectType=Secret&objectName=DB-Pass&result=forbidden&maxresults=5&$skiptoken=abc",
    );
    expect(q).toEqual({
      filter: {
        fromMs: Date.UTC(2025, 0, 1),
        toMs: Date.UTC(2025, 1, 1),
        operation: "secretget",
        callerObjectId: OID,
        objectKind: "secret",
        objectName: "DB-Pass",
        result: { resultCode: "Forbidden" },
      },
      page: { maxResults: 5, skipToken: "abc" },
    });
  });

  it("reads result outcomes and codes in any case", () => {
    expect(parse("result=SUCCESS").filter.result).toEqual({ outcome: "success" });
    expect(parse("result=failure").filter.result).toEqual({ outcome: "failure" });
    expect(parse("result=secretnotfound").filter.result).toEqual({ resultCode: "SecretNotFound" });
    expect(parse("result=Throttled").filter.result).toEqual({ resultCode: "Throttled" });
    expect(parse("result=http502").filter.result).toEqual({ resultCode: "Http502" });
  });

  it("treats empty values as absent", () => {
    expect(parse("from=&operation=&maxresults=").filter).toEqual({});
  });

  it("bounds maxresults by the route's page size", () => {
    expect(parse("maxresults=25").page.maxResults).toBe(25);
    expect(parse("maxresults=1000", AUDIT_EXPORT_MAX_RESULTS).page.maxResults).toBe(1000);
    for (const bad of ["0", "26", "-1", "1.5", "abc", "1e1", " 5"]) {
      expect(badParameter(() => parse(`maxresults=${encodeURIComponent(bad)}`)).message).toContain("maxresults");
    }
    badParameter(() => parse("maxresults=1001", AUDIT_EXPORT_MAX_RESULTS));
  });

  it("refuses an empty or inverted time range", () => {
    expect(badParameter(() => parse("from=2025-02-01&to=2025-01-01")).message).toMatch(/'from'.*earlier than 'to'/);
    badParameter(() => parse("from=2025-01-01T00:00:00Z&to=2025-01-01T00:00:00Z"));
    badParameter(() => parse("from=2025-01-01T02:00:00%2B02:00&to=2025-01-01T00:00:00Z"));
  });

  it.each([
    ["operation", "Secret Get"],
    ["operation", "x".repeat(65)],
    ["operation", "SecretGet;DROP"],
    ["caller", "not-a-guid"],
    ["caller", `${OID}0`],
    ["objectType", "secrets"],
    ["objectType", "vault"],
    ["objectName", "bad_name"],
    ["objectName", "x".repeat(128)],
    ["result", "ok"],
    ["result", "Http5"],
    ["result", "NoSuchCode"],
  ])("refuses %s=%s with a message naming the parameter", (name, value) => {
    expect(badParameter(() => parse(`${name}=${encodeURIComponent(value)}`)).message).toContain(`'${name}'`);
  });

  it("refuses unknown and repeated parameters (a misspelt filter must not widen the answer)", () => {
    expect(badParameter(() => parse("form=2025-01-01")).message).toContain("'form'");
    expect(badParameter(() => parse("operation=SecretGet&operation=KeySign")).message).toContain("'operation'");
  });
});

describe("audit query times", () => {
  it.each([
    ["2025-01-31", Date.UTC(2025, 0, 31)],
    ["2025-01-31T12:00Z", Date.UTC(2025, 0, 31, 12)],
    ["2025-01-31T12:00:05Z", Date.UTC(2025, 0, 31, 12, 0, 5)],
    ["2025-01-31T12:00:05.1Z", Date.UTC(2025, 0, 31, 12, 0, 5, 100)],
    ["2025-01-31T12:00:05.123Z", Date.UTC(2025, 0, 31, 12, 0, 5, 123)],
    ["2025-01-31T12:00:05.1230000Z", Date.UTC(2025, 0, 31, 12, 0, 5, 123)],
    // Finer than a millisecond rounds up: records carry whole milliseconds.
    ["2025-01-31T12:00:05.1231Z", Date.UTC(2025, 0, 31, 12, 0, 5, 124)],
    ["2025-01-31T14:00:00+02:00", Date.UTC(2025, 0, 31, 12)],
    ["2025-01-31T07:30:00-04:30", Date.UTC(2025, 0, 31, 12)],
    // What an unencoded '+' becomes in a query string.
    ["2025-01-31T14:00:00 02:00", Date.UTC(2025, 0, 31, 12)],
    ["2024-02-29", Date.UTC(2024, 1, 29)],
    ["1970-01-01T00:00:00Z", 0],
  ])("reads %s", (text, ms) => {
    expect(parseTime("from", text)).toBe(ms);
  });

  it("agrees with Date.parse on what both read", () => {
    for (const text of ["2025-06-15T23:59:59.999Z", "2030-12-31T00:00:00+14:00", "2000-03-01T01:02:03-11:00"]) {
      expect(parseTime("to", text)).toBe(Date.parse(text));
    }
  });

  it.each([
    "yesterday",
    "2025-01-31T12:00:00", // no zone: the range would depend on the server's locale
    "2025-1-31",
    "2025-02-29",
    "2025-13-01",
    "2025-01-32",
    "2025-01-31T24:00:00Z",
    "2025-01-31T12:60:00Z",
    "2025-01-31T12:00:60Z",
    "2025-01-31T12:00:00+15:00",
    "2025-01-31T12:00:00+02:60",
    "1969-12-31T23:59:59Z",
    "1738324800000",
    "2025-01-31T12:00:00.Z",
    "2025-01-31T12:00:00.1234567890Z",
  ])("refuses %s", (text) => {
    expect(badParameter(() => parseTime("from", text)).message).toContain("'from'");
  });
});

describe("audit events on the wire", () => {
  it("formats a record like Azure's AuditEvent, flattened", () => {
    expect(auditEvent(BASE, record())).toEqual({
      time: "2025-01-31T12:00:00.123Z",
      category: "AuditEvent",
      operationName: "SecretGet",
      requestId: "7d6c5b4a-3f2e-4d1c-9b8a-7f6e5d4c3b2a",
      tenantId: "tenant-1",
      vaultName: "MyVault",
      resultType: "Success",
      resultCode: "Success",
      httpStatusCode: 200,
      durationMs: 4,
      callerIpAddress: "203.0.113.7",
      identity: { claim: { oid: OID, appid: "app-1" }, principalType: "ManagedIdentity" },
      object: {
        type: "secret",
        name: "db-pass",
        version: "0123456789abcdef0123456789abcdef",
        id: `${BASE}/secrets/db-pass/0123456789abcdef0123456789abcdef`,
      },
    });
  });

  it("writes absent caller, IP and object as null, and failures as Failure", () => {
    const event = auditEvent(BASE, record({ caller: null, clientIp: null, object: null, httpStatus: 401, resultCode: "Unauthorized" }));
    expect(event).toMatchObject({ identity: null, callerIpAddress: null, object: null, resultType: "Failure", resultCode: "Unauthorized" });
    const key = auditEvent(BASE, record({ object: { kind: "key", name: "k1", version: null } }));
    expect(key.object).toEqual({ type: "key", name: "k1", version: null, id: `${BASE}/keys/k1` });
  });

  it("round-trips the time to the millisecond, so a record's time can bound the next query", () => {
    const r = record({ timeMs: 1_738_324_800_007 });
    expect(parseTime("from", auditEvent(BASE, r).time)).toBe(r.timeMs);
  });

  it("exports JSON Lines: one record per line, each line ending in a newline", () => {
    const lines = auditJsonLines([record(), record({ operation: "KeySign" })], BASE);
    expect(lines.endsWith("\n")).toBe(true);
    const parsed = lines.trimEnd().split("\n").map((l) => JSON.parse(l) as { operationName: string });
    expect(parsed.map((p) => p.operationName)).toEqual(["SecretGet", "KeySign"]);
    expect(auditJsonLines([], BASE)).toBe("");
  });
});

describe("audit next links", () => {
  it("repeat the filters, the page size and the continuation", () => {
    const u = url(`from=2025-01-01T00:00:00%2B02:00&operation=SecretGet&caller=${OID}&maxresults=3&$skiptoken=old`);
    const { page } = auditQuery(u, AUDIT_QUERY_MAX_RESULTS);
    const link = auditNextLink(`${BASE}/auditlog`, u, "2025-07-01", page, "tok-en_1");
    expect(link).not.toBeNull();
    const next = new URL(link as string);
    expect(next.pathname).toBe("/auditlog");
    expect(Object.fromEntries(next.searchParams)).toEqual({
      "api-version": "2025-07-01",
      from: "2025-01-01T00:00:00+02:00",
      operation: "SecretGet",
      caller: OID,
      maxresults: "3",
      $skiptoken: "tok-en_1",
    });
    // The link parses back to the same filter.
    expect(auditQuery(next, AUDIT_QUERY_MAX_RESULTS).filter).toEqual(auditQuery(u, AUDIT_QUERY_MAX_RESULTS).filter);
  });

  it("is null on the last page, and the list body follows Azure's {value, nextLink}", () => {
    const u = url("");
    const { page } = auditQuery(u, AUDIT_QUERY_MAX_RESULTS);
    expect(auditNextLink(`${BASE}/auditlog`, u, "2025-07-01", page, null)).toBeNull();
    const body = auditListBody({ items: [record()], next: null }, BASE, u, "2025-07-01", page);
    expect(body).toEqual({ value: [auditEvent(BASE, record())], nextLink: null });
  });
});
