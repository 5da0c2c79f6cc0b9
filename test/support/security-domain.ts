/**
 * Security-domain holders for tests (docs/managed-hsm.md "Security domain"): RSA key pairs with self-signed
 * certificates, as `az keyvault security-domain download --sd-wrapping-keys` sends them; made once per isolate.
 */
import { bytesToBase64, bytesToBase64Url } from "../../core/crypto/bytes.ts";
import type { RsaPrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { issueSelfSigned } from "../../core/crypto/x509/issue.ts";
import type { VaultClient } from "./fixture.ts";

export interface Holder {
  readonly certificate: Uint8Array;
  readonly privateKey: CryptoKey;
  readonly privateJwk: RsaPrivateJwk;
  /** The JWK the download request carries for this holder. */
  readonly jwk: Record<string, unknown>;
}

/** One holder, as `az keyvault security-domain download --sd-wrapping-keys` would be given it. */
export async function makeHolder(name: string): Promise<Holder> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const { n = "", e = "", d = "", p = "", q = "", dp = "", dq = "", qi = "" } = (await crypto.subtle.exportKey("jwk", pair.privateKey)) as JsonWebKey;
  const privateJwk: RsaPrivateJwk = { kty: "RSA", n, e, d, p, q, dp, dq, qi };
  const certificate = await issueSelfSigned({
    privateJwk,
    subject: `CN=${name}`,
    notBefore: new Date(Date.UTC(2025, 0, 1)),
    notAfter: new Date(Date.UTC(2030, 0, 1)),
    keyUsage: ["keyEncipherment"],
    ekus: [],
  });
  const digest = async (alg: string) => bytesToBase64Url(new Uint8Array(await crypto.subtle.digest(alg, certificate)));
  const jwk = {
    kty: "RSA",
    alg: "RSA-OAEP-256",
    key_ops: ["verify", "encrypt", "wrapKey"],
    n,
    e,
    x5c: [bytesToBase64(certificate)],
    x5t: await digest("SHA-1"),
    "x5t#S256": await digest("SHA-256"),
  };
  return { certificate, privateKey: pair.privateKey, privateJwk, jwk };
}

let holders: Promise<Holder[]> | undefined;

/** Three holders, shared by every test of the file. */
export function securityDomainHolders(): Promise<Holder[]> {
  holders ??= Promise.all(["holder one", "holder two", "holder three"].map(makeHolder));
  return holders;
}

/** Activates a new managed HSM as its administrator would: downloads its security domain (2 of 3). */
export async function activateHsm(admin: VaultClient): Promise<string> {
  const certificates = (await securityDomainHolders()).map((h) => h.jwk);
  const response = await admin.json<{ value: string }>("POST", "/securitydomain/download", { certificates, required: 2 });
  if (response.status !== 202) throw new Error(`security domain download answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.value;
}
