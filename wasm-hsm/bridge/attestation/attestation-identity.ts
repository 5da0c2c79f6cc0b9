/**
 * The token's attestation key (docs/key-release.md "Key attestation"): an EC P-256 key pair generated on the token
 * once — private, sensitive, never extractable, able to sign and nothing else — and its self-signed X.509
 * certificate, stored on the token beside it as a CKO_CERTIFICATE object. The bridge signs key attestation
 * statements with it (attest-key.ts); the certificate is what a verifier checks them with.
 *
 * Its objects carry the label below and a 20-byte CKA_ID, never the 16 bytes of a vault key (validate.ts
 * assertKeyId), so no key operation can reach it: it signs only statements the bridge composes.
 *
 * Made at start-up when the token has none (start.ts). Cluster workers start together and may each make one; every
 * process then uses the same one — the certificate with the lowest CKA_ID, looked up on each use — so every answer
 * carries the same certificate whichever worker gave it. A key is made before its certificate, so a certificate
 * found always has its key.
 */
import { createHash, randomBytes } from "node:crypto";
import { bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import { encodeDer } from "../../../core/crypto/x509/der.ts";
import { issueSelfSigned } from "../../../core/crypto/x509/issue.ts";
import { encodeName, parseSubject } from "../../../core/crypto/x509/names.ts";
import { encodeBlock } from "../../../core/crypto/x509/pem.ts";
import type { PublicJwk } from "../../../core/hsm/bridge-client/types.ts";
import { BridgeFailure } from "../failure.ts";
import { CURVE_SPECS } from "../keys/curves.ts";
import { pointFromAttribute } from "../keys/ec-point.ts";
import { pkcs11js, type Handle, type PKCS11 } from "../pkcs11/binding.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";

export const ATTESTATION_LABEL = "edge-vault:key-attestation:v1";
const ID_PREFIX = Buffer.from("attestation:");
const SUBJECT = "CN=edge-vault PKCS#11 bridge key attestation, O=edge-vault";
/** RFC 5280 §4.1.2.5: 99991231235959Z for a certificate with no well-defined expiration date. */
const NOT_AFTER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));
const P256 = CURVE_SPECS["P-256"];
/** ECDSA P-256 r‖s (RFC 7518 §3.4). */
const SIGNATURE_BYTES = 64;

export interface AttestationIdentity {
  readonly privateKey: Handle;
  /** The certificate as a PEM file (RFC 7468), what KeyAttestation.certificatePemFile carries. */
  readonly certificatePem: string;
  /** base64url SHA-256 of the certificate's DER: the statements' `kid` and `x5t#S256`. */
  readonly thumbprint: string;
}

/** The identity every process uses: the lowest CKA_ID among the attestation certificates on the token. */
export function findAttestationIdentity(module: PKCS11, session: Handle): AttestationIdentity | undefined {
  const certificates = find(module, session, pkcs11js.CKO_CERTIFICATE).map((handle) => {
    const [id, value] = module.C_GetAttributeValue(session, handle, [{ type: pkcs11js.CKA_ID }, { type: pkcs11js.CKA_VALUE }]);
    return { id: id?.value ?? Buffer.alloc(0), der: value?.value ?? Buffer.alloc(0) };
  });
  const chosen = certificates.sort((a, b) => Buffer.compare(a.id, b.id))[0];
  if (chosen === undefined) return undefined;
  const [privateKey] = find(module, session, pkcs11js.CKO_PRIVATE_KEY, chosen.id);
  if (privateKey === undefined) throw new BridgeFailure("InternalError", "internal error", "an attestation certificate has no key on the token");
  return {
    privateKey,
    certificatePem: encodeBlock("CERTIFICATE", chosen.der),
    thumbprint: bytesToBase64Url(createHash("sha256").update(chosen.der).digest()),
  };
}

/** Makes the token's attestation key and certificate unless it has them. */
export async function ensureAttestationIdentity(module: PKCS11, session: Handle, now: Date): Promise<void> {
  try {
    if (findAttestationIdentity(module, session) !== undefined) return;
    const id = Buffer.concat([ID_PREFIX, randomBytes(8)]);
    const named = [
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: ATTESTATION_LABEL },
    ];
    const pair = await module.C_GenerateKeyPairAsync(
      session,
      { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN },
      [...named, { type: pkcs11js.CKA_PRIVATE, value: false }, { type: pkcs11js.CKA_EC_PARAMS, value: P256.ecParams }, { type: pkcs11js.CKA_VERIFY, value: true }],
      [
        ...named,
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        { type: pkcs11js.CKA_DECRYPT, value: false },
        { type: pkcs11js.CKA_UNWRAP, value: false },
        { type: pkcs11js.CKA_DERIVE, value: false },
      ],
    );
    const [point] = module.C_GetAttributeValue(session, pair.publicKey, [{ type: pkcs11js.CKA_EC_POINT }]);
    const { x, y } = pointFromAttribute(point?.value ?? Buffer.alloc(0), P256);
    const publicJwk: PublicJwk = { kty: "EC", crv: "P-256", x: bytesToBase64Url(x), y: bytesToBase64Url(y) };
    const certificate = await issueSelfSigned({
      key: { publicJwk, sign: async (data) => signWithAttestationKey(module, session, pair.privateKey, data) },
      subject: SUBJECT,
      notBefore: now,
      notAfter: NOT_AFTER,
      keyUsage: ["digitalSignature"],
      ekus: [],
    });
    module.C_CreateObject(session, [
      ...named,
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_CERTIFICATE },
      { type: pkcs11js.CKA_CERTIFICATE_TYPE, value: pkcs11js.CKC_X_509 },
      { type: pkcs11js.CKA_PRIVATE, value: false },
      { type: pkcs11js.CKA_SUBJECT, value: Buffer.from(encodeDer(encodeName(parseSubject(SUBJECT)))) },
      { type: pkcs11js.CKA_VALUE, value: Buffer.from(certificate) },
    ]);
  } catch (error) {
    if (error instanceof BridgeFailure) throw error;
    throw failureFromPkcs11(error, "attestation key");
  }
}

/** ES256 by the token: SHA-256 here, CKM_ECDSA over the digest there, r‖s back (what JWS and SigningKey expect). */
export async function signWithAttestationKey(module: PKCS11, session: Handle, privateKey: Handle, data: Uint8Array): Promise<Uint8Array> {
  module.C_SignInit(session, { mechanism: pkcs11js.CKM_ECDSA }, privateKey);
  const digest = createHash("sha256").update(data).digest();
  return new Uint8Array(await module.C_SignAsync(session, digest, Buffer.alloc(SIGNATURE_BYTES)));
}

function find(module: PKCS11, session: Handle, objectClass: number, id?: Buffer): Handle[] {
  module.C_FindObjectsInit(session, [
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_CLASS, value: objectClass },
    { type: pkcs11js.CKA_LABEL, value: ATTESTATION_LABEL },
    ...(id === undefined ? [] : [{ type: pkcs11js.CKA_ID, value: id }]),
  ]);
  try {
    return module.C_FindObjects(session, 16);
  } finally {
    module.C_FindObjectsFinal(session);
  }
}
