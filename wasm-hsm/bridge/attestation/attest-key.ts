/**
 * POST /keys/{id}/attestation {subject}: key attestation (docs/key-release.md "Key attestation"). The key's objects'
 * attributes are read from the token now (key-statements.ts), and each statement is signed inside the token by its
 * attestation key (attestation-identity.ts) as a compact JWS, ES256 (RFC 7515 §7.1, RFC 7518 §3.4), whose header
 * names the certificate by its SHA-256 thumbprint (`x5t#S256`, also `kid`). A verifier checks the signature with the
 * public key of `certificatePem` and reads the claims.
 *
 * This is the bridge attesting what its PKCS#11 module reports. Behind it here is SoftHSM2, a software token: the
 * statements are as true as the module and the bridge's host are trustworthy, and the certificate is self-signed —
 * there is no hardware vendor's chain, as a Marvell-based Azure Managed HSM would give.
 */
import { bytesToBase64Url, utf8 } from "../../../core/crypto/bytes.ts";
import {
  KEY_ATTESTATION_VERSION,
  type KeyAttestationRequest,
  type KeyAttestationResponse,
  type KeyAttestationStatement,
} from "../../../core/hsm/bridge-client/types.ts";
import type { BridgeContext } from "../context.ts";
import { BridgeFailure } from "../failure.ts";
import { failureFromPkcs11 } from "../pkcs11/ckr.ts";
import type { Handle } from "../pkcs11/binding.ts";
import { findAttestationIdentity, signWithAttestationKey, type AttestationIdentity } from "./attestation-identity.ts";
import { objectStatement } from "./key-statements.ts";

export async function attestKey(context: BridgeContext, id: string, request: KeyAttestationRequest, nowMs: number): Promise<KeyAttestationResponse> {
  const { token } = context;
  return context.keys.withKey(id, async (session, key) => {
    const identity = findAttestationIdentity(token.module, session);
    if (identity === undefined) throw new BridgeFailure("InternalError", "internal error", "the token has no attestation key");
    const claims = { version: KEY_ATTESTATION_VERSION, iat: Math.floor(nowMs / 1000), subject: request.subject };
    const held = key.privateKey ?? key.secretKey;
    if (held === undefined) throw new BridgeFailure("KeyNotFound", "key not found");
    const heldStatement = { ...claims, ...objectStatement(token, session, key, key.privateKey === undefined ? "secret" : "private", held) };
    const publicStatement = key.publicKey === undefined ? undefined : { ...claims, ...objectStatement(token, session, key, "public", key.publicKey) };
    try {
      return {
        version: KEY_ATTESTATION_VERSION,
        certificatePem: identity.certificatePem,
        privateKeyAttestation: await signStatement(context, session, identity, heldStatement),
        ...(publicStatement === undefined ? {} : { publicKeyAttestation: await signStatement(context, session, identity, publicStatement) }),
      };
    } catch (error) {
      throw failureFromPkcs11(error, "key attestation");
    }
  });
}

async function signStatement(context: BridgeContext, session: Handle, identity: AttestationIdentity, statement: KeyAttestationStatement): Promise<string> {
  const header = { alg: "ES256", typ: "JWT", kid: identity.thumbprint, "x5t#S256": identity.thumbprint };
  const signingInput = `${bytesToBase64Url(utf8(JSON.stringify(header)))}.${bytesToBase64Url(utf8(JSON.stringify(statement)))}`;
  const signature = await signWithAttestationKey(context.token.module, session, identity.privateKey, utf8(signingInput));
  return `${signingInput}.${bytesToBase64Url(signature)}`;
}
