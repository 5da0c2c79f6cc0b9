/**
 * One authenticated operation, whichever way it came — a signed HTTP request (http/server.ts) or one operation of
 * a channel batch (channel/channel-session.ts): route (404/405) → idempotency for state-changing calls → handler →
 * one JSON answer. Both ways share this, so an operation means the same and is kept the same (idempotency,
 * CKA_LABEL marks) whichever way it arrives, and a retry on one way finds the answer given on the other.
 */
import type { ErrorBody } from "../../core/hsm/bridge-client/types.ts";
import type { BridgeContext } from "./context.ts";
import { BridgeFailure } from "./failure.ts";
import { runIdempotent, type Outcome } from "./http/idempotency.ts";
import { sha256Base64urlSync } from "./http/node-signing.ts";
import type { RequestMemory } from "./http/request-memory.ts";
import { matchRoute } from "./http/routes.ts";
import type { Logger } from "./log.ts";
import { failureFromPkcs11 } from "./pkcs11/ckr.ts";

export interface Operation {
  readonly method: string;
  /** As on the request line; the query is ignored by routing. */
  readonly path: string;
  readonly body: Uint8Array;
  /** The authenticated caller's id in `clients[]`. */
  readonly clientId: string;
  readonly idempotencyKey: string | undefined;
  /** base64url SHA-256 of the body when the caller already has it (HTTP authentication computes it). */
  readonly bodySha256?: string;
}

export interface Dispatcher {
  readonly context: BridgeContext;
  readonly memory: RequestMemory;
  readonly log: Logger;
}

export type Answer = Outcome & { readonly replayed?: boolean };

/** Runs the operation; routing and idempotency refusals are thrown as BridgeFailures. */
export async function dispatch(operation: Operation, dispatcher: Dispatcher): Promise<Answer> {
  const { method, path, body } = operation;
  const pathname = path.split("?", 1)[0] ?? path;
  const match = matchRoute(method, pathname);
  if (match.route === undefined) {
    throw match.allowed
      ? new BridgeFailure("MethodNotAllowed", `${method} is not allowed on ${pathname}`)
      : new BridgeFailure("NotFound", `no endpoint ${pathname}`);
  }
  const { route, id } = match;
  const key = operation.idempotencyKey;
  const run = async (label: string | undefined): Promise<Outcome> => {
    try {
      const result = await route.handle({ context: dispatcher.context, id, body, idempotencyLabel: label });
      return { status: result.status, body: json(result.body) };
    } catch (error) {
      // Client errors are answers too: a repeated delete of a missing key gets the same 404 (idempotency.ts).
      return failureOutcome(error, method, path, dispatcher.log);
    }
  };
  if (!route.changesState || key === undefined) return run(undefined);
  const fingerprint = `${method}\n${pathname}\n${operation.bodySha256 ?? sha256Base64urlSync(body)}`;
  // The label outlives a restart on the token itself; hashed so it reveals nothing and fits CKA_LABEL.
  const label = `idem:${sha256Base64urlSync(new TextEncoder().encode(`${operation.clientId}\n${key}\n${fingerprint}`))}`;
  return runIdempotent(dispatcher.memory.idempotency, operation.clientId, key, fingerprint, () => run(label));
}

/** Like dispatch, but every failure is an answer: what a batch needs, one answer per operation. */
export async function answer(operation: Operation, dispatcher: Dispatcher): Promise<Answer> {
  try {
    return await dispatch(operation, dispatcher);
  } catch (error) {
    return failureOutcome(error, operation.method, operation.path, dispatcher.log);
  }
}

/** The one mapping of failures to answers (docs/decisions.md §6.1); details only in the log. */
export function failureOutcome(error: unknown, method: string, path: string, log: Logger): Outcome {
  const failure = error instanceof BridgeFailure ? error : failureFromPkcs11(error, "request");
  if (failure.detail !== undefined || failure.status >= 500) {
    log(failure.status >= 500 ? "error" : "warn", failure.message, {
      method,
      path,
      code: failure.code,
      detail: failure.detail ?? (error instanceof Error ? error.stack : String(error)),
    });
  }
  const body: ErrorBody = { error: { code: failure.code, message: failure.message } };
  return { status: failure.status, body: json(body) };
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
