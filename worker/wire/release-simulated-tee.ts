import { badParameter } from "../../core/errors/vault-error.ts";
import type { JsonObject } from "./json-body.ts";

/**
 * What the local attestation authority attests: a simulated confidential VM (AMD SEV-SNP, as Microsoft Azure
 * Attestation's guest attestation reports one) or SGX enclave, with the claims MAA puts in its tokens
 * (learn.microsoft.com/azure/attestation/attestation-token-examples). Nothing is measured: the request states what
 * the workload is, and the token says so in `x-ms-simulated`. Request claims override these defaults.
 */
export const SIMULATED_TEES = {
  SevSnpVm: () => ({
    "x-ms-attestation-type": "azurevm",
    "x-ms-compliance-status": "azure-compliant-cvm",
    "x-ms-azurevm-vmid": crypto.randomUUID().toUpperCase(),
    "x-ms-isolation-tee": {
      "x-ms-attestation-type": "sevsnpvm",
      "x-ms-compliance-status": "azure-compliant-cvm",
      "x-ms-sevsnpvm-is-debuggable": false,
      "x-ms-sevsnpvm-bootloader-svn": 3,
      "x-ms-sevsnpvm-microcode-svn": 115,
      "x-ms-sevsnpvm-snpfw-svn": 8,
      "x-ms-sevsnpvm-tee-svn": 0,
      "x-ms-sevsnpvm-guestsvn": 1,
      "x-ms-sevsnpvm-vmpl": 0,
    },
  }),
  SgxEnclave: () => ({
    "x-ms-attestation-type": "sgx",
    "x-ms-sgx-is-debuggable": false,
    "x-ms-sgx-mrenclave": "0".repeat(64),
    "x-ms-sgx-mrsigner": "0".repeat(64),
    "x-ms-sgx-product-id": 0,
    "x-ms-sgx-svn": 0,
  }),
} as const;

export type SimulatedTee = keyof typeof SIMULATED_TEES;

export function isSimulatedTee(value: string): value is SimulatedTee {
  return Object.prototype.hasOwnProperty.call(SIMULATED_TEES, value);
}

/** MAA's tokens live 8 hours; a request may ask for less (or more, up to a day). */
export const DEFAULT_TOKEN_LIFETIME_S = 8 * 3600;
export const MAX_TOKEN_LIFETIME_S = 24 * 3600;
/** Claims the authority sets itself: who issued the token and when it is valid are not the requester's to say. */
const RESERVED = ["iss", "iat", "nbf", "exp", "jti", "x-ms-simulated"];

export interface SimulatedAttestation {
  readonly runtime: JsonObject;
  readonly claims: JsonObject;
  readonly lifetimeSeconds: number;
}

function optionalObject(body: JsonObject, field: string): JsonObject {
  const value = body[field];
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw badParameter(`'${field}' must be a JSON object.`);
  return value as JsonObject;
}

/**
 * The request: `runtimeData` (what the guest declares, MAA's `x-ms-runtime`: its `keys` are the keys a release is
 * wrapped to), `nonce` (put in `x-ms-runtime.client-payload.nonce`, where a guest's nonce travels), `claims` and
 * `lifetimeSeconds`.
 */
export function simulatedAttestationInput(body: JsonObject): SimulatedAttestation {
  const runtime = { ...optionalObject(body, "runtimeData") };
  const nonce = body.nonce;
  if (nonce !== undefined && nonce !== null) {
    if (typeof nonce !== "string") throw badParameter("'nonce' must be a string.");
    const payload = runtime["client-payload"];
    runtime["client-payload"] = { ...(typeof payload === "object" && payload !== null && !Array.isArray(payload) ? payload : {}), nonce };
  }
  const claims = optionalObject(body, "claims");
  const reserved = RESERVED.find((name) => name in claims);
  if (reserved !== undefined) throw badParameter(`The claim '${reserved}' is set by the authority, not by the request.`);
  const lifetime = body.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_S;
  if (typeof lifetime !== "number" || !Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_TOKEN_LIFETIME_S) {
    throw badParameter(`'lifetimeSeconds' must be an integer from 1 to ${MAX_TOKEN_LIFETIME_S}.`);
  }
  return { runtime, claims, lifetimeSeconds: lifetime };
}
