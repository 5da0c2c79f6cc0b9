/**
 * How a managed HSM authorizes an operation (docs/managed-hsm.md "Local RBAC"): by its own data actions
 * (`Microsoft.KeyVault/managedHsm/…`, rbac.json `DataAction`) at a scope — "/" for HSM-wide operations, "/keys" for
 * the key collection, "/keys/{name}" for one key — against its local role assignments. The operations it shares
 * with vaults (the keys API, random bytes, the audit log, published key sets) are mapped here, one entry per kind,
 * so a kind added to the keys API without its HSM action does not compile; its own operations carry their action
 * in their descriptor (operations.ts).
 */
import { keyScope, type HsmScope } from "../domain/rbac/managed-hsm-scope.ts";
import type { ManagedHsmDataAction } from "../domain/rbac/managed-hsm-roles.ts";
import { OPERATIONS } from "./operations.ts";
import type { OpKind, OpOf, VaultOp } from "./vault.ts";

type SharedKind = Extract<OpKind, `key.${string}` | "rng" | `audit.${string}` | `keySet.${string}`>;
type HsmOnlyKind = Extract<OpKind, `hsm.${string}`>;

const KEYS = "Microsoft.KeyVault/managedHsm/keys";

/**
 * The audit log is this product's API (Azure sends Managed HSM logs to Azure Monitor), and so is its action, which
 * the "Managed HSM Audit Reader" role of ours grants (managed-hsm-roles.ts), beside any custom role naming it.
 */
export const HSM_AUDIT_READ: ManagedHsmDataAction = "Microsoft.KeyVault/managedHsm/auditevents/read/action";

const HSM_ACTIONS: { readonly [K in SharedKind]: ManagedHsmDataAction } = {
  "key.createPreflight": `${KEYS}/create`,
  "key.create": `${KEYS}/create`,
  "key.import": `${KEYS}/import/action`,
  "key.importByok": `${KEYS}/import/action`,
  "key.get": `${KEYS}/read/action`,
  "key.list": `${KEYS}/read/action`,
  "key.listVersions": `${KEYS}/read/action`,
  "key.getAttestation": `${KEYS}/read/action`,
  "key.getRotationPolicy": `${KEYS}/read/action`,
  // Azure's Managed HSM has no rotation-policy action of its own: setting one is writing the key.
  "key.setRotationPolicy": `${KEYS}/write/action`,
  "key.update": `${KEYS}/write/action`,
  "key.delete": `${KEYS}/delete`,
  "key.backup": `${KEYS}/backup/action`,
  "key.restore": `${KEYS}/restore/action`,
  "key.listDeleted": `${KEYS}/deletedKeys/read/action`,
  "key.getDeleted": `${KEYS}/deletedKeys/read/action`,
  "key.recover": `${KEYS}/deletedKeys/recover/action`,
  "key.purge": `${KEYS}/deletedKeys/delete`,
  "key.rotationSpec": `${KEYS}/rotate/action`,
  "key.rotate": `${KEYS}/rotate/action`,
  "key.sign": `${KEYS}/sign/action`,
  "key.verify": `${KEYS}/verify/action`,
  "key.encrypt": `${KEYS}/encrypt/action`,
  "key.decrypt": `${KEYS}/decrypt/action`,
  "key.wrap": `${KEYS}/wrap/action`,
  "key.unwrap": `${KEYS}/unwrap/action`,
  "key.release": `${KEYS}/release/action`,
  rng: "Microsoft.KeyVault/managedHsm/rng/action",
  "audit.query": HSM_AUDIT_READ,
  "audit.export": HSM_AUDIT_READ,
  "keySet.key": `${KEYS}/read/action`,
  "keySet.vault": `${KEYS}/read/action`,
  "keySet.discovery": `${KEYS}/read/action`,
};

export interface HsmAuthorization {
  readonly action: ManagedHsmDataAction;
  readonly scope: HsmScope;
}

function isHsmOnly(op: VaultOp): op is OpOf<HsmOnlyKind> {
  return op.kind.startsWith("hsm.");
}

function isShared(op: VaultOp): op is OpOf<SharedKind> {
  return Object.prototype.hasOwnProperty.call(HSM_ACTIONS, op.kind);
}

/** The action and scope an operation needs on a managed HSM; null for what an HSM does not serve (secrets, …). */
export function hsmAuthorization(op: VaultOp): HsmAuthorization | null {
  if (isHsmOnly(op)) {
    const action = OPERATIONS[op.kind].action as ManagedHsmDataAction;
    // Role definitions and assignments are read and written at the scope the request names; settings are HSM-wide.
    return { action, scope: "scope" in op ? op.scope : "/" };
  }
  if (!isShared(op)) return null;
  const action = HSM_ACTIONS[op.kind];
  if ("name" in op && typeof op.name === "string") return { action, scope: keyScope(op.name) };
  return { action, scope: op.kind === "rng" || op.kind.startsWith("audit.") ? "/" : "/keys" };
}
