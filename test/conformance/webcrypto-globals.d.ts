/**
 * WebCrypto's global type names as workerd and browsers declare them, for the core modules the Node-side tests
 * import (the security-domain client of managed-hsm-disaster-recovery.test.ts): Node has the same objects under
 * `node:crypto`'s `webcrypto` namespace, and `lib: ES2022` names none of them.
 */
type CryptoKey = import("node:crypto").webcrypto.CryptoKey;
type CryptoKeyPair = import("node:crypto").webcrypto.CryptoKeyPair;
type JsonWebKey = import("node:crypto").webcrypto.JsonWebKey;
