import { backupAad } from "./aad.ts";
import { open, seal } from "./aead.ts";
import { base64UrlToBytes, bytesToBase64Url, concatBytes, utf8 } from "../bytes.ts";
import type { RootKeyRing } from "./root-key-ring.ts";

/** Format markers: 0x01 is sealed under root key version 1 (every blob made before rotation existed); 0x02 names its
 * version in the next four bytes (big-endian), so a blob a customer holds opens after the ring has moved on. */
const FORMAT_V1 = 0x01;
const FORMAT_VERSIONED = 0x02;
const VERSION_BYTES = 4;

/**
 * Backups are opaque blobs restorable only within the same tenant (Azure: same subscription and
 * geography). The payload is sealed with a tenant-specific key derived from the current root key version, AAD naming
 * tenant and object kind; a blob from another tenant or of another kind fails to open. A blob stays restorable while
 * the root key version it names is configured and not retired (docs/root-key-rotation.md "Backups").
 */
export async function sealBackup(ring: RootKeyRing, tenantId: string, kind: string, payload: unknown): Promise<string> {
  const { version, root } = await ring.currentKey();
  const key = await root.deriveAesKey(`backup/v1/${tenantId}`);
  const sealed = await seal(key, utf8(JSON.stringify(payload)), backupAad(tenantId, kind));
  return bytesToBase64Url(concatBytes(header(version), sealed));
}

/** Returns the payload, or null when the blob is malformed, tampered with, not this tenant's, or its version is gone. */
export async function openBackup(ring: RootKeyRing, tenantId: string, kind: string, blob: string): Promise<unknown> {
  const bytes = base64UrlToBytes(blob);
  const parsed = bytes === null ? null : parse(bytes);
  if (parsed === null) return null;
  try {
    const key = await (await ring.key(parsed.version)).deriveAesKey(`backup/v1/${tenantId}`);
    const plain = await open(key, parsed.sealed, backupAad(tenantId, kind));
    return JSON.parse(new TextDecoder().decode(plain)) as unknown;
  } catch {
    return null;
  }
}

function header(version: number): Uint8Array {
  if (version === 1) return new Uint8Array([FORMAT_V1]);
  const bytes = new Uint8Array(1 + VERSION_BYTES);
  bytes[0] = FORMAT_VERSIONED;
  new DataView(bytes.buffer).setUint32(1, version);
  return bytes;
}

function parse(bytes: Uint8Array): { version: number; sealed: Uint8Array } | null {
  if (bytes.length >= 2 && bytes[0] === FORMAT_V1) return { version: 1, sealed: bytes.subarray(1) };
  if (bytes.length < 2 + VERSION_BYTES || bytes[0] !== FORMAT_VERSIONED) return null;
  const version = new DataView(bytes.buffer, bytes.byteOffset + 1, VERSION_BYTES).getUint32(0);
  return version < 2 ? null : { version, sealed: bytes.subarray(1 + VERSION_BYTES) };
}
