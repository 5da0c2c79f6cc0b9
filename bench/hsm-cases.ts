/**
 * What the hsm part measures: one case per HSM key and operation, each through the vault API (on a key created
 * there, so the bridge generated it on the token) and as the same PKCS#11 call straight on that token (on an
 * equivalent key generated there with the bridge's own code: the vault keeps its keys' CKA_IDs to itself).
 * Sign cases sign a SHA-256 digest; decrypt cases open 32 bytes of plaintext. Each case also runs on a software
 * key of the same type and size, the same request through the same server: what the HSM request costs beyond it
 * is the hop to the bridge (issue 21's "hop cost", hsm-report.ts).
 */
import type { GenerateKeyRequest, SignAlgorithm } from "../core/hsm/bridge-client/types.ts";
import type { JsonFields } from "./scenarios/reply.ts";

export type HsmKeyKind = "rsa2048" | "rsa3072" | "rsa4096" | "p256" | "aes256";

export interface HsmKey {
  /** The key's name in the dev vault. */
  readonly name: string;
  /** Body of POST /keys/{name}/create. */
  readonly create: JsonFields;
  /** The bridge's generate request for the equivalent key on the token (wasm-hsm/bridge/keys/generate.ts). */
  readonly generate: GenerateKeyRequest;
  /** The software key of the same shape (held by the vault, no bridge) and its create body. */
  readonly software: { readonly name: string; readonly create: JsonFields };
}

/** An HSM key kind: its name in the dev vault, its create body, the token's generate, and its software twin. */
function kind(name: string, create: JsonFields, generate: GenerateKeyRequest, software: JsonFields): HsmKey {
  return { name: `bench-hsm-${name}`, create, generate, software: { name: `bench-sw-${name}`, create: software } };
}

export const HSM_KEYS: Readonly<Record<HsmKeyKind, HsmKey>> = {
  rsa2048: kind("rsa2048", { kty: "RSA-HSM", key_size: 2048 }, { kty: "RSA", size: 2048 }, { kty: "RSA", key_size: 2048 }),
  rsa3072: kind("rsa3072", { kty: "RSA-HSM", key_size: 3072 }, { kty: "RSA", size: 3072 }, { kty: "RSA", key_size: 3072 }),
  rsa4096: kind("rsa4096", { kty: "RSA-HSM", key_size: 4096 }, { kty: "RSA", size: 4096 }, { kty: "RSA", key_size: 4096 }),
  p256: kind("p256", { kty: "EC-HSM", crv: "P-256" }, { kty: "EC", curve: "P-256" }, { kty: "EC", crv: "P-256" }),
  aes256: kind("aes256", { kty: "oct-HSM", key_size: 256 }, { kty: "oct", size: 256 }, { kty: "oct", key_size: 256 }),
};

interface HsmCaseOf<Op extends string, Alg extends string> {
  readonly name: string;
  readonly key: HsmKeyKind;
  readonly op: Op;
  readonly alg: Alg;
}

export type HsmCase =
  | HsmCaseOf<"sign", Extract<SignAlgorithm, "RS256" | "PS256" | "ES256">>
  | HsmCaseOf<"decrypt", "RSA-OAEP" | "RSA-OAEP-256" | "A256GCM">;

/**
 * Issue 21's headline case: its lone-request latency (p50/p99 at concurrency 1 must not get worse) and its rate
 * against the per-request HTTP path (≥ 2×) are measured on it.
 */
export const LONE_CASE = "RSA-2048 RS256 sign";

export const HSM_CASES: readonly HsmCase[] = [
  { name: "RSA-2048 RS256 sign", key: "rsa2048", op: "sign", alg: "RS256" },
  { name: "RSA-3072 PS256 sign", key: "rsa3072", op: "sign", alg: "PS256" },
  // Where the token's work outweighs the API's fixed CPU cost per request, so the API comes closest to direct.
  { name: "RSA-4096 RS256 sign", key: "rsa4096", op: "sign", alg: "RS256" },
  { name: "P-256 ES256 sign", key: "p256", op: "sign", alg: "ES256" },
  // SoftHSM2 2.6.1 does OAEP with SHA-1 natively; with SHA-256 the bridge decodes raw RSA (docs/decisions.md §4.1).
  { name: "RSA-2048 RSA-OAEP decrypt", key: "rsa2048", op: "decrypt", alg: "RSA-OAEP" },
  { name: "RSA-2048 RSA-OAEP-256 decrypt", key: "rsa2048", op: "decrypt", alg: "RSA-OAEP-256" },
  { name: "AES-256 A256GCM decrypt", key: "aes256", op: "decrypt", alg: "A256GCM" },
];

/** What is signed (a SHA-256 digest) and what is encrypted, on both sides. */
export const HSM_INPUT_BYTES = 32;

/** Bytes of a sign's JWS signature (RSA: the modulus; ES256: r‖s) or of a decrypt's plaintext. */
export function hsmOutputBytes(c: HsmCase): number {
  if (c.op === "decrypt") return HSM_INPUT_BYTES;
  const { generate } = HSM_KEYS[c.key];
  return generate.kty === "RSA" ? generate.size / 8 : 64;
}
