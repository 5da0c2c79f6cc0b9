import { isTrustedAuthority } from "../../core/crypto/release/attestation-trust.ts";
import { MAX_MAPPED_OBJECT_IDS, type TrustedIssuer } from "../../core/domain/identity/trusted-issuer.ts";
import { canonicalAuthority } from "../../core/domain/release-policy/authority.ts";
import { badParameter } from "../../core/errors/vault-error.ts";
import type { TrustedIssuerInput } from "../../durable-objects/tenant/trusted-issuers.ts";
import { federationTrust } from "./federation-trust.ts";
import type { JsonObject } from "./json-body.ts";
import { UUID } from "./oauth.ts";

/**
 * The body of `PUT /admin/tenants/{t}/trustedIssuers/{name}` (docs/access-control.md "Trusted external issuers"):
 * `{issuer, tenantId?, objectIds}`, nothing else. The issuer must be an https URL the operator's allow-list
 * (FEDERATED_TOKEN_ISSUERS) names: a tenant admin alone cannot make the deployment fetch keys from a URL of their
 * choosing. `tenantId` is the `tid` its tokens must carry; Entra's tenant ids and object ids are GUIDs.
 */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;
const MAX_ISSUER_LENGTH = 600;
const FIELDS = new Set(["name", "issuer", "tenantId", "objectIds"]);

export function assertTrustedIssuerName(name: string | undefined): string {
  if (name === undefined || !NAME.test(name)) throw badParameter("The trusted issuer name must be 3 to 120 characters of letters, digits, '-' and '_', starting with a letter or digit.");
  return name;
}

function issuerOf(env: Env, value: unknown): string {
  if (typeof value !== "string" || value === "" || value.length > MAX_ISSUER_LENGTH) throw badParameter(`The property 'issuer' is required and must be a URL of at most ${MAX_ISSUER_LENGTH} characters.`);
  if (canonicalAuthority(value) === null) throw badParameter("The property 'issuer' must be an https URL without credentials, query or fragment.");
  if (!isTrustedAuthority(federationTrust(env), value)) throw badParameter("The issuer is not one this deployment's operator allows (FEDERATED_TOKEN_ISSUERS).");
  return value;
}

function tenantIdOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !UUID.test(value.toLowerCase())) throw badParameter("The property 'tenantId' must be a GUID.");
  return value.toLowerCase();
}

function objectIdsOf(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_MAPPED_OBJECT_IDS) throw badParameter(`The property 'objectIds' must list 1 to ${MAX_MAPPED_OBJECT_IDS} object ids.`);
  const ids = value.map((v: unknown) => {
    if (typeof v !== "string" || !UUID.test(v.toLowerCase())) throw badParameter("Each object id must be a GUID.");
    return v.toLowerCase();
  });
  if (new Set(ids).size !== ids.length) throw badParameter("The property 'objectIds' lists an object id twice.");
  return ids;
}

export function trustedIssuerInput(env: Env, name: string, body: JsonObject): TrustedIssuerInput {
  const unknown = Object.keys(body).find((k) => !FIELDS.has(k));
  if (unknown !== undefined) throw badParameter(`The property '${unknown}' is not recognised.`);
  if (body.name !== undefined && body.name !== name) throw badParameter("The property 'name' must match the name in the request URI.");
  return { name, issuer: issuerOf(env, body.issuer), tenantId: tenantIdOf(body.tenantId), objectIds: objectIdsOf(body.objectIds) };
}

export const trustedIssuerJson = (tenantId: string, t: TrustedIssuer) => ({
  id: `/tenants/${tenantId}/trustedIssuers/${t.name}`,
  name: t.name,
  issuer: t.issuer,
  tenantId: t.tenantId,
  objectIds: t.objectIds,
  created: t.created,
  updated: t.updated,
});
