import { describe, expect, it } from "vitest";
import { actionMatches, assignmentsGrant, rolesGrant } from "../../core/domain/rbac/managed-hsm-permission.ts";
import { scopeCovers } from "../../core/domain/rbac/scope-covers.ts";
import {
  MANAGED_HSM_BUILT_IN_ROLES,
  MANAGED_HSM_DATA_ACTIONS,
  RBAC_SPEC_DATA_ACTIONS,
  findManagedHsmBuiltInRole,
  type ManagedHsmRoleDefinition,
} from "../../core/domain/rbac/managed-hsm-roles.ts";

const act = (suffix: string): string => `Microsoft.KeyVault/managedHsm/${suffix}`;
const role = (roleName: string): ManagedHsmRoleDefinition => {
  const found = MANAGED_HSM_BUILT_IN_ROLES.find((r) => r.roleName === roleName);
  if (found === undefined) throw new Error(`no built-in role ${roleName}`);
  return found;
};
const grants = (roleName: string, suffix: string): boolean => rolesGrant([role(roleName)], act(suffix));
/** Every known data action the role grants, as suffixes after "Microsoft.KeyVault/managedHsm/". */
const granted = (roleName: string): string[] =>
  MANAGED_HSM_DATA_ACTIONS.filter((a) => rolesGrant([role(roleName)], a)).map((a) => a.slice(act("").length));

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("Managed HSM built-in role catalogue", () => {
  it("has unique lower-case GUID ids and unique names", () => {
    const ids = MANAGED_HSM_BUILT_IN_ROLES.map((r) => r.id);
    for (const id of ids) expect(id).toMatch(GUID);
    expect(new Set(ids).size).toBe(ids.length);
    const names = MANAGED_HSM_BUILT_IN_ROLES.map((r) => r.roleName);
    expect(new Set(names).size).toBe(names.length);
  });

  it("carries Azure's published ids for the documented roles", () => {
    expect(role("Managed HSM Administrator").id).toBe("a290e904-7015-4bba-90c8-60543313cdb4");
    expect(role("Managed HSM Crypto Officer").id).toBe("515eb02d-2335-4d2d-92f2-b1cbdf9c3778");
    expect(role("Managed HSM Crypto User").id).toBe("21dbd100-6940-42c2-9190-5d6cb909625b");
    expect(role("Managed HSM Policy Administrator").id).toBe("4bd23610-cdcf-4971-bdee-bdc562cc28e4");
    expect(role("Managed HSM Crypto Auditor").id).toBe("2c18b078-7c48-4d3a-af88-5a3a1b3f82b3");
    expect(role("Managed HSM Crypto Service Encryption User").id).toBe("33413926-3206-4cdd-b39a-83574fe37a17");
    expect(role("Managed HSM Crypto Service Release User").id).toBe("21dbd100-6940-42c2-9190-5d6cb909625c");
    expect(role("Managed HSM Backup User").id).toBe("7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8");
    expect(role("Managed HSM Restore User").id).toBe("6efe6056-5259-49d2-8b3d-d3d73544b20b");
  });

  it("has the shape the service reports for built-in roles", () => {
    for (const r of MANAGED_HSM_BUILT_IN_ROLES) {
      expect(r.type).toBe("AKVBuiltInRole");
      expect(r.description).toBe("");
      expect(r.assignableScopes).toEqual(["/"]);
      expect(r.permissions).toHaveLength(1);
      expect(r.permissions[0]).toMatchObject({ actions: [], notActions: [], notDataActions: [] });
    }
  });

  it("grants only listed data actions, or wildcards that match at least one", () => {
    for (const r of MANAGED_HSM_BUILT_IN_ROLES) {
      for (const p of r.permissions) {
        for (const pattern of [...p.dataActions, ...p.notDataActions]) {
          const known = (MANAGED_HSM_DATA_ACTIONS as readonly string[]).includes(pattern);
          const wildcard = pattern.includes("*") && MANAGED_HSM_DATA_ACTIONS.some((a) => actionMatches(pattern, a));
          expect(known || wildcard, `${r.roleName}: ${pattern}`).toBe(true);
        }
      }
    }
  });

  it("lists the spec's 34 data actions first, then the service-only ones, without duplicates", () => {
    expect(RBAC_SPEC_DATA_ACTIONS).toHaveLength(34);
    expect(MANAGED_HSM_DATA_ACTIONS.slice(0, 34)).toEqual([...RBAC_SPEC_DATA_ACTIONS]);
    expect(new Set(MANAGED_HSM_DATA_ACTIONS.map((a) => a.toLowerCase())).size).toBe(MANAGED_HSM_DATA_ACTIONS.length);
  });

  it("finds a role by GUID in any case or by the full id a role assignment carries", () => {
    expect(findManagedHsmBuiltInRole("A290E904-7015-4BBA-90C8-60543313CDB4")?.roleName).toBe("Managed HSM Administrator");
    const fullId = "Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/7b127d3c-77bd-4e3e-bbe0-dbb8971fa7f8";
    expect(findManagedHsmBuiltInRole(fullId)?.roleName).toBe("Managed HSM Backup User");
    expect(findManagedHsmBuiltInRole("00000000-0000-0000-0000-000000000000")).toBeUndefined();
    expect(findManagedHsmBuiltInRole("Managed HSM Administrator")).toBeUndefined();
  });
});

describe("what Azure's built-in Managed HSM roles permit (built-in-roles table, service responses)", () => {
  it("Crypto User uses and manages keys, may soft-delete, but never purges, recovers or exports", () => {
    for (const a of ["keys/sign/action", "keys/verify/action", "keys/encrypt/action", "keys/unwrap/action"]) {
      expect(grants("Managed HSM Crypto User", a), a).toBe(true);
    }
    for (const a of ["keys/create", "keys/delete", "keys/rotate/action", "keys/release/action", "rng/action"]) {
      expect(grants("Managed HSM Crypto User", a), a).toBe(true);
    }
    for (const a of ["keys/deletedKeys/delete", "keys/deletedKeys/recover/action", "keys/export/action"]) {
      expect(grants("Managed HSM Crypto User", a), a).toBe(false);
    }
    expect(grants("Managed HSM Crypto User", "roleAssignments/write/action")).toBe(false);
  });

  it("Crypto Officer purges, recovers, exports and manages roles, but cannot use or create keys", () => {
    for (const a of ["keys/deletedKeys/delete", "keys/deletedKeys/recover/action", "keys/export/action"]) {
      expect(grants("Managed HSM Crypto Officer", a), a).toBe(true);
    }
    expect(grants("Managed HSM Crypto Officer", "roleAssignments/write/action")).toBe(true);
    expect(grants("Managed HSM Crypto Officer", "keys/sign/action")).toBe(false);
    expect(grants("Managed HSM Crypto Officer", "keys/create")).toBe(false);
  });

  it("Administrator writes role assignments, runs backup/restore and the security domain, and has no key action", () => {
    for (const a of ["roleAssignments/write/action", "backup/start/action", "restore/start/action"]) {
      expect(grants("Managed HSM Administrator", a), a).toBe(true);
    }
    expect(grants("Managed HSM Administrator", "securitydomain/download/action")).toBe(true);
    expect(grants("Managed HSM Administrator", "settings/write/action")).toBe(true);
    expect(granted("Managed HSM Administrator").filter((a) => a.startsWith("keys/"))).toEqual([]);
  });

  it("Policy Administrator manages RBAC only", () => {
    expect(granted("Managed HSM Policy Administrator").every((a) => a.startsWith("role"))).toBe(true);
    expect(grants("Managed HSM Policy Administrator", "roleAssignments/delete/action")).toBe(true);
    expect(grants("Managed HSM Policy Administrator", "keys/read/action")).toBe(false);
  });

  it("Backup User starts and polls a backup and backs up single keys; Restore User is its mirror", () => {
    expect(granted("Managed HSM Backup User").sort()).toEqual(
      ["backup/start/action", "backup/status/action", "keys/backup/action"].sort(),
    );
    expect(granted("Managed HSM Restore User").sort()).toEqual(
      ["keys/restore/action", "restore/start/action", "restore/status/action"].sort(),
    );
  });

  it("Crypto Auditor only reads", () => {
    const actions = granted("Managed HSM Crypto Auditor");
    expect(actions.sort()).toEqual(
      ["keys/deletedKeys/read/action", "keys/read/action", "roleAssignments/read/action", "roleDefinitions/read/action"].sort(),
    );
    expect(grants("Managed HSM Crypto Auditor", "keys/deletedKeys/delete")).toBe(false);
    expect(grants("Managed HSM Crypto Auditor", "keys/sign/action")).toBe(false);
  });

  it("the service roles do one thing each", () => {
    expect(granted("Managed HSM Crypto Service Encryption User").sort()).toEqual(
      ["keys/read/action", "keys/unwrap/action", "keys/wrap/action"].sort(),
    );
    expect(granted("Managed HSM Crypto Service Release User")).toEqual(["keys/release/action"]);
  });
});

describe("data action evaluation", () => {
  const custom = (dataActions: string[], notDataActions: string[] = []) => ({
    permissions: [{ actions: [], notActions: [], dataActions, notDataActions }],
  });

  it("matches `*` across any characters, including path separators", () => {
    expect(actionMatches("Microsoft.KeyVault/managedHsm/*", act("keys/sign/action"))).toBe(true);
    expect(actionMatches("Microsoft.KeyVault/managedHsm/keys/*/action", act("keys/deletedKeys/recover/action"))).toBe(true);
    expect(actionMatches("Microsoft.KeyVault/managedHsm/keys/*/action", act("keys/create"))).toBe(false);
    expect(actionMatches("*/read/action", act("keys/read/action"))).toBe(true);
    expect(actionMatches("Microsoft.KeyVault/managedHsm/keys/sign", act("keys/sign/action"))).toBe(false);
  });

  it("ignores case in patterns and actions", () => {
    expect(rolesGrant([role("Managed HSM Crypto User")], "microsoft.keyvault/MANAGEDHSM/Keys/SIGN/action")).toBe(true);
    expect(actionMatches("Microsoft.KeyVault/managedHSM/keys/*", act("keys/sign/action"))).toBe(true);
  });

  it("subtracts notDataActions within a permission entry", () => {
    const keysButNoDeletedKeys = custom([act("keys/*")], [act("keys/deletedKeys/*")]);
    expect(rolesGrant([keysButNoDeletedKeys], act("keys/sign/action"))).toBe(true);
    expect(rolesGrant([keysButNoDeletedKeys], act("keys/deletedKeys/delete"))).toBe(false);
    expect(rolesGrant([keysButNoDeletedKeys], act("backup/start/action"))).toBe(false);
  });

  it("treats notDataActions as an exclusion, not a deny: another role or entry may grant the action", () => {
    const excludesPurge = custom([act("keys/*")], [act("keys/deletedKeys/delete")]);
    expect(rolesGrant([excludesPurge, role("Managed HSM Crypto Officer")], act("keys/deletedKeys/delete"))).toBe(true);
    const twoEntries = {
      permissions: [
        { actions: [], notActions: [], dataActions: [act("keys/sign/action")], notDataActions: [] },
        { actions: [], notActions: [], dataActions: [], notDataActions: [act("keys/sign/action")] },
      ],
    };
    expect(rolesGrant([twoEntries], act("keys/sign/action"))).toBe(true);
  });

  it("grants nothing without roles", () => {
    expect(rolesGrant([], act("keys/read/action"))).toBe(false);
  });
});

describe("Managed HSM scopes", () => {
  it('"/" covers the whole HSM', () => {
    for (const target of ["/", "/keys", "/keys/k1", "/keys/k1/0123abcd"]) expect(scopeCovers("/", target)).toBe(true);
  });

  it('"/keys" covers every key but not HSM-wide operations', () => {
    expect(scopeCovers("/keys", "/keys")).toBe(true);
    expect(scopeCovers("/keys", "/keys/k1")).toBe(true);
    expect(scopeCovers("/keys/", "/keys/k1")).toBe(true);
    expect(scopeCovers("/keys", "/")).toBe(false);
  });

  it('"/keys/{name}" covers that key only, names compared without case', () => {
    expect(scopeCovers("/keys/MyKey", "/keys/mykey")).toBe(true);
    expect(scopeCovers("/keys/mykey", "/keys/MYKEY/0123abcd")).toBe(true);
    expect(scopeCovers("/keys/mykey", "/keys/other")).toBe(false);
    expect(scopeCovers("/keys/mykey", "/keys/mykey2")).toBe(false);
    expect(scopeCovers("/keys/mykey", "/keys")).toBe(false);
    expect(scopeCovers("/keys/mykey", "/")).toBe(false);
  });

  it("combines scope and role: an assignment grants only where its scope reaches", () => {
    const cryptoUser = role("Managed HSM Crypto User").id;
    const perKey = [{ roleDefinitionId: cryptoUser, scope: "/keys/k1" }];
    expect(assignmentsGrant(perKey, findManagedHsmBuiltInRole, act("keys/sign/action"), "/keys/K1")).toBe(true);
    expect(assignmentsGrant(perKey, findManagedHsmBuiltInRole, act("keys/sign/action"), "/keys/k2")).toBe(false);

    const admin = `Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/${role("Managed HSM Administrator").id}`;
    const hsmWide = [{ roleDefinitionId: admin, scope: "/" }];
    expect(assignmentsGrant(hsmWide, findManagedHsmBuiltInRole, act("roleAssignments/write/action"), "/")).toBe(true);
    expect(assignmentsGrant(hsmWide, findManagedHsmBuiltInRole, act("keys/sign/action"), "/keys/k1")).toBe(false);

    const unknown = [{ roleDefinitionId: "00000000-0000-0000-0000-000000000000", scope: "/" }];
    expect(assignmentsGrant(unknown, findManagedHsmBuiltInRole, act("keys/read/action"), "/keys/k1")).toBe(false);
  });
});
