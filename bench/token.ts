import type { Agent } from "node:https";
import { send } from "./request.ts";
import type { Target } from "./target.ts";

/**
 * A vault token the way an App Service app gets one (IDENTITY_ENDPOINT + IDENTITY_HEADER). Fetched once: tokens
 * live an hour, far longer than a run, and token issuance is not what the bench measures.
 */
export async function managedIdentityToken(agent: Agent, tokenService: Target, identityHeader: string): Promise<string> {
  const resource = encodeURIComponent(`https://vault.localhost:${tokenService.port}`);
  const reply = await send(agent, tokenService, {
    method: "GET",
    path: `/msi/token?api-version=2019-08-01&resource=${resource}`,
    headers: { "x-identity-header": identityHeader },
  });
  const parsed = reply.status === 200 ? (JSON.parse(reply.body) as { access_token?: unknown }) : {};
  if (typeof parsed.access_token !== "string") {
    throw new Error(`GET /msi/token answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  return parsed.access_token;
}
