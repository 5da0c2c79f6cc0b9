import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { unwrap } from "../clients/unwrap.ts";
import { locateVault, vaultStub } from "../clients/vault-stub.ts";
import { adminRoute } from "../middleware/admin-access.ts";
import { requireTenant } from "./admin-tenants.ts";
import { normalizeUserPrincipalName, passwordProblem, type User } from "../../core/domain/identity/user.ts";
import { LOCKOUT_LIMITS, type LockoutPolicy } from "../../core/domain/identity/lockout.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import { optionalString } from "../wire/assertions.ts";
import { readJsonObject, type JsonObject } from "../wire/json-body.ts";

/** Control plane: a tenant's users (docs/sign-in.md "Users"). Mounted under /admin behind adminAuth. */
export const adminUserRoutes = new Hono<AppEnv>({ strict: false });

const MAX_DISPLAY_NAME = 256;

/** A user as the admin API shows it: never a password or its hash. */
const userJson = (u: User) => ({
  id: u.id,
  type: u.type,
  userPrincipalName: u.userPrincipalName,
  displayName: u.displayName,
  tenantAdmin: u.tenantAdmin,
  enabled: u.enabled,
  created: u.created,
});

function passwordOf(body: JsonObject, userPrincipalName: string): string {
  const password = body.password;
  if (typeof password !== "string") throw badParameter("The parameter 'password' is required and must be a string.");
  const problem = passwordProblem(password, userPrincipalName);
  if (problem !== null) throw badParameter(problem);
  return password;
}

adminRoute(adminUserRoutes, "UserCreate", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  const name = typeof body.userPrincipalName === "string" ? normalizeUserPrincipalName(body.userPrincipalName) : null;
  if (name === null) throw badParameter("The parameter 'userPrincipalName' must be a sign-in name such as alice@contoso.example.");
  const tenantAdmin = body.tenantAdmin ?? false;
  if (typeof tenantAdmin !== "boolean") throw badParameter("The parameter 'tenantAdmin' must be a boolean.");
  const displayName = optionalString(body, "displayName", MAX_DISPLAY_NAME) ?? name;
  const password = passwordOf(body, name);
  const created = unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "create", userPrincipalName: name, displayName, password, tenantAdmin }));
  return c.json(userJson(created as User), 201);
});

adminRoute(adminUserRoutes, "UserList", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json({ value: (unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "list" })) as User[]).map(userJson) });
});

adminRoute(adminUserRoutes, "UserGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json(userJson(unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "get", id: c.req.param("userId") })) as User));
});

/** As a principal's deletion: its role assignments go from every vault of the tenant, its sessions end. */
adminRoute(adminUserRoutes, "UserDelete", async (c) => {
  const tenantId = c.req.param("tenantId");
  const userId = c.req.param("userId");
  await requireTenant(c.env, tenantId);
  const stub = tenantStub(c.env, tenantId);
  unwrap(await stub.manageUsers({ kind: "get", id: userId }));
  const vaults = unwrap(await stub.deletePrincipal(userId));
  await Promise.all(
    vaults.map(async (name) => {
      const vault = await locateVault(c.env, name);
      if (vault !== null) await vaultStub(c.env, vault).removePrincipal(userId);
    }),
  );
  return c.body(null, 204);
});

/** `{enabled}`: a disabled user cannot sign in, and its sessions end. */
adminRoute(adminUserRoutes, "UserUpdate", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const enabled = (await readJsonObject(c)).enabled;
  if (typeof enabled !== "boolean") throw badParameter("The parameter 'enabled' is required and must be a boolean.");
  return c.json(userJson(unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "setEnabled", id: c.req.param("userId"), enabled })) as User));
});

adminRoute(adminUserRoutes, "UserPasswordSet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const stub = tenantStub(c.env, tenantId);
  const user = unwrap(await stub.manageUsers({ kind: "get", id: c.req.param("userId") })) as User;
  const password = passwordOf(await readJsonObject(c), user.userPrincipalName);
  unwrap(await stub.manageUsers({ kind: "setPassword", id: user.id, password }));
  return c.body(null, 204);
});

adminRoute(adminUserRoutes, "UserSessionsRevoke", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const revoked = unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "revokeSessions", id: c.req.param("userId") })) as { revoked: number };
  return c.json({ revoked: revoked.revoked });
});

/** TOTP enrollment (docs/sign-in.md "TOTP"): the otpauth:// URI is in this answer only; it is never shown again. */
adminRoute(adminUserRoutes, "UserTotpEnroll", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const enrolled = unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "enrollTotp", id: c.req.param("userId") })) as { otpauthUri: string };
  return c.json({ otpauthUri: enrolled.otpauthUri }, 201);
});

adminRoute(adminUserRoutes, "UserTotpRemove", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  unwrap(await tenantStub(c.env, tenantId).manageUsers({ kind: "removeTotp", id: c.req.param("userId") }));
  return c.body(null, 204);
});

/** The tenant's lockout policy (docs/sign-in.md "Lockout"). */
const lockoutJson = (p: LockoutPolicy) => ({ lockoutThreshold: p.threshold, lockoutMinutes: p.minutes });

adminRoute(adminUserRoutes, "SignInSettingsGet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  return c.json(lockoutJson(unwrap(await tenantStub(c.env, tenantId).lockoutPolicy(null))));
});

adminRoute(adminUserRoutes, "SignInSettingsSet", async (c) => {
  const tenantId = c.req.param("tenantId");
  await requireTenant(c.env, tenantId);
  const body = await readJsonObject(c);
  const bounded = (field: string, limits: { min: number; max: number }): number => {
    const value = body[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value < limits.min || value > limits.max) {
      throw badParameter(`The parameter '${field}' must be a whole number from ${limits.min} to ${limits.max}.`);
    }
    return value;
  };
  const policy = { threshold: bounded("lockoutThreshold", LOCKOUT_LIMITS.threshold), minutes: bounded("lockoutMinutes", LOCKOUT_LIMITS.minutes) };
  return c.json(lockoutJson(unwrap(await tenantStub(c.env, tenantId).lockoutPolicy(policy))));
});
