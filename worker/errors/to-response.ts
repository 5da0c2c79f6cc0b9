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
  // Azure sends no Retry-After with 429 (docs/wire-reference.md §3); we do, exact to the window's end.
  if (error.retryAfterSeconds !== undefined) response.headers.set("Retry-After", String(error.retryAfterSeconds));
  return response;
}
