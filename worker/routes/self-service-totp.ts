import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { auditedSignIn } from "../auth/sign-in-audit.ts";
import { stretchedPassword } from "../auth/stretched-password.ts";
import { tenantStub } from "../clients/tenant-stub.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { UUID } from "../wire/oauth.ts";
import { SIGN_IN_REFUSALS } from "../../core/domain/identity/oauth-grant.ts";
import { MAX_PASSWORD_LENGTH, normalizeUserPrincipalName } from "../../core/domain/identity/user.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";

/**
 * Self-service TOTP enrollment (docs/sign-in.md "TOTP"): `POST /{tenant}/me/totp {userPrincipalName, password, totp?}`.
 * The person proves who they are as at sign-in — the current code too when already enrolled, so a stolen password
 * alone cannot replace the second factor — under the same lockout and audit; the answer's otpauth:// URI is shown once.
 */
export const selfServiceTotpRoutes = new Hono<AppEnv>({ strict: false });

selfServiceTotpRoutes.post("/:tenant/me/totp", async (c) => {
  const tenantId = c.req.param("tenant");
  if (!UUID.test(tenantId) || (await tenantStub(c.env, tenantId).describe()) === null) throw new VaultError("TenantNotFound", `Tenant ${tenantId.slice(0, 64)} was not found.`);
  const body = await readJsonObject(c);
  const name = typeof body.userPrincipalName === "string" ? normalizeUserPrincipalName(body.userPrincipalName) : null;
  const password = typeof body.password === "string" ? body.password.slice(0, MAX_PASSWORD_LENGTH * 4) : null;
  const totp = typeof body.totp === "string" ? body.totp.slice(0, 16) : null;
  if (name === null || password === null) throw badParameter("The parameters 'userPrincipalName' and 'password' are required.");
  return auditedSignIn(c, tenantId, "TotpSelfEnroll", null, async () => {
    const outcome = await tenantStub(c.env, tenantId).enrollOwnTotp({ userPrincipalName: name, password: await stretchedPassword(c.env, tenantId, name, password), totp });
    if (outcome.ok) return { userId: outcome.userId, failure: null, response: c.json({ otpauthUri: outcome.otpauthUri }, 201) };
    const refusal = { error: { code: "Unauthorized", message: SIGN_IN_REFUSALS[outcome.failure].description } };
    return { userId: outcome.userId, failure: outcome.failure, response: c.json(refusal, 401) };
  });
});
