import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { ATTEMPT_TIMEOUT_MS, attemptOutcome, retryDelaySeconds } from "../../core/domain/events/delivery-backoff.ts";
import type { EventSubscription } from "../../core/domain/events/event-subscription.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { webhookSecretAad } from "../../core/crypto/envelope/aad.ts";
import type { EventSource } from "../../core/domain/events/vault-event.ts";
import type { EventRepository, PendingDelivery } from "../storage/event-repository.ts";
import { postWebhook, type PostResult } from "./webhook-post.ts";
import { runtimeTargetGuard, type WebhookTargetGuard } from "./webhook-target-guard.ts";

/** What delivery needs from the vault object (a subset of VaultEventsDeps). */
export interface DeliveryDeps {
  config(): VaultConfig;
  dataKey(): Promise<DataKey>;
  /** `https://{vault}.vault.{domain}[:port]`, for `data.Id` in events. */
  vaultBaseUrl(): string;
  /** Outbound HTTP; pass a function that calls the global fetch when invoked, so test mocks of it apply. */
  readonly fetch: typeof fetch;
  /** Runs synchronous writes atomically (storage.transactionSync). */
  transaction<T>(fn: () => T): T;
  /** Per-attempt limit; tests shorten it. */
  readonly attemptTimeoutMs?: number;
  /**
   * Refuses targets inside the deployment's network before each POST (webhook-target-guard.ts). Absent:
   * the guard of the running Worker's vars, so a caller that forgets it is checked, not waved through.
   */
  readonly targetGuard?: WebhookTargetGuard;
}

/** Deliveries attempted per run; more due ones make nextDue() return a past time, so the alarm runs again at once. */
const DELIVERY_BATCH = 25;

const decoder = new TextDecoder();

interface Claimed {
  readonly delivery: PendingDelivery;
  readonly subscription: EventSubscription;
  readonly attempt: number;
}

/** Sends what the outbox holds: due deliveries, signed, with retries and a dead letter (delivery-backoff.ts). */
export class EventDelivery {
  constructor(
    private readonly events: EventRepository,
    private readonly deps: DeliveryDeps,
  ) {}

  /**
   * Each due delivery is claimed before it is sent (attempt counted, retry time set), so a crash
   * mid-request retries it later instead of losing it or sending it in a loop: at-least-once, like Event Grid.
   */
  async deliverDue(nowSeconds: number): Promise<void> {
    const claimed = this.deps.transaction(() => this.claimDue(nowSeconds));
    if (claimed.length === 0) return;
    const config = this.deps.config();
    const source: EventSource = { tenantId: config.tenantId, vaultName: config.name, vaultBaseUrl: this.deps.vaultBaseUrl() };
    const secrets = await this.openSecrets(config, new Set(claimed.map((c) => c.subscription.id)));
    const timeout = this.deps.attemptTimeoutMs ?? ATTEMPT_TIMEOUT_MS;
    const guard = this.deps.targetGuard ?? runtimeTargetGuard();
    const results = await Promise.all(
      claimed.map(async ({ delivery, subscription, attempt }): Promise<PostResult> => {
        const secret = secrets.get(subscription.id);
        if (secret === undefined) return { status: null, error: "signing secret unavailable" };
        return postWebhook(this.deps.fetch, { subscription, secret, event: delivery.event, source, attempt, nowSeconds }, timeout, guard);
      }),
    );
    this.deps.transaction(() => {
      claimed.forEach(({ delivery, subscription, attempt }, i) => {
        const result = results[i] ?? { status: null, error: "no result" };
        const outcome = attemptOutcome(result.status, attempt, subscription.maxDeliveryAttempts, nowSeconds);
        if (outcome.kind === "delivered") this.events.finishAttempt(delivery.id, "delivered", null, null, nowSeconds);
        else if (outcome.kind === "retry") this.events.finishAttempt(delivery.id, "pending", outcome.at, result.error, nowSeconds);
        else this.events.finishAttempt(delivery.id, "deadLettered", null, result.error, nowSeconds);
      });
    });
  }

  private claimDue(nowSeconds: number): Claimed[] {
    const claimed: Claimed[] = [];
    const subscriptions = new Map(this.events.subscriptions().map((s) => [s.id, s]));
    for (const delivery of this.events.dueDeliveries(nowSeconds, DELIVERY_BATCH)) {
      const subscription = subscriptions.get(delivery.subscriptionId);
      if (subscription === undefined || delivery.attempts >= subscription.maxDeliveryAttempts) {
        // Its last attempt never reported back (or the subscription is gone): give up now.
        this.events.finishAttempt(delivery.id, "deadLettered", null, "no result from the last attempt", nowSeconds);
        continue;
      }
      const attempt = delivery.attempts + 1;
      this.events.claimAttempt(delivery.id, attempt, nowSeconds + retryDelaySeconds(attempt), nowSeconds);
      claimed.push({ delivery, subscription, attempt });
    }
    return claimed;
  }

  private async openSecrets(config: VaultConfig, ids: ReadonlySet<string>): Promise<Map<string, string>> {
    const dataKey = await this.deps.dataKey();
    const secrets = new Map<string, string>();
    for (const id of ids) {
      const sealed = this.events.sealedSecret(id);
      if (sealed === null) continue;
      try {
        secrets.set(id, decoder.decode(await dataKey.open(sealed, webhookSecretAad(config, id))));
      } catch (err) {
        // A secret that does not open is a storage fault; its deliveries fail and retry, the others go out.
        console.error("event subscription secret did not open", id, err);
      }
    }
    return secrets;
  }
}
