import { describe, expect, it } from "vitest";
import { BUILT_IN_ROLES, findRole, type RoleDefinition } from "../../core/domain/rbac/built-in-roles.ts";
import { anyRoleGrants, roleGrants, type DataAction } from "../../core/domain/rbac/permission.ts";

const action = (suffix: string): DataAction => `Microsoft.KeyVault/vaults/${suffix}`;
const roleId = (name: string): string => {
  const role = findRole(name);
  if (role === undefined) throw new Error(`no built-in role ${name}`);
  return role.id;
};

const ADMIN = roleId("Key Vault Administrator");
const READER = roleId("Key Vault Reader");
const SECRETS_USER = roleId("Key Vault Secrets User");
const SECRETS_OFFICER = roleId("Key Vault Secrets Officer");
const CRYPTO_USER = roleId("Key Vault Crypto User");

describe("anyRoleGrants with Azure's built-in roles", () => {
  it("Administrator grants every data action of the vault", () => {
    for (const a of ["secrets/getSecret/action", "secrets/purge/action", "keys/sign/action", "certificates/delete"]) {
      expect(anyRoleGrants([ADMIN], action(a))).toBe(true);
    }
  });

  it("Reader sees metadata but never a secret value", () => {
    expect(anyRoleGrants([READER], action("secrets/readMetadata/action"))).toBe(true);
    expect(anyRoleGrants([READER], action("keys/read"))).toBe(true);
    expect(anyRoleGrants([READER], action("secrets/getSecret/action"))).toBe(false);
    expect(anyRoleGrants([READER], action("secrets/setSecret/action"))).toBe(false);
  });

  it("Secrets User reads values but cannot write, delete or purge", () => {
    expect(anyRoleGrants([SECRETS_USER], action("secrets/getSecret/action"))).toBe(true);
    expect(anyRoleGrants([SECRETS_USER], action("secrets/setSecret/action"))).toBe(false);
    expect(anyRoleGrants([SECRETS_USER], action("secrets/delete"))).toBe(false);
    expect(anyRoleGrants([SECRETS_USER], action("secrets/purge/action"))).toBe(false);
  });

  it("Secrets Officer covers secrets only; Crypto User covers no secrets", () => {
    expect(anyRoleGrants([SECRETS_OFFICER], action("secrets/purge/action"))).toBe(true);
    expect(anyRoleGrants([SECRETS_OFFICER], action("keys/sign/action"))).toBe(false);
    expect(anyRoleGrants([CRYPTO_USER], action("keys/sign/action"))).toBe(true);
    expect(anyRoleGrants([CRYPTO_USER], action("secrets/getSecret/action"))).toBe(false);
  });

  it("compares actions without regard to case", () => {
    expect(anyRoleGrants([SECRETS_USER], "microsoft.keyvault/VAULTS/Secrets/GETSECRET/Action" as DataAction)).toBe(true);
  });

  it("grants nothing for no roles or an unknown role id", () => {
    expect(anyRoleGrants([], action("secrets/getSecret/action"))).toBe(false);
    expect(anyRoleGrants(["00000000-0000-0000-0000-000000000000"], action("secrets/getSecret/action"))).toBe(false);
    expect(anyRoleGrants(["Key Vault Administrator"], action("secrets/getSecret/action"))).toBe(false);
  });

  it("grants when any one of several roles does", () => {
    expect(anyRoleGrants([READER, SECRETS_USER], action("secrets/getSecret/action"))).toBe(true);
    expect(anyRoleGrants([READER, CRYPTO_USER], action("secrets/getSecret/action"))).toBe(false);
  });
});

describe("roleGrants pattern matching", () => {
  const custom = (dataActions: string[], notDataActions: string[] = []): RoleDefinition => ({
    id: "custom",
    name: "custom",
    dataActions,
    notDataActions,
  });

  it("anchors patterns: no prefix or suffix matches", () => {
    const role = custom(["Microsoft.KeyVault/vaults/secrets/getSecret/action"]);
    expect(roleGrants(role, action("secrets/getSecret/action"))).toBe(true);
    expect(roleGrants(role, action("secrets/getSecret/actionX"))).toBe(false);
    expect(roleGrants(role, `x${action("secrets/getSecret/action")}` as DataAction)).toBe(false);
  });

  it("treats regex metacharacters in patterns literally; only * is a wildcard", () => {
    expect(roleGrants(custom(["Microsoft.KeyVault/vaults/secrets/get.ecret/action"]), action("secrets/getXecret/action"))).toBe(false);
    expect(roleGrants(custom(["Microsoft.KeyVault/vaults/*"]), "MicrosoftXKeyVault/vaults/secrets/x" as DataAction)).toBe(false);
    expect(roleGrants(custom(["Microsoft.KeyVault/vaults/(secrets|keys)/read"]), action("keys/read"))).toBe(false);
    expect(roleGrants(custom(["Microsoft.KeyVault/vaults/*/read"]), action("certificates/read"))).toBe(true);
  });

  it("notDataActions subtract from dataActions", () => {
    const role = custom(["Microsoft.KeyVault/vaults/secrets/*"], ["Microsoft.KeyVault/vaults/secrets/purge/action"]);
    expect(roleGrants(role, action("secrets/getSecret/action"))).toBe(true);
    expect(roleGrants(role, action("secrets/purge/action"))).toBe(false);
  });
});

describe("built-in role table", () => {
  it("has unique ids that findRole resolves by id, name and full path", () => {
    expect(new Set(BUILT_IN_ROLES.map((r) => r.id)).size).toBe(BUILT_IN_ROLES.length);
    expect(findRole("key vault secrets user")?.id).toBe("4633458b-17de-408a-b874-0445c86b69e6");
    expect(findRole("/providers/Microsoft.Authorization/roleDefinitions/4633458b-17de-408a-b874-0445c86b69e6")?.name).toBe(
      "Key Vault Secrets User",
    );
    expect(findRole("Key Vault Owner")).toBeUndefined();
  });
});
