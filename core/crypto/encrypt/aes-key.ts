/**
 * An AES key prepared for the encrypt/wrap modules. WebCrypto binds a CryptoKey to one algorithm, so
 * the GCM and KW imports are made lazily, once each, and kept; callers cache the whole object per key
 * id (docs/decisions.md §3.3: import plus use is a third slower than use alone). The raw bytes stay too, for the
 * `node:crypto` ciphers (raw CBC, single AES blocks), which take the key on every call.
 */
import { VaultError } from "../../errors/vault-error.ts";
import type { AesKeyBits } from "./encryption-algorithms.ts";

export type WebCryptoAesName = "AES-GCM" | "AES-KW";

export interface AesKey {
  readonly bits: AesKeyBits;
  /** Private material: in memory only, never logged or stored by these modules. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  cryptoKey(name: WebCryptoAesName): Promise<CryptoKey>;
}

const USAGES: Readonly<Record<WebCryptoAesName, string[]>> = {
  "AES-GCM": ["encrypt", "decrypt"],
  "AES-KW": ["wrapKey", "unwrapKey"],
};

/** `k` of an oct JWK, decoded. Throws BadParameter unless it is 16, 24 or 32 bytes (FIPS 197 §5). */
export function prepareAesKey(k: Uint8Array): AesKey {
  const bits = k.length * 8;
  if (bits !== 128 && bits !== 192 && bits !== 256) {
    throw new VaultError("BadParameter", `Key size ${bits} is not an AES key size.`);
  }
  const bytes = new Uint8Array(k);
  const imports = new Map<WebCryptoAesName, Promise<CryptoKey>>();
  return {
    bits,
    bytes,
    cryptoKey(name) {
      let key = imports.get(name);
      if (key === undefined) {
        key = crypto.subtle.importKey("raw", bytes, { name }, false, USAGES[name]);
        imports.set(name, key);
      }
      return key;
    },
  };
}
