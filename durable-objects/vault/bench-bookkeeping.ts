import type { AuditRecord } from "../../core/domain/vault/audit-record.ts";
import { MAX_LIMIT } from "../../core/domain/throttle/throttle-limits.ts";
import { windowStart } from "../../core/domain/throttle/throttle-window.ts";
import { VaultThrottle } from "../operations/vault-throttle.ts";
import { AuditRepository } from "../storage/audit-repository.ts";
import { ThrottleRepository } from "../storage/throttle-repository.ts";
import { ThrottleUsageRepository } from "../storage/throttle-usage-repository.ts";

/**
 * What throttling and auditing add to every data-plane request, measured inside the runtime with no HTTP
 * around it, for `npm run bench`, which reports the cost of throttling bookkeeping per request next to the API's.
 * Reached only through GET /_bench/bookkeeping-rate, which exists only when BENCH_ECHO is "true".
 */
export interface BookkeepingSample {
  readonly operations: number;
  readonly seconds: number;
}

export interface BookkeepingRate {
  /** `VaultThrottle.admit` of one `secrets` unit, the windows rolling over so no request is ever refused. */
  readonly admission: BookkeepingSample;
  /** What a request's transaction adds: the throttle counter upsert plus the audit insert. */
  readonly counterAndAudit: BookkeepingSample;
  /** The audit insert alone (informational: the part of the above that is auditing, not throttling). */
  readonly auditInsert: BookkeepingSample;
}

/** Thrown at the end of every measuring transaction so that it rolls back and the bench changes no state. */
class Rollback extends Error {}

/**
 * 10 ms of fake time per admission: 1,000 admissions per 10-second window, well under the 4,000 of the
 * `secrets` bucket, so every window ends before the limit and each new one takes a fresh lease.
 */
const FAKE_MS_PER_ADMISSION = 10;

/** A calibration batch must last this long for the millisecond clock to time it to a few per cent. */
const CALIBRATION_MS = 20;

/** Bounds one rolled-back transaction (every row stays in SQLite's journal until the rollback). */
const MAX_OPERATIONS = 2_000_000;

/** A GET of the latest secret version by a managed identity, as RequestAudit forms it. */
function auditRecord(sequence: number, timeMs: number): AuditRecord {
  return {
    timeMs,
    requestId: `0b3f6a52-7c1e-4d8a-9f20-${String(sequence % 1_000_000_000_000).padStart(12, "0")}`,
    tenantId: "6f1c2d3e-4b5a-4c6d-8e7f-901a2b3c4d5e",
    vault: "bench",
    caller: { objectId: "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", appId: "d5c4b3a2-f6e5-4b7a-9c8d-5d4c3b2a1f0e", type: "ManagedIdentity" },
    clientIp: "127.0.0.1",
    operation: "SecretGet",
    object: { kind: "secret", name: "bench", version: "4387e9f3d6e14c459867679a90fd0f79" },
    httpStatus: 200,
    resultCode: "Success",
    durationMs: 1,
  };
}

/** Each kind of bookkeeping back to back for about `ms` milliseconds; everything written is rolled back. */
export async function bookkeepingRate(storage: DurableObjectStorage, ms: number): Promise<BookkeepingRate> {
  const sql = storage.sql;
  const counters = new ThrottleRepository(sql, "vault");
  const audit = new AuditRepository(sql);
  const baseMs = Date.now();

  // Granting far more than a window can use: the tenant's side is an RPC to another object, not bookkeeping here.
  const throttle = new VaultThrottle(counters, new ThrottleUsageRepository(sql), async () => MAX_LIMIT);
  let fakeNowMs = baseMs;
  const admission = await timed(ms, async (n) => {
    for (let i = 0; i < n; i++) {
      fakeNowMs += FAKE_MS_PER_ADMISSION;
      await throttle.admit({ bucket: "secrets", cost: 1 }, fakeNowMs);
    }
  });

  // `persist()` writes each bucket admitted since its last call with one upsert; admitting is async and the
  // transaction is not, so the loop makes that same upsert itself, with a count that changes every time.
  const window = windowStart(baseMs);
  const counterAndAudit = await timed(ms, async (n) =>
    rolledBack(storage, () => {
      for (let i = 0; i < n; i++) {
        counters.save("secrets", { windowStart: window, used: i + 1 });
        audit.insert(auditRecord(i, baseMs + i));
      }
    }),
  );
  const auditInsert = await timed(ms, async (n) =>
    rolledBack(storage, () => {
      for (let i = 0; i < n; i++) audit.insert(auditRecord(i, baseMs + i));
    }),
  );
  return { admission, counterAndAudit, auditInsert };
}

/**
 * Runs `batch` on growing counts until one lasts CALIBRATION_MS, then once on as many as fill `ms`. The
 * clock is read between batches, after a timer: workerd may hold Date.now() still within synchronous code.
 */
async function timed(ms: number, batch: (n: number) => Promise<void>): Promise<BookkeepingSample> {
  let n = 64;
  for (;;) {
    const elapsed = await elapsedMs(() => batch(n));
    if (elapsed >= CALIBRATION_MS || n >= MAX_OPERATIONS) {
      const operations = Math.min(MAX_OPERATIONS, Math.max(n, Math.ceil((n * ms) / Math.max(elapsed, 1))));
      return { operations, seconds: (await elapsedMs(() => batch(operations))) / 1000 };
    }
    n *= 4;
  }
}

async function elapsedMs(work: () => Promise<void>): Promise<number> {
  await tick();
  const start = Date.now();
  await work();
  await tick();
  return Date.now() - start;
}

function tick(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** One transaction that always rolls back; anything but the sentinel is a real failure and propagates. */
function rolledBack(storage: DurableObjectStorage, body: () => void): void {
  try {
    storage.transactionSync(() => {
      body();
      throw new Rollback("bench rollback");
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
}
