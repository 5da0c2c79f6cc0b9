import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { OPERATIONS } from "../../core/contract/operations.ts";
import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { currentRootSecret } from "../../core/crypto/envelope/root-key-ring.ts";

/** 128 bits of HMAC-SHA-256 over the body: a strong validator (RFC 9110 §8.8.3) that reveals nothing of it. */
export async function entityTag(rootSecret: string, body: ArrayBuffer | string): Promise<string> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", await derivedKeyFromEnv(rootSecret, "etag/v1", "hmac"), bytes));
  return `"${bytesToBase64Url(mac.subarray(0, 16))}"`;
}

/**
 * Answers that are the result of an operation, not a representation of anything stored (a signature, a ciphertext,
 * a released key, random bytes): no request can ever be conditional on them, so they carry no tag and cost no HMAC.
 */
const OPERATION_RESULTS: ReadonlySet<string> = new Set(
  (["key.sign", "key.verify", "key.encrypt", "key.decrypt", "key.wrap", "key.unwrap", "key.release", "rng"] as const).map((kind) => OPERATIONS[kind].auditName),
);

/** RFC 9110 §13.1.2: `*`, or a list of tags compared weakly (a W/ prefix is ignored). */
function matches(ifNoneMatch: string, tag: string): boolean {
  if (ifNoneMatch.trim() === "*") return true;
  return ifNoneMatch.split(",").some((candidate) => candidate.trim().replace(/^W\//, "") === tag);
}

/**
 * Conditional reads, an extension beyond Azure (docs/edge-reads.md): every 200 JSON answer of the data plane carries
 * an `ETag`, a keyed hash of its body (HMAC under a key derived from ROOT_KEY, so the tag of a secret's bundle is no
 * verifier of its value, and a tag means nothing outside this deployment). A GET whose `If-None-Match` names the tag
 * is answered `304 Not Modified` without the body. The 304 is decided after the vault object answered, so it is
 * authorized, throttled (one unit, as the GET it stands for) and audited (as that GET's 200) exactly like the read;
 * what it saves is the body on the wire and the client's parsing of it.
 */
export const conditionalRead = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const response = c.res;
  if (response.status !== 200 || !(response.headers.get("Content-Type") ?? "").startsWith("application/json")) return;
  if (OPERATION_RESULTS.has(c.get("operation") ?? "")) return;
  // A route that keeps its body's tag with the body (the edge cache, worker/edge/edge-read.ts) sets it already.
  const tag = response.headers.get("ETag") ?? (await entityTag(currentRootSecret(c.env), await response.clone().arrayBuffer()));
  const ifNoneMatch = c.req.method === "GET" ? c.req.header("If-None-Match") : undefined;
  if (ifNoneMatch === undefined || !matches(ifNoneMatch, tag)) {
    response.headers.set("ETag", tag);
    return;
  }
  const headers = new Headers(response.headers);
  for (const name of ["Content-Type", "Content-Length", "Content-Encoding"]) headers.delete(name);
  headers.set("ETag", tag);
  c.res = new Response(null, { status: 304, headers });
});
