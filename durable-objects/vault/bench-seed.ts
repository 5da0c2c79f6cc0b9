import { utf8 } from "../../core/crypto/bytes.ts";
import { valueAad } from "../../core/crypto/envelope/aad.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { assertSecretSeed, seedName, SEED_VALUE, type SecretSeed, type SecretsSeeded } from "../../core/domain/objects/bench-seed.ts";
import { nameKey, newVersionId } from "../../core/domain/objects/ids.ts";
import { newAttributes } from "../../core/domain/objects/lifecycle.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { ObjectRepository } from "../storage/object-repository.ts";
import { vaultNotFound } from "./vault-lifecycle.ts";

/** What seeding needs of the vault: its configuration (AAD) and its data key (VaultLifecycle has both). */
export interface SeedVault {
  readonly config: VaultConfig | null;
  dataKey(config: VaultConfig): Promise<DataKey>;
}

const KIND = "secret";

/**
 * Writes `seed.count` new secrets, one version each, for the list bench (core/domain/objects/bench-seed.ts). The rows
 * are the ones `secret.set` writes for a new name with no attributes, tags or content type: ObjectRepository's own
 * insertName and insertVersion (so `objects`, `object_versions` and the `object_tags` index stay in step as on every
 * write), seq 1, enabled, created = updated = now, and the value sealed under the data key with the row's own AAD
 * (aad.ts valueAad), so a seeded secret reads back through the API like any other. Not written: the events outbox
 * and expiry triggers that a set also touches (no subscriptions, no nbf/exp in a bench vault) and audit records
 * (no request made them).
 *
 * All values are sealed before the one synchronous transaction that writes the rows, so no other request can
 * interleave with the writes, and a name already in use (live or deleted) refuses the whole call with nothing written.
 */
export async function seedSecrets(storage: DurableObjectStorage, vault: SeedVault, seed: SecretSeed, nowMs: number): Promise<Result<SecretsSeeded>> {
  const config = vault.config;
  if (config === null) return fail(vaultNotFound());
  try {
    assertSecretSeed(seed);
  } catch (error) {
    if (error instanceof VaultError) return fail(error);
    throw error;
  }
  const dataKey = await vault.dataKey(config);
  const value = utf8(SEED_VALUE);
  const attributes = newAttributes(undefined, nowMs);
  const versions: StoredVersion[] = await Promise.all(
    Array.from({ length: seed.count }, async (_, offset): Promise<StoredVersion> => {
      const name = seedName(seed.prefix, seed.from + offset);
      const version = newVersionId();
      const sealedValue = await dataKey.seal(value, valueAad(config, KIND, nameKey(name), version));
      return { name, version, seq: 1, attributes, managed: false, sealedValue };
    }),
  );

  const objects = new ObjectRepository(storage.sql);
  return storage.transactionSync(() => {
    const taken = versions.find((v) => objects.findName(KIND, nameKey(v.name)) !== null);
    if (taken !== undefined) return fail(new VaultError("Conflict", `Secret ${taken.name} already exists; nothing was seeded.`));
    for (const v of versions) {
      objects.insertName(KIND, nameKey(v.name), v.name);
      objects.insertVersion(KIND, nameKey(v.name), v);
    }
    return ok({ inserted: versions.length });
  });
}
