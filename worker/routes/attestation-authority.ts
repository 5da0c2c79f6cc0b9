import { Hono, type Context } from "hono";
import type { AppEnv } from "../app-env.ts";
import { currentRootKey } from "../../core/crypto/envelope/root-key-ring.ts";
import { compactJws } from "../../core/crypto/release/compact-jws.ts";
import { localAuthorityKey } from "../../core/crypto/release/local-authority-key.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { toErrorResponse } from "../errors/to-response.ts";
import { readJsonObject } from "../wire/json-body.ts";
import { LOCAL_AUTHORITY_PATH, localAuthorityIssuer, localAuthorityServed } from "../wire/release-trust.ts";
import { isSimulatedTee, SIMULATED_TEES, simulatedAttestationInput } from "../wire/release-simulated-tee.ts";

/**
 * The local attestation authority (docs/key-release.md): an OpenID-Connect-shaped token issuer like Microsoft Azure
 * Attestation, on the token-service host under {@link LOCAL_AUTHORITY_PATH}, so `npm run dev` users can release keys
 * end to end. It attests simulated workloads (release-simulated-tee.ts) — nothing is measured — so it is off unless
 * configured (LOCAL_ATTESTATION, or LOCAL_IMDS for local development), and no vault believes it unless trusted
 * (release-trust.ts). Endpoints, as MAA's: discovery, `certs` (the key set), `attest/{SevSnpVm|SgxEnclave}`.
 */
export const attestationAuthorityRoutes = new Hono<AppEnv>({ strict: false });

const notServed = (): Response => toErrorResponse(new VaultError("NotFound", "The requested resource was not found."));

attestationAuthorityRoutes.use(`${LOCAL_AUTHORITY_PATH}/*`, async (c, next) => {
  if (!localAuthorityServed(c.env)) return notServed();
  await next();
});

attestationAuthorityRoutes.get(`${LOCAL_AUTHORITY_PATH}/.well-known/openid-configuration`, (c) => {
  const issuer = localAuthorityIssuer(c.env);
  return c.json({
    issuer,
    jwks_uri: `${issuer}/certs`,
    id_token_signing_alg_values_supported: ["ES256"],
    response_types_supported: ["token"],
    claims_supported: ["x-ms-attestation-type", "x-ms-compliance-status", "x-ms-isolation-tee", "x-ms-runtime", "x-ms-ver", "x-ms-simulated"],
  });
});

const authorityKey = (c: Context<AppEnv>) => currentRootKey(c.env).then(localAuthorityKey);

attestationAuthorityRoutes.get(`${LOCAL_AUTHORITY_PATH}/certs`, async (c) => c.json({ keys: [(await authorityKey(c)).jwk] }));

attestationAuthorityRoutes.post(`${LOCAL_AUTHORITY_PATH}/attest/:tee`, async (c) => {
  const tee = c.req.param("tee");
  if (!isSimulatedTee(tee)) return notServed();
  const input = simulatedAttestationInput(await readJsonObject(c));
  const issuer = localAuthorityIssuer(c.env);
  const { key, jwk } = await authorityKey(c);
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    ...SIMULATED_TEES[tee](),
    "x-ms-ver": "1.0",
    "x-ms-runtime": input.runtime,
    "x-ms-simulated": true,
    ...input.claims,
    iss: issuer,
    iat,
    nbf: iat,
    exp: iat + input.lifetimeSeconds,
    jti: crypto.randomUUID(),
  };
  return c.json({ token: compactJws({ kid: jwk.kid, jku: `${issuer}/certs`, typ: "JWT" }, claims, key) });
});
