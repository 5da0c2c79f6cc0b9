import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { currentRootKey } from "../../core/crypto/envelope/root-key-ring.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { localIssuerKey } from "../../core/crypto/release/local-authority-key.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { LOCAL_OIDC_PURPOSE } from "../auth/client-assertion.ts";
import { toErrorResponse } from "../errors/to-response.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { callerOnLoopback } from "../wire/loopback-caller.ts";
import { DEFAULT_FEDERATION_AUDIENCE, MAX_CREDENTIAL_FIELD } from "../wire/federated-credential-input.ts";
import { LOCAL_OIDC_ISSUER_PATH, localOidcIssuer, localOidcIssuerServed } from "../wire/federation-trust.ts";

/**
 * The local OIDC issuer (docs/access-control.md "Workload identity federation"): stands in for GitHub Actions' or a
 * Kubernetes cluster's token issuer, so workload identity federation can be tried and tested end to end. It vouches
 * for whatever subject it is asked for — nothing is proven — so it is served only under LOCAL_IMDS = "true" (local
 * development), issues tokens only to callers on the loopback, and is believed only when FEDERATED_TOKEN_ISSUERS also
 * lists `{ISSUER_ORIGIN}/local-oidc`.
 * Endpoints, as an OIDC issuer's: discovery, `keys` (its key set), and `POST token` `{subject, audience?,
 * lifetimeSeconds?}` → `{token}`, an ES256 JWT like a Kubernetes projected service-account token. Its endpoints for
 * people's sign-in through it (authorize, oauth2/token) are in local-oidc-sign-in.ts.
 */
export const localOidcIssuerRoutes = new Hono<AppEnv>({ strict: false });

const DEFAULT_LIFETIME_S = 600;
const MAX_LIFETIME_S = 3600;

const notServed = (): Response => toErrorResponse(new VaultError("NotFound", "The requested resource was not found."));

localOidcIssuerRoutes.use(`${LOCAL_OIDC_ISSUER_PATH}/*`, async (c, next) => {
  if (!localOidcIssuerServed(c.env)) return notServed();
  await next();
});

localOidcIssuerRoutes.get(`${LOCAL_OIDC_ISSUER_PATH}/.well-known/openid-configuration`, (c) => {
  const issuer = localOidcIssuer(c.env);
  return c.json({
    issuer,
    jwks_uri: `${issuer}/keys`,
    // People's sign-in through it (routes/local-oidc-sign-in.ts, docs/sign-in.md "External identity providers").
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
    code_challenge_methods_supported: ["S256"],
    response_types_supported: ["code", "id_token"],
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf", "nonce", "email", "email_verified"],
  });
});

const issuerKey = async (c: Context<AppEnv>) => localIssuerKey(await currentRootKey(c.env), LOCAL_OIDC_PURPOSE);

localOidcIssuerRoutes.get(`${LOCAL_OIDC_ISSUER_PATH}/keys`, async (c) => c.json({ keys: [(await issuerKey(c)).jwk] }));

localOidcIssuerRoutes.post(`${LOCAL_OIDC_ISSUER_PATH}/token`, async (c) => {
  // A token for any subject, for the asking: like the credential-less IMDS, only for a caller on this machine, so a
  // dev server exposed with --host does not mint federated tokens for the network (README "Security").
  if (!callerOnLoopback(c.req.header("CF-Connecting-IP"))) return notServed();
  const body = await readJsonObject(c);
  const { subject, audience = DEFAULT_FEDERATION_AUDIENCE, lifetimeSeconds = DEFAULT_LIFETIME_S } = body;
  if (typeof subject !== "string" || subject === "" || subject.length > MAX_CREDENTIAL_FIELD) throw badParameter("subject must be a non-empty string.");
  if (typeof audience !== "string" || audience === "" || audience.length > MAX_CREDENTIAL_FIELD) throw badParameter("audience must be a non-empty string.");
  if (typeof lifetimeSeconds !== "number" || !Number.isInteger(lifetimeSeconds) || lifetimeSeconds < 1 || lifetimeSeconds > MAX_LIFETIME_S) {
    throw badParameter(`lifetimeSeconds must be a whole number from 1 to ${MAX_LIFETIME_S}.`);
  }
  const { key, jwk } = await issuerKey(c);
  const iat = Math.floor(Date.now() / 1000);
  const claims = { iss: localOidcIssuer(c.env), sub: subject, aud: [audience], iat, nbf: iat, exp: iat + lifetimeSeconds, jti: crypto.randomUUID() };
  return c.json({ token: compactJws({ kid: jwk.kid, typ: "JWT" }, claims, key) });
});
