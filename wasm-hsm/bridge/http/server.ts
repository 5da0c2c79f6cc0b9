/**
 * The HTTP side of the bridge. A request's path: read the body (bounded) → authenticate (401 before anything else
 * is revealed) → the operation (../dispatch.ts: route, idempotency, handler) → one JSON answer, signed for the
 * caller that signed the request. Every failure becomes `{"error":{"code","message"}}` through BridgeFailure;
 * anything else is a 500 whose detail only the log sees. WebSocket upgrades go to the channel (../channel/).
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import { HEADER, responseSigningInput, unixSeconds } from "../../../core/hsm/bridge-client/protocol.ts";
import type { BridgeConfig } from "../config.ts";
import type { BridgeContext } from "../context.ts";
import { dispatch, failureOutcome, type Answer } from "../dispatch.ts";
import type { Logger } from "../log.ts";
import { Authenticator, type Claimed, type ClientAuth } from "./authenticate.ts";
import { sha256Base64urlSync } from "./node-signing.ts";
import { readBody } from "./read-body.ts";
import type { RequestMemory } from "./request-memory.ts";

/** Seconds a caller should wait after a 503 (RFC 9110 §10.2.3); token trouble is usually brief or needs a human. */
const RETRY_AFTER_SECONDS = 1;

export interface ServerOptions {
  readonly config: BridgeConfig;
  readonly context: BridgeContext;
  readonly clients: ReadonlyMap<string, ClientAuth>;
  readonly log: Logger;
  /** Nonces and idempotent answers: this process's own, or the cluster primary's (cluster/). */
  readonly memory: RequestMemory;
  readonly now?: () => number;
}

export function createBridgeServer(options: ServerOptions): Server {
  const now = options.now ?? (() => Date.now());
  const authenticator = new Authenticator(options.clients, now, options.memory);
  const handler = (request: IncomingMessage, response: ServerResponse) => {
    void handle(request, response, { ...options, now, authenticator });
  };
  const { tls } = options.config;
  const server = tls === undefined
    ? createHttpServer(handler)
    : createHttpsServer(
        {
          cert: tls.cert,
          key: tls.key,
          minVersion: "TLSv1.2",
          // mTLS: with a client CA, a caller without a certificate it issued never gets past the handshake.
          ...(tls.clientCa === undefined ? {} : { ca: tls.clientCa, requestCert: true, rejectUnauthorized: true }),
        },
        handler,
      );
  // A slow or stalled client must not hold a socket for long (the vault's own deadline is 10 s).
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  return server;
}

interface Handling extends ServerOptions {
  readonly now: () => number;
  readonly authenticator: Authenticator;
}

async function handle(request: IncomingMessage, response: ServerResponse, handling: Handling): Promise<void> {
  const method = request.method ?? "GET";
  const path = request.url ?? "/";
  const claimed = handling.authenticator.claimed(request.headers);
  let outcome: Answer;
  try {
    const body = await readBody(request, handling.config.maxBodyBytes);
    const authenticated = await handling.authenticator.authenticate(method, path, request.headers, body);
    const { client, idempotencyKey, bodySha256 } = authenticated;
    outcome = await dispatch({ method, path, body, clientId: client.id, idempotencyKey, bodySha256 }, handling);
  } catch (error) {
    outcome = failureOutcome(error, method, path, handling.log);
  }
  try {
    await send(response, outcome, claimed, handling.now());
  } catch (error) {
    handling.log("error", "could not send response", { method, path, error: String(error) });
    response.destroy();
  }
}

/** Signs the answer when the request named a known client and a nonce, even when it then failed to verify. */
async function send(
  response: ServerResponse,
  outcome: Answer,
  claimed: Claimed | undefined,
  nowMs: number,
): Promise<void> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "content-length": String(outcome.body.length),
    "cache-control": "no-store",
  };
  if (outcome.status === 503) headers["retry-after"] = String(RETRY_AFTER_SECONDS);
  if (outcome.replayed === true) headers["idempotent-replayed"] = "true";
  if (claimed !== undefined) {
    const timestamp = unixSeconds(nowMs);
    const input = responseSigningInput({
      keyId: claimed.client.id,
      status: outcome.status,
      requestNonce: claimed.nonce,
      timestamp,
      bodySha256: sha256Base64urlSync(outcome.body),
    });
    headers[HEADER.timestamp] = String(timestamp);
    headers[HEADER.signature] = bytesToBase64Url(await claimed.client.responseSigner.sign(input));
  }
  response.writeHead(outcome.status, headers);
  response.end(outcome.body);
}
