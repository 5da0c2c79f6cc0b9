import { credentialMatches, hashCredential, newCredentialSecret } from "../../core/crypto/credential-hash.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { PrincipalSecretRepository } from "../storage/principal-secret-repository.ts";

/**
 * A service principal's client secrets (issue 17; docs/access-control.md "Client secrets"), as Entra's app
 * credentials work: secrets added with an expiry (default 180 days, at most two years, as Entra's portal offers), each
 * shown once; any unexpired one signs in, so a secret is rotated by adding the next, moving to it, and removing the
 * old. The principal's first secret ("primary") never expires and can be removed like the others.
 */
export type SecretOp =
  | { readonly kind: "add"; readonly displayName: string; readonly expiresInDays: number }
  | { readonly kind: "list" }
  | { readonly kind: "remove"; readonly id: string };

export interface SecretView {
  readonly id: string;
  readonly hint: string | null;
  readonly displayName: string;
  /** Unix seconds; null for the primary secret, which never expires. */
  readonly expires: number | null;
}

export type SecretResult = (SecretView & { readonly secretText: string }) | SecretView[] | null;

export const PRIMARY_SECRET = "primary";
export const DEFAULT_SECRET_DAYS = 180;
export const MAX_SECRET_DAYS = 730;
const DAY_S = 86_400;

export async function manageSecrets(secrets: PrincipalSecretRepository, principalId: string, nowSeconds: number, op: SecretOp): Promise<Result<SecretResult>> {
  switch (op.kind) {
    case "add": {
      if (!Number.isInteger(op.expiresInDays) || op.expiresInDays < 1 || op.expiresInDays > MAX_SECRET_DAYS) {
        return fail(badParameter(`expiresInDays must be a whole number of days from 1 to ${MAX_SECRET_DAYS}.`));
      }
      const secretText = newCredentialSecret();
      const made = { id: crypto.randomUUID(), hint: secretText.slice(0, 3), displayName: op.displayName, expires: nowSeconds + op.expiresInDays * DAY_S };
      secrets.insert({ ...made, principalId, credentialHash: await hashCredential(secretText), created: nowSeconds });
      return ok({ ...made, secretText });
    }
    case "list": {
      const primary: SecretView[] = secrets.primaryRetired(principalId) ? [] : [{ id: PRIMARY_SECRET, hint: null, displayName: "primary", expires: null }];
      return ok([...primary, ...secrets.of(principalId).map(({ id, hint, displayName, expires }) => ({ id, hint, displayName, expires }))]);
    }
    case "remove": {
      const removed = op.id === PRIMARY_SECRET ? secrets.retirePrimary(principalId) : secrets.delete(principalId, op.id);
      return removed ? ok(null) : fail(new VaultError("NotFound", `The secret '${op.id}' was not found.`));
    }
  }
}

/** Whether `secret` is one of the principal's: the primary (unless removed) or an unexpired added one. */
export async function secretAccepted(secrets: PrincipalSecretRepository, principalId: string, primaryHash: Uint8Array, secret: string, nowSeconds: number): Promise<boolean> {
  const candidates = [
    ...(secrets.primaryRetired(principalId) ? [] : [primaryHash]),
    ...secrets.of(principalId).filter((s) => s.expires > nowSeconds).map((s) => s.credentialHash),
  ];
  // Every candidate is compared, so the time taken says nothing about which one matched.
  const results = await Promise.all(candidates.map((hash) => credentialMatches(secret, hash)));
  return results.includes(true);
}
