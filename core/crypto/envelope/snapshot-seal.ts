import { snapshotAad, snapshotKeyAad, type AadVault } from "./aad.ts";
import { open, seal } from "./aead.ts";
import { concatBytes } from "../bytes.ts";
import type { RootKeyRing } from "./root-key-ring.ts";

/** Format marker (first byte), so a later snapshot format can be told apart. */
const FORMAT_V1 = 0x01;
/** The root key version whose derived KEK wrapped the snapshot key (big-endian), so snapshots survive rotation. */
const VERSION_BYTES = 4;
const HEADER_BYTES = 1 + VERSION_BYTES;
/** The snapshot key sealed by aead.ts: 12-byte IV, 32-byte key, 16-byte tag. */
const WRAPPED_KEY_BYTES = 12 + 32 + 16;

/** The vault and snapshot a blob belongs to: its AADs name all three, so a blob moved anywhere else fails to open. */
export interface SnapshotScope extends AadVault {
  readonly snapshotId: string;
}

/** The key that wraps snapshot keys: one per tenant, derived from the root key (never stored). */
const kekPurpose = (tenantId: string): string => `vault-snapshot/v1/${tenantId}`;

/**
 * Seals a whole-vault snapshot (docs/vault-snapshots.md "Format"): a fresh AES-256-GCM key per snapshot encrypts the
 * contents, and that key is stored beside them wrapped by the tenant's snapshot KEK, derived from the current root
 * key version. Output: format byte ‖ root key version ‖ wrapped key ‖ sealed contents. A snapshot opens while its root
 * key version is configured and not retired (docs/root-key-rotation.md "Backups" holds for snapshots too).
 */
export async function sealSnapshot(ring: RootKeyRing, scope: SnapshotScope, contents: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const { version, root } = await ring.currentKey();
  const header = new Uint8Array(HEADER_BYTES);
  header[0] = FORMAT_V1;
  new DataView(header.buffer).setUint32(1, version);
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const kek = await root.deriveAesKey(kekPurpose(scope.tenantId));
  const wrappedKey = await seal(kek, raw, snapshotKeyAad(scope, scope.snapshotId));
  const key = await importAes(raw);
  raw.fill(0);
  const sealed = await seal(key, contents, snapshotAad(scope, scope.snapshotId));
  return concatBytes(header, wrappedKey, sealed);
}

/**
 * The contents, or null when the blob is truncated, tampered with, not this tenant's, vault's and snapshot's, or its
 * root key version is gone.
 */
export async function openSnapshot(ring: RootKeyRing, scope: SnapshotScope, blob: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
  if (blob.length < HEADER_BYTES + WRAPPED_KEY_BYTES || blob[0] !== FORMAT_V1) return null;
  const version = new DataView(blob.buffer, blob.byteOffset + 1, VERSION_BYTES).getUint32(0);
  try {
    const kek = await (await ring.key(version)).deriveAesKey(kekPurpose(scope.tenantId));
    const raw = await open(kek, blob.subarray(HEADER_BYTES, HEADER_BYTES + WRAPPED_KEY_BYTES), snapshotKeyAad(scope, scope.snapshotId));
    const key = await importAes(raw);
    raw.fill(0);
    return await open(key, blob.subarray(HEADER_BYTES + WRAPPED_KEY_BYTES), snapshotAad(scope, scope.snapshotId));
  } catch {
    return null;
  }
}

function importAes(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}
