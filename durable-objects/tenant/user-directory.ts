import { hashPassword } from "../../core/crypto/password-hash.ts";
import { hashCredential } from "../../core/crypto/credential-hash.ts";
import type { User } from "../../core/domain/identity/user.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { SignInGrantRepository } from "../storage/sign-in-grant-repository.ts";
import type { TenantRepository } from "../storage/tenant-repository.ts";
import type { UserRepository } from "../storage/user-repository.ts";
import { enrollTotp, type TotpKeys } from "./user-totp.ts";

/**
 * A tenant's users, as the admin API manages them (docs/sign-in.md "Users"). Names and passwords arrive checked by
 * the route (core/domain/identity/user.ts); what only the tenant knows — whether a name is taken — is checked here.
 */
export type UserOp =
  | { readonly kind: "create"; readonly userPrincipalName: string; readonly displayName: string; readonly password: string; readonly tenantAdmin: boolean }
  | { readonly kind: "list" }
  | { readonly kind: "get"; readonly id: string }
  /** A new password ends every session: the person's refresh tokens are revoked, and a lockout is lifted. */
  | { readonly kind: "setPassword"; readonly id: string; readonly password: string }
  /** Ends the person's sessions: all of them, or those of one client (sign-out, docs/sign-in.md "Sign-out"). */
  | { readonly kind: "revokeSessions"; readonly id: string; readonly clientId?: string }
  /** Disabling a user ends its sessions too: a disabled user's refresh tokens would be refused anyway. */
  | { readonly kind: "setEnabled"; readonly id: string; readonly enabled: boolean }
  /** Sign-out with a refresh token: its family ends, if it is the client's. Unknown tokens revoke nothing. */
  | { readonly kind: "revokeRefreshToken"; readonly refreshToken: string; readonly clientId: string }
  /** TOTP (docs/sign-in.md "TOTP"): a new secret, answered once as an otpauth:// URI; or none. */
  | { readonly kind: "enrollTotp"; readonly id: string }
  | { readonly kind: "removeTotp"; readonly id: string };

export type UserResult = User | User[] | { readonly revoked: number } | { readonly otpauthUri: string };

export interface UserDirectory {
  readonly principals: TenantRepository;
  readonly users: UserRepository;
  readonly grants: SignInGrantRepository;
  readonly transaction: (write: () => void) => void;
  readonly now: number;
  readonly totp: TotpKeys;
}

export async function manageUsers(dir: UserDirectory, op: UserOp): Promise<Result<UserResult>> {
  switch (op.kind) {
    case "create":
      return create(dir, op);
    case "list":
      return ok(dir.users.list());
    case "get":
      return found(dir, op.id);
    case "setPassword": {
      const user = found(dir, op.id);
      if (!user.ok) return user;
      const password = await hashPassword(op.password);
      dir.transaction(() => {
        dir.users.setPassword(op.id, password);
        dir.grants.revokePrincipal(op.id);
      });
      return ok(user.value);
    }
    case "revokeSessions": {
      const user = found(dir, op.id);
      if (!user.ok) return user;
      return ok({ revoked: op.clientId === undefined ? dir.grants.revokePrincipal(op.id) : dir.grants.revokePrincipalClient(op.id, op.clientId) });
    }
    case "setEnabled": {
      if (!found(dir, op.id).ok) return notFound(op.id);
      dir.transaction(() => {
        dir.users.setEnabled(op.id, op.enabled);
        if (!op.enabled) dir.grants.revokePrincipal(op.id);
      });
      return found(dir, op.id);
    }
    case "revokeRefreshToken": {
      const row = dir.grants.refreshToken(await hashCredential(op.refreshToken));
      if (row === null || row.clientId !== op.clientId) return ok({ revoked: 0 });
      dir.grants.revokeFamily(row.familyId);
      return ok({ revoked: 1 });
    }
    case "enrollTotp": {
      const record = dir.users.byId(op.id);
      return record === null ? notFound(op.id) : ok({ otpauthUri: await enrollTotp(dir.users, dir.totp, record) });
    }
    case "removeTotp": {
      const user = found(dir, op.id);
      if (user.ok) dir.users.setTotpSecret(op.id, null);
      return user;
    }
  }
}

async function create(dir: UserDirectory, op: Extract<UserOp, { kind: "create" }>): Promise<Result<User>> {
  if (dir.users.byName(op.userPrincipalName) !== null) return fail(taken(op.userPrincipalName));
  // Hashing takes tens of milliseconds and yields: the name is checked again after it, inside the write.
  const password = await hashPassword(op.password);
  const id = crypto.randomUUID();
  const user: User = { id, appId: id, type: "user", displayName: op.displayName, tenantAdmin: op.tenantAdmin, created: dir.now, userPrincipalName: op.userPrincipalName, enabled: true };
  let conflict = false;
  dir.transaction(() => {
    conflict = dir.users.byName(op.userPrincipalName) !== null;
    if (conflict) return;
    // A user has no client secret: its credential hash is empty, which no SHA-256 of a secret equals.
    dir.principals.insertPrincipal(user, new Uint8Array());
    dir.users.insert(id, op.userPrincipalName, password);
  });
  return conflict ? fail(taken(op.userPrincipalName)) : ok(user);
}

function found(dir: UserDirectory, id: string): Result<User> {
  const record = dir.users.byId(id);
  return record === null ? notFound(id) : ok(record.user);
}

const notFound = (id: string) => fail(new VaultError("PrincipalNotFound", `User ${id} was not found.`));

const taken = (name: string): VaultError => new VaultError("Conflict", `A user named ${name} already exists in the tenant.`);
