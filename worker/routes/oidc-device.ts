import { Hono } from "hono";
import type { AppEnv } from "../app-env.ts";
import { auditedSignIn } from "../auth/sign-in-audit.ts";
import { stretchedPassword } from "../auth/stretched-password.ts";
import { registryStub, tenantStub } from "../clients/tenant-stub.ts";
import { CSRF_FIELD, csrfAccepted, csrfToken } from "../wire/csrf.ts";
import { readForm, UUID } from "../wire/oauth.ts";
import { sendMessagePage, sendPage, typedTotp, type SignInPage } from "../wire/sign-in-page.ts";
import { deviceCodeMessage, normalizeUserCode } from "../../core/domain/identity/device-code.ts";
import { SIGN_IN_REFUSALS } from "../../core/domain/identity/oauth-grant.ts";
import { publicClient } from "../../core/domain/identity/public-clients.ts";
import { parseSignInScopes } from "../../core/domain/identity/sign-in-scopes.ts";
import { MAX_PASSWORD_LENGTH, MAX_USER_PRINCIPAL_NAME, normalizeUserPrincipalName } from "../../core/domain/identity/user.ts";
import { grantErrorResponse } from "./oidc-user-grants.ts";

/**
 * The device authorization grant (RFC 8628; docs/sign-in.md "Device code"), as Entra serves it: a device asks
 * `POST /{tenant}/oauth2/v2.0/devicecode` for codes, the person opens `{ISSUER_ORIGIN}/devicelogin`, types the user code
 * and signs in, and the device's polls of the token endpoint (oidc-user-grants.ts) then get the tokens.
 */
export const oidcDeviceRoutes = new Hono<AppEnv>({ strict: false });

/** A user code live in another tenant is drawn again; three collisions in a row mean something is wrong. */
const MAX_USER_CODE_DRAWS = 3;
const verificationUri = (env: Env): string => `${env.ISSUER_ORIGIN.replace(/\/+$/, "")}/devicelogin`;

oidcDeviceRoutes.post("/:tenant/oauth2/v2.0/devicecode", async (c) => {
  const tenantId = c.req.param("tenant");
  const form = await readForm(c);
  const clientId = form.get("client_id") ?? "";
  const client = publicClient(clientId);
  if (client === null || !client.deviceCode) {
    return grantErrorResponse(c, { error: "invalid_client", aadsts: 700016, description: `AADSTS700016: Application with identifier '${clientId.slice(0, 64)}' was not found in the directory.` });
  }
  const scope = form.get("scope") ?? "";
  if (parseSignInScopes(scope) === null) return grantErrorResponse(c, { error: "invalid_scope", aadsts: 70011, description: "AADSTS70011: The provided value for the input parameter 'scope' is not valid." });
  if (!UUID.test(tenantId)) return grantErrorResponse(c, { error: "invalid_request", aadsts: 90002, description: "AADSTS90002: Tenant not found." });
  for (let draw = 0; draw < MAX_USER_CODE_DRAWS; draw++) {
    const started = await tenantStub(c.env, tenantId).startDeviceAuthorization(clientId, scope);
    if (started === null) return grantErrorResponse(c, { error: "invalid_request", aadsts: 90002, description: "AADSTS90002: Tenant not found." });
    if (started === "busy") return grantErrorResponse(c, { error: "temporarily_unavailable", aadsts: 90055, description: "AADSTS90055: There are too many incoming requests. Try again later." });
    if (await registryStub(c.env).pointUserCode(started.userCode, tenantId, Date.now() + started.expiresIn * 1000)) {
      const uri = verificationUri(c.env);
      return c.json({ user_code: started.userCode, device_code: started.deviceCode, verification_uri: uri, expires_in: started.expiresIn, interval: started.interval, message: deviceCodeMessage(uri, started.userCode) });
    }
  }
  throw new Error("no free device user code after several draws");
});

const HEADING = "Sign in on your device";

function devicePage(csrf: string, userPrincipalName: string, error: string | null): SignInPage {
  return { heading: HEADING, clientName: "the application on your device", csrf, userPrincipalName, error, askUserCode: true };
}

oidcDeviceRoutes.get("/devicelogin", (c) => sendPage(c, devicePage(csrfToken(c), "", null), 200, []));

oidcDeviceRoutes.post("/devicelogin", async (c) => {
  const form = await readForm(c);
  if (!csrfAccepted(c, form.get(CSRF_FIELD))) return await sendMessagePage(c, HEADING, "The sign-in form expired or did not come from this page. Go back and try again.", 400);
  const typed = (form.get("userPrincipalName") ?? "").slice(0, MAX_USER_PRINCIPAL_NAME);
  const userCode = normalizeUserCode((form.get("user_code") ?? "").slice(0, 64));
  const tenantId = userCode === null ? null : await registryStub(c.env).userCodeTenant(userCode);
  if (userCode === null || tenantId === null) {
    return sendPage(c, devicePage(csrfToken(c), typed, SIGN_IN_REFUSALS.InvalidUserCode.description), 200, []);
  }
  const cancel = form.get("action") === "cancel";
  const name = normalizeUserPrincipalName(typed);
  const password = (form.get("password") ?? "").slice(0, MAX_PASSWORD_LENGTH * 4);
  return auditedSignIn(c, tenantId, "DeviceCodeSignIn", null, async () => {
    const stub = tenantStub(c.env, tenantId);
    const outcome = cancel
      ? await stub.approveDevice({ userCode, approve: false })
      : name === null
        ? ({ ok: false, failure: "InvalidCredentials", userId: null, clientId: null } as const)
        : await stub.approveDevice({ userCode, approve: true, userPrincipalName: name, password: await stretchedPassword(c.env, tenantId, name, password), totp: typedTotp(form) });
    if (outcome.ok) {
      const text = cancel ? "You declined to sign in on your device. You can close this window." : "You have signed in to the application on your device. You can close this window.";
      return { userId: outcome.userId, failure: null, clientId: outcome.clientId, response: await sendMessagePage(c, HEADING, text, 200) };
    }
    const page = devicePage(csrfToken(c), typed, SIGN_IN_REFUSALS[outcome.failure].description);
    return { userId: outcome.userId, failure: outcome.failure, clientId: outcome.clientId, response: await sendPage(c, page, 200, []) };
  });
});
