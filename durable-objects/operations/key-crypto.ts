import { VaultError } from "../../core/errors/vault-error.ts";
import { DecryptionFailed, DECRYPTION_FAILED_MESSAGE } from "../../core/crypto/encrypt/decryption-failed.ts";
import {
  ENCRYPTION_ALGORITHMS,
  assertEncryptIv,
  assertEncryptionAlgorithm,
  assertKeyTypeFor,
  assertOperationAllowed,
  type RsaEncryptionAlgorithm,
} from "../../core/crypto/encrypt/encryption-algorithms.ts";
import { rsaMaxPlaintextBytes } from "../../core/crypto/encrypt/rsa-encryption.ts";
import type { KeyHandle } from "../../core/crypto/providers/key-provider.ts";
import type { KeyOperation } from "../../core/crypto/keys/key-types.ts";
import { assertAlgorithmFitsKey, assertDigestLength, assertSignatureAlgorithm } from "../../core/crypto/sign/signature-algorithms.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { parseKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import type { KeyResults } from "../../core/contract/keys.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { keyHandleFor } from "./key-material.ts";
import { assertKeyUsable } from "./key-usage.ts";
import { liveVersion } from "./object-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing, KeyAccess } from "./vault-context.ts";

type CryptoKinds = "key.sign" | "key.verify" | "key.encrypt" | "key.decrypt" | "key.wrap" | "key.unwrap" | "rng";
type Handlers = { readonly [K in CryptoKinds]: (ctx: VaultScope & ObjectStore & Sealing & KeyAccess, op: OpOf<K>) => Promise<KeyResults[K]> };

interface UsableKey {
  readonly version: StoredVersion;
  readonly props: KeyProperties;
  readonly handle: KeyHandle;
}

/** The addressed version, checked for the operation (enabled, key_ops, validity window), with a handle for the provider. */
function usable(ctx: VaultScope & ObjectStore & Sealing, op: { name: string; version?: string }, operation: KeyOperation): UsableKey {
  const version = liveVersion(ctx, "key", op.name, op.version);
  const props = parseKeyProperties(version.props);
  assertKeyUsable(operation, version.attributes, props, toUnixSeconds(ctx.clock.now()));
  return { version, props, handle: keyHandleFor(ctx, version, props) };
}

/** RSA modulus length in bytes (RSNULL digests and RSA plaintexts are bounded by it). */
const modulusBytes = (props: KeyProperties): number | undefined => (props.keySize === undefined ? undefined : props.keySize / 8);

/** Every decrypt/unwrap failure becomes one message, whatever went wrong (no padding oracle). */
async function generic<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof DecryptionFailed) throw new VaultError("BadParameter", DECRYPTION_FAILED_MESSAGE);
    throw err;
  }
}

function encryptionAlgorithm(raw: string, operation: "encrypt" | "decrypt" | "wrapKey" | "unwrapKey", props: KeyProperties) {
  const alg = assertEncryptionAlgorithm(raw);
  assertOperationAllowed(alg, operation);
  assertKeyTypeFor(alg, props.kty);
  return alg;
}

/** RSA input bounds (RFC 8017 §7.1.1, §7.2.1): too long a plaintext is the caller's error, not a crypto failure. */
function assertRsaPlaintext(alg: string, props: KeyProperties, plaintext: Uint8Array): void {
  const k = modulusBytes(props);
  if (ENCRYPTION_ALGORITHMS[alg as RsaEncryptionAlgorithm]?.family !== "rsa" || k === undefined) return;
  const max = rsaMaxPlaintextBytes(alg as RsaEncryptionAlgorithm, k);
  if (plaintext.length > max) throw new VaultError("BadParameter", `The value is too long for ${alg} with this key: at most ${max} bytes.`);
}

/** Cryptographic operations (keys.json sign/verify/encrypt/decrypt/wrapKey/unwrapKey, and /rng). */
export const keyCryptoHandlers: Handlers = {
  async "key.sign"(ctx, op) {
    const key = usable(ctx, op, "sign");
    const alg = assertSignatureAlgorithm(op.alg);
    assertAlgorithmFitsKey(alg, key.props);
    // Azure signs a digest (Keys – Sign): its length must be the algorithm's, never re-hashed here.
    assertDigestLength(alg, op.digest, modulusBytes(key.props));
    const value = await ctx.keys.sign(key.handle, alg, op.digest);
    return { name: key.version.name, version: key.version.version, value };
  },

  async "key.verify"(ctx, op) {
    const key = usable(ctx, op, "verify");
    const alg = assertSignatureAlgorithm(op.alg);
    assertAlgorithmFitsKey(alg, key.props);
    assertDigestLength(alg, op.digest, modulusBytes(key.props));
    return { value: await ctx.keys.verify(key.handle, alg, op.digest, op.signature) };
  },

  async "key.encrypt"(ctx, op) {
    const key = usable(ctx, op, "encrypt");
    const alg = encryptionAlgorithm(op.alg, "encrypt", key.props);
    const iv = assertEncryptIv(alg, op.iv);
    assertRsaPlaintext(alg, key.props, op.plaintext);
    const out = await ctx.keys.encrypt(key.handle, alg, op.plaintext, { ...(iv === undefined ? {} : { iv }), ...(op.aad === undefined ? {} : { aad: op.aad }) });
    const gcm = ENCRYPTION_ALGORITHMS[alg].family === "aes-gcm";
    return {
      name: key.version.name,
      version: key.version.version,
      value: out.value,
      ...(out.iv === undefined ? {} : { iv: out.iv }),
      ...(out.tag === undefined ? {} : { tag: out.tag }),
      // AES-GCM echoes the AAD it authenticated (A256GCM recording); other algorithms ignore it.
      ...(gcm && op.aad !== undefined ? { aad: op.aad } : {}),
    };
  },

  async "key.decrypt"(ctx, op) {
    const key = usable(ctx, op, "decrypt");
    const alg = encryptionAlgorithm(op.alg, "decrypt", key.props);
    const options = {
      ...(op.iv === undefined ? {} : { iv: op.iv }),
      ...(op.aad === undefined ? {} : { aad: op.aad }),
      ...(op.tag === undefined ? {} : { tag: op.tag }),
    };
    const value = await generic(() => ctx.keys.decrypt(key.handle, alg, op.ciphertext, options));
    return { name: key.version.name, version: key.version.version, value };
  },

  async "key.wrap"(ctx, op) {
    const key = usable(ctx, op, "wrapKey");
    const alg = encryptionAlgorithm(op.alg, "wrapKey", key.props);
    assertRsaPlaintext(alg, key.props, op.key);
    const value = await ctx.keys.wrap(key.handle, alg, op.key);
    return { name: key.version.name, version: key.version.version, value };
  },

  async "key.unwrap"(ctx, op) {
    const key = usable(ctx, op, "unwrapKey");
    const alg = encryptionAlgorithm(op.alg, "unwrapKey", key.props);
    const value = await generic(() => ctx.keys.unwrap(key.handle, alg, op.wrapped));
    return { name: key.version.name, version: key.version.version, value };
  },

  async rng(_ctx, op) {
    return { value: crypto.getRandomValues(new Uint8Array(op.count)) };
  },
};
