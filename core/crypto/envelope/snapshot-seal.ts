import { snapshotAad, snapshotKeyAad, type AadVault } from "./aad.ts";
import { open, seal } from "./aead.ts";
import { concatBytes } from "../bytes.ts";
import type { RootKey } from "./root-key.ts";

/** Format marker (first byte), so a later snapshot format can be told apart. */
const FORMAT_V1 = 0x01;
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
 * contents, and that key is stored beside them wrapped by the tenant's root-derived snapshot KEK. Output:
 * format byte ‖ wrapped key ‖ sealed contents.
 */
export async function sealSnapshot(root: RootKey, scope: SnapshotScope, contents: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const raw = crypto.getRandomValues(new Uint8Array(32));
  const kek = await root.deriveAesKey(kekPurpose(scope.tenantId));
  const wrappedKey = await seal(kek, raw, snapshotKeyAad(scope, scope.snapshotId));
  const key = await importAes(raw);
  raw.fill(0);
  const sealed = await seal(key, contents, snapshotAad(scope, scope.snapshotId));
  return concatBytes(new Uint8Array([FORMAT_V1]), wrappedKey, sealed);
}

/** The contents, or null when the blob is truncated, tampered with, or not this tenant's, vault's and snapshot's. */
export async function openSnapshot(root: RootKey, scope: SnapshotScope, blob: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
  if (blob.length < 1 + WRAPPED_KEY_BYTES || blob[0] !== FORMAT_V1) return null;
  try {
    const kek = await root.deriveAesKey(kekPurpose(scope.tenantId));
    const raw = await open(kek, blob.subarray(1, 1 + WRAPPED_KEY_BYTES), snapshotKeyAad(scope, scope.snapshotId));
    const key = await importAes(raw);
    raw.fill(0);
    return await open(key, blob.subarray(1 + WRAPPED_KEY_BYTES), snapshotAad(scope, scope.snapshotId));
  } catch {
    return null;
  }
}

function importAes(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}
