import { signInProviderSecretAad } from "../../core/crypto/envelope/aad.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { MAX_LINKS_PER_USER, MAX_SIGN_IN_PROVIDERS, type ExternalIdentityLink, type SignInProvider, type SignInProviderRegistration } from "../../core/domain/identity/sign-in-provider.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { SignInProviderRepository } from "../storage/sign-in-provider-repository.ts";
import type { UserRepository } from "../storage/user-repository.ts";

/**
 * A tenant's external sign-in providers and the external identities linked to its users (docs/sign-in.md "External
 * identity providers"), as the admin API changes them. The client secret is sealed under the tenant data key (AAD
 * `sign-in-provider-secret|{tenant}|{name}`); only the sign-in itself ("registration") opens it, never an admin read.
 * A refused change changes nothing.
 */
export type SignInProviderInput = Omit<SignInProvider, "created" | "updated"> & {
  /** null keeps the stored secret (a replacement that only changes other fields); required for a new provider. */
  readonly clientSecret: string | null;
};

export type SignInProviderOp =
  | { readonly kind: "put"; readonly input: SignInProviderInput }
  | { readonly kind: "get"; readonly name: string }
  | { readonly kind: "list" }
  | { readonly kind: "delete"; readonly name: string }
  | { readonly kind: "registration"; readonly name: string }
  | { readonly kind: "link"; readonly userId: string; readonly issuer: string; readonly subject: string }
  | { readonly kind: "links"; readonly userId: string }
  | { readonly kind: "unlink"; readonly userId: string; readonly linkId: string };

export type SignInProviderResult =
  | { readonly saved: SignInProvider; readonly isNew: boolean }
  | SignInProvider
  | SignInProvider[]
  | SignInProviderRegistration
  | ExternalIdentityLink
  | ExternalIdentityLink[]
  | null;

export interface SignInProviderContext {
  readonly repo: SignInProviderRepository;
  readonly users: UserRepository;
  readonly tenantId: string;
  readonly dataKey: () => Promise<DataKey>;
  readonly now: number;
}

export async function manageSignInProviders(ctx: SignInProviderContext, op: SignInProviderOp): Promise<Result<SignInProviderResult>> {
  switch (op.kind) {
    case "put":
      return put(ctx, op.input);
    case "get": {
      const found = ctx.repo.find(op.name);
      return found === null ? fail(providerNotFound(op.name)) : ok(found.provider);
    }
    case "list":
      return ok(ctx.repo.all());
    case "delete":
      return ctx.repo.delete(op.name) ? ok(null) : fail(providerNotFound(op.name));
    case "registration": {
      const found = ctx.repo.find(op.name);
      if (found === null) return fail(providerNotFound(op.name));
      const secret = await (await ctx.dataKey()).open(found.sealedSecret, signInProviderSecretAad(ctx.tenantId, op.name));
      return ok({ ...found.provider, clientSecret: new TextDecoder().decode(secret) });
    }
    case "link":
      return link(ctx, op.userId, op.issuer, op.subject);
    case "links":
      return ctx.users.byId(op.userId) === null ? fail(userNotFound(op.userId)) : ok(ctx.repo.linksOf(op.userId));
    case "unlink":
      if (ctx.users.byId(op.userId) === null) return fail(userNotFound(op.userId));
      return ctx.repo.deleteLink(op.userId, op.linkId) ? ok(null) : fail(new VaultError("NotFound", `The external identity link '${op.linkId}' was not found.`));
  }
}

async function put(ctx: SignInProviderContext, input: SignInProviderInput): Promise<Result<SignInProviderResult>> {
  const { clientSecret, ...fields } = input;
  const all = ctx.repo.all();
  const existing = ctx.repo.find(input.name);
  if (existing === null && all.length >= MAX_SIGN_IN_PROVIDERS) return fail(badParameter(`A tenant has at most ${MAX_SIGN_IN_PROVIDERS} sign-in providers.`));
  const sameIssuer = all.find((p) => p.issuer === input.issuer && p.name !== input.name);
  if (sameIssuer !== undefined) return fail(new VaultError("Conflict", `The issuer is already a sign-in provider as '${sameIssuer.name}'.`));
  if (clientSecret === null && existing === null) return fail(badParameter("The property 'clientSecret' is required for a new sign-in provider."));
  const sealed = clientSecret === null ? existing!.sealedSecret : await (await ctx.dataKey()).seal(utf8(clientSecret), signInProviderSecretAad(ctx.tenantId, input.name));
  const provider: SignInProvider = { ...fields, created: existing?.provider.created ?? ctx.now, updated: ctx.now };
  ctx.repo.put(provider, sealed);
  return ok({ saved: ctx.repo.find(input.name)?.provider ?? provider, isNew: existing === null });
}

function link(ctx: SignInProviderContext, userId: string, issuer: string, subject: string): Result<SignInProviderResult> {
  if (ctx.users.byId(userId) === null) return fail(userNotFound(userId));
  const taken = ctx.repo.linkOf(issuer, subject);
  if (taken !== null) return fail(new VaultError("Conflict", taken.userId === userId ? "The external identity is already linked to this user." : "The external identity is already linked to another user."));
  if (ctx.repo.linksOf(userId).length >= MAX_LINKS_PER_USER) return fail(badParameter(`A user has at most ${MAX_LINKS_PER_USER} external identities.`));
  const created: ExternalIdentityLink = { id: crypto.randomUUID(), userId, issuer, subject, created: ctx.now };
  ctx.repo.insertLink(created);
  return ok(created);
}

const providerNotFound = (name: string): VaultError => new VaultError("NotFound", `The sign-in provider '${name}' was not found.`);
const userNotFound = (id: string): VaultError => new VaultError("PrincipalNotFound", `The user '${id}' was not found.`);
