import type { Profile } from "../config.ts";
import { CliError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import { tokenEndpoint, tokenFrom, type AccessToken, type Credential } from "./credentials.ts";

/**
 * Renews a person's access token with the refresh token (RFC 6749 §6; the token service rotates it, so the new one
 * replaces the old in the cache). No refresh token left means signing in again.
 */
export async function refreshPersonToken(http: HttpClient, profile: Profile, credential: Extract<Credential, { kind: "user" }>, refreshToken: string | undefined, resource: string): Promise<AccessToken> {
  if (refreshToken === undefined) throw new CliError("Your sign-in has expired; run `kv login` again.");
  const body = new URLSearchParams({ grant_type: "refresh_token", client_id: credential.clientId, refresh_token: refreshToken, scope: `${resource}/.default offline_access` });
  const response = await http.send({ method: "POST", url: tokenEndpoint(profile), headers: { "content-type": "application/x-www-form-urlencoded" }, body: body.toString() });
  return tokenFrom(response.status, response.json, response.text);
}
