/**
 * `POST /securitydomain/download`, the cryptography: the HSM's domain secrets sealed under a fresh
 * 32-byte master key, and that key split M-of-N with Shamir, each share encrypted to one certificate
 * (docs/security-domain-format.md §2):
 * - share i + 1 (shamir.ts, GF(257), 64 bytes for 32) as JWE RSA-OAEP-256 / A256CBC-HS512, kid "not used",
 *   to certificate i, filed under `x5t_256` = base64url SHA-256 of that certificate's DER;
 * - each secret as JWE dir / A256CBC-HS512, kid = tag, under KDF(master key, tag) (domain-data.ts).
 * The result is the JSON text of the response's `value`, which `az keyvault security-domain download`
 * writes verbatim to its file. The master key exists only during this call.
 */
import { serializeDownload, isDatumTag, MAX_DATA_ITEMS, type EncShare } from "./blob-format.ts";
import { encryptRsaOaepJwe } from "./compact-jwe.ts";
import { assertDownloadCounts, readDownloadCertificates } from "./download-certificates.ts";
import { MASTER_KEY_BYTES, sealDomainData } from "./domain-data.ts";
import { drawBytes, secureRandomBytes, type RandomBytes } from "./random.ts";
import { split } from "./shamir.ts";

export interface DownloadInput {
  /** The HSM's domain secrets by tag (e.g. "hsm_backup"): 1–32 entries, each non-empty. */
  readonly secrets: ReadonlyMap<string, Uint8Array>;
  /** The request's `certificates`: JWKs with `x5c` (validated here; BadParameter for what is wrong). */
  readonly certificates: readonly unknown[];
  /** The request's `required` (M). */
  readonly required: unknown;
  readonly random?: RandomBytes;
}

/** The HSM's own data: a bad entry is a bug of ours, not the caller's, so a plain Error (→ 500). */
function assertSecrets(secrets: ReadonlyMap<string, Uint8Array>): void {
  if (secrets.size === 0 || secrets.size > MAX_DATA_ITEMS) throw new Error(`a security domain holds 1–${MAX_DATA_ITEMS} secrets`);
  for (const [tag, secret] of secrets) {
    if (!isDatumTag(tag)) throw new Error(`"${tag}" is not a security-domain tag`);
    if (!(secret instanceof Uint8Array) || secret.length === 0) throw new Error(`the secret "${tag}" is empty`);
  }
}

/** The download `value`: the security domain's JSON text. BadParameter for bad certificates or `required`. */
export async function createSecurityDomainDownload(input: DownloadInput): Promise<string> {
  const random = input.random ?? secureRandomBytes;
  const required = input.required;
  assertDownloadCounts(input.certificates.length, required);
  const certificates = await readDownloadCertificates(input.certificates, required);
  assertSecrets(input.secrets);

  const masterKey = drawBytes(random, MASTER_KEY_BYTES);
  const shares = split(masterKey, certificates.length, required, random);
  try {
    const data = await sealDomainData(masterKey, input.secrets, random);
    const encShares: EncShare[] = [];
    for (const [i, certificate] of certificates.entries()) {
      const share = shares[i] ?? new Uint8Array(0);
      encShares.push({ enc_key: await encryptRsaOaepJwe(certificate.publicKey, share, random), x5t_256: certificate.thumbprint });
    }
    return serializeDownload(data, encShares, required);
  } finally {
    masterKey.fill(0);
    for (const share of shares) share.fill(0);
  }
}
