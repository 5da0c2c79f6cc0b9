import { hashPassword } from "../../core/crypto/password-hash.ts";
import type { User } from "../../core/domain/identity/user.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import type { SignInGrantRepository } from "../storage/sign-in-grant-repository.ts";
import type { TenantRepository } from "../storage/tenant-repository.ts";
import type { UserRepository } from "../storage/user-repository.ts";

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
  | { readonly kind: "revokeSessions"; readonly id: string };

export type UserResult = User | User[] | { readonly revoked: number };

export interface UserDirectory {
  readonly principals: TenantRepository;
  readonly users: UserRepository;
  readonly grants: SignInGrantRepository;
  readonly transaction: (write: () => void) => void;
  readonly now: number;
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
      return user.ok ? ok({ revoked: dir.grants.revokePrincipal(op.id) }) : user;
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
  return record === null ? fail(new VaultError("PrincipalNotFound", `User ${id} was not found.`)) : ok(record.user);
}

const taken = (name: string): VaultError => new VaultError("Conflict", `A user named ${name} already exists in the tenant.`);
