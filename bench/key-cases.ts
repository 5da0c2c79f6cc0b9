/**
 * What the keys part measures: one case per algorithm and operation, each both through the API and as the raw
 * primitive. `name` is the Worker's primitive name (BENCH_PRIMITIVES in durable-objects/bench-primitives.ts;
 * the server answers 404 to any other, so the two lists cannot drift apart unnoticed).
 */
export type KeyKind = "rsa" | "p256" | "k256" | "oct";
export type KeyOperation = "sign" | "verify" | "encrypt" | "decrypt";

export interface KeyCase {
  readonly name: string;
  readonly key: KeyKind;
  readonly op: KeyOperation;
  readonly alg: string;
}

export const KEY_CASES: readonly KeyCase[] = [
  { name: "RS256-sign", key: "rsa", op: "sign", alg: "RS256" },
  { name: "RS256-verify", key: "rsa", op: "verify", alg: "RS256" },
  { name: "PS256-sign", key: "rsa", op: "sign", alg: "PS256" },
  { name: "ES256-sign", key: "p256", op: "sign", alg: "ES256" },
  { name: "ES256-verify", key: "p256", op: "verify", alg: "ES256" },
  { name: "ES256K-sign", key: "k256", op: "sign", alg: "ES256K" },
  { name: "RSA-OAEP-256-encrypt", key: "rsa", op: "encrypt", alg: "RSA-OAEP-256" },
  { name: "RSA-OAEP-256-decrypt", key: "rsa", op: "decrypt", alg: "RSA-OAEP-256" },
  { name: "A256GCM-encrypt", key: "oct", op: "encrypt", alg: "A256GCM" },
  { name: "A256GCM-decrypt", key: "oct", op: "decrypt", alg: "A256GCM" },
];

/** What is signed (a SHA-256-sized digest) and what is encrypted, by the API and the primitive alike. */
export const INPUT_BYTES = 32;

/** RSA-2048 on both sides. */
const RSA_BYTES = 256;

/**
 * Bytes of what the operation produces with the case's key (JWS signatures: r‖s for EC), and 1 for a verify that
 * holds: that is what the primitive route answers, and what a sign, encrypt or decrypt through the API returns.
 */
export function outputBytes(c: KeyCase): number {
  if (c.op === "verify") return 1;
  if (c.op === "decrypt") return INPUT_BYTES;
  if (c.key === "rsa") return RSA_BYTES;
  // GCM ciphertext is as long as the plaintext; iv and tag travel beside it.
  return c.key === "oct" ? INPUT_BYTES : 64;
}
