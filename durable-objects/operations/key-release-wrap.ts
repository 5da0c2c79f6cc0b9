import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import type { KeyExportAlgorithm } from "../../core/crypto/release/export-algorithms.ts";
import { releasableKeyBytes } from "../../core/crypto/release/private-key-der.ts";
import { rsaAesKeyWrap } from "../../core/crypto/release/rsa-aes-key-wrap.ts";
import type { RuntimeKey } from "../../core/crypto/release/runtime-key.ts";
import type { KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { bridgeBytes } from "../../core/hsm/bridge-faults.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { keyHandleFor, openPrivateJwk } from "./key-material.ts";
import type { KeyAccess, Sealing, VaultScope } from "./vault-context.ts";

/**
 * The last step of a release (docs/key-release.md "Release", step 6): the key version wrapped to the workload's key
 * with CKM_RSA_AES_KEY_WRAP or its SHA-2 variants. A software key is wrapped here, its plaintext wiped at once; an
 * HSM key is wrapped inside the token by the bridge (`release-wrap`), so its plaintext never exists outside it.
 * Called only after every check passed. `WrapRefused` is thrown when the workload's key is unusable — the caller
 * turns it into the one generic refusal.
 */
export class WrapRefused extends Error {
  override readonly name = "WrapRefused";
}

export async function wrapForRelease(
  ctx: VaultScope & Sealing & KeyAccess,
  version: StoredVersion,
  props: KeyProperties,
  enc: KeyExportAlgorithm,
  runtime: RuntimeKey,
): Promise<Uint8Array> {
  if (AZURE_KEY_TYPES[props.kty].hsm) return wrapInToken(ctx, version, props, enc, runtime);
  const material = releasableKeyBytes(await openPrivateJwk(ctx, version));
  try {
    return await rsaAesKeyWrap(enc, runtime.jwk, material);
  } catch {
    // A runtime key WebCrypto will not take (an odd exponent or modulus) is a refusal like any other: a 500 here
    // would tell the token's holder that every check before it passed.
    throw new WrapRefused("the token's runtime key is not a usable RSA public key");
  } finally {
    material.fill(0);
  }
}

/**
 * The bridge's refusals keep their 400 (bridge-faults.ts): a key version made before this vault could release HSM
 * keys (its token object is not extractable), or an SHA-2 variant the token cannot do inside itself. Neither says
 * anything about the attestation; both tell the key's owner what to change (rotate the key, use the default enc).
 */
async function wrapInToken(ctx: VaultScope & Sealing & KeyAccess, version: StoredVersion, props: KeyProperties, enc: KeyExportAlgorithm, runtime: RuntimeKey): Promise<Uint8Array> {
  const handle = keyHandleFor(ctx, version, props);
  if (handle.kind !== "hsm" || ctx.hsm === null) {
    throw new VaultError("BadParameter", "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.");
  }
  const { hsmKeyId } = await handle.reference();
  const target = { n: runtime.jwk.n, e: runtime.jwk.e };
  const { ciphertext } = await ctx.hsm.call((client) => client.releaseWrap(hsmKeyId, { enc, target }));
  return bridgeBytes(ciphertext);
}
