/**
 * `POST /securitydomain/upload`, the HSM side (docs/security-domain-format.md §6): the restore blob's
 * `WrappedKey` must name our transfer certificate (`x5t_256`) and open with the transfer private key to a
 * 32-byte master key; every EncData datum must then open under KDF(master key, tag) with its full 32-byte
 * HS512 tag verified and its header `kid` equal to its tag. Shares never reach the HSM.
 *
 * Any failure, whatever the step, is the one BadParameter "The security domain could not be restored."
 * (restore-failed.ts): the blob is attacker-controlled and the steps must not be told apart.
 */
import { parseRestoreBlob } from "./blob-format.ts";
import { decryptRsaOaepJwe } from "./compact-jwe.ts";
import { MASTER_KEY_BYTES, openDomainData } from "./domain-data.ts";
import { importOaepPrivateKey, type OaepPrivateKeyInput } from "./oaep-private-key.ts";
import { secureRandomBytes, type RandomBytes } from "./random.ts";
import { restoreFailed } from "./restore-failed.ts";

export interface TransferPrivateKey {
  /** The transfer key pair's private half (transfer-key.ts `privateJwk`, or a WebCrypto key). */
  readonly privateKey: OaepPrivateKeyInput;
  /** base64url SHA-256 of the transfer certificate's DER, as published in `x5t#S256`. */
  readonly thumbprint: string;
}

export interface UploadOptions {
  /** When given, the restored tags must be exactly these (any order), or the one generic error. */
  readonly expectedTags?: readonly string[];
  readonly random?: RandomBytes;
}

async function transferKey(input: OaepPrivateKeyInput): Promise<CryptoKey> {
  try {
    return await importOaepPrivateKey(input, "The transfer key");
  } catch {
    // Our own key is unusable: a fault of this service, never reported as the caller's bad parameter.
    throw new Error("the security-domain transfer key cannot decrypt");
  }
}

function sameTags(secrets: ReadonlyMap<string, Uint8Array>, expected: readonly string[]): boolean {
  const wanted = new Set(expected);
  return wanted.size === secrets.size && [...secrets.keys()].every((tag) => wanted.has(tag));
}

/** The domain secrets by tag from the upload `value`, or BadParameter with the one generic message. */
export async function openRestoreBlob(value: string, transfer: TransferPrivateKey, options: UploadOptions = {}): Promise<Map<string, Uint8Array>> {
  const privateKey = await transferKey(transfer.privateKey);
  const blob = parseRestoreBlob(value);
  if (blob === null || blob.WrappedKey.x5t_256 !== transfer.thumbprint) throw restoreFailed();

  let masterKey: Uint8Array | undefined;
  let secrets: Map<string, Uint8Array>;
  try {
    masterKey = await decryptRsaOaepJwe(blob.WrappedKey.enc_key, privateKey, options.random ?? secureRandomBytes);
    if (masterKey.length !== MASTER_KEY_BYTES) throw restoreFailed();
    secrets = await openDomainData(masterKey, blob.EncData.data);
  } catch {
    throw restoreFailed();
  } finally {
    masterKey?.fill(0);
  }
  if (options.expectedTags !== undefined && !sameTags(secrets, options.expectedTags)) {
    for (const secret of secrets.values()) secret.fill(0);
    throw restoreFailed();
  }
  return secrets;
}
