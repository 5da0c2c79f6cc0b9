import { CliError, serviceErrorOf } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import type { Profile } from "../config.ts";
import { certificateAssertion } from "./certificate-assertion.ts";

/** What a profile signs in with; kept in its 0600 credential file (config.ts). */
export type Credential =
  | { readonly kind: "clientSecret"; readonly clientId: string; readonly secret: string }
  | { readonly kind: "clientCertificate"; readonly clientId: string; readonly certificateFile: string }
  | { readonly kind: "managedIdentity"; readonly endpoint: string; readonly header: string }
  | { readonly kind: "operatorKey"; readonly key: string }
  | { readonly kind: "user"; readonly clientId: string; readonly userName: string };

export interface AccessToken {
  readonly accessToken: string;
  /** Unix seconds. */
  readonly expiresOn: number;
  /** A person's refresh token (rotated on each use by the token service). */
  readonly refreshToken?: string;
}

const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The operator key never expires by itself; a day keeps the cache entry from living forever. */
const OPERATOR_KEY_LIFETIME_SECONDS = 86_400;

export const tokenEndpoint = (profile: Profile): string => `${profile.endpoint}/${requireTenant(profile)}/oauth2/v2.0/token`;

function requireTenant(profile: Profile): string {
  if (profile.tenantId === undefined) throw new CliError("This profile has no tenant; log in again with --tenant.");
  return profile.tenantId;
}

/**
 * A fresh token for `resource` (an audience: a vault resource such as https://vault.localhost:8443, or
 * `{endpoint}/admin`) from a non-interactive credential. People's tokens are renewed with their refresh token
 * (auth/people.ts), so `user` is not handled here.
 */
export async function acquireToken(http: HttpClient, profile: Profile, credential: Credential, resource: string): Promise<AccessToken> {
  switch (credential.kind) {
    case "operatorKey":
      if (resource !== `${profile.endpoint}/admin`) {
        throw new CliError("The operator key opens the admin API only; log in as a principal (kv login --service-principal or --identity) for vault data.");
      }
      return { accessToken: credential.key, expiresOn: nowSeconds() + OPERATOR_KEY_LIFETIME_SECONDS };
    case "managedIdentity":
      return managedIdentityToken(http, credential, resource);
    case "clientSecret":
      return clientCredentials(http, profile, { client_id: credential.clientId, client_secret: credential.secret }, resource);
    case "clientCertificate": {
      const assertion = certificateAssertion(credential.certificateFile, credential.clientId, tokenEndpoint(profile));
      return clientCredentials(http, profile, { client_id: credential.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion }, resource);
    }
    case "user":
      throw new CliError("Your sign-in has expired; run `kv login` again.");
  }
}

/** Entra v2.0 client credentials grant (RFC 6749 §4.4), as the token service serves it (README "Token service"). */
async function clientCredentials(http: HttpClient, profile: Profile, fields: Record<string, string>, resource: string): Promise<AccessToken> {
  const body = new URLSearchParams({ grant_type: "client_credentials", scope: `${resource}/.default`, ...fields }).toString();
  const response = await http.send({ method: "POST", url: tokenEndpoint(profile), headers: { "content-type": "application/x-www-form-urlencoded" }, body });
  return tokenFrom(response.status, response.json, response.text);
}

/** App Service's managed identity protocol, 2019-08-01: IDENTITY_ENDPOINT + X-IDENTITY-HEADER. */
async function managedIdentityToken(http: HttpClient, credential: Extract<Credential, { kind: "managedIdentity" }>, resource: string): Promise<AccessToken> {
  const url = `${credential.endpoint}?${new URLSearchParams({ "api-version": "2019-08-01", resource })}`;
  const response = await http.send({ method: "GET", url, headers: { "X-IDENTITY-HEADER": credential.header } });
  return tokenFrom(response.status, response.json, response.text);
}

export function tokenFrom(status: number, json: unknown, text: string): AccessToken {
  if (status !== 200 || typeof json !== "object" || json === null) throw serviceErrorOf(status, json, text);
  const body = json as Record<string, unknown>;
  const accessToken = body.access_token;
  if (typeof accessToken !== "string") throw serviceErrorOf(status, json, text);
  const expiresOn = body.expires_on !== undefined ? Number(body.expires_on) : nowSeconds() + Number(body.expires_in ?? 0);
  const refreshToken = typeof body.refresh_token === "string" ? body.refresh_token : undefined;
  return { accessToken, expiresOn, ...(refreshToken === undefined ? {} : { refreshToken }) };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
