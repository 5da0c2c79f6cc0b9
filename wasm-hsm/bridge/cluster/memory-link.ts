/**
 * A worker's request memory (http/request-memory.ts) kept by the primary: each question is a message with a
 * sequence number, answered by the primary's MemoryHost. One round trip per request (the nonce), two more for an
 * idempotent one (begin, and settle before the answer goes out); the channel is a local pipe. If the primary is
 * gone the worker exits anyway (node:cluster ends a worker whose channel closes), and a question it could not send
 * is an Unavailable answer, never a pass.
 */
import { BridgeFailure } from "../failure.ts";
import type { Begun } from "../http/idempotency.ts";
import type { RequestMemory } from "../http/request-memory.ts";
import { isPrimaryMessage, type WorkerMessage } from "./messages.ts";

type Question = Exclude<WorkerMessage, { kind: "ready" }>;

export function primaryMemory(startedAt: number): RequestMemory {
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextSeq = 0;
  process.on("message", (message: unknown) => {
    if (!isPrimaryMessage(message)) return;
    const waiter = pending.get(message.seq);
    pending.delete(message.seq);
    if (message.kind === "reply") waiter?.resolve(message.value);
    else waiter?.reject(new BridgeFailure(message.code, message.message));
  });

  const send = (message: WorkerMessage, onError: (error: unknown) => void) => {
    if (process.send === undefined) {
      onError(new Error("no IPC channel"));
      return;
    }
    process.send(message, undefined, undefined, (error: Error | null) => {
      if (error !== null) onError(error);
    });
  };
  const ask = (question: (seq: number) => Question) =>
    new Promise<unknown>((resolve, reject) => {
      nextSeq += 1;
      const seq = nextSeq;
      pending.set(seq, { resolve, reject });
      send(question(seq), (error) => {
        pending.delete(seq);
        reject(new BridgeFailure("Unavailable", "bridge is shutting down", `request memory unreachable: ${String(error)}`));
      });
    });

  return {
    startedAt,
    rememberNonce: async (clientId, nonce, timestamp, nowSeconds) =>
      (await ask((seq) => ({ kind: "nonce", seq, clientId, nonce, timestamp, nowSeconds }))) === true,
    idempotency: {
      begin: async (name, fingerprint) => (await ask((seq) => ({ kind: "idempotency-begin", seq, name, fingerprint }))) as Begun,
      settle: async (name, outcome) => {
        await ask((seq) => ({ kind: "idempotency-settle", seq, name, outcome }));
      },
    },
  };
}
