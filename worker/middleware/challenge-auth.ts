import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../app-env.ts";
import { challengeHeader } from "../auth/challenge.ts";
import { verifyVaultToken } from "../auth/verify-vault-token.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { toErrorResponse } from "../errors/to-response.ts";

const MISSING_TOKEN = "AKV10000: Request is missing a Bearer or PoP token.";
const INVALID_TOKEN = "AKV10032: The access token is not valid for this vault.";

/**
 * No or bad token → 401 with the challenge, before the body is read: SDKs send their first request
 * without a body and resend it once they hold a token (docs/client-contract.md §2).
 */
export const challengeAuth = createMiddleware<AppEnv>(async (c, next) => {
  const vault = c.get("vault");
  const resource = c.get("vaultResource");
  const challenge = { "WWW-Authenticate": challengeHeader(c.env.ISSUER_ORIGIN, vault.tenantId, resource) };

  const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(c.req.header("Authorization") ?? "");
  if (match === null) return toErrorResponse(new VaultError("Unauthorized", MISSING_TOKEN), challenge);
  const caller = await verifyVaultToken(c.env, match[1] as string, { tenantId: vault.tenantId, audience: resource });
  if (caller === null) return toErrorResponse(new VaultError("Unauthorized", INVALID_TOKEN), challenge);
  // What travels to the vault object: who the caller is, and the groups whose roles it holds (not the raw claims).
  const { tenantId, objectId, appId, principalType, groups } = caller;
  c.set("caller", { tenantId, objectId, appId, principalType, ...(groups === undefined ? {} : { groups }) });
  await next();
});
