import type { Sealing } from "./vault-context.ts";

/** Anything that can open the vault's data key: a handler's context (Sealing), the event deliveries' deps. */
type DataKeyHolder = Pick<Sealing, "dataKey">;

/**
 * Seals a value for storage under the vault data key (AES-256-GCM, docs/decisions.md §5). `aad` is one of the formats of
 * core/crypto/envelope/aad.ts, the one that names the column the value goes into.
 */
export async function sealValue(holder: DataKeyHolder, aad: string, plaintext: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  return (await holder.dataKey()).seal(plaintext, aad);
}

/** Opens what sealValue sealed under the same `aad`; a value moved elsewhere, or tampered with, does not open. */
export async function openValue(holder: DataKeyHolder, aad: string, sealed: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return (await holder.dataKey()).open(sealed, aad);
}
