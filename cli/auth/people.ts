import type { Profile } from "../config.ts";
import { CliError } from "../errors.ts";
import type { HttpClient, HttpResponse } from "../http.ts";
import { tokenEndpoint, tokenFrom, type AccessToken, type Credential } from "./credentials.ts";

/**
 * People's tokens (docs/sign-in.md): the first from an interactive flow (auth/device-code.ts, auth/browser.ts), the
 * next ones from the refresh token, which the token service rotates on every use.
 */

/** What a person's sign-in asks for: one resource, an ID token for their name, and a refresh token. */
export const peopleScope = (resource: string): string => `${resource}/.default openid profile offline_access`;

export function postForm(http: HttpClient, url: string, fields: Record<string, string>): Promise<HttpResponse> {
  return http.send({ method: "POST", url, headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
}

/** The signed-in person's name: the `upn` of the access token (a JWT the CLI reads, never verifies — the server does). */
export function userNameOf(token: AccessToken): string {
  const payload = token.accessToken.split(".")[1];
  if (payload === undefined) return "user";
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { upn?: string; preferred_username?: string; oid?: string };
  return claims.upn ?? claims.preferred_username ?? claims.oid ?? "user";
}

/** Exchanges a grant at the token endpoint; anything but tokens is the token service's error. */
export async function redeem(http: HttpClient, profile: Profile, fields: Record<string, string>): Promise<AccessToken> {
  const response = await postForm(http, tokenEndpoint(profile), fields);
  return tokenFrom(response.status, response.json, response.text);
}

/** RFC 6749 §6; the answer's new refresh token replaces the spent one in the cache (session.ts). */
export async function refreshPersonToken(http: HttpClient, profile: Profile, credential: Extract<Credential, { kind: "user" }>, refreshToken: string | undefined, resource: string): Promise<AccessToken> {
  if (refreshToken === undefined) throw new CliError("Your sign-in has expired; run `kv login` again.");
  return redeem(http, profile, { grant_type: "refresh_token", client_id: credential.clientId, refresh_token: refreshToken, scope: peopleScope(resource) });
}
