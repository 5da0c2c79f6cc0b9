import type { Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import type { OpOf, VaultResults } from "../../core/contract/vault.ts";
import { requiredAction } from "../../core/contract/operations.ts";
import { AUDIT_SUCCESS } from "../../core/domain/vault/audit-record.ts";
import { edgeCacheable } from "../../core/domain/vault/edge-lease.ts";
import { callVault, callVaultForEdge, clientIp } from "../clients/call-vault.ts";
import { edgeAuditAccepting, recordEdgeRead } from "./edge-audit-batch.ts";
import { keepRead, keptRead, type EdgeAddress } from "./edge-cache.ts";

type EdgeKind = "secret.get" | "key.get";

/** RFC 9211 `Cache-Status`: whether this answer came from the edge cache (only on reads a vault keeps there). */
const CACHE_STATUS = "Cache-Status";
const HIT = "edge-vault; hit";
const MISS = "edge-vault; fwd=miss";

/**
 * A read of one object version, answered from the edge cache when the vault keeps it there and the caller's
 * permission is kept too (docs/edge-reads.md, "Edge cache"); otherwise from the vault object, whose answer may come
 * with a lease to keep it. The token was verified as for every request (challenge-auth); what a hit skips is the
 * vault object: its role check (the permission lease stands for it), its throttle (a hit costs the vault nothing) and
 * its write of the audit record, which the Worker sends in a batch (edge-audit-batch.ts).
 */
export async function readAtEdge<K extends EdgeKind>(
  c: Context<AppEnv>,
  op: OpOf<K>,
  render: (value: VaultResults[K]) => unknown,
): Promise<Response> {
  if (!edgeCacheable(op)) return c.json(render(await callVault(c, op)));
  const vaultName = c.get("vault").name;
  const address = edgeAddress(c, op);
  const nowMs = Date.now();
  if (edgeAuditAccepting(vaultName, nowMs)) {
    const kept = await keptRead(c.env.ROOT_KEY, address, nowMs);
    if (kept !== null) {
      c.executionCtx.waitUntil(recordEdgeRead(c.env, c.get("vault"), hitRecord(c, op, nowMs)));
      c.set("audited", true);
      return c.body(kept, 200, { "Content-Type": "application/json", [CACHE_STATUS]: HIT });
    }
  }
  const read = await callVaultForEdge(c, op);
  const body = JSON.stringify(render(read.value));
  if (read.leaseUntilMs === null) return c.body(body, 200, { "Content-Type": "application/json" });
  c.executionCtx.waitUntil(keepRead(c.env.ROOT_KEY, address, body, read.leaseUntilMs, Date.now()));
  return c.body(body, 200, { "Content-Type": "application/json", [CACHE_STATUS]: MISS });
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
    permission: [tenant, c.get("vault").name.toLowerCase(), c.get("caller").objectId, requiredAction(op), object].join("|"),
  };
}

function hitRecord(c: Context<AppEnv>, op: OpOf<EdgeKind>, nowMs: number) {
  const caller = c.get("caller");
  return {
    requestId: c.get("requestId"),
    caller: { objectId: caller.objectId, appId: caller.appId, type: caller.principalType },
    clientIp: clientIp(c),
    operation: c.get("operation"),
    object: { kind: op.kind === "secret.get" ? ("secret" as const) : ("key" as const), name: op.name, version: op.version?.toLowerCase() ?? null },
    httpStatus: 200,
    resultCode: AUDIT_SUCCESS,
    durationMs: nowMs - c.get("receivedAtMs"),
    servedAtMs: nowMs,
  };
}
