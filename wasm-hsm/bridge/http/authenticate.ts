/**
 * Request authentication (docs/decisions.md §4.4, protocol in core/hsm/bridge-client/protocol.ts). Checked in this
 * order, each failure a 401: headers present and well-formed, known key id, timestamp within ±30 s, signature over
 * the request as received (the body hash is computed here, never taken from the caller), and only then the nonce —
 * recorded after the signature verified, so unauthenticated traffic cannot fill the nonce cache.
 *
 * Nonces live in memory (http/request-memory.ts, one for all workers), so a restarted bridge has forgotten them;
 * to keep a request captured before the restart from being replayed after it, requests signed before that memory
 * began are refused. The price: for as many seconds as a caller's clock runs behind, its requests right after a
 * restart are refused too (401, and retried).
 */
import type { IncomingHttpHeaders } from "node:http";
import { decodeBase64, UNPADDED_BASE64URL } from "../../../core/crypto/bytes.ts";
import {
  HEADER,
  isFreshTimestamp,
  NONCE_PATTERN,
  requestSigningInput,
  TOKEN_PATTERN,
  unixSeconds,
} from "../../../core/hsm/bridge-client/protocol.ts";
import type { Signer, Verifier } from "../../../core/hsm/bridge-client/signing-keys.ts";
import type { BridgeConfig } from "../config.ts";
import { BridgeFailure } from "../failure.ts";
import type { RequestMemory } from "./request-memory.ts";
import { nodeEd25519Signer, nodeEd25519Verifier, nodeHmacKey, sha256Base64urlSync } from "./node-signing.ts";

export interface ClientAuth {
  readonly id: string;
  readonly requestVerifier: Verifier;
  readonly responseSigner: Signer;
}

/** Who a request claims to be and which nonce it carries: enough to sign the answer, even a 401. */
export interface Claimed {
  readonly client: ClientAuth;
  readonly nonce: string;
}

export interface Authenticated extends Claimed {
  readonly idempotencyKey: string | undefined;
  readonly bodySha256: string;
}

export function clientAuths(config: BridgeConfig): Map<string, ClientAuth> {
  const bridgeSigner = config.responseSigningKey === undefined ? undefined : nodeEd25519Signer(config.responseSigningKey);
  const entries = config.clients.map((client): [string, ClientAuth] => {
    if (client.kind === "hmac-sha256") {
      const key = nodeHmacKey(client.secret);
      return [client.id, { id: client.id, requestVerifier: key, responseSigner: key }];
    }
    if (bridgeSigner === undefined) throw new Error("responseSigningKey missing"); // config.ts already refuses this
    return [client.id, { id: client.id, requestVerifier: nodeEd25519Verifier(client.publicKey), responseSigner: bridgeSigner }];
  });
  return new Map(entries);
}

export class Authenticator {
  constructor(
    private readonly clients: ReadonlyMap<string, ClientAuth>,
    private readonly now: () => number,
    private readonly memory: RequestMemory,
  ) {}

  claimed(headers: IncomingHttpHeaders): Claimed | undefined {
    const keyId = single(headers, HEADER.keyId);
    const nonce = single(headers, HEADER.nonce);
    const client = keyId === undefined ? undefined : this.clients.get(keyId);
    if (client === undefined || nonce === undefined || !NONCE_PATTERN.test(nonce)) return undefined;
    return { client, nonce };
  }

  async authenticate(
    method: string,
    path: string,
    headers: IncomingHttpHeaders,
    body: Uint8Array<ArrayBuffer>,
  ): Promise<Authenticated> {
    const claimed = this.claimed(headers);
    const timestampText = single(headers, HEADER.timestamp);
    const signature = single(headers, HEADER.signature);
    const idempotencyKey = single(headers, HEADER.idempotencyKey);
    if (claimed === undefined || timestampText === undefined || signature === undefined) {
      throw unauthorized("missing or unknown signature headers");
    }
    const signatureBytes = signature.length > 256 ? null : decodeBase64(signature, UNPADDED_BASE64URL);
    if (!/^\d{1,12}$/.test(timestampText) || signatureBytes === null) {
      throw unauthorized("malformed signature headers");
    }
    if (idempotencyKey !== undefined && !TOKEN_PATTERN.test(idempotencyKey)) {
      throw new BridgeFailure("BadParameter", "idempotency-key: 1–128 printable ASCII characters");
    }
    const timestamp = Number(timestampText);
    const nowSeconds = unixSeconds(this.now());
    if (!isFreshTimestamp(timestamp, nowSeconds)) throw unauthorized("timestamp outside the allowed clock skew");
    if (timestamp < this.memory.startedAt) throw unauthorized("request signed before the bridge started");

    const bodySha256 = sha256Base64urlSync(body);
    const input = requestSigningInput({
      keyId: claimed.client.id,
      method,
      path,
      timestamp,
      nonce: claimed.nonce,
      idempotencyKey: idempotencyKey ?? "",
      bodySha256,
    });
    if (!(await claimed.client.requestVerifier.verify(input, signatureBytes))) {
      throw unauthorized("signature does not verify");
    }
    if (!(await this.memory.rememberNonce(claimed.client.id, claimed.nonce, timestamp, nowSeconds))) {
      throw unauthorized("nonce already used");
    }
    return { ...claimed, idempotencyKey, bodySha256 };
  }
}

function unauthorized(message: string): BridgeFailure {
  return new BridgeFailure("Unauthorized", message);
}

/** A header sent twice is ambiguous about what was signed: treated as absent. */
function single(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
}
