import { primitiveRate, runPrimitive, type BenchPrimitive } from "../../core/crypto/bench-primitives.ts";
import type { SecretSeed, SecretsSeeded } from "../../core/domain/objects/bench-seed.ts";
import type { Result } from "../../core/errors/result.ts";
import { bookkeepingRate, type BookkeepingRate } from "./bench-bookkeeping.ts";
import { seedSecrets, type SeedVault } from "./bench-seed.ts";

/**
 * What `npm run bench` measures inside the vault's Durable Object (worker/routes/bench.ts, reachable only when
 * BENCH_ECHO is "true"). Its baselines change nothing a vault holds; they live on the vault's class so that they pay
 * the same Worker→Durable Object path as the API they are compared with. Seeding alone writes: the secrets of the
 * list bench's vaults, which the bench creates for it.
 */
export class BenchSurface {
  constructor(private readonly storage: DurableObjectStorage) {}

  /** A bare round trip that touches no storage. */
  async echo(value: string): Promise<string> {
    return value;
  }

  /** The round trip plus one raw primitive (bench-primitives.ts): the keys API's baseline. */
  async primitive(name: BenchPrimitive): Promise<number> {
    return runPrimitive(name);
  }

  /** The raw primitive's rate inside this runtime, with no request around it. */
  async primitiveRate(name: BenchPrimitive, ms: number): Promise<{ operations: number; seconds: number }> {
    return primitiveRate(name, ms);
  }

  /** Throttle and audit bookkeeping per request inside this runtime (bench-bookkeeping.ts), rolled back. */
  async bookkeepingRate(ms: number): Promise<BookkeepingRate> {
    return bookkeepingRate(this.storage, ms);
  }

  /** Secret rows in bulk, as set writes them (bench-seed.ts), in a vault that exists; `nowMs` is the vault's clock. */
  async seedSecrets(seed: SecretSeed, vault: SeedVault, nowMs: number): Promise<Result<SecretsSeeded>> {
    return seedSecrets(this.storage, vault, seed, nowMs);
  }
}
