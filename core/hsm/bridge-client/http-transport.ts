/**
 * One signed HTTP request per operation (docs/decisions.md §4.4): sign, send with a deadline, and believe the
 * answer only once its signature, timestamp and binding to the request's nonce hold. Only fetch and WebCrypto, so
 * it runs in workerd and in Node alike. The vault uses it when HSM_BRIDGE_TRANSPORT is "http".
 */
import type { BridgeCredentials } from "./credentials.ts";
import { BridgeError } from "./errors.ts";
import { responseProblem, signRequest } from "./request-signing.ts";
import type { BridgeAnswer, BridgeOperation, BridgeTransport } from "./transport.ts";

export interface HttpTransportOptions {
  /** `http://127.0.0.1:8450` — no trailing slash needed. */
  readonly baseUrl: string;
  readonly credentials: BridgeCredentials;
  /** Injected for tests and for workerd service bindings; defaults to the global fetch. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Injected clock (milliseconds), docs/decisions.md §6.6. */
  readonly now?: () => number;
}

export class HttpTransport implements BridgeTransport {
  private readonly baseUrl: string;
  private readonly doFetch: (request: Request) => Promise<Response>;
  private readonly now: () => number;

  constructor(private readonly options: HttpTransportOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.doFetch = options.fetch ?? ((request) => fetch(request));
    this.now = options.now ?? (() => Date.now());
  }

  async send(operation: BridgeOperation, timeoutMs: number): Promise<BridgeAnswer> {
    const { method, path, body, idempotencyKey } = operation;
    const signed = await signRequest(
      this.options.credentials,
      { method, path, body, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
      this.now(),
    );
    const headers: Record<string, string> = { ...signed.headers };
    if (body.length > 0) headers["content-type"] = "application/json";
    const request = new Request(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body.length === 0 ? {} : { body }),
      signal: AbortSignal.timeout(timeoutMs),
    });

    let response: Response;
    let answer: Uint8Array<ArrayBuffer>;
    try {
      response = await this.doFetch(request);
      answer = new Uint8Array(await response.arrayBuffer());
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new BridgeError("BridgeUnreachable", `HSM bridge unreachable: ${reason}`, undefined);
    }

    const problem = await responseProblem(
      this.options.credentials,
      signed.nonce,
      response.status,
      (name) => response.headers.get(name),
      answer,
      this.now(),
    );
    if (problem !== undefined) throw new BridgeError("BadResponse", `HSM bridge answer refused: ${problem}`, response.status);
    return { status: response.status, body: answer };
  }
}
