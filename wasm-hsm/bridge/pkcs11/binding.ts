/**
 * pkcs11js is a CommonJS addon whose `module.exports` is built by spreading the native binding, which Node's ESM
 * loader cannot see named exports through; `require` gets the whole object, typed by its own declarations.
 */
import { createRequire } from "node:module";

export type Pkcs11Js = typeof import("pkcs11js");
export type { GcmParams, Handle, Mechanism, PKCS11, RsaOAEP, RsaPSS, Template } from "pkcs11js";

export const pkcs11js: Pkcs11Js = createRequire(import.meta.url)("pkcs11js") as Pkcs11Js;

/** PKCS#11 v2.40 §2.1.8 CK_RSA_PKCS_OAEP_SOURCE_TYPE: the only source defined; pkcs11js has no constant for it. */
export const CKZ_DATA_SPECIFIED = 0x00000001;
