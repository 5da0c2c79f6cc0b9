/**
 * How a bridge call travels, apart from what it means: the typed client (client.ts) turns each endpoint into an
 * operation — method, path, JSON body, idempotency key, exactly what the HTTP protocol sends — and a transport
 * delivers it and brings back the bridge's authenticated answer. Two transports exist: one signed HTTP request per
 * operation (http-transport.ts) and the multiplexed channel (../channel/, docs/hsm-channel.md).
 */
export type BridgeMethod = "GET" | "POST" | "DELETE";

export interface BridgeOperation {
  readonly method: BridgeMethod;
  /** Path and query as the HTTP protocol spells them (`/keys/abc/sign`). */
  readonly path: string;
  /** The JSON body's bytes; empty for none. */
  readonly body: Uint8Array<ArrayBuffer>;
  /** State-changing calls only (wasm-hsm/README.md "Request headers"). */
  readonly idempotencyKey?: string;
}

/** An answer whose origin the transport has checked; its body is the same JSON the HTTP endpoint answers. */
export interface BridgeAnswer {
  readonly status: number;
  readonly body: Uint8Array<ArrayBuffer>;
}

export interface BridgeTransport {
  /**
   * Delivers one operation, waiting at most `timeoutMs` for its answer. Throws BridgeError `BridgeUnreachable`
   * (not delivered, or no answer in time: the outcome is unknown) or `BadResponse` (an answer that cannot be
   * trusted); never performs an operation twice on its own.
   */
  send(operation: BridgeOperation, timeoutMs: number): Promise<BridgeAnswer>;
}
