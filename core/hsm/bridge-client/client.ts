/**
 * The vault's client for the PKCS#11 bridge: one typed method per endpoint over a transport (transport.ts) — a
 * signed HTTP request per call (http-transport.ts) or the multiplexed channel (../channel/) — whose answers are
 * checked before their bodies are believed (docs/decisions.md §4.4). Only fetch and WebCrypto, so it runs in workerd.
 */
import { BridgeError } from "./errors.ts";
import { HttpTransport, type HttpTransportOptions } from "./http-transport.ts";
import { newNonce, utf8 } from "./protocol.ts";
import type { BridgeMethod, BridgeTransport } from "./transport.ts";
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
  KeyAttestationRequest,
  KeyAttestationResponse,
  KeyInfo,
  PublicKeyResponse,
  RandomResponse,
  ReleaseWrapRequest,
  ReleaseWrapResponse,
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

/** Signed HTTP to `baseUrl` (the default), or any transport; `timeoutMs` is each call's deadline. */
export type BridgeClientOptions =
  | (HttpTransportOptions & { readonly timeoutMs?: number })
  | { readonly transport: BridgeTransport; readonly timeoutMs?: number };

export class BridgeClient {
  private readonly timeoutMs: number;
  private readonly transport: BridgeTransport;

  constructor(options: BridgeClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.transport = "transport" in options ? options.transport : new HttpTransport(options);
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

  /** Secure key release: the exportable key `id`, wrapped inside the token to the workload's key. */
  releaseWrap(id: string, request: ReleaseWrapRequest): Promise<ReleaseWrapResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/release-wrap`, request);
  }

  /** Key attestation: statements about the key's token objects, signed by the token's attestation key. */
  attestKey(id: string, request: KeyAttestationRequest): Promise<KeyAttestationResponse> {
    return this.call("POST", `/keys/${encodeURIComponent(id)}/attestation`, request);
  }

  deleteKey(id: string, idempotencyKey: string = newNonce()): Promise<DeleteKeyResponse> {
    return this.call("DELETE", `/keys/${encodeURIComponent(id)}`, undefined, idempotencyKey);
  }

  random(count: number): Promise<RandomResponse> {
    return this.call("POST", "/random", { count });
  }

  /** One call: the transport delivers it and vouches for the answer; this parses it or throws its error. */
  async call<T>(method: BridgeMethod, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
    const bytes = body === undefined ? new Uint8Array(0) : utf8(JSON.stringify(body));
    const answer = await this.transport.send(
      { method, path, body: bytes, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) },
      this.timeoutMs,
    );
    const parsed = parseJson(answer.body);
    if (answer.status >= 200 && answer.status < 300) return parsed as T;
    const { code, message } = errorOf(parsed);
    throw new BridgeError(code, message, answer.status);
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
