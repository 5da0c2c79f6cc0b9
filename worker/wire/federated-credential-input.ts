import { badParameter } from "../../core/errors/vault-error.ts";
import type { FederatedCredentialInput } from "../../durable-objects/tenant/federated-credentials.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * The body of `PUT …/federatedIdentityCredentials/{name}`, checked as Microsoft Graph checks a
 * federatedIdentityCredential (resources/federatedidentitycredential.md): issuer, subject and the audience at most
 * 600 characters each, `audiences` exactly one entry (default `api://AzureADTokenExchange`, Entra's own audience),
 * description optional and at most 600. The issuer must be an https URL: its discovery document and keys are
 * fetched over TLS only (and only when the operator's allow-list names it, docs/access-control.md).
 */
export const MAX_CREDENTIAL_FIELD = 600;
export const DEFAULT_FEDERATION_AUDIENCE = "api://AzureADTokenExchange";

/**
 * The credential's name: Graph's URL-friendly alternate key, at most 120 characters; Entra's portal and ARM's
 * managed-identity credentials spell the rule out as 3–120 characters of letters, digits, '-' and '_', starting
 * with a letter or digit.
 */
const CREDENTIAL_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,119}$/;

export function assertCredentialName(name: string | undefined): string {
  if (name === undefined || !CREDENTIAL_NAME.test(name)) {
    throw badParameter("The federated identity credential name must be 3 to 120 characters of letters, digits, '-' and '_', starting with a letter or digit.");
  }
  return name;
}

function requiredText(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value.trim() === "") throw badParameter(`The property '${field}' is required and must be a non-empty string.`);
  if (value.length > MAX_CREDENTIAL_FIELD) throw badParameter(`The property '${field}' exceeds ${MAX_CREDENTIAL_FIELD} characters.`);
  return value;
}

function httpsIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badParameter("The property 'issuer' must be an https URL.");
  }
  if (url.protocol !== "https:" || url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw badParameter("The property 'issuer' must be an https URL without credentials, query or fragment.");
  }
  return value;
}

function audienceOf(body: JsonObject): string {
  const audiences = body.audiences;
  if (audiences === undefined || audiences === null) return DEFAULT_FEDERATION_AUDIENCE;
  if (!Array.isArray(audiences) || audiences.length !== 1) throw badParameter("The property 'audiences' must hold exactly one audience.");
  const [audience] = audiences as unknown[];
  if (typeof audience !== "string" || audience.trim() === "" || audience.length > MAX_CREDENTIAL_FIELD) {
    throw badParameter(`The audience must be a non-empty string of at most ${MAX_CREDENTIAL_FIELD} characters.`);
  }
  return audience;
}

export function federatedCredentialInput(name: string, body: JsonObject): FederatedCredentialInput {
  // Graph: the name is immutable and the path names it; a body naming another credential is a mistake.
  if (body.name !== undefined && body.name !== name) throw badParameter("The property 'name' must match the name in the request URI.");
  const issuer = httpsIssuer(requiredText(body, "issuer"));
  const subject = requiredText(body, "subject");
  const audience = audienceOf(body);
  const description = body.description ?? "";
  if (typeof description !== "string" || description.length > MAX_CREDENTIAL_FIELD) {
    throw badParameter(`The property 'description' must be a string of at most ${MAX_CREDENTIAL_FIELD} characters.`);
  }
  return { name, issuer, subject, audience, description };
}
