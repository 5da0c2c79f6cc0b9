import { FUZZ_METHODS, hostileBody } from "./fuzz-inputs.ts";
import type { SeededRandom } from "./seeded-random.ts";

/**
 * Valid data-plane requests (route template, method, body) and the mutations the HTTPS fuzz run applies to them
 * (test/conformance/fuzz-https.test.ts): the generator starts from what an SDK would send and changes one thing or a
 * few — a path segment, the method, a query parameter, a header, a body member — so most requests get past the
 * outer checks and reach the code behind them.
 */
export interface Template {
  readonly method: string;
  readonly path: string;
  readonly body?: Readonly<Record<string, unknown>>;
}

const EC = { kty: "EC", crv: "P-256" };
const POLICY = { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=fuzz", validity_months: 12 }, issuer: { name: "Self" } } };
const DIGEST = "A".repeat(43);

export const DATA_PLANE_TEMPLATES: readonly Template[] = [
  { method: "GET", path: "/secrets" }, { method: "PUT", path: "/secrets/:name", body: { value: "v", contentType: "text/plain", tags: { a: "b" } } },
  { method: "GET", path: "/secrets/:name" }, { method: "GET", path: "/secrets/:name/:version" }, { method: "GET", path: "/secrets/:name/versions" },
  { method: "PATCH", path: "/secrets/:name/:version", body: { attributes: { enabled: true }, tags: { t: "1" } } },
  { method: "DELETE", path: "/secrets/:name" }, { method: "POST", path: "/secrets/:name/backup" }, { method: "POST", path: "/secrets/restore", body: { value: "AAAA" } },
  { method: "GET", path: "/deletedsecrets" }, { method: "GET", path: "/deletedsecrets/:name" }, { method: "POST", path: "/deletedsecrets/:name/recover" },
  { method: "DELETE", path: "/deletedsecrets/:name" }, { method: "POST", path: "/edge/secrets/batchget", body: { secrets: [{ name: "a" }, { name: "b", version: "0".repeat(32) }] } },
  { method: "GET", path: "/keys" }, { method: "POST", path: "/keys/:name/create", body: { ...EC, key_ops: ["sign", "verify"], attributes: { exp: 4_102_444_800 } } },
  { method: "PUT", path: "/keys/:name", body: { key: { kty: "oct", k: DIGEST } } }, { method: "GET", path: "/keys/:name" }, { method: "GET", path: "/keys/:name/:version" },
  { method: "GET", path: "/keys/:name/versions" }, { method: "PATCH", path: "/keys/:name/:version", body: { attributes: { enabled: false } } },
  { method: "DELETE", path: "/keys/:name" }, { method: "POST", path: "/keys/:name/backup" }, { method: "POST", path: "/keys/restore", body: { value: "AAAA" } },
  { method: "POST", path: "/keys/:name/:version/sign", body: { alg: "ES256", value: DIGEST } },
  { method: "POST", path: "/keys/:name/:version/verify", body: { alg: "ES256", digest: DIGEST, value: DIGEST } },
  { method: "POST", path: "/keys/:name/:version/encrypt", body: { alg: "RSA-OAEP", value: DIGEST } },
  { method: "POST", path: "/keys/:name/:version/decrypt", body: { alg: "A256GCM", value: DIGEST, iv: "AAAAAAAAAAAAAAAA", tag: "AAAAAAAAAAAAAAAAAAAAAA" } },
  { method: "POST", path: "/keys/:name/:version/wrapkey", body: { alg: "A256KW", value: DIGEST } },
  { method: "POST", path: "/keys/:name/:version/unwrapkey", body: { alg: "RSA1_5", value: DIGEST } },
  { method: "POST", path: "/keys/:name/rotate" }, { method: "GET", path: "/keys/:name/rotationpolicy" },
  { method: "PUT", path: "/keys/:name/rotationpolicy", body: { lifetimeActions: [{ trigger: { timeAfterCreate: "P90D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P1Y" } } },
  { method: "POST", path: "/keys/:name/release", body: { target: "a.b.c", enc: "CKM_RSA_AES_KEY_WRAP" } }, { method: "GET", path: "/keys/:name/attestation" },
  { method: "GET", path: "/keys/:name/jwks" }, { method: "GET", path: "/.well-known/jwks.json" }, { method: "GET", path: "/.well-known/openid-configuration" },
  { method: "GET", path: "/deletedkeys" }, { method: "GET", path: "/deletedkeys/:name" }, { method: "POST", path: "/deletedkeys/:name/recover" }, { method: "DELETE", path: "/deletedkeys/:name" },
  { method: "GET", path: "/certificates" }, { method: "POST", path: "/certificates/:name/create", body: POLICY },
  { method: "POST", path: "/certificates/:name/import", body: { value: DIGEST, pwd: "p", policy: { secret_props: { contentType: "application/x-pkcs12" } } } },
  { method: "GET", path: "/certificates/:name" }, { method: "GET", path: "/certificates/:name/:version" }, { method: "GET", path: "/certificates/:name/versions" },
  { method: "PATCH", path: "/certificates/:name/:version", body: { tags: { a: "b" } } }, { method: "GET", path: "/certificates/:name/policy" },
  { method: "PATCH", path: "/certificates/:name/policy", body: POLICY.policy }, { method: "GET", path: "/certificates/:name/pending" },
  { method: "PATCH", path: "/certificates/:name/pending", body: { cancellation_requested: true } }, { method: "DELETE", path: "/certificates/:name/pending" },
  { method: "POST", path: "/certificates/:name/pending/merge", body: { x5c: [DIGEST] } }, { method: "DELETE", path: "/certificates/:name" },
  { method: "POST", path: "/certificates/:name/backup" }, { method: "POST", path: "/certificates/restore", body: { value: "AAAA" } },
  { method: "GET", path: "/certificates/contacts" }, { method: "PUT", path: "/certificates/contacts", body: { contacts: [{ email: "a@example.com", name: "a" }] } },
  { method: "DELETE", path: "/certificates/contacts" }, { method: "GET", path: "/certificates/issuers" }, { method: "GET", path: "/certificates/issuers/:name" },
  { method: "PUT", path: "/certificates/issuers/:name", body: { provider: "Test", credentials: { account_id: "a", pwd: "p" } } },
  { method: "PATCH", path: "/certificates/issuers/:name", body: { provider: "Test" } }, { method: "DELETE", path: "/certificates/issuers/:name" },
  { method: "GET", path: "/deletedcertificates" }, { method: "GET", path: "/deletedcertificates/:name" }, { method: "POST", path: "/deletedcertificates/:name/recover" },
  { method: "DELETE", path: "/deletedcertificates/:name" }, { method: "POST", path: "/rng", body: { count: 32 } }, { method: "GET", path: "/auditlog" }, { method: "GET", path: "/auditlog/export" },
];

const HOSTILE_VALUES: readonly unknown[] = [
  null, true, 0, -1, 1e308, 2 ** 53 + 1, "", "x".repeat(30_000), "\u0000", "\ud800", "%", "../..", [], [null], {}, { $ref: "#" }, "A".repeat(4097), "P-1D", "P999999Y",
];
const EXTRA_QUERY = [
  "maxresults=0", "maxresults=-1", "maxresults=99999", "maxresults=abc", "$skiptoken=junk", "$skiptoken=", "$skiptoken=%25", "api-version=7.4",
  "includePending=yes", "$filter=x", "request_id=%00", "api-version", "=", "&&", "a=%zz",
];
const API_VERSIONS = ["7.4", "7.5", "7.6", "2025-07-01", "", "9.9", "7.4 ", "7.4%00", "2016-10-01", "1".repeat(100)];
const CONTENT_TYPES = ["application/json", "application/json; charset=utf-8", "text/plain", "application/json; charset=utf-16", "multipart/form-data; boundary=x", "", "application/x-www-form-urlencoded"];
const HEADER_MUTATIONS: readonly (readonly [string, string])[] = [
  ["x-ms-client-request-id", "not-a-guid\u00e9"], ["x-ms-client-request-id", "0".repeat(2000)], ["accept", "application/xml"], ["accept-encoding", "gzip, br"],
  ["content-encoding", "gzip"], ["if-none-match", "\"abc\""], ["if-match", "*"], ["origin", "https://evil.example"], ["cf-connecting-ip", "10.0.0.1"],
  ["x-forwarded-for", "127.0.0.1, 10.0.0.1"], ["x-forwarded-proto", "http"], ["x-forwarded-host", "evil.example"], ["mf-original-url", "http://evil.example/admin"],
  ["x-http-method-override", "DELETE"], ["range", "bytes=0-1"], ["authorization", "Bearer"], ["authorization", "Basic Og=="], ["x-ms-keyvault-region", "%"],
  ["cookie", "a=b"], ["te", "trailers"], ["prefer", "return=minimal"], ["x-ms-return-client-request-id", "maybe"],
];

/** The template's body with one member removed, retyped or added (nested members included), or a hostile body. */
export function mutateBody(random: SeededRandom, body: Readonly<Record<string, unknown>> | undefined): string | undefined {
  if (body === undefined) return random.chance(0.2) ? hostileBody(random) : undefined;
  if (random.chance(0.15)) return hostileBody(random);
  if (random.chance(0.3)) return JSON.stringify(body);
  const copy = structuredClone(body) as Record<string, unknown>;
  let target = copy;
  for (let depth = 0; depth < 3; depth++) {
    const nested = Object.values(target).filter((v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
    if (nested.length === 0 || random.chance(0.5)) break;
    target = random.pick(nested);
  }
  const keys = Object.keys(target);
  const roll = random.int(3);
  if (roll === 0 && keys.length > 0) delete target[random.pick(keys)];
  else if (roll === 1 && keys.length > 0) target[random.pick(keys)] = random.pick(HOSTILE_VALUES);
  else target[random.pick(["unknown", "__proto__", "constructor", "value", "kid", "x5c"])] = random.pick(HOSTILE_VALUES);
  return JSON.stringify(copy);
}

/** `?api-version=…` (usually a valid one), sometimes with extra or duplicated parameters. */
export function mutateQuery(random: SeededRandom): string {
  const parts = [`api-version=${random.chance(0.8) ? "7.5" : random.pick(API_VERSIONS)}`];
  while (random.chance(0.25)) parts.push(random.pick(EXTRA_QUERY));
  if (random.chance(0.1)) parts.shift();
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

/** The usual headers, some changed, and sometimes headers a client should not send. */
export function mutateHeaders(random: SeededRandom, authorization: string | null, hasBody: boolean): Record<string, string> {
  const headers: Record<string, string> = {};
  if (authorization !== null) headers.authorization = authorization;
  if (hasBody) headers["content-type"] = random.chance(0.85) ? "application/json" : random.pick(CONTENT_TYPES);
  while (random.chance(0.2)) {
    const [name, value] = random.pick(HEADER_MUTATIONS);
    headers[name] = value;
  }
  return headers;
}

/** A template's method, or (rarely) another one of the fuzz set. */
export function mutateMethod(random: SeededRandom, method: string): string {
  return random.chance(0.9) ? method : random.pick(FUZZ_METHODS);
}
