import { VaultError } from "../../errors/vault-error.ts";

/**
 * Bulk secrets for `npm run bench`, which times list pages of a vault of 100,000 names against one of 100 (issue 20,
 * "pages flat in vault size"). Making them through the API would take 100,000 requests, so the bench asks the vault
 * object to write the rows itself (durable-objects/vault/bench-seed.ts, reached through POST /_bench/seed-secrets/{vault},
 * which exists only when BENCH_ECHO is "true"). Shared by that route, the vault object and the bench, which checks
 * the names it finds on a page against {@link seedName}.
 */
export interface SecretSeed {
  /** Every name is the prefix followed by its index, zero-padded, so name order is index order. */
  readonly prefix: string;
  /** The first index written. */
  readonly from: number;
  /** How many names, from `from` on. */
  readonly count: number;
}

export interface SecretsSeeded {
  readonly inserted: number;
}

/** One call's rows are sealed in memory, then written in one transaction: this bounds both. */
export const MAX_SEED_BATCH = 10_000;

/** Seven digits: up to ten million names per prefix, each the same length, so SQLite's order is the index order. */
const SEED_INDEX_DIGITS = 7;
const SEED_INDEX_LIMIT = 10 ** SEED_INDEX_DIGITS;

/** Lower-case (names are keyed lower-cased) and within Azure's name alphabet; ends with "-" to set off the index. */
const SEED_PREFIX = /^[a-z][a-z0-9-]{0,30}-$/;

/** What every seeded version holds; sealed per row under that row's own AAD, so each one opens like any secret. */
export const SEED_VALUE = "bench-list-value";

export function seedName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(SEED_INDEX_DIGITS, "0")}`;
}

const invalid = (message: string): VaultError => new VaultError("BadParameter", message);

/** The seed as given, or BadParameter naming what is wrong; nothing is written for a refused seed. */
export function assertSecretSeed(seed: SecretSeed): SecretSeed {
  if (!SEED_PREFIX.test(seed.prefix)) {
    throw invalid("prefix must be 2-32 characters of a-z, 0-9 and '-', start with a letter and end with '-'.");
  }
  if (!Number.isSafeInteger(seed.from) || seed.from < 0) throw invalid("from must be a non-negative integer.");
  if (!Number.isSafeInteger(seed.count) || seed.count < 1 || seed.count > MAX_SEED_BATCH) {
    throw invalid(`count must be an integer from 1 to ${MAX_SEED_BATCH}.`);
  }
  if (seed.from + seed.count > SEED_INDEX_LIMIT) throw invalid(`from + count must not exceed ${SEED_INDEX_LIMIT}.`);
  return seed;
}
