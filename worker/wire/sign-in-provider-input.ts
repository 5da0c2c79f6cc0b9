import { isTrustedAuthority } from "../../core/crypto/release/attestation-trust.ts";
import type { ClientAuthMethod, ExternalIdentityLink, SignInProvider } from "../../core/domain/identity/sign-in-provider.ts";
import { canonicalAuthority } from "../../core/domain/release-policy/authority.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { SignInProviderInput } from "../../durable-objects/tenant/sign-in-providers.ts";
import { federationTrust } from "./federation-trust.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The body of `PUT /admin/tenants/{t}/signInProviders/{name}` (docs/sign-in.md "External identity providers"):
 * `{issuer, clientId, clientSecret, displayName?, clientAuth?, scopes?, linkByVerifiedEmail?}`, nothing else. The
 * issuer must be an https URL on the operator's allow-list (FEDERATED_TOKEN_ISSUERS), as a trusted issuer's must: a
 * tenant admin alone cannot make the deployment fetch from a URL of their choosing. `clientSecret` may be left out
 * when replacing a provider, to keep the stored one. The answer never carries the secret.
 */
export const PROVIDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/;
const MAX_FIELD = 600;
const MAX_SECRET = 1024;
const MAX_SCOPES = 16;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/;
const DEFAULT_SCOPES = ["openid", "profile", "email"];
const CLIENT_AUTH: readonly ClientAuthMethod[] = ["client_secret_basic", "client_secret_post"];
const FIELDS = new Set(["name", "displayName", "issuer", "clientId", "clientSecret", "clientAuth", "scopes", "linkByVerifiedEmail"]);

/** Where the provider sends people back: what the tenant admin registers at the provider as the redirect URI. */
export function externalCallbackUri(env: Env, tenantId: string): string {
  return `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/${tenantId}/oauth2/v2.0/external/callback`;
}

export function assertProviderName(name: string | undefined): string {
  if (name === undefined || !PROVIDER_NAME.test(name)) throw badParameter("The sign-in provider name must be 2 to 64 characters of letters, digits, '-' and '_', starting with a letter or digit.");
  return name;
}

function text(body: JsonObject, field: string, max: number, required: boolean): string | null {
  const value = body[field];
  if (value === undefined || value === null) {
    if (required) throw badParameter(`The property '${field}' is required.`);
    return null;
  }
  if (typeof value !== "string" || value.trim() === "" || value.length > max) throw badParameter(`The property '${field}' must be a non-empty string of at most ${max} characters.`);
  return value;
}

function scopesOf(value: unknown): string[] {
  if (value === undefined) return DEFAULT_SCOPES;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SCOPES || !value.every((s) => typeof s === "string" && SCOPE_TOKEN.test(s))) {
    throw badParameter(`The property 'scopes' must list 1 to ${MAX_SCOPES} scope tokens (RFC 6749 §3.3).`);
  }
  if (!value.includes("openid")) throw badParameter("The property 'scopes' must include openid.");
  return [...new Set(value as string[])];
}

export function signInProviderInput(env: Env, name: string, body: JsonObject): SignInProviderInput {
  const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) throw badParameter(`The property '${unknown}' is not recognised.`);
  if (body.name !== undefined && body.name !== name) throw badParameter("The property 'name' must match the name in the request URI.");
  const issuer = text(body, "issuer", MAX_FIELD, true)!;
  if (canonicalAuthority(issuer) === null) throw badParameter("The property 'issuer' must be an https URL without credentials, query or fragment.");
  if (!isTrustedAuthority(federationTrust(env), issuer)) throw badParameter("The issuer is not one this deployment's operator allows (FEDERATED_TOKEN_ISSUERS).");
  const clientAuth = body.clientAuth ?? "client_secret_basic";
  if (!CLIENT_AUTH.includes(clientAuth as ClientAuthMethod)) throw badParameter("The property 'clientAuth' must be client_secret_basic or client_secret_post.");
  const linkByVerifiedEmail = body.linkByVerifiedEmail ?? false;
  if (typeof linkByVerifiedEmail !== "boolean") throw badParameter("The property 'linkByVerifiedEmail' must be a boolean.");
  return {
    name,
    displayName: text(body, "displayName", 64, false) ?? name,
    issuer,
    clientId: text(body, "clientId", MAX_FIELD, true)!,
    clientSecret: text(body, "clientSecret", MAX_SECRET, false),
    clientAuth: clientAuth as ClientAuthMethod,
    scopes: scopesOf(body.scopes),
    linkByVerifiedEmail,
  };
}

/** A provider as the admin API shows it: never the client secret. */
export const signInProviderJson = (env: Env, tenantId: string, p: SignInProvider) => ({
  id: `/tenants/${tenantId}/signInProviders/${p.name}`,
  name: p.name,
  displayName: p.displayName,
  issuer: p.issuer,
  clientId: p.clientId,
  clientAuth: p.clientAuth,
  scopes: p.scopes,
  linkByVerifiedEmail: p.linkByVerifiedEmail,
  redirectUri: externalCallbackUri(env, tenantId),
  created: p.created,
  updated: p.updated,
});

/** `POST …/users/{id}/externalIdentities {issuer, subject}`: the issuer as the provider's ID tokens name it, exactly. */
export function externalIdentityInput(body: JsonObject): { issuer: string; subject: string } {
  const unknown = Object.keys(body).find((k) => k !== "issuer" && k !== "subject");
  if (unknown !== undefined) throw badParameter(`The property '${unknown}' is not recognised.`);
  const issuer = text(body, "issuer", MAX_FIELD, true)!;
  if (canonicalAuthority(issuer) === null) throw badParameter("The property 'issuer' must be an https URL without credentials, query or fragment.");
  return { issuer, subject: text(body, "subject", 255, true)! };
}

export const externalIdentityJson = (l: ExternalIdentityLink) => ({ id: l.id, userId: l.userId, issuer: l.issuer, subject: l.subject, created: l.created });
