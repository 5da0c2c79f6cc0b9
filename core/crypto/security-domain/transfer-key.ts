/**
 * The upload transfer key (`GET /securitydomain/upload`, docs/security-domain-format.md §4): an RSA key
 * pair the HSM keeps, and a self-signed certificate of its public half, which is all clients use —
 * they turn `x5c[0]` into a PEM and `restore-blob` encrypts the new master key to it (RSA-OAEP-256) and
 * names it by `x5t_256`. The body's `transfer_key` is the JWK as a JSON **string**: the CLI parses the
 * member a second time and PowerShell declares it a string, so an object would break both.
 *
 * RSA-3072: the spec's example key is 2048-bit, and neither the spec nor the clients fix a size; 3072
 * gives 128-bit strength (NIST SP 800-57 Part 1 Rev. 5 Table 2) to the key that carries the whole domain.
 */
import { VaultError } from "../../errors/vault-error.ts";
import { bytesToBase64, bytesToBase64Url, decodeBase64 } from "../bytes.ts";
import type { RsaPrivateJwk } from "../keys/key-types.ts";
import { toArrayBuffer } from "../x509/der.ts";
import { issueSelfSigned } from "../x509/issue.ts";
import type { WebJwk } from "../x509/web-jwk.ts";
import { certificateThumbprint } from "./rsa-certificate.ts";

export const TRANSFER_KEY_BITS = 3072;
/** Long enough for any recovery; clients do not check validity, the HSM replaces the key when it likes. */
export const TRANSFER_CERTIFICATE_DAYS = 365;
/** Allowance for clocks behind ours (RFC 5280 §4.1.2.5 says nothing; this is the usual backdating). */
const BACKDATE_MS = 5 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The transfer key as the spec example shows it, member order included (securitydomaintransferkey-example.json). */
export interface TransferKeyJwk {
  readonly kid: string;
  readonly kty: "RSA";
  readonly key_ops: readonly ["encrypt"];
  readonly n: string;
  readonly e: string;
  readonly alg: "RSA-OAEP-256";
  /** One certificate, standard base64 of the DER (RFC 7517 §4.7). */
  readonly x5c: readonly [string];
  /** base64url SHA-1 of the DER (RFC 7517 §4.8). */
  readonly x5t: string;
  /** base64url SHA-256 of the DER (RFC 7517 §4.9): the `x5t_256` a restore blob names it by. */
  readonly "x5t#S256": string;
}

export interface TransferKey {
  /** Keep (encrypted at rest) until the upload: upload-blob.ts decrypts with it. */
  readonly privateJwk: RsaPrivateJwk;
  readonly certificate: Uint8Array<ArrayBuffer>;
  readonly thumbprint: string;
  readonly jwk: TransferKeyJwk;
}

export interface TransferKeyResponse {
  readonly key_format: "jwk";
  readonly transfer_key: string;
}

export interface TransferKeyInput {
  /** The JWK's `kid`; the spec example uses `https://{hsm}.managedhsm.azure.net/transfer_key` (see transferKeyId). */
  readonly kid: string;
  /** The clock, injected: the certificate is valid from a little before `now`. */
  readonly now: Date;
  readonly subject?: string;
}

/** The spec example's kid: the HSM's base URL followed by `/transfer_key`. */
export function transferKeyId(hsmBaseUrl: string): string {
  return `${hsmBaseUrl.replace(/\/+$/, "")}/transfer_key`;
}

function privateJwkOf(exported: WebJwk): RsaPrivateJwk {
  const { n, e, d, p, q, dp, dq, qi } = exported;
  if (!n || !e || !d || !p || !q || !dp || !dq || !qi) throw new Error("WebCrypto exported an incomplete RSA private key");
  return { kty: "RSA", n, e, d, p, q, dp, dq, qi };
}

export async function createTransferKey(input: TransferKeyInput): Promise<TransferKey> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: TRANSFER_KEY_BITS, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const privateJwk = privateJwkOf((await crypto.subtle.exportKey("jwk", pair.privateKey)) as WebJwk);
  const notBefore = new Date(input.now.getTime() - BACKDATE_MS);
  const certificate = await issueSelfSigned({
    privateJwk,
    subject: input.subject ?? "CN=Managed HSM security domain transfer key",
    notBefore,
    notAfter: new Date(input.now.getTime() + TRANSFER_CERTIFICATE_DAYS * DAY_MS),
    keyUsage: ["keyEncipherment"],
    ekus: [],
  });
  const thumbprint = await certificateThumbprint(certificate);
  const sha1 = new Uint8Array(await crypto.subtle.digest("SHA-1", toArrayBuffer(certificate)));
  const jwk: TransferKeyJwk = {
    kid: input.kid,
    kty: "RSA",
    key_ops: ["encrypt"],
    n: privateJwk.n,
    e: privateJwk.e,
    alg: "RSA-OAEP-256",
    x5c: [bytesToBase64(certificate)],
    x5t: bytesToBase64Url(sha1),
    "x5t#S256": thumbprint,
  };
  return { privateJwk, certificate, thumbprint, jwk };
}

/** The body of `GET /securitydomain/upload`: `transfer_key` is the JWK's JSON text (see above). */
export function transferKeyResponse(jwk: TransferKeyJwk): TransferKeyResponse {
  return { key_format: "jwk", transfer_key: JSON.stringify(jwk) };
}

/**
 * The client's reading of that body (CLI security_domain_init_recovery): `transfer_key` parsed as JSON,
 * `x5c[0]` decoded — the exchange certificate restore-blob.ts encrypts to. BadParameter if malformed.
 */
export function exchangeCertificateFrom(body: unknown): Uint8Array<ArrayBuffer> {
  const malformed = new VaultError("BadParameter", "The transfer key response has no transfer_key with an x5c certificate.");
  const text = typeof body === "object" && body !== null ? (body as Record<string, unknown>).transfer_key : undefined;
  if (typeof text !== "string") throw malformed;
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw malformed;
  }
  const x5c = typeof jwk === "object" && jwk !== null ? (jwk as Record<string, unknown>).x5c : undefined;
  const first: unknown = Array.isArray(x5c) ? x5c[0] : undefined;
  const der = typeof first === "string" ? decodeBase64(first) : null;
  if (der === null || der.length === 0) throw malformed;
  return der;
}
