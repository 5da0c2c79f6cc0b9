import type { KeyAttestation } from "../../core/contract/keys.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import type { KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { KEY_ATTESTATION_VERSION, type KeyAttestationResponse } from "../../core/hsm/bridge-client/types.ts";
import { keyHandleFor } from "./key-material.ts";
import type { KeyAccess, Sealing, VaultScope } from "./vault-context.ts";

/**
 * GetKeyAttestation of an HSM key (docs/key-release.md "Key attestation"): the bridge reads the key's objects'
 * PKCS#11 attributes from the token and signs statements about them with the token's attestation key; the vault
 * passes them on as Azure's KeyAttestation shapes them (keys.json: `certificatePemFile`, `privateKeyAttestation`,
 * `publicKeyAttestation`, `version`; the bytes base64url on the wire). The statements name the key version by its
 * kid (`subject`), so a verifier can tie them to the bundle they came with; that the kid is this token key is the
 * vault's word, signed with the rest.
 */
export async function attestInToken(ctx: VaultScope & Sealing & KeyAccess, version: StoredVersion, props: KeyProperties, vaultUrl: string): Promise<KeyAttestation> {
  const handle = keyHandleFor(ctx, version, props);
  if (handle.kind !== "hsm" || ctx.hsm === null) {
    throw new VaultError("BadParameter", "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.");
  }
  const { hsmKeyId } = await handle.reference();
  const subject = `${vaultUrl}/keys/${version.name}/${version.version}`;
  const answer = await ctx.hsm.call((client) => client.attestKey(hsmKeyId, { subject }));
  return keyAttestationOf(answer);
}

/** The bridge signs its answers, so one of another shape is its fault (500), never passed on half-checked. */
function keyAttestationOf(answer: KeyAttestationResponse): KeyAttestation {
  const text = (value: unknown) => typeof value === "string" && value.length > 0;
  const publicOk = answer.publicKeyAttestation === undefined || text(answer.publicKeyAttestation);
  if (answer.version !== KEY_ATTESTATION_VERSION || !text(answer.certificatePem) || !text(answer.privateKeyAttestation) || !publicOk) {
    throw new VaultError("InternalError", "The HSM bridge answered with a malformed value.");
  }
  return {
    version: answer.version,
    certificatePemFile: utf8(answer.certificatePem),
    privateKeyAttestation: utf8(answer.privateKeyAttestation),
    ...(answer.publicKeyAttestation === undefined ? {} : { publicKeyAttestation: utf8(answer.publicKeyAttestation) }),
  };
}
