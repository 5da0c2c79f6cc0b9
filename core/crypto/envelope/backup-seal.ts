import { backupAad } from "./aad.ts";
import { open, seal } from "./aead.ts";
import { base64UrlToBytes, bytesToBase64Url, concatBytes, utf8 } from "../bytes.ts";
import type { RootKey } from "./root-key.ts";

/** Format marker, so a future backup format can be told apart. */
const FORMAT_V1 = 0x01;

/**
 * Backups are opaque blobs restorable only within the same tenant (Azure: same subscription and
 * geography). The payload is sealed with a tenant-specific key derived from the root key, AAD naming
 * tenant and object kind; a blob from another tenant or of another kind fails to open.
 */
export async function sealBackup(root: RootKey, tenantId: string, kind: string, payload: unknown): Promise<string> {
  const key = await root.deriveAesKey(`backup/v1/${tenantId}`);
  const sealed = await seal(key, utf8(JSON.stringify(payload)), backupAad(tenantId, kind));
  return bytesToBase64Url(concatBytes(new Uint8Array([FORMAT_V1]), sealed));
}

/** Returns the payload, or null when the blob is malformed, tampered with, or not this tenant's. */
export async function openBackup(root: RootKey, tenantId: string, kind: string, blob: string): Promise<unknown> {
  const bytes = base64UrlToBytes(blob);
  if (bytes === null || bytes.length < 2 || bytes[0] !== FORMAT_V1) return null;
  try {
    const key = await root.deriveAesKey(`backup/v1/${tenantId}`);
    const plain = await open(key, bytes.subarray(1), backupAad(tenantId, kind));
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return null;
  }
}
