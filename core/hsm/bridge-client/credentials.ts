/**
 * What a caller holds to talk to the bridge: its key id (the bridge's `clients[].id`), something to sign requests
 * with, and something to check the bridge's answers with.
 */
import { decodeBase64, UNPADDED_BASE64URL } from "../../crypto/bytes.ts";
import { ed25519Signer, ed25519Verifier, hmacSha256Key, type Signer, type Verifier } from "./signing-keys.ts";

export interface BridgeCredentials {
  readonly keyId: string;
  readonly signer: Signer;
  readonly verifier: Verifier;
}

/** One shared secret signs both directions; the signed strings differ by their first line (protocol.ts). */
export async function hmacCredentials(keyId: string, secretBase64url: string): Promise<BridgeCredentials> {
  const key = await hmacSha256Key(configBytes(secretBase64url));
  return { keyId, signer: key, verifier: key };
}

/** The caller's Ed25519 private key (PKCS#8 DER, base64url) and the bridge's public key (32 bytes, base64url). */
export async function ed25519Credentials(
  keyId: string,
  clientPkcs8Base64url: string,
  bridgePublicKeyBase64url: string,
): Promise<BridgeCredentials> {
  return {
    keyId,
    signer: await ed25519Signer(configBytes(clientPkcs8Base64url)),
    verifier: await ed25519Verifier(configBytes(bridgePublicKeyBase64url)),
  };
}

/** Deployment configuration, not client input: a malformed value is the operator's error, thrown as such. */
function configBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const bytes = decodeBase64(base64url, UNPADDED_BASE64URL);
  if (bytes === null) throw new TypeError("not canonical base64url");
  return bytes;
}
