import { VaultError } from "../../core/errors/vault-error.ts";
import { statusOf } from "../../core/errors/status.ts";

/** Azure's error body: {"error":{"code","message","innererror"}} (KeyVaultError in the REST spec). */
export function errorBody(error: VaultError): string {
  const body: { code: string; message: string; innererror?: { code: string } } = {
    code: error.code,
    message: error.message,
  };
  if (error.inner !== undefined) body.innererror = { code: error.inner };
  return JSON.stringify({ error: body });
}

/**
 * Turns anything thrown into an Azure-shaped response. Unknown exceptions become 500
 * InternalError with a generic message; their details go only to the log.
 */
export function toErrorResponse(err: unknown, headers?: HeadersInit): Response {
  let error: VaultError;
  if (err instanceof VaultError) {
    error = err;
  } else {
    console.error("unhandled error", err);
    error = new VaultError("InternalError", "The service encountered an internal error.");
  }
  const response = new Response(errorBody(error), {
    status: statusOf(error.code),
    headers: headers,
  });
  response.headers.set("Content-Type", "application/json; charset=utf-8");
  if (error.retryAfterSeconds !== undefined) setRetryAfter(response.headers, error.retryAfterSeconds);
  return response;
}

/**
 * Azure sends no Retry-After with 429 (docs/wire-reference.md §3); we do, exact to the window's end, and the same wait
 * in milliseconds under the two names Azure Core also honours on a 429 or 503: JS `getRetryAfterInMs`
 * (@typespec/ts-http-runtime retryStrategies/throttlingRetryStrategy.ts, under @azure/core-rest-pipeline) reads
 * `retry-after-ms`, `x-ms-retry-after-ms`, then `Retry-After`; Python azure-core
 * (azure/core/pipeline/policies/_utils.py, get_retry_after) `Retry-After` first, then the two others.
 */
function setRetryAfter(headers: Headers, seconds: number): void {
  const milliseconds = String(seconds * 1000);
  headers.set("Retry-After", String(seconds));
  headers.set("retry-after-ms", milliseconds);
  headers.set("x-ms-retry-after-ms", milliseconds);
}
