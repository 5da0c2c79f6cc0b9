/**
 * The audit log's wire: query-string filters in, Azure-flavoured audit events out (our API; Azure has none).
 *
 * Query (GET /auditlog, GET /auditlog/export), every parameter optional, each at most once:
 *   from, to     ISO 8601 times, `from` inclusive and `to` exclusive: 2025-01-31T12:00:00Z,
 *                2025-01-31T12:00:00.1234567+02:00, or a date (2025-01-31 = its UTC midnight).
 *                A zone is required with a time, so the range never depends on a server's locale.
 *   operation    Azure's operation name (SecretGet, KeySign, …), any case
 *   caller       the caller's object id (token `oid`), a GUID
 *   objectType   secret | key | certificate;   objectName  an object name (any case, as Key Vault names are)
 *   result       success | failure | one result code (Forbidden, SecretNotFound, Throttled, …)
 *   maxresults   1..25 for the paged list, 1..1000 for the export;   $skiptoken  from a previous page
 * Anything else (a misspelt `form=`) is refused rather than ignored: a silently unfiltered audit answer
 * would mislead the auditor.
 *
 * One record (a line of the export, an item of the list) — the shape of Azure Key Vault's AuditEvent
 * resource log (time, category, operationName, resultType, durationMs, callerIpAddress, identity.claim),
 * flattened where Azure nests under `properties`:
 *   { "time": "2025-01-31T12:00:00.123Z", "category": "AuditEvent", "operationName": "SecretGet",
 *     "requestId": "…x-ms-request-id…", "tenantId": "…", "vaultName": "…",
 *     "resultType": "Success" | "Failure", "resultCode": "Success" | "<error code>", "httpStatusCode": 200,
 *     "durationMs": 4, "callerIpAddress": "203.0.113.7" | null,
 *     "identity": { "claim": { "oid": "…", "appid": "…" }, "principalType": "ManagedIdentity" } | null,
 *     "object": { "type": "secret", "name": "db-pass", "version": "…" | null, "id": "https://…/secrets/db-pass/…" } | null }
 * The list body is `{ "value": [records], "nextLink": url | null }` (as worker/wire/paging.ts); the export
 * is JSON Lines with the next page's URL in `Link: <url>; rel="next"`. Links repeat the filters.
 */
import {
  AUDIT_EXPORT_MAX_RESULTS,
  AUDIT_QUERY_MAX_RESULTS,
  type AuditFilter,
  type AuditResultFilter,
} from "../../core/contract/audit.ts";
import { AUDIT_SUCCESS, type AuditRecord } from "../../core/domain/vault/audit-record.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";
import type { Page, PageRequest } from "../../core/contract/common.ts";
import { badParameter, type ErrorCode } from "../../core/errors/vault-error.ts";

export { AUDIT_EXPORT_MAX_RESULTS, AUDIT_QUERY_MAX_RESULTS };

const FILTERS = ["from", "to", "operation", "caller", "objectType", "objectName", "result"] as const;
const KNOWN = new Set<string>(["api-version", "maxresults", "$skiptoken", ...FILTERS]);

const OPERATION = /^[A-Za-z]{1,64}$/;
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
/** secrets.json / keys.json object-name pattern. */
const OBJECT_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2}))?$/;

const OBJECT_KINDS = ["secret", "key", "certificate"] as const satisfies readonly ObjectKind[];

/** Every code a record can end with; exhaustive, so a new ErrorCode must be listed to be filterable. */
const RESULT_CODES: { readonly [C in ErrorCode | typeof AUDIT_SUCCESS]: true } = {
  Success: true,
  BadParameter: true,
  "Malformed backup blob": true,
  Unauthorized: true,
  Forbidden: true,
  SecretNotFound: true,
  KeyNotFound: true,
  CertificateNotFound: true,
  CertificateIssuerNotFound: true,
  PendingCertificateNotFound: true,
  ContactsNotFound: true,
  Conflict: true,
  NotFound: true,
  MethodNotAllowed: true,
  Throttled: true,
  VaultNotFound: true,
  VaultAlreadyExists: true,
  ConflictError: true,
  VaultNameNotValid: true,
  TenantNotFound: true,
  PrincipalNotFound: true,
  RoleAssignmentNotFound: true,
  RoleDefinitionNotFound: true,
  PolicyAssignmentNotFound: true,
  RoleDefinitionDoesNotExist: true,
  RoleDefinitionWithSameNameExists: true,
  RoleDefinitionHasAssignments: true,
  RoleDefinitionLimitExceeded: true,
  InvalidActionOrNotAction: true,
  InvalidDataActionOrNotDataAction: true,
  InvalidClient: true,
  InvalidRequest: true,
  InternalError: true,
  ServiceUnavailable: true,
};

const OBJECT_COLLECTIONS: { readonly [K in ObjectKind]: string } = { secret: "secrets", key: "keys", certificate: "certificates" };

const invalid = (name: string, raw: string, expected: string) =>
  badParameter(`Invalid value for '${name}': ${raw}. ${expected}`);

/** The filter and page an audit request asks for; `maxResults` is the route's page limit. */
export function auditQuery(url: URL, maxResults: number): { filter: AuditFilter; page: PageRequest } {
  for (const name of new Set(url.searchParams.keys())) {
    if (!KNOWN.has(name)) throw badParameter(`Unknown query parameter '${name}'. Audit queries accept: ${[...KNOWN].join(", ")}.`);
    if (url.searchParams.getAll(name).length > 1) throw badParameter(`The query parameter '${name}' may be given only once.`);
  }
  const get = (name: string): string | undefined => {
    const value = url.searchParams.get(name);
    return value === null || value === "" ? undefined : value;
  };
  const from = get("from");
  const to = get("to");
  const fromMs = from === undefined ? undefined : parseTime("from", from);
  const toMs = to === undefined ? undefined : parseTime("to", to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) {
    throw badParameter(`Invalid time range: 'from' (${from}) must be earlier than 'to' (${to}).`);
  }
  const operation = get("operation");
  if (operation !== undefined && !OPERATION.test(operation)) throw invalid("operation", operation, "It must be an operation name such as SecretGet.");
  const caller = get("caller");
  if (caller !== undefined && !GUID.test(caller)) throw invalid("caller", caller, "It must be the caller's object id (a GUID).");
  const objectType = get("objectType");
  const objectKind = objectType === undefined ? undefined : parseObjectKind(objectType);
  const objectName = get("objectName");
  if (objectName !== undefined && !OBJECT_NAME.test(objectName)) {
    throw invalid("objectName", objectName, "It must be 1-127 characters of 0-9, a-z, A-Z and '-'.");
  }
  const result = get("result");
  const filter: AuditFilter = {
    ...(fromMs === undefined ? {} : { fromMs }),
    ...(toMs === undefined ? {} : { toMs }),
    ...(operation === undefined ? {} : { operation }),
    ...(caller === undefined ? {} : { callerObjectId: caller.toLowerCase() }),
    ...(objectKind === undefined ? {} : { objectKind }),
    ...(objectName === undefined ? {} : { objectName }),
    ...(result === undefined ? {} : { result: parseResult(result) }),
  };
  const skipToken = get("$skiptoken");
  return { filter, page: { maxResults: parseMaxResults(get("maxresults"), maxResults), ...(skipToken === undefined ? {} : { skipToken }) } };
}

/**
 * An ISO 8601 time as Unix milliseconds, rounded up: records carry whole milliseconds, so for both an
 * inclusive `from` and an exclusive `to`, "t ≥ x" and "t < x" equal "t ≥ ⌈x⌉" and "t < ⌈x⌉".
 */
export function parseTime(name: string, raw: string): number {
  // A '+' in a query string decodes to a space (application/x-www-form-urlencoded); take it back.
  const text = raw.replace(/ (\d{2}:\d{2})$/, "+$1");
  const m = ISO_8601.exec(text);
  const bad = () => invalid(name, raw, "It must be an ISO 8601 time with a zone, such as 2025-01-31T12:00:00Z, or a date such as 2025-01-31.");
  if (m === null) throw bad();
  const [, y, mo, d, h = "0", mi = "0", s = "0", fraction = "", zone = "Z"] = m;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const dayExists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (year < 1970 || !dayExists || hour > 23 || minute > 59 || second > 59) throw bad();
  let offsetMinutes = 0;
  if (zone !== "Z") {
    const [oh, om] = zone.slice(1).split(":").map(Number) as [number, number];
    if (oh > 14 || om > 59) throw bad();
    offsetMinutes = (zone.startsWith("-") ? -1 : 1) * (oh * 60 + om);
  }
  const wholeMs = Number(fraction.padEnd(3, "0").slice(0, 3));
  const roundUp = /[1-9]/.test(fraction.slice(3)) ? 1 : 0;
  return Date.UTC(year, month - 1, day, hour, minute, second, wholeMs) + roundUp - offsetMinutes * 60_000;
}

function parseObjectKind(raw: string): ObjectKind {
  const kind = OBJECT_KINDS.find((k) => k === raw.toLowerCase());
  if (kind === undefined) throw invalid("objectType", raw, `It must be one of: ${OBJECT_KINDS.join(", ")}.`);
  return kind;
}

function parseResult(raw: string): AuditResultFilter {
  const lower = raw.toLowerCase();
  if (lower === "success" || lower === "failure") return { outcome: lower };
  // "Http502": the code recorded for an error response that carried no error code of ours.
  if (/^http\d{3}$/.test(lower)) return { resultCode: `Http${lower.slice(4)}` };
  const code = Object.keys(RESULT_CODES).find((c) => c.toLowerCase() === lower);
  if (code === undefined) throw invalid("result", raw, "It must be success, failure or a result code such as Forbidden.");
  return { resultCode: code };
}

function parseMaxResults(raw: string | undefined, max: number): number {
  if (raw === undefined) return max;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isInteger(n) || n < 1 || n > max) {
    throw invalid("maxresults", raw, `It must be an integer between 1 and ${max}.`);
  }
  return n;
}

/** One record on the wire (see the file comment). Nothing here can carry a value, key or token. */
export function auditEvent(base: string, r: AuditRecord) {
  return {
    time: new Date(r.timeMs).toISOString(),
    category: "AuditEvent",
    operationName: r.operation,
    requestId: r.requestId,
    tenantId: r.tenantId,
    vaultName: r.vault,
    resultType: r.resultCode === AUDIT_SUCCESS ? "Success" : "Failure",
    resultCode: r.resultCode,
    ...(r.resultDescription === undefined ? {} : { resultDescription: r.resultDescription }),
    httpStatusCode: r.httpStatus,
    durationMs: r.durationMs,
    callerIpAddress: r.clientIp,
    identity: r.caller === null ? null : { claim: { oid: r.caller.objectId, appid: r.caller.appId }, principalType: r.caller.type },
    object:
      r.object === null
        ? null
        : {
            type: r.object.kind,
            name: r.object.name,
            version: r.object.version,
            id: `${base}/${OBJECT_COLLECTIONS[r.object.kind]}/${r.object.name}${r.object.version === null ? "" : `/${r.object.version}`}`,
          },
  };
}

export type AuditEvent = ReturnType<typeof auditEvent>;

/**
 * The URL of the page after this one: the same path and filters, the continuation and page size.
 * Null on the last page.
 */
export function auditNextLink(pathUrl: string, url: URL, apiVersion: string, page: PageRequest, next: string | null): string | null {
  if (next === null) return null;
  const filters = FILTERS.flatMap((name) => {
    const value = url.searchParams.get(name);
    return value === null || value === "" ? [] : [`&${name}=${encodeURIComponent(value)}`];
  });
  return (
    `${pathUrl}?api-version=${encodeURIComponent(apiVersion)}${filters.join("")}` +
    `&$skiptoken=${encodeURIComponent(next)}&maxresults=${page.maxResults}`
  );
}

/** `{"value":[…],"nextLink":…}`, as every Azure list. */
export function auditListBody(page: Page<AuditRecord>, base: string, url: URL, apiVersion: string, request: PageRequest) {
  return {
    value: page.items.map((r) => auditEvent(base, r)),
    nextLink: auditNextLink(`${base}/auditlog`, url, apiVersion, request, page.next),
  };
}

/** JSON Lines (jsonlines.org): one record per line, each line ending in "\n". */
export function auditJsonLines(records: readonly AuditRecord[], base: string): string {
  return records.map((r) => `${JSON.stringify(auditEvent(base, r))}\n`).join("");
}
