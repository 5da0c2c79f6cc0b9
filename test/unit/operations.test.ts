import { describe, expect, it } from "vitest";
import { OPERATIONS, operationOf, requiredAction } from "../../core/contract/operations.ts";
import type { OpKind } from "../../core/contract/vault.ts";
import { findRole } from "../../core/domain/rbac/built-in-roles.ts";
import { roleGrants } from "../../core/domain/rbac/permission.ts";
import { hsmAuthorization } from "../../core/contract/managed-hsm-authorization.ts";
import { MANAGED_HSM_DATA_ACTIONS } from "../../core/domain/rbac/managed-hsm-roles.ts";

const kinds = Object.keys(OPERATIONS) as OpKind[];
const vaultKinds = kinds.filter((kind) => !kind.startsWith("hsm."));

describe("the operation descriptors (core/contract/operations.ts)", () => {
  it("the two create preflights need their own request's action, as the one `authorize` kind did per route", () => {
    expect(requiredAction({ kind: "key.createPreflight", name: "k", kty: "EC" })).toBe("Microsoft.KeyVault/vaults/keys/create/action");
    expect(requiredAction({ kind: "certificate.createPreflight", name: "c", kty: "RSA" })).toBe("Microsoft.KeyVault/vaults/certificates/create/action");
    expect(requiredAction({ kind: "secret.get", name: "s" })).toBe(operationOf("secret.get").action);
  });

  it("every vault action is one Key Vault Administrator grants (a misspelt action would be granted by no role)", () => {
    const admin = findRole("Key Vault Administrator");
    if (admin === undefined) throw new Error("no Key Vault Administrator");
    expect(vaultKinds.filter((kind) => !OPERATIONS[kind].action.startsWith("Microsoft.KeyVault/vaults/"))).toEqual([]);
    expect(vaultKinds.filter((kind) => !roleGrants(admin, OPERATIONS[kind].action as `Microsoft.KeyVault/vaults/${string}`))).toEqual([]);
  });

  it("a managed HSM checks each operation it serves by a Managed HSM data action, at the scope it acts on", () => {
    const known = new Set<string>(MANAGED_HSM_DATA_ACTIONS);
    expect(kinds.filter((kind) => kind.startsWith("hsm.") && !known.has(OPERATIONS[kind].action))).toEqual([]);
    expect(hsmAuthorization({ kind: "key.sign", name: "k1", alg: "RS256", value: new Uint8Array(32) } as never)).toEqual({ action: "Microsoft.KeyVault/managedHsm/keys/sign/action", scope: "/keys/k1" });
    expect(hsmAuthorization({ kind: "key.purge", name: "k1" })).toEqual({ action: "Microsoft.KeyVault/managedHsm/keys/deletedKeys/delete", scope: "/keys/k1" });
    expect(hsmAuthorization({ kind: "rng", count: 8 } as never)).toEqual({ action: "Microsoft.KeyVault/managedHsm/rng/action", scope: "/" });
    expect(hsmAuthorization({ kind: "hsm.listRoleAssignments", scope: "/keys" })?.scope).toBe("/keys");
    expect(hsmAuthorization({ kind: "secret.get", name: "s" })).toBeNull();
  });

  it("kinds share an audit name only when they are the calls of one Azure operation", () => {
    const byName = new Map<string, OpKind[]>();
    for (const kind of kinds) byName.set(OPERATIONS[kind].auditName, [...(byName.get(OPERATIONS[kind].auditName) ?? []), kind]);
    const shared = [...byName].filter(([, named]) => named.length > 1);
    expect(Object.fromEntries(shared)).toEqual({
      KeyCreate: ["key.createPreflight", "key.create"],
      KeyImport: ["key.import", "key.importByok"],
      KeyRotate: ["key.rotationSpec", "key.rotate"],
      CertificateCreate: ["certificate.createPreflight", "certificate.create"],
    });
    for (const [, named] of shared) expect(new Set(named.map((kind) => OPERATIONS[kind].action)).size).toBe(1);
  });
});
