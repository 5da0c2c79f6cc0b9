import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from "../../core/crypto/webhook-signature.ts";
import type { EventSubscription } from "../../core/domain/events/event-subscription.ts";
import { deliveryPayload, type EventSource, type VaultEvent } from "../../core/domain/events/vault-event.ts";
import type { WebhookTargetGuard } from "./webhook-target-guard.ts";

/** One attempt's result: the receiver's status, or null and why there was none. */
export interface PostResult {
  readonly status: number | null;
  readonly error: string | null;
}

export interface WebhookRequest {
  readonly subscription: EventSubscription;
  readonly secret: string;
  readonly event: VaultEvent;
  readonly source: EventSource;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  /** Unix seconds: the signature's timestamp. */
  readonly nowSeconds: number;
}

const MAX_ERROR_LENGTH = 200;

/**
 * The headers Event Grid puts on a webhook delivery (aeg-event-type, aeg-subscription-name in upper
 * case, aeg-delivery-count counting earlier attempts; "Receive events at an HTTP endpoint"), so
 * receivers written for Event Grid work unchanged, plus our signature.
 */
async function headersFor(request: WebhookRequest, body: string, contentType: string): Promise<Record<string, string>> {
  return {
    "Content-Type": contentType,
    "aeg-event-type": "Notification",
    "aeg-subscription-name": request.subscription.id.toUpperCase(),
    "aeg-delivery-count": String(request.attempt - 1),
    ...(request.subscription.schema === "EventGridSchema" ? { "aeg-data-version": "1", "aeg-metadata-version": "1" } : {}),
    [SIGNATURE_HEADER]: await signWebhook(request.secret, request.nowSeconds, body),
    [TIMESTAMP_HEADER]: String(request.nowSeconds),
  };
}

/**
 * POSTs one event, after `guard` has found the target outside the deployment's network (its DNS lookup
 * counts against the same timeout). Redirects are not followed (`redirect: "manual"`, Fetch Standard
 * "HTTP-redirect fetch"): a webhook that answers 3xx has not taken the event, so the attempt failed, and
 * following would let an endpoint steer signed deliveries elsewhere, past the guard, e.g. to
 * 169.254.169.254. Never throws.
 */
export async function postWebhook(
  fetchFn: typeof fetch,
  request: WebhookRequest,
  timeoutMs: number,
  guard: WebhookTargetGuard,
): Promise<PostResult> {
  const { body, contentType } = deliveryPayload(request.subscription.schema, request.event, request.source);
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<PostResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({ status: null, error: `timeout after ${timeoutMs} ms` });
    }, timeoutMs);
  });
  const send = async (): Promise<PostResult> => {
    try {
      const refusal = await guard(request.subscription.url, controller.signal);
      if (refusal !== null) return { status: null, error: refusal.slice(0, MAX_ERROR_LENGTH) };
      const response = await fetchFn(request.subscription.url, {
        method: "POST",
        headers: await headersFor(request, body, contentType),
        body,
        redirect: "manual",
        signal: controller.signal,
      });
      // The body is not needed; release the connection.
      await response.body?.cancel().catch(() => undefined);
      const ok = response.status >= 200 && response.status < 300;
      const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
      return { status: response.status, error: ok ? null : `HTTP ${response.status}${redirect}` };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      return { status: null, error: `request failed: ${message}`.slice(0, MAX_ERROR_LENGTH) };
    }
  };
  try {
    return await Promise.race([send(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
