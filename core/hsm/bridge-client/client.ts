/**
 * The vault's client for the PKCS#11 bridge: one typed method per endpoint, every request signed and every answer
 * checked before its body is believed (docs/decisions.md §4.4). Only fetch and WebCrypto, so it runs in workerd.
 */
import type { BridgeCredentials } from "./credentials.ts";
import { BridgeError } from "./errors.ts";
import { responseProblem, signRequest } from "./request-signing.ts";
import { newNonce, utf8 } from "./protocol.ts";
import type {
  BridgeErrorCode,
  DecryptRequest,
  DecryptResponse,
  DeleteKeyResponse,
  EncryptRequest,
  EncryptResponse,
  GenerateKeyRequest,
  HealthResponse,
  ImportByokRequest,
  ImportKeyRequest,
  KeyInfo,
  PublicKeyResponse,
  RandomResponse,
  SignRequest,
  SignResponse,
  UnwrapRequest,
  UnwrapResponse,
  WrapRequest,
  WrapResponse,
} from "./types.ts";
import { ERROR_CODES } from "./types.ts";

/** A slow bridge must not hold a vault request for long: RSA-4096 generation is the slowest call (~1 s here). */
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface BridgeClientOptions {
  /** `http://127.0.0.1:8450` — no trailing slash needed. */
  readonly baseUrl: string;
  readonly credentials: BridgeCredentials;
  readonly timeoutMs?: number;
  /** Injected for tests and for workerd service bindings; defaults to the global fetch. */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Injected clock (milliseconds), docs/decisions.md §6.6. */
  readonly now?: () => number;
}

export class BridgeClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly doFetch: (request: Request) => Promise<Response>;
  private readonly now: () => number;

  constructor(private readonly options: BridgeClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.doFetch = options.fetch ?? ((request) => fetch(request));
    this.now = options.now ?? (() => Date.now());
  }

  health(): Promise<HealthResponse> {
    return this.call("GET", "/health");
  }

  /** A retry with the same idempotency key returns the first key instead of making a second one. */
  generateKey(request: GenerateKeyRequest, idempotencyKey: string = newNonce()): Promise<KeyInfo> {
    return this.call("POST", "/keys", request, idempotencyKey);
  }

  importKey(request: ImportKeyRequest, idempotencyKey: string = newNonce()): Promise<KeyInfo> {
    return this.call("POST", "/keys/import", request, idempotencyKey);
  }

  /** BYOK: unwraps a .byok ciphertext under the RSA key `kekId` into a new key; the vault checks key_ops first. */
  importByok(kekId: string, request: ImportByokRequest, idempotencyKey: string = newNonce()): Promise<KeyInfo> {
    return this.call("POST", `/keys/${encodeURIComponent(kekId)}/import-byok`, request, idempotencyKey);
  }

  getKey(id: string): Promise<KeyInfo> {
    return this.call("GET", `/keys/${encodeURIComponent(id)}`);
  }

  publicKey(id: string): Promise<PublicKeyResponse> {
    return this.call("GET", `/keys/${encodeURIComponent(id)}/public`);
  }

  sign(id: string, request: SignRequest): Promise<SignResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/sign`, request);
  }

  encrypt(id: string, request: EncryptRequest): Promise<EncryptResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/encrypt`, request);
  }

  decrypt(id: string, request: DecryptRequest): Promise<DecryptResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/decrypt`, request);
  }

  wrap(id: string, request: WrapRequest): Promise<WrapResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/wrap`, request);
  }

  unwrap(id: string, request: UnwrapRequest): Promise<UnwrapResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/unwrap`, request);
  }

  deleteKey(id: string, idempotencyKey: string = newNonce()): Promise<DeleteKeyResponse> {
    return this.call("DELETE", `/keys/${encodeURIComponent(id)}`, undefined, idempotencyKey);
  }

  random(count: number): Promise<RandomResponse> {
    return this.call("POST", "/random", { count });
  }

  /** One signed call: sign, send with a deadline, verify the answer, then parse it. */
  async call<T>(method: string, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const bytes = body === undefined ? new Uint8Array(0) : utf8(JSON.stringify(body));
    const signed = await signRequest(
      this.options.credentials,
      { method, path, body: bytes, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
      this.now(),
    );
    const headers: Record<string, string> = { ...signed.headers };
    if (body !== undefined) headers["content-type"] = "application/json";
    const request = new Request(`${this.baseUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body: bytes }),
      signal: AbortSignal.timeout(this.timeoutMs),
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

    const parsed = parseJson(answer);
    if (response.ok) return parsed as T;
    const { code, message } = errorOf(parsed);
    throw new BridgeError(code, message, response.status);
  }
}

function parseJson(bytes: Uint8Array<ArrayBuffer>): unknown {
  if (bytes.length === 0) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new BridgeError("BadResponse", "HSM bridge answered with malformed JSON", undefined);
  }
}

function errorOf(body: unknown): { code: BridgeErrorCode; message: string } {
  if (typeof body === "object" && body !== null && "error" in body) {
    const error: unknown = body.error;
    if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
      const code = ERROR_CODES.find((known) => known === error.code);
      if (code !== undefined && typeof error.message === "string") return { code, message: error.message };
    }
  }
  return { code: "InternalError", message: "HSM bridge answered with an unrecognised error" };
}
