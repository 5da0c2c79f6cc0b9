import { VaultError } from "../../core/errors/vault-error.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import type { EdgeRead } from "../../core/contract/edge-read.ts";
import type { AuditObject } from "../../core/domain/vault/audit-record.ts";
import type { KeySetKind, KeySetResults, PublishedKeySetRequest } from "../../core/contract/key-sets.ts";
import type { VaultParts } from "./vault-parts.ts";
import { ANONYMOUS_AUDIT_CALLER } from "../../core/domain/vault/audit-record.ts";
import { ANONYMOUS_CALLER } from "./anonymous-requests.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

/**
 * Switched off, a published key set is answered exactly as a path this vault does not serve (worker/app.ts
 * `notFound`): the same 404 whatever the name, so nothing about the vault's keys, or whether the vault ever published
 * them, can be learnt from it.
 */
const notPublished = (): VaultError => new VaultError("NotFound", "The requested resource was not found.");

/** What serving a published key set uses of the vault's parts (vault-parts.ts). */
export type PublishedKeySetParts = Pick<VaultParts, "lifecycle" | "settings" | "journal" | "pipeline" | "edge">;

/**
 * A published key set (docs/edge-reads.md, "Published key sets"): read without a token, and only while the vault's
 * `publicJwks` setting is on. The setting is read here, from storage, on every request — never from a Worker-side
 * copy — so switching it off takes effect with the next request. Switched on, the request runs through the request
 * pipeline like any read, as the anonymous caller (anonymous-requests.ts): charged, run, audited. Switched off, it is
 * charged nothing (an unknown path is not) and recorded here, under its own operation name.
 */
export async function servePublishedKeySet(
  parts: PublishedKeySetParts,
  input: PublishedKeySetRequest,
): Promise<Result<EdgeRead<KeySetResults[KeySetKind]>>> {
  if (parts.lifecycle.config === null) return fail(vaultNotFound());
  if (!parts.settings.publicJwks()) return refuse(parts, input);
  // Kept at the edge when the vault keeps reads there (edge-leases.ts): reserved before the read looks at anything.
  const leaseUntilMs = parts.edge.reserve(input.op);
  const request = { ...input.request, stage: "single" as const, apiVersion: "" };
  const result = await parts.pipeline.execute({ caller: ANONYMOUS_CALLER, op: input.op, request });
  // The pipeline ran the op's own handler (key-sets.ts), whose result is this op's.
  return result.ok ? ok({ value: result.value as KeySetResults[KeySetKind], leaseUntilMs }) : result;
}

function refuse(parts: PublishedKeySetParts, input: PublishedKeySetRequest): Result<never> {
  const recorded = parts.journal.recordRequest({
    requestId: input.request.requestId,
    caller: ANONYMOUS_AUDIT_CALLER,
    clientIp: input.request.clientIp,
    operation: input.request.operation,
    object: auditObject(input),
    httpStatus: 404,
    resultCode: "NotFound",
    durationMs: Math.max(0, Date.now() - input.request.receivedAtMs),
  });
  return recorded.ok ? fail(notPublished()) : recorded;
}

function auditObject(input: PublishedKeySetRequest): AuditObject | null {
  return input.op.kind === "keySet.key" ? { kind: "key", name: input.op.name, version: null } : null;
}
