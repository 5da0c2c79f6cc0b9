import { isLocked } from "../../core/domain/identity/lockout.ts";
import type { SignInFailure } from "../../core/domain/identity/oauth-grant.ts";
import type { ExternalIdentity } from "../../core/domain/identity/sign-in-provider.ts";
import { normalizeUserPrincipalName } from "../../core/domain/identity/user.ts";
import type { SignInProviderRepository } from "../storage/sign-in-provider-repository.ts";
import type { UserRecord } from "../storage/user-repository.ts";
import { issueCode, type CodeRequest, type GrantContext } from "./user-grants.ts";

/**
 * The tenant's half of a sign-in through an external provider (docs/sign-in.md "External identity providers"): the
 * Worker verified the provider's ID token; here the state is spent (once) and the external identity becomes a local
 * user — by its link (issuer + sub), or, only where the admin opted in, by a verified email equal to a user's sign-in
 * name — and a code of ours is issued exactly as after a password sign-in. A disabled or locked user is refused; an
 * external sign-in neither counts toward lockout nor asks for TOTP (the provider authenticated the person).
 */
export type ExternalSignInOp =
  | { readonly kind: "spendState"; readonly stateId: string; readonly expires: number }
  | { readonly kind: "signIn"; readonly providerName: string; readonly identity: ExternalIdentity; readonly code: CodeRequest };

export type ExternalSignInOutcome =
  | { readonly ok: true; readonly code: string; readonly userId: string }
  | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null };

/** Each op's answer, told apart by `kind`. */
export type ExternalSignInAnswer =
  | { readonly kind: "stateSpent"; readonly spent: boolean }
  | { readonly kind: "signedIn"; readonly outcome: ExternalSignInOutcome };

export async function externalSignIn(ctx: GrantContext, repo: SignInProviderRepository, op: ExternalSignInOp): Promise<ExternalSignInAnswer> {
  // Expiry by this object's clock; one use, whatever happens after (a failed exchange does not give it back).
  if (op.kind === "spendState") return { kind: "stateSpent", spent: op.expires > ctx.now && repo.spendState(op.stateId, op.expires, ctx.now) };
  return { kind: "signedIn", outcome: await signIn(ctx, repo, op) };
}

async function signIn(ctx: GrantContext, repo: SignInProviderRepository, op: Extract<ExternalSignInOp, { kind: "signIn" }>): Promise<ExternalSignInOutcome> {
  const provider = repo.find(op.providerName)?.provider ?? null;
  if (provider === null || provider.issuer !== op.identity.issuer) return { ok: false, failure: "ProviderNotConfigured", userId: null };
  const record = mappedUser(ctx, repo, op.identity, provider.linkByVerifiedEmail);
  if (record === null) return { ok: false, failure: "UnknownExternalIdentity", userId: null };
  const userId = record.user.id;
  if (isLocked(record, ctx.now)) return { ok: false, failure: "AccountLocked", userId };
  if (!record.user.enabled) return { ok: false, failure: "AccountDisabled", userId };
  return { ok: true, code: await issueCode(ctx, record.user, op.code), userId };
}

function mappedUser(ctx: GrantContext, repo: SignInProviderRepository, identity: ExternalIdentity, byEmail: boolean): UserRecord | null {
  const link = repo.linkOf(identity.issuer, identity.subject);
  if (link !== null) return ctx.users.byId(link.userId);
  // An email is only as good as the provider's word that it verified it (OIDC Core §5.1 email_verified).
  if (!byEmail || !identity.emailVerified || identity.email === null) return null;
  const name = normalizeUserPrincipalName(identity.email);
  return name === null ? null : ctx.users.byName(name);
}
