/**
 * Bridge calls over one long-lived channel (docs/hsm-channel.md): opened on first use, shared by every call of the
 * vault object, closed when idle, opened again after a loss with backoff.
 *
 * Batching: calls made while the channel has nothing in flight go out at the end of the current turn (a microtask),
 * so a lone call waits for nothing. Calls made while others are in flight are held for at most BATCH_HOLD_MS, or
 * until an answer frame arrives or MAX_BATCH_OPERATIONS are waiting, and go out as one frame.
 *
 * Nothing is performed twice by this code: an operation is sent once, on one channel; if that channel is lost, or
 * its deadline passes, it fails with BridgeUnreachable (outcome unknown — key-making calls are then replayed by the
 * vault under their idempotency key, durable-objects/operations/hsm-pending-keys.ts). Only operations never sent
 * move to the next channel.
 */
import type { BridgeCredentials } from "../bridge-client/credentials.ts";
import type { BridgeAnswer, BridgeOperation, BridgeTransport } from "../bridge-client/transport.ts";
import { CLOSE, MAX_BATCH_BYTES, MAX_BATCH_OPERATIONS } from "./channel-protocol.ts";
import type { ChannelConnector } from "./channel-socket.ts";
import { ClientChannel } from "./client-channel.ts";
import { operationSize } from "./operation-codec.ts";
import { PendingOperations, type Pending } from "./pending-operations.ts";

/** The added delay a call can see from batching while others are in flight; none when it is alone. */
export const BATCH_HOLD_MS = 1;
/** Opening (TCP, TLS, upgrade, handshake) gives up after this; the calls waiting on it fail at their own deadlines. */
export const CONNECT_TIMEOUT_MS = 5_000;
/** After a failed open, calls fail at once (503) for this long, doubling per failure up to BACKOFF_MAX_MS. */
export const BACKOFF_FIRST_MS = 250;
export const BACKOFF_MAX_MS = 5_000;
/** A channel unused this long is closed, so an idle vault object holds no connection to the bridge. */
export const IDLE_CLOSE_MS = 60_000;

export interface ChannelTransportOptions {
  readonly connect: ChannelConnector;
  readonly credentials: BridgeCredentials;
  /** Injected clock (milliseconds), docs/decisions.md §6.6. */
  readonly now?: () => number;
  /** Overrides BATCH_HOLD_MS (tests, measurements). */
  readonly batchHoldMs?: number;
}

export class ChannelTransport implements BridgeTransport {
  private readonly pending = new PendingOperations();
  private readonly now: () => number;
  private readonly holdMs: number;
  private channel: ClientChannel | undefined;
  private opening = false;
  private failures = 0;
  private retryAt = 0;
  private lastUsed = 0;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushQueued = false;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ChannelTransportOptions) {
    this.now = options.now ?? (() => Date.now());
    this.holdMs = options.batchHoldMs ?? BATCH_HOLD_MS;
  }

  send(operation: BridgeOperation, timeoutMs: number): Promise<BridgeAnswer> {
    const answer = this.pending.add(operation, timeoutMs, (pending) => this.expire(pending));
    this.lastUsed = this.now();
    this.schedule();
    return answer;
  }

  /** Closes the channel; what is in flight on it fails as lost. */
  close(): void {
    this.channel?.close(CLOSE.normal, "closed by the vault");
  }

  private schedule(): void {
    const channel = this.channel;
    if (channel === undefined) return this.open();
    if (this.pending.inFlight.size === 0 || this.pending.queued.length >= MAX_BATCH_OPERATIONS || this.holdMs === 0) {
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
    } else {
      this.flushTimer ??= setTimeout(() => this.flush(), this.holdMs);
    }
  }

  private flush(): void {
    this.flushQueued = false;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const channel = this.channel;
    if (channel === undefined) return this.open();
    while (this.pending.queued.length > 0) {
      const count = batchLength(this.pending.queued);
      const operations = this.pending.dispatch(count, channel, channel.receivedFrames);
      if (!channel.send(operations)) {
        // Not sent: the operations wait for the next channel, which closing this one opens.
        this.pending.requeue(operations.map((operation) => operation.id));
        channel.close(CLOSE.normal, "cannot send more on this channel");
        return;
      }
    }
  }

  private open(): void {
    if (this.opening || this.pending.queued.length === 0) return;
    if (this.now() < this.retryAt) return this.pending.failQueued("a recent attempt failed; retrying shortly");
    this.opening = true;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no channel within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    let opened: ClientChannel | undefined;
    const attempt = async () => {
      const socket = await this.options.connect(abort.signal);
      abort.signal.addEventListener("abort", () => socket.close(CLOSE.goingAway, "timed out"), { once: true });
      return ClientChannel.open(socket, this.options.credentials, this.now, {
        answers: (answers) => {
          for (const { id, status, body } of answers) this.pending.answer(id, status, body);
          if (this.pending.queued.length > 0) this.flush();
          else if (this.pending.idle) this.armIdleClose();
        },
        draining: () => {
          if (this.channel === opened) this.channel = undefined;
          if (this.pending.queued.length > 0) this.open();
        },
        closed: (reason) => {
          if (this.channel === opened) this.channel = undefined;
          if (opened !== undefined) this.pending.failChannel(opened, reason);
          if (this.pending.queued.length > 0) this.open();
        },
      });
    };
    attempt().then(
      (channel) => {
        clearTimeout(timer);
        this.opening = false;
        opened = channel;
        if (!channel.isOpen) return this.failedToOpen("the channel closed as it opened");
        this.channel = channel;
        this.failures = 0;
        this.flush();
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.opening = false;
        this.failedToOpen(error instanceof Error ? error.message : String(error));
      },
    );
  }

  private failedToOpen(reason: string): void {
    this.failures += 1;
    this.retryAt = this.now() + Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** (this.failures - 1));
    this.pending.failQueued(reason);
  }

  private expire(pending: Pending): void {
    const channel = pending.channel;
    this.pending.expire(pending);
    // Nothing at all came back while this waited out its deadline: the bridge is stopped or the path is dead, so
    // the channel goes (its other operations fail now rather than one deadline at a time) and the next call opens anew.
    if (channel !== undefined && channel.isOpen && channel.receivedFrames === pending.receivedBefore) {
      channel.close(CLOSE.goingAway, "no answer within the deadline");
    }
  }

  private armIdleClose(): void {
    if (this.idleTimer !== undefined) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      const quietFor = this.now() - this.lastUsed;
      if (!this.pending.idle) return;
      if (quietFor < IDLE_CLOSE_MS) return this.armIdleClose();
      this.channel?.close(CLOSE.normal, "idle");
    }, IDLE_CLOSE_MS);
  }
}

/** How many of the queued operations go into the next frame: up to the count and byte limits, at least one. */
function batchLength(queued: readonly Pending[]): number {
  let bytes = 0;
  let count = 0;
  for (const pending of queued) {
    const { path, body, idempotencyKey } = pending.operation;
    bytes += operationSize({ path, body, idempotencyKey: idempotencyKey ?? "" });
    if (count === MAX_BATCH_OPERATIONS || (count > 0 && bytes > MAX_BATCH_BYTES)) break;
    count += 1;
  }
  return count;
}
