/**
 * What the cluster's primary and its workers say to each other over node:cluster's IPC channel, which carries
 * them with the "advanced" (structured clone) serialization, so answer bodies cross as bytes. Workers ask the
 * primary's request memory (http/request-memory.ts) and report when they listen; the primary answers (and stops
 * them with SIGTERM, which also works before a worker listens). Both ends are this program, so a message is only
 * told apart by its `kind`.
 */
import type { BridgeErrorCode } from "../../../core/hsm/bridge-client/types.ts";
import type { Begun, Outcome } from "../http/idempotency.ts";

/** The environment variable that hands each worker the Unix second its request memory began (the primary's). */
export const MEMORY_STARTED_AT_ENV = "HSM_BRIDGE_MEMORY_STARTED_AT";

export type WorkerMessage =
  | { readonly kind: "ready"; readonly url: string }
  | {
      readonly kind: "nonce";
      readonly seq: number;
      readonly clientId: string;
      readonly nonce: string;
      readonly timestamp: number;
      readonly nowSeconds: number;
    }
  | { readonly kind: "idempotency-begin"; readonly seq: number; readonly name: string; readonly fingerprint: string }
  | {
      readonly kind: "idempotency-settle";
      readonly seq: number;
      readonly name: string;
      readonly outcome: Outcome | undefined;
    };

export type PrimaryMessage =
  /** `value`: the nonce's freshness, the idempotency key's state, or nothing (settled). */
  | { readonly kind: "reply"; readonly seq: number; readonly value: boolean | Begun | undefined }
  /** The memory refused (a BridgeFailure, e.g. the nonce window is full): the worker answers with it. */
  | { readonly kind: "refusal"; readonly seq: number; readonly code: BridgeErrorCode; readonly message: string };

const WORKER_KINDS = new Set<string>(["ready", "nonce", "idempotency-begin", "idempotency-settle"]);
const PRIMARY_KINDS = new Set<string>(["reply", "refusal"]);

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  return hasKind(value, WORKER_KINDS);
}

export function isPrimaryMessage(value: unknown): value is PrimaryMessage {
  return hasKind(value, PRIMARY_KINDS);
}

function hasKind(value: unknown, kinds: ReadonlySet<string>): boolean {
  return typeof value === "object" && value !== null && "kind" in value && typeof value.kind === "string" && kinds.has(value.kind);
}
