import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from "jose";
import { issuerFor } from "../../core/domain/identity/issuer.ts";
import { recallVerified, rememberVerified, verifiedTokenKey, type VerifiedCaller } from "./verified-tokens.ts";
import { TOKEN_ALG } from "../../core/crypto/token-signer.ts";
import { tenantKeys } from "./jwks-cache.ts";

/** Clock skew tolerated on exp/nbf, in seconds. */
const CLOCK_TOLERANCE_S = 60;

export interface Expected {
  readonly tenantId: string;
  /** The resource the token must be for; accepted with or without a trailing "/" (docs/client-contract.md §2). */
  readonly audience: string;
}

/**
 * Verifies a bearer token for a tenant: ES256 signature by one of the tenant's keys, issuer, audience,
 * exp/nbf with small skew, and that `tid` is the tenant. Returns the caller, or null for any failure:
 * callers answer every failure with the same challenge. A token verified in this isolate lately is recalled, not
 * verified again (verified-tokens.ts).
 */
export async function verifyToken(env: Env, token: string, expected: Expected): Promise<VerifiedCaller | null> {
  const key = verifiedTokenKey(token, expected.tenantId, expected.audience);
  const recalled = recallVerified(key, Date.now());
  if (recalled !== null) return recalled;
  const caller = await verifyAfresh(env, token, expected);
  if (caller !== null) rememberVerified(key, caller, Date.now(), CLOCK_TOLERANCE_S);
  return caller;
}

async function verifyAfresh(env: Env, token: string, expected: Expected): Promise<VerifiedCaller | null> {
  const options = {
    algorithms: [TOKEN_ALG],
    issuer: issuerFor(env.ISSUER_ORIGIN, expected.tenantId),
    audience: [expected.audience, `${expected.audience}/`],
    clockTolerance: CLOCK_TOLERANCE_S,
    requiredClaims: ["exp", "tid", "oid"],
  };
  // Refuse malformed tokens and foreign algorithms before jose: it throws those synchronously inside a
  // promise chain, which workerd reports as an unhandled rejection for every such request.
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== TOKEN_ALG || typeof header.kid !== "string") return null;
  } catch {
    return null;
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, await tenantKeys(env, expected.tenantId), options));
  } catch (err) {
    if (!(err instanceof errors.JWKSNoMatchingKey)) return null;
    try {
      ({ payload } = await jwtVerify(token, await tenantKeys(env, expected.tenantId, true), options));
    } catch {
      return null;
    }
  }
  const { tid, oid, appid } = payload;
  if (tid !== expected.tenantId || typeof oid !== "string") return null;
  const groups = groupsOf(payload.groups);
  return {
    tenantId: tid,
    objectId: oid,
    appId: typeof appid === "string" ? appid : oid,
    ...(groups.length === 0 ? {} : { groups }),
    principalType: typeof payload["xms_mirid"] === "string" ? "ManagedIdentity" : payload.idtyp === "user" ? "User" : "ServicePrincipal",
    claims: payload,
  };
}

/** Entra's `groups` claim: at most 200 group ids (more is "overage", which this token service never issues). */
const MAX_TOKEN_GROUPS = 200;

function groupsOf(claim: unknown): string[] {
  if (!Array.isArray(claim)) return [];
  return claim.filter((g): g is string => typeof g === "string" && g.length > 0 && g.length <= 64).slice(0, MAX_TOKEN_GROUPS);
}
