import { utf8 } from "../bytes.ts";
import { hsmBackupAad } from "./aad.ts";
import { open, seal } from "./aead.ts";

/**
 * A managed HSM's full backup blobs (docs/managed-hsm.md "Backup and restore"): AES-256-GCM under a key derived
 * with HKDF-SHA-256 (RFC 5869) from the HSM's security-domain secret `hsm_backup`, so only an HSM holding the same
 * security domain restores them; the AAD names the blob within its folder, so no blob opens in another's place.
 * The HSM's own name is not bound: a restore into another HSM of the same domain is the point.
 */
const PURPOSE = "edge-vault/hsm-backup/v1";

export async function hsmBackupKey(domainSecret: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", domainSecret, "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: utf8("edge-vault"), info: utf8(PURPOSE) },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

export function sealBackupBlob(key: CryptoKey, folder: string, blob: string, payload: unknown): Promise<Uint8Array<ArrayBuffer>> {
  return seal(key, utf8(JSON.stringify(payload)), hsmBackupAad(folder, blob));
}

/** The blob's payload, or null when it does not open under this key in this place (another domain, moved, altered). */
export async function openBackupBlob(key: CryptoKey, folder: string, blob: string, sealed: Uint8Array): Promise<unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(await open(key, sealed, hsmBackupAad(folder, blob)))) as unknown;
  } catch {
    return null;
  }
}
