import { concatBytes, utf8 } from "../bytes.ts";

const IV_BYTES = 12;

/**
 * AES-256-GCM with a random 96-bit IV (NIST SP 800-38D §8.2.2), serialized as iv ‖ ciphertext ‖ tag.
 * The AAD binds a ciphertext to where it belongs, so a row copied elsewhere fails to open.
 */
export async function seal(key: CryptoKey, plaintext: Uint8Array<ArrayBuffer>, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, key, plaintext);
  return concatBytes(iv, new Uint8Array(ct));
}

/** Opens {@link seal}'s output; throws on any tampering or wrong binding. */
export async function open(key: CryptoKey, sealed: Uint8Array, aad: string): Promise<Uint8Array<ArrayBuffer>> {
  if (sealed.length < IV_BYTES + 16) throw new Error("sealed value too short");
  const iv = sealed.slice(0, IV_BYTES);
  const ct = sealed.slice(IV_BYTES);
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv, additionalData: utf8(aad) }, key, ct);
  return new Uint8Array(pt);
}
