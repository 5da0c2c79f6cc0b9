/**
 * The channel transport's operations between `send` and their answer, each settled exactly once: by its answer,
 * by its deadline, or by the loss of the channel it went out on. Whatever comes later for it — an answer after the
 * deadline, a second answer with its id — finds nothing and is dropped, so no caller is ever answered twice.
 */
import { BridgeError } from "../bridge-client/errors.ts";
import type { BridgeAnswer, BridgeOperation } from "../bridge-client/transport.ts";
import type { ClientChannel } from "./client-channel.ts";
import type { ChannelOperation } from "./operation-codec.ts";

export interface Pending {
  readonly id: number;
  readonly operation: BridgeOperation;
  readonly timeoutMs: number;
  readonly deadline: ReturnType<typeof setTimeout>;
  /** The channel it was sent on; undefined while it waits to be sent. */
  channel: ClientChannel | undefined;
  /** The number of frames the channel had received when this went out (liveness: channel-transport.ts). */
  receivedBefore: number;
  readonly settle: (outcome: { readonly answer: BridgeAnswer } | { readonly error: BridgeError }) => void;
}

export class PendingOperations {
  /** Ids wrap at 2^32; one in flight that long ago has long met its deadline. */
  private nextId = 0;
  /** Waiting to be sent, oldest first. */
  readonly queued: Pending[] = [];
  readonly inFlight = new Map<number, Pending>();

  add(operation: BridgeOperation, timeoutMs: number, onDeadline: (pending: Pending) => void): Promise<BridgeAnswer> {
    return new Promise<BridgeAnswer>((resolve, reject) => {
      this.nextId = (this.nextId + 1) >>> 0;
      let done = false;
      const pending: Pending = {
        id: this.nextId,
        operation,
        timeoutMs,
        channel: undefined,
        receivedBefore: 0,
        deadline: setTimeout(() => onDeadline(pending), timeoutMs),
        settle: (outcome) => {
          if (done) return;
          done = true;
          clearTimeout(pending.deadline);
          if ("answer" in outcome) resolve(outcome.answer);
          else reject(outcome.error);
        },
      };
      this.queued.push(pending);
    });
  }

  get idle(): boolean {
    return this.queued.length === 0 && this.inFlight.size === 0;
  }

  /** Moves the first `count` queued operations in flight on `channel`, as the frame's operations. */
  dispatch(count: number, channel: ClientChannel, received: number): ChannelOperation[] {
    return this.queued.splice(0, count).map((pending) => {
      pending.channel = channel;
      pending.receivedBefore = received;
      this.inFlight.set(pending.id, pending);
      const { method, path, body, idempotencyKey } = pending.operation;
      return { id: pending.id, method, path, body, idempotencyKey: idempotencyKey ?? "" };
    });
  }

  /** Puts operations a closed channel never sent back at the head of the queue. */
  requeue(ids: readonly number[]): void {
    const back = ids.flatMap((id) => {
      const pending = this.inFlight.get(id);
      this.inFlight.delete(id);
      if (pending !== undefined) pending.channel = undefined;
      return pending === undefined ? [] : [pending];
    });
    this.queued.unshift(...back);
  }

  answer(id: number, status: number, body: Uint8Array): void {
    const pending = this.inFlight.get(id);
    if (pending === undefined) return;
    this.inFlight.delete(id);
    pending.settle({ answer: { status, body: new Uint8Array(body) } });
  }

  /** Every operation in flight on `channel` lost its answer: its outcome is unknown (docs/decisions.md §4.6). */
  failChannel(channel: ClientChannel, reason: string): void {
    for (const [id, pending] of this.inFlight) {
      if (pending.channel !== channel) continue;
      this.inFlight.delete(id);
      pending.settle({ error: unreachable(`HSM bridge channel lost: ${reason}`) });
    }
  }

  /** Every queued operation fails unsent (the bridge cannot be reached now). */
  failQueued(reason: string): void {
    for (const pending of this.queued.splice(0)) pending.settle({ error: unreachable(`HSM bridge unreachable: ${reason}`) });
  }

  /** Ends one operation at its deadline, sent or not. */
  expire(pending: Pending): void {
    const queuedAt = this.queued.indexOf(pending);
    if (queuedAt >= 0) this.queued.splice(queuedAt, 1);
    this.inFlight.delete(pending.id);
    pending.settle({ error: unreachable(`HSM bridge gave no answer within ${pending.timeoutMs} ms`) });
  }
}

function unreachable(message: string): BridgeError {
  return new BridgeError("BridgeUnreachable", message, undefined);
}
