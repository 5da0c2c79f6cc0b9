import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { Caller } from "../../core/contract/common.ts";
import type { EdgeRead } from "../../core/contract/edge-read.ts";
import type { OpOf, VaultResults } from "../../core/contract/vault.ts";
import { requiredAction } from "../../core/contract/operations.ts";
import { AUDIT_SUCCESS, type AuditCaller, type AuditObject } from "../../core/domain/vault/audit-record.ts";
import { edgeCacheable } from "../../core/domain/vault/edge-lease.ts";
import { callVault, callVaultForEdge, clientIp } from "../clients/call-vault.ts";
import { edgeAuditAccepting, recordEdgeRead } from "./edge-audit-batch.ts";
import { entityTag } from "../middleware/conditional-read.ts";
import { keepRead, keptRead, type EdgeAddress } from "./edge-cache.ts";
import { currentRootSecret } from "../../core/crypto/envelope/root-key-ring.ts";

type EdgeKind = "secret.get" | "key.get";

/** RFC 9211 `Cache-Status`: whether this answer came from the edge cache (only on reads a vault keeps there). */
const CACHE_STATUS = "Cache-Status";
const HIT = "edge-vault; hit";
const MISS = "edge-vault; fwd=miss";

/** A read the edge may answer: where it is kept, who asks and what (for the hit's audit record), and how to fetch it. */
export interface EdgeReadPlan<T> {
  readonly address: EdgeAddress;
  readonly caller: AuditCaller;
  readonly object: AuditObject | null;
  /** The vault object's answer, with its lease (null: not kept). */
  fetch(): Promise<EdgeRead<T>>;
  render(value: T): unknown;
}

/**
 * A read answered from the edge cache when the vault keeps it there (and, for a caller, their permission for it is
 * kept too: docs/edge-reads.md, "Edge cache"); otherwise by the vault object, whose answer may come with a lease to
 * keep it. Whatever authenticates the request ran as for every request (challenge-auth); what a hit skips is the vault
 * object: its role check (the permission lease stands for it), its throttle (a hit costs the vault nothing) and its
 * write of the audit record, which the Worker sends in a batch (edge-audit-batch.ts).
 */
export async function answerAtEdge<T>(c: Context<AppEnv>, plan: EdgeReadPlan<T>): Promise<Response> {
  const vault = c.get("vault");
  const nowMs = Date.now();
  if (edgeAuditAccepting(vault.name, nowMs)) {
    const kept = await keptRead(currentRootSecret(c.env), plan.address);
    if (kept !== null) {
      const written = recordEdgeRead(c.env, vault, hitRecord(c, plan, Date.now()));
      if (written !== null) c.executionCtx.waitUntil(written);
      c.set("audited", true);
      return c.body(kept.body, 200, { "Content-Type": "application/json", ETag: kept.etag, [CACHE_STATUS]: HIT });
    }
  }
  const read = await plan.fetch();
  const body = JSON.stringify(plan.render(read.value));
  if (read.leaseUntilMs === null) return c.body(body, 200, { "Content-Type": "application/json" });
  // The tag is kept with the body, so a hit (or its 304) costs no HMAC (conditional-read.ts).
  const etag = await entityTag(currentRootSecret(c.env), body);
  c.executionCtx.waitUntil(keepRead(currentRootSecret(c.env), plan.address, { body, etag }, read.leaseUntilMs, Date.now()));
  return c.body(body, 200, { "Content-Type": "application/json", ETag: etag, [CACHE_STATUS]: MISS });
}

/** A read of one secret or key version by the authenticated caller (routes/secrets.ts, routes/keys.ts). */
export async function readAtEdge<K extends EdgeKind>(
  c: Context<AppEnv>,
  op: OpOf<K>,
  render: (value: VaultResults[K]) => unknown,
): Promise<Response> {
  if (!edgeCacheable(op)) return c.json(render(await callVault(c, op)));
  const caller = c.get("caller");
  const addressed: OpOf<EdgeKind> = op;
  return await answerAtEdge(c, {
    address: edgeAddress(c, addressed),
    caller: { objectId: caller.objectId, appId: caller.appId, type: caller.principalType },
    object: { kind: addressed.kind === "secret.get" ? "secret" : "key", name: addressed.name, version: addressed.version?.toLowerCase() ?? null },
    fetch: () => callVaultForEdge(c, op),
    render,
  });
}

/**
 * Names are case-insensitive in Azure and versions are hex, so both are lower-cased. The permission is kept per object
 * name, not per vault: a role scoped to one object (issue 17) must not lend its grant to another.
 */
function edgeAddress(c: Context<AppEnv>, op: OpOf<EdgeKind>): EdgeAddress {
  const tenant = c.get("vault").tenantId;
  const object = `${op.kind}|${op.name.toLowerCase()}`;
  return {
    read: [tenant, c.get("vaultBaseUrl"), c.get("apiVersion"), object, (op.version ?? "").toLowerCase()].join("|"),
    // The groups its token names are part of who the caller is (docs/access-control.md "Groups").
    permission: [tenant, c.get("vault").name.toLowerCase(), callerKey(c.get("caller")), requiredAction(op), object].join("|"),
  };
}

function hitRecord<T>(c: Context<AppEnv>, plan: EdgeReadPlan<T>, nowMs: number) {
  return {
    requestId: c.get("requestId"),
    caller: plan.caller,
    clientIp: clientIp(c),
    operation: c.get("operation"),
    object: plan.object,
    httpStatus: 200,
    resultCode: AUDIT_SUCCESS,
    durationMs: nowMs - c.get("receivedAtMs"),
    servedAtMs: nowMs,
  };
}

function callerKey(caller: Caller): string {
  return caller.groups === undefined ? caller.objectId : `${caller.objectId}+${[...caller.groups].sort().join(",")}`;
}
