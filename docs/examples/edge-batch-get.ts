/**
 * A tiny typed client for batch get (docs/edge-reads.md, "Batch get"), an extension of this vault beyond Azure's API:
 * up to 25 secrets in one request, each answered or failed on its own. No dependencies; bring a bearer token for the
 * vault, for instance from `@azure/identity`:
 *
 *   const token = (await new DefaultAzureCredential().getToken("https://vault.localhost:8443/.default"))?.token ?? "";
 *   const items = await batchGetSecrets("https://dev.vault.localhost:8443", token, [{ name: "db" }, { name: "api" }]);
 *   for (const item of items) if ("secret" in item) use(item.secret.value); else log(item.status, item.error.code);
 *
 * test/api/edge-batch-get.test.ts runs this file against the server, so it stays right.
 */

export interface BatchGetItem {
  readonly name: string;
  /** 32 hex digits; leave it out for the latest version. */
  readonly version?: string;
}

/** Azure's SecretBundle, as `GET /secrets/{name}/{version}` returns it. */
export interface SecretBundle {
  readonly value?: string;
  readonly id: string;
  readonly contentType?: string;
  readonly attributes: { readonly enabled: boolean; readonly nbf?: number; readonly exp?: number; readonly created: number; readonly updated: number };
  readonly tags?: Readonly<Record<string, string>>;
  readonly kid?: string;
  readonly managed?: boolean;
}

/** Azure's error member: `code` (SecretNotFound, Forbidden, Throttled, …) and, for some, `innererror.code`. */
export interface KeyVaultErrorMember {
  readonly code: string;
  readonly message: string;
  readonly innererror?: { readonly code: string };
}

interface Named {
  readonly name: string;
  readonly version?: string;
}

/** One answer per item, in the order asked: the secret, or the error its own GET would have had. */
export type BatchGetResult =
  | (Named & { readonly status: 200; readonly secret: SecretBundle })
  | (Named & { readonly status: number; readonly error: KeyVaultErrorMember; readonly retryAfterSeconds?: number });

/** The whole request failed (bad input 400, no token 401, every item throttled 429, …). */
export class BatchGetError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** From Retry-After, on a 429. */
    readonly retryAfterSeconds: number | undefined,
  ) {
    super(message);
    this.name = "BatchGetError";
  }
}

export interface BatchGetOptions {
  /** The server's latest stable version unless given. */
  readonly apiVersion?: string;
  /** `globalThis.fetch` unless given (a test passes the Worker's own). */
  readonly fetch?: (url: string, init: RequestInit) => Promise<Response>;
}

export const BATCH_GET_PATH = "/edge/secrets/batchget";
export const MAX_BATCH_GET_ITEMS = 25;

export async function batchGetSecrets(
  vaultUrl: string,
  token: string,
  items: readonly BatchGetItem[],
  options: BatchGetOptions = {},
): Promise<BatchGetResult[]> {
  const url = `${vaultUrl.replace(/\/+$/, "")}${BATCH_GET_PATH}?api-version=${encodeURIComponent(options.apiVersion ?? "2026-04-01")}`;
  const send = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const response = await send(url, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify({ secrets: items }),
  });
  const text = await response.text();
  if (response.status !== 200) {
    const error = errorOf(text);
    const retryAfter = response.headers.get("Retry-After");
    throw new BatchGetError(response.status, error?.code ?? `Http${response.status}`, error?.message ?? text, retryAfter === null ? undefined : Number(retryAfter));
  }
  return (JSON.parse(text) as { value: BatchGetResult[] }).value;
}

function errorOf(text: string): KeyVaultErrorMember | undefined {
  try {
    return (JSON.parse(text) as { error?: KeyVaultErrorMember }).error;
  } catch {
    return undefined;
  }
}
