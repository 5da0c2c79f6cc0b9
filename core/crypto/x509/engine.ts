import { CryptoEngine, setEngine } from "pkijs";

/**
 * pkijs runs its signatures, digests and verifications on a "crypto engine" wrapping WebCrypto. We
 * build one over the runtime's global `crypto` (workerd's WebCrypto; Node's `globalThis.crypto` in the
 * conformance tier), hand it to every pkijs call explicitly, and also install it as pkijs's global
 * engine for the few helpers that look it up (`getAlgorithmByOID` and friends). pkijs otherwise picks
 * an engine by sniffing `self`/`process`, which under nodejs_compat could resolve either way.
 */
class WebCryptoEngine extends CryptoEngine {
  /**
   * workerd's SubtleCrypto has a non-standard `timingSafeEqual`, so its types make every
   * ICryptoEngine (which extends SubtleCrypto) carry one; pkijs never calls it. A plain constant-time
   * comparison satisfies the type in Node too.
   */
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
    const x = a instanceof ArrayBuffer ? new Uint8Array(a) : new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = b instanceof ArrayBuffer ? new Uint8Array(b) : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length) return false;
    let diff = 0;
    for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
    return diff === 0;
  }
}

export const PKI_ENGINE = new WebCryptoEngine({ name: "webcrypto", crypto });

setEngine("webcrypto", PKI_ENGINE);
