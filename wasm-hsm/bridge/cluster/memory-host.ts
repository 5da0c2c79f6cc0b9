/**
 * The primary's side of the shared request memory: answers each worker's questions from the one LocalRequestMemory,
 * in the order they arrive on the primary's event loop, so two workers asking about the same nonce or idempotency
 * key at once get one "first" and one "seen". A worker that dies mid-request leaves keys in flight; they are
 * forgotten when it goes, so the caller's retry runs instead of getting 409 until the key expires.
 */
import type { Worker } from "node:cluster";
import { BridgeFailure } from "../failure.ts";
import type { LocalRequestMemory } from "../http/request-memory.ts";
import type { PrimaryMessage, WorkerMessage } from "./messages.ts";

export class MemoryHost {
  private readonly inFlight = new Map<Worker, Set<string>>();

  constructor(private readonly memory: LocalRequestMemory) {}

  answer(worker: Worker, message: Exclude<WorkerMessage, { kind: "ready" }>): void {
    let reply: PrimaryMessage;
    try {
      if (message.kind === "nonce") {
        const fresh = this.memory.nonces.remember(message.clientId, message.nonce, message.timestamp, message.nowSeconds);
        reply = { kind: "reply", seq: message.seq, value: fresh };
      } else if (message.kind === "idempotency-begin") {
        const begun = this.memory.idempotency.begin(message.name, message.fingerprint);
        if (begun.kind === "run") this.namesOf(worker).add(message.name);
        reply = { kind: "reply", seq: message.seq, value: begun };
      } else {
        this.inFlight.get(worker)?.delete(message.name);
        this.memory.idempotency.settle(message.name, message.outcome);
        reply = { kind: "reply", seq: message.seq, value: undefined };
      }
    } catch (error) {
      const failure = error instanceof BridgeFailure ? error : new BridgeFailure("InternalError", "internal error", String(error));
      reply = { kind: "refusal", seq: message.seq, code: failure.code, message: failure.message };
    }
    worker.send(reply);
  }

  workerGone(worker: Worker): void {
    for (const name of this.inFlight.get(worker) ?? []) this.memory.idempotency.settle(name, undefined);
    this.inFlight.delete(worker);
  }

  private namesOf(worker: Worker): Set<string> {
    let names = this.inFlight.get(worker);
    if (names === undefined) {
      names = new Set();
      this.inFlight.set(worker, names);
    }
    return names;
  }
}
