-- Event subscriptions (webhooks) of this vault. The signing secret is sealed like a secret value.
CREATE TABLE event_subscriptions (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  -- JSON array of Azure event type names
  event_types TEXT NOT NULL,
  subject_prefix TEXT,
  near_expiry_seconds INTEGER NOT NULL,
  event_schema TEXT NOT NULL,
  max_attempts INTEGER NOT NULL,
  -- ciphertext: the HMAC signing secret under the vault data key, AAD "webhook-secret|{tenant}|{vault}|{id}"
  sealed_secret BLOB NOT NULL,
  created INTEGER NOT NULL
);

-- One row per (subscription, event): the outbox. Enqueued in the transaction that made the change;
-- delivered by the alarm, retried with backoff, dead-lettered after max_attempts.
CREATE TABLE event_deliveries (
  id TEXT PRIMARY KEY,
  subscription_id TEXT NOT NULL REFERENCES event_subscriptions (id) ON DELETE CASCADE,
  -- event type + object version (+ lead time for NearExpiry): each fires once per subscription
  dedupe_key TEXT NOT NULL,
  event TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_error TEXT,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  UNIQUE (subscription_id, dedupe_key)
);
CREATE INDEX event_deliveries_due ON event_deliveries (next_attempt_at) WHERE status = 'pending';

-- When a version's NearExpiry (per distinct lead time) and Expired events fall due: the alarm reads the
-- earliest, so expiry is found without scanning objects.
CREATE TABLE expiry_triggers (
  kind TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  event TEXT NOT NULL,
  lead_seconds INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  PRIMARY KEY (kind, name_key, version, event, lead_seconds)
);
CREATE INDEX expiry_triggers_by_due ON expiry_triggers (due_at);
