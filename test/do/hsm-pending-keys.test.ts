/**
 * Reconciling key-making bridge calls whose answer was lost (operations/hsm-pending-keys.ts), deterministically: a
 * fake bridge stands in for the token (the real one is exercised end to end in test/conformance/hsm-bridge-faults),
 * the vault object's own SQLite holds the pending rows, and the clock is moved by hand.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BridgeError, type BridgeClient, type GenerateKeyRequest, type KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import type { HsmBridge } from "../../core/hsm/hsm-bridge.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { makeTokenKey, undoPendingTokenKeys } from "../../durable-objects/operations/hsm-pending-keys.ts";
import type { VaultContext } from "../../durable-objects/operations/vault-context.ts";
import { HsmPendingKeyRepository } from "../../durable-objects/storage/hsm-pending-key-repository.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

const T0 = Date.UTC(2026, 10, 22, 12);
const T0_SECONDS = T0 / 1000;

/** A token behind a bridge that keeps idempotent answers, and can lose an answer, be down, or refuse. */
class FakeBridge {
  readonly token = new Set<string>();
  private readonly answers = new Map<string, string>();
  mode: "ok" | "loseAnswer" | "down" | "refuse" = "ok";
  calls = 0;

  readonly client = {
    generateKey: async (_body: GenerateKeyRequest, idempotencyKey: string): Promise<KeyInfo> => {
      this.calls += 1;
      if (this.mode === "down") throw new BridgeError("BridgeUnreachable", "connection refused", undefined);
      if (this.mode === "refuse") throw new BridgeError("BadParameter", "bad request", 400);
      let id = this.answers.get(idempotencyKey);
      if (id === undefined) {
        id = crypto.randomUUID();
        this.answers.set(idempotencyKey, id);
        this.token.add(id);
      }
      if (this.mode === "loseAnswer") throw new BridgeError("BridgeUnreachable", "timed out", undefined);
      return { id, kty: "oct", size: 256, purpose: "aes" };
    },
    deleteKey: async (id: string) => {
      this.calls += 1;
      if (this.mode === "down") throw new BridgeError("BridgeUnreachable", "connection refused", undefined);
      this.token.delete(id);
      return { id, deleted: true as const };
    },
  };

  readonly bridge = {
    call: async <T>(run: (client: BridgeClient) => Promise<T>, mapError: (error: unknown) => unknown = (e) => e): Promise<T> => {
      try {
        return await run(this.client as unknown as BridgeClient);
      } catch (error) {
        throw mapError(error);
      }
    },
  } as unknown as HsmBridge;
}

interface Harness {
  readonly fake: FakeBridge;
  readonly ctx: VaultContext;
  readonly pending: HsmPendingKeyRepository;
  readonly sql: SqlStorage;
}

function withHarness(fn: (h: Harness) => Promise<void>): Promise<void> {
  const stub = env.VAULT.get(env.VAULT.idFromName(`hsm-pending-${crypto.randomUUID()}`));
  return runInDurableObject(stub, async (_instance, state) => {
    const fake = new FakeBridge();
    const pending = new HsmPendingKeyRepository(state.storage.sql);
    const { dataKey } = await DataKey.create(await rootKeyFromEnv(env.ROOT_KEY), "vault|t|v");
    // Only what the reconciliation uses; the calls are made at T0, the due runs say their own time.
    const ctx = {
      config: { name: "v", tenantId: "t", retentionDays: 90, purgeProtection: false, sku: "premium", created: T0_SECONDS },
      clock: { now: () => T0 },
      hsm: fake.bridge,
      hsmPendingKeys: pending,
      dataKey: async () => dataKey,
      bookkeeping: <T>(write: () => T): T => state.storage.transactionSync(write),
      reschedule: () => undefined,
    };
    await fn({ fake, pending, sql: state.storage.sql, ctx: ctx as unknown as VaultContext });
  });
}

const generate = { endpoint: "generate", body: { kty: "oct", size: 256 } } as const;

describe("key-making calls of unknown outcome", () => {
  it("a lost answer is 503 for the caller, remembered, and the key the bridge made is destroyed by the next due run", async () => {
    await withHarness(async (h) => {
      h.fake.mode = "loseAnswer";
      const error = await makeTokenKey(h.ctx, h.fake.bridge, generate).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VaultError);
      expect((error as VaultError).code).toBe("ServiceUnavailable");
      expect((error as VaultError).retryAfterSeconds).toBeGreaterThan(0);
      expect(h.fake.token.size, "the bridge made the key").toBe(1);
      expect(h.pending.due(T0_SECONDS + 3600, 10)).toHaveLength(1);

      h.fake.mode = "ok";
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 29);
      expect(h.fake.token.size, "not due yet").toBe(1);
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 30);
      expect(h.fake.token.size, "the replay found the same key and destroyed it").toBe(0);
      expect(h.pending.nextDue()).toBeNull();
    });
  });

  it("a bridge still away is tried again later, the wait doubling", async () => {
    await withHarness(async (h) => {
      h.fake.mode = "down";
      await makeTokenKey(h.ctx, h.fake.bridge, generate).catch(() => undefined);
      expect(h.pending.nextDue()).toBe(T0_SECONDS + 30);
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 30);
      expect(h.pending.nextDue()).toBe(T0_SECONDS + 30 + 60);
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 90);
      expect(h.pending.nextDue()).toBe(T0_SECONDS + 90 + 120);
      h.fake.mode = "ok";
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 210);
      expect(h.pending.nextDue()).toBeNull();
      expect(h.fake.token.size, "the replay made the key now, and it was destroyed at once").toBe(0);
    });
  });

  it("a replay the bridge refuses is dropped; so is one past the bridge's idempotency window", async () => {
    await withHarness(async (h) => {
      h.fake.mode = "down";
      await makeTokenKey(h.ctx, h.fake.bridge, generate).catch(() => undefined);
      h.fake.mode = "refuse";
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 30);
      expect(h.pending.nextDue()).toBeNull();

      h.fake.mode = "down";
      await makeTokenKey(h.ctx, h.fake.bridge, generate).catch(() => undefined);
      h.fake.mode = "ok";
      const calls = h.fake.calls;
      await undoPendingTokenKeys(h.ctx, T0_SECONDS + 24 * 3600);
      expect(h.pending.nextDue()).toBeNull();
      expect(h.fake.calls, "nothing replayed after the window").toBe(calls);
    });
  });

  it("a failure that tells the outcome (the bridge refused) is not remembered", async () => {
    await withHarness(async (h) => {
      h.fake.mode = "refuse";
      await makeTokenKey(h.ctx, h.fake.bridge, generate).catch(() => undefined);
      expect(h.pending.nextDue()).toBeNull();
    });
  });

  it("an import's request is stored sealed: its key material never rests in plaintext", async () => {
    await withHarness(async (h) => {
      h.fake.mode = "down";
      const d = "c2VjcmV0LXByaXZhdGUtc2NhbGFyLW1hdGVyaWFs";
      const request = { endpoint: "import", body: { jwk: { kty: "EC", crv: "P-256", x: "AA", y: "AA", d } } } as const;
      (h.fake.client as Record<string, unknown>).importKey = h.fake.client.generateKey;
      await makeTokenKey(h.ctx, h.fake.bridge, request).catch(() => undefined);
      const row = h.sql.exec<{ sealed_request: ArrayBuffer }>("SELECT sealed_request FROM hsm_pending_keys").toArray()[0];
      expect(row).toBeDefined();
      const bytes = new Uint8Array(row?.sealed_request ?? new ArrayBuffer(0));
      expect(new TextDecoder("latin1").decode(bytes)).not.toContain(d);
      expect(new TextDecoder("latin1").decode(bytes)).not.toContain("P-256");
    });
  });
});
