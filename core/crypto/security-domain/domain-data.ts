/**
 * The EncData of a security domain: each of the HSM's domain secrets as a JWE `dir` / A256CBC-HS512,
 * `kid` = its tag, under KDF(master key, label = tag) (docs/security-domain-format.md §2, §5). The same
 * sealing serves the download (the HSM's master key) and the restore blob (the client's new one).
 * Shamir has no integrity, so these HS512 tags are what reveals a wrong master key on the way back.
 */
import type { EncDatum } from "./blob-format.ts";
import { decryptDirJwe, encryptDirJwe } from "./compact-jwe.ts";
import type { RandomBytes } from "./random.ts";
import { datumKey } from "./sp800-108-kdf.ts";

/** A fresh 32-byte master key per download and per restore: a 64-byte share in the spec example is 32 key bytes × 2. */
export const MASTER_KEY_BYTES = 32;

export async function sealDomainData(
  masterKey: Uint8Array,
  secrets: ReadonlyMap<string, Uint8Array>,
  random: RandomBytes,
): Promise<EncDatum[]> {
  const data: EncDatum[] = [];
  for (const [tag, secret] of secrets) {
    const key = await datumKey(masterKey, tag);
    try {
      data.push({ compact_jwe: await encryptDirJwe(key, tag, secret, random), tag });
    } finally {
      key.fill(0);
    }
  }
  return data;
}

/** Every datum opened and authenticated, in order; IntegrityError (from compact-jwe.ts) at the first that is not. */
export async function openDomainData(masterKey: Uint8Array, data: readonly EncDatum[]): Promise<Map<string, Uint8Array>> {
  const secrets = new Map<string, Uint8Array>();
  for (const { compact_jwe, tag } of data) {
    const key = await datumKey(masterKey, tag);
    try {
      secrets.set(tag, await decryptDirJwe(compact_jwe, key, tag));
    } finally {
      key.fill(0);
    }
  }
  return secrets;
}
