import { aesGcmDecrypt, aesGcmEncrypt } from "./encrypt/aes-gcm.ts";
import { prepareAesKey, type AesKey } from "./encrypt/aes-key.ts";
import { RsaEncryptionKey } from "./encrypt/rsa-encryption.ts";
import { base64UrlToBytes } from "./bytes.ts";
import { generateEc, generateOct, generateRsa } from "./keys/generate-key.ts";
import { ecSignDigest, ecVerifyDigest, prepareEcSigningKey, type EcSigningKey } from "./sign/ec-digest-signature.ts";
import { prepareRsaSigningKey, rsaSignDigest, rsaVerifyDigest, type RsaSigningKey } from "./sign/rsa-digest-signature.ts";

/**
 * The baseline `npm run bench` sets the keys API against: each primitive alone, with keys generated once
 * per isolate and already prepared, and no vault logic (no auth, lookup, key_ops, storage or JSON).
 * Reached only through GET /_bench/*, which exists only when BENCH_ECHO is "true".
 */
export const BENCH_PRIMITIVES = [
  "RS256-sign",
  "RS256-verify",
  "PS256-sign",
  "ES256-sign",
  "ES256-verify",
  "ES256K-sign",
  "RSA-OAEP-256-encrypt",
  "RSA-OAEP-256-decrypt",
  "A256GCM-encrypt",
  "A256GCM-decrypt",
] as const;
export type BenchPrimitive = (typeof BENCH_PRIMITIVES)[number];

interface BenchKeys {
  readonly rsa: RsaSigningKey;
  readonly rsaCipher: RsaEncryptionKey;
  readonly p256: EcSigningKey;
  readonly k256: EcSigningKey;
  readonly aes: AesKey;
  readonly digest: Uint8Array;
  readonly rsaSignature: Uint8Array;
  readonly p256Signature: Uint8Array;
  readonly rsaCiphertext: Uint8Array;
  readonly gcm: { ciphertext: Uint8Array; iv: Uint8Array; tag: Uint8Array };
}

let keys: Promise<BenchKeys> | null = null;

async function makeKeys(): Promise<BenchKeys> {
  const rsaJwk = await generateRsa(2048);
  const rsa = prepareRsaSigningKey(rsaJwk);
  const rsaCipher = RsaEncryptionKey.fromPrivateJwk(rsaJwk);
  const p256 = prepareEcSigningKey(generateEc("P-256"));
  const k256 = prepareEcSigningKey(generateEc("P-256K"));
  const aes = prepareAesKey(base64UrlToBytes(generateOct(256).k) ?? new Uint8Array());
  const digest = crypto.getRandomValues(new Uint8Array(32));
  const sealed = await aesGcmEncrypt("A256GCM", aes, digest);
  return {
    rsa,
    rsaCipher,
    p256,
    k256,
    aes,
    digest,
    rsaSignature: rsaSignDigest("RS256", rsa, digest),
    p256Signature: ecSignDigest("ES256", p256, digest),
    rsaCiphertext: await rsaCipher.encrypt("RSA-OAEP-256", digest),
    gcm: { ciphertext: sealed.ciphertext, iv: sealed.iv, tag: sealed.tag },
  };
}

/** Runs one primitive once; returns the output length so the work cannot be optimised away. */
export async function runPrimitive(name: BenchPrimitive): Promise<number> {
  const k = await (keys ??= makeKeys());
  switch (name) {
    case "RS256-sign":
      return rsaSignDigest("RS256", k.rsa, k.digest).length;
    case "RS256-verify":
      return rsaVerifyDigest("RS256", k.rsa, k.digest, k.rsaSignature) ? 1 : 0;
    case "PS256-sign":
      return rsaSignDigest("PS256", k.rsa, k.digest).length;
    case "ES256-sign":
      return ecSignDigest("ES256", k.p256, k.digest).length;
    case "ES256-verify":
      return ecVerifyDigest("ES256", k.p256, k.digest, k.p256Signature) ? 1 : 0;
    case "ES256K-sign":
      return ecSignDigest("ES256K", k.k256, k.digest).length;
    case "RSA-OAEP-256-encrypt":
      return (await k.rsaCipher.encrypt("RSA-OAEP-256", k.digest)).length;
    case "RSA-OAEP-256-decrypt":
      return (await k.rsaCipher.decrypt("RSA-OAEP-256", k.rsaCiphertext)).length;
    case "A256GCM-encrypt":
      return (await aesGcmEncrypt("A256GCM", k.aes, k.digest)).ciphertext.length;
    case "A256GCM-decrypt":
      return (await aesGcmDecrypt("A256GCM", k.aes, k.gcm)).length;
  }
}

/** The primitive back to back for `ms` milliseconds: its ceiling in this runtime, with no request around it. */
export async function primitiveRate(name: BenchPrimitive, ms: number): Promise<{ operations: number; seconds: number }> {
  await runPrimitive(name);
  const start = Date.now();
  let operations = 0;
  // Date.now() advances across awaits in workerd; the synchronous primitives await a resolved promise per round.
  while (Date.now() - start < ms) {
    await runPrimitive(name);
    operations++;
  }
  return { operations, seconds: (Date.now() - start) / 1000 };
}
