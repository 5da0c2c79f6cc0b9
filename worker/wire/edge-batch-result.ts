import type { SecretView } from "../../core/contract/secrets.ts";
import { statusOf } from "../../core/errors/status.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { BatchGetItem } from "./edge-batch-input.ts";
import { secretBundle } from "./secret-bundle.ts";

/** What one item's SecretGet came to: the secret, or the error value the vault object answered with. */
export type BatchGetOutcome =
  | { readonly item: BatchGetItem; readonly secret: SecretView }
  | { readonly item: BatchGetItem; readonly error: VaultError };

/**
 * Azure's error member (KeyVaultError.error, as worker/errors/to-response.ts writes it for a whole response), so a
 * client can handle an item's failure with the code it already handles for a single GET.
 */
function errorMember(error: VaultError) {
  return { code: error.code, message: error.message, ...(error.inner === undefined ? {} : { innererror: { code: error.inner } }) };
}

/**
 * One item of the answer, in request order: the name and version as the client sent them (to match items up), the
 * status the single GET would have had, and either `secret` — exactly the SecretBundle the single GET returns — or
 * `error`. A throttled item also says when to retry it (`retryAfterSeconds`, what Retry-After says of a whole 429).
 */
function itemBody(base: string, outcome: BatchGetOutcome, apiVersion: string) {
  const { name, version } = outcome.item;
  const named = version === undefined ? { name } : { name, version };
  if ("secret" in outcome) return { ...named, status: 200, secret: secretBundle(base, outcome.secret, apiVersion) };
  const { error } = outcome;
  return {
    ...named,
    status: statusOf(error.code),
    error: errorMember(error),
    ...(error.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: error.retryAfterSeconds }),
  };
}

/** `{"value":[…]}`, one entry per item in request order. */
export function batchGetBody(base: string, outcomes: readonly BatchGetOutcome[], apiVersion: string) {
  return { value: outcomes.map((outcome) => itemBody(base, outcome, apiVersion)) };
}

/**
 * When every item was throttled nothing was read, and the request as a whole is answered 429 Throttled with
 * Retry-After (and retry-after-ms, x-ms-retry-after-ms; worker/errors/to-response.ts): retry policies (Azure Core's
 * throttling policy, generic HTTP clients) act on a 429's status and headers and never look inside a 200, and
 * Retry-After means nothing on a 200 (RFC 9110 §10.2.3). The wait is the longest of the items', after which each of
 * them would be admitted again. Null when at least one item got past the throttle: then the answer is 200.
 */
export function wholeBatchThrottled(outcomes: readonly BatchGetOutcome[]): VaultError | null {
  const errors = outcomes.map((outcome) => ("error" in outcome && outcome.error.code === "Throttled" ? outcome.error : null));
  const [first] = errors;
  if (first === null || first === undefined || errors.some((error) => error === null)) return null;
  const waits = errors.flatMap((error) => (error?.retryAfterSeconds === undefined ? [] : [error.retryAfterSeconds]));
  return new VaultError("Throttled", first.message, first.inner, waits.length === 0 ? undefined : Math.max(...waits));
}
