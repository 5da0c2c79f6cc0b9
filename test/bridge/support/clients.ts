/** Clients for the bridge the global setup started, and a raw signed fetch for checks the typed client hides. */
import { BridgeClient, ed25519Credentials, hmacCredentials, signRequest, type BridgeCredentials } from "../../../core/hsm/bridge-client/index.ts";
import { bridgeFacts } from "./bridge-facts.ts";

export function hmacCredentialsForTests(): Promise<BridgeCredentials> {
  const facts = bridgeFacts();
  return hmacCredentials(facts.hmacKeyId, facts.hmacSecret);
}

export async function hmacClient(url = bridgeFacts().url): Promise<BridgeClient> {
  return new BridgeClient({ baseUrl: url, credentials: await hmacCredentialsForTests() });
}

export async function ed25519Client(): Promise<BridgeClient> {
  const facts = bridgeFacts();
  const credentials = await ed25519Credentials(facts.ed25519KeyId, facts.ed25519ClientPkcs8, facts.ed25519BridgePublicKey);
  return new BridgeClient({ baseUrl: facts.url, credentials });
}

export interface RawAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly json: unknown;
}

export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** Sign as of this time (ms), to test the clock-skew window. */
  readonly signedAt?: number;
  readonly nonce?: string;
  readonly credentials?: BridgeCredentials;
  readonly url?: string;
}

/** Signs and sends one request, returning status, headers and body as they came. */
export async function rawCall(request: RawRequest): Promise<RawAnswer> {
  const credentials = request.credentials ?? (await hmacCredentialsForTests());
  const body = request.body === undefined ? new Uint8Array(0) : new TextEncoder().encode(JSON.stringify(request.body));
  const signed = await signRequest(
    credentials,
    { method: request.method, path: request.path, body, ...(request.idempotencyKey === undefined ? {} : { idempotencyKey: request.idempotencyKey }) },
    request.signedAt ?? Date.now(),
    ...(request.nonce === undefined ? [] : [request.nonce]),
  );
  return send(request.url ?? bridgeFacts().url, request.method, request.path, signed.headers, body);
}

export async function send(
  url: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array<ArrayBuffer>,
): Promise<RawAnswer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...headers, ...(body.length === 0 ? {} : { "content-type": "application/json" }) },
    ...(body.length === 0 ? {} : { body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function b64(bytes: Uint8Array | string): string {
  return (typeof bytes === "string" ? Buffer.from(bytes, "hex") : Buffer.from(bytes)).toString("base64url");
}

export function bytesOf(base64url: string): Buffer {
  return Buffer.from(base64url, "base64url");
}
