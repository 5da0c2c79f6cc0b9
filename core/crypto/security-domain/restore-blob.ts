/**
 * The client side of recovery, what `az keyvault security-domain restore-blob` (and Az PowerShell's
 * RestoreSecurityDomainBlob) does (docs/security-domain-format.md §6), for tests and for `npm run dev`'s
 * own activation:
 * 1. each wrapping key's certificate → SHA-256 → the enc_share with that `x5t_256` → its JWE decrypted;
 *    `required` shares, no more ("Insufficient shares available." otherwise, the CLI's words);
 * 2. Shamir combine → the old master key; every EncData datum opened with KDF(old, tag);
 * 3. a new random 32-byte master key; each plaintext sealed again under KDF(new, tag);
 * 4. the new key wrapped to the exchange (transfer) certificate, JWE RSA-OAEP-256 / A256CBC-HS512;
 * 5. {"EncData":{…},"WrappedKey":{"enc_key","x5t_256"}} — the upload `value`.
 * The JWEs are written once-encoded (PS and the newer CLI); upload-blob.ts also takes the CLI's
 * double-encoded form. Cryptographic failures are the one generic error (restore-failed.ts).
 */
import { VaultError } from "../../errors/vault-error.ts";
import { parseDownload, serializeRestoreBlob, type EncShare } from "./blob-format.ts";
import { decryptRsaOaepJwe, encryptRsaOaepJwe } from "./compact-jwe.ts";
import { MASTER_KEY_BYTES, openDomainData, sealDomainData } from "./domain-data.ts";
import { importOaepPrivateKey, type OaepPrivateKeyInput } from "./oaep-private-key.ts";
import { drawBytes, secureRandomBytes, type RandomBytes } from "./random.ts";
import { restoreFailed } from "./restore-failed.ts";
import { certificateThumbprint, readRsaCertificate } from "./rsa-certificate.ts";
import { combine } from "./shamir.ts";

/** A share holder's key: the certificate sent at download (DER) and its private key. */
export interface WrappingKey {
  readonly certificate: Uint8Array;
  readonly privateKey: OaepPrivateKeyInput;
}

export interface RestoreBlobInput {
  /** The download `value` (the security domain file's text). */
  readonly securityDomain: string;
  /** At least `required` of the share holders' keys; the first `required` that match a share are used. */
  readonly wrappingKeys: readonly WrappingKey[];
  /** The transfer key's certificate, `x5c[0]` of `GET /securitydomain/upload` (DER). */
  readonly exchangeCertificate: Uint8Array;
  readonly random?: RandomBytes;
}

interface MatchedShare {
  readonly encKey: string;
  readonly privateKey: CryptoKey;
}

async function matchShares(shares: readonly EncShare[], keys: readonly WrappingKey[], required: number): Promise<MatchedShare[]> {
  const matched: MatchedShare[] = [];
  const used = new Set<string>();
  for (const [i, key] of keys.entries()) {
    if (matched.length === required) break;
    const thumbprint = await certificateThumbprint(key.certificate);
    const share = shares.find((s) => s.x5t_256 === thumbprint);
    if (share === undefined) throw new VaultError("BadParameter", `wrappingKeys[${i}]: no share of the security domain belongs to its certificate.`);
    if (used.has(thumbprint)) throw new VaultError("BadParameter", `wrappingKeys[${i}]: this certificate's share is already used.`);
    used.add(thumbprint);
    matched.push({ encKey: share.enc_key, privateKey: await importOaepPrivateKey(key.privateKey, `wrappingKeys[${i}].privateKey`) });
  }
  if (matched.length < required) throw new VaultError("BadParameter", "Insufficient shares available.");
  return matched;
}

/** The old master key from the shares, or the generic error: Shamir cannot tell a wrong share from a right one. */
async function recoverMasterKey(matched: readonly MatchedShare[], random: RandomBytes): Promise<Uint8Array> {
  const shares: Uint8Array[] = [];
  try {
    for (const { encKey, privateKey } of matched) shares.push(await decryptRsaOaepJwe(encKey, privateKey, random));
    return combine(shares);
  } catch {
    throw restoreFailed();
  } finally {
    for (const share of shares) share.fill(0);
  }
}

/** The upload `value` (restore blob JSON text) for `securityDomain`, re-keyed to the exchange certificate. */
export async function createRestoreBlob(input: RestoreBlobInput): Promise<string> {
  const random = input.random ?? secureRandomBytes;
  const domain = parseDownload(input.securityDomain);
  if (typeof domain === "string") throw new VaultError("BadParameter", domain);
  const exchange = await readRsaCertificate(input.exchangeCertificate, "The exchange certificate");
  const matched = await matchShares(domain.SharedKeys.enc_shares, input.wrappingKeys, domain.SharedKeys.required);

  const oldKey = await recoverMasterKey(matched, random);
  let secrets: Map<string, Uint8Array>;
  try {
    secrets = await openDomainData(oldKey, domain.EncData.data);
  } catch {
    throw restoreFailed(); // the usual sign of shares that do not belong together (Shamir has no integrity)
  } finally {
    oldKey.fill(0);
  }

  const newKey = drawBytes(random, MASTER_KEY_BYTES);
  try {
    const data = await sealDomainData(newKey, secrets, random);
    const wrapped = await encryptRsaOaepJwe(exchange.publicKey, newKey, random);
    return serializeRestoreBlob(data, { enc_key: wrapped, x5t_256: exchange.thumbprint });
  } finally {
    newKey.fill(0);
    for (const secret of secrets.values()) secret.fill(0);
  }
}
