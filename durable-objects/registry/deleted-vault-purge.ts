import type { DeletedVault } from "../../core/domain/vault/deleted-vault.ts";
import { vaultObjectAt } from "../../core/domain/vault/vault-object-address.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { ANONYMOUS_AUDIT_CALLER, AUDIT_SUCCESS, type AuditRecord } from "../../core/domain/vault/audit-record.ts";

/**
 * Destroys a soft-deleted vault's object with everything in it — objects, versions, role assignments, settings, its
 * HSM token objects and its data key — as a deletion did before soft delete (VaultObject.purge → destroy: edge leases
 * waited out, HSM keys destroyed), then the jurisdiction pointer of its name if it had one. Reached from the registry
 * (an explicit purge, or the alarm at the end of the vault's retention), so the vault is addressed by the placement
 * kept with its deletion, through the one addressing rule (core vault-object-address.ts).
 */
export async function purgeVaultObject(env: Pick<Env, "VAULT" | "LOCAL_IMDS">, deleted: DeletedVault): Promise<Result<null>> {
  const key = deleted.name.toLowerCase();
  const localStandIn = env.LOCAL_IMDS === "true";
  const purged = await vaultObjectAt(env.VAULT, localStandIn, key, deleted.placement).purge();
  if (!purged.ok) return purged;
  if (deleted.placement?.jurisdiction !== undefined) {
    const dropped = await vaultObjectAt(env.VAULT, localStandIn, key, undefined).pointTo(null);
    if (!dropped.ok) return dropped;
  }
  return ok(null);
}

/**
 * ARM refuses DeletedVaultPurge while purge protection holds ("Operation 'DeletedVaultPurge' is not allowed");
 * only the end of the retention purges such a vault. 403, as the data plane answers a purge under purge protection.
 */
export function purgeProtected(deleted: DeletedVault): Result<never> {
  return fail(
    new VaultError(
      "Forbidden",
      `Operation 'DeletedVaultPurge' is not allowed: purge protection is enabled for the vault '${deleted.name}'. ` +
        `Key Vault service will automatically purge it after the retention period has passed (${new Date(deleted.scheduledPurgeAt * 1000).toISOString()}).`,
    ),
  );
}

/**
 * The alarm's purge is a control-plane change no request made: recorded in the control-plane log as
 * DeletedVaultPurge by the system (the nil GUID, as anonymous data-plane reads are), with its outcome.
 */
export function scheduledPurgeRecord(deleted: DeletedVault, outcome: Result<null>, startedMs: number, nowMs: number): AuditRecord {
  return {
    timeMs: startedMs,
    requestId: crypto.randomUUID(),
    tenantId: deleted.tenantId,
    vault: deleted.name.toLowerCase(),
    caller: { ...ANONYMOUS_AUDIT_CALLER, type: "System" },
    clientIp: null,
    operation: "DeletedVaultPurge",
    object: null,
    httpStatus: outcome.ok ? 200 : 500,
    resultCode: outcome.ok ? AUDIT_SUCCESS : outcome.error.code,
    durationMs: nowMs - startedMs,
    resultDescription: "Scheduled purge at the end of the vault's soft-delete retention.",
  };
}
