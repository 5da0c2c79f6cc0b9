import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToBase64, bytesToBase64Url } from "../bytes.ts";
import type { RootKey } from "../envelope/root-key.ts";
import { LruCache } from "../providers/lru-cache.ts";
import { issueSelfSigned } from "../x509/issue.ts";
import type { SigningKey } from "../x509/signing-key.ts";
import { compactJws } from "./compact-jws.ts";
import { derivedP256Key, type DerivedP256Key } from "./derived-p256-key.ts";

/**
 * The key a vault signs released keys with (docs/key-release.md, "The vault's signature"). Azure signs the release
 * JWS RS256 and puts its signing certificate chain in the header's `x5c` (Microsoft's OpenHCL parses exactly
 * `{alg, x5c}` and verifies with the first certificate). This vault does the same with its own key: an ES256 key
 * derived per vault from the root key (HKDF purpose `release-signing/v1|{tenant}|{vault}`), nothing stored, and
 * `x5c` holding its self-signed certificate — deterministic, so every isolate sends the same certificate and the same
 * `x5t#S256`, which a workload may pin. There is no Microsoft chain to offer; a verifier trusts this certificate by
 * its thumbprint, or checks the signature with `x5c[0]` as OpenHCL does.
 */
export interface ReleaseSigner {
  /** DER of the self-signed certificate. */
  readonly certificate: Uint8Array;
  /** base64url SHA-256 of the certificate: the header's `x5t#S256` and `kid`. */
  readonly thumbprint: string;
  sign(payload: unknown): string;
}

/** Fixed, so the certificate is the same bytes wherever and whenever it is made (RFC 5280 §4.1.2.5 times). */
const NOT_BEFORE = new Date(Date.UTC(2025, 0, 1));
const NOT_AFTER = new Date(Date.UTC(2049, 11, 31, 23, 59, 59));

export function releaseSigningPurpose(tenantId: string, vaultName: string): string {
  return `release-signing/v1|${tenantId}|${vaultName.toLowerCase()}`;
}

/** The certificate's signer: the derived key itself, so the certificate is deterministic (RFC 6979). */
function certificateKey(key: DerivedP256Key): SigningKey {
  return { publicJwk: key.publicJwk, sign: async (data) => key.sign(data) };
}

/** A positive 16-octet serial from the key (RFC 5280 §4.1.2.2), stable like the rest of the certificate. */
function serialOf(key: DerivedP256Key): Uint8Array {
  const serial = sha256(new TextEncoder().encode(`${key.publicJwk.x}.${key.publicJwk.y}`)).slice(0, 16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x40;
  return serial;
}

async function makeSigner(root: RootKey, tenantId: string, vaultName: string): Promise<ReleaseSigner> {
  const key = await derivedP256Key(root, releaseSigningPurpose(tenantId, vaultName));
  const certificate = await issueSelfSigned({
    key: certificateKey(key),
    subject: `CN=${vaultName.toLowerCase()} key release, O=edge-vault`,
    notBefore: NOT_BEFORE,
    notAfter: NOT_AFTER,
    serialNumber: serialOf(key),
    keyUsage: ["digitalSignature"],
    ekus: [],
  });
  const thumbprint = bytesToBase64Url(sha256(certificate));
  const header = { kid: thumbprint, "x5t#S256": thumbprint, x5c: [bytesToBase64(certificate)], typ: "JWT" };
  return { certificate, thumbprint, sign: (payload) => compactJws(header, payload, key) };
}

/** Signers are kept per isolate: derivation and the certificate cost milliseconds, a signature far less. */
const signers = new LruCache<Promise<ReleaseSigner>>(256);

export function releaseSigner(root: RootKey, tenantId: string, vaultName: string): Promise<ReleaseSigner> {
  return signers.getPromise(releaseSigningPurpose(tenantId, vaultName), () => makeSigner(root, tenantId, vaultName));
}
