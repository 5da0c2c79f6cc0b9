import { VaultError } from "../../worker/errors/vault-error.ts";
import type { GenerateKeyRequest, KeyInfo } from "../../wasm-hsm/bridge-client/index.ts";
import type { HsmKeyReference } from "../crypto/hsm/hsm-key-reference.ts";
import type { AzureKeyType, KeyOperation, PrivateJwk } from "../crypto/keys/key-types.ts";
import {
  AZURE_KEY_TYPES,
  KEY_TYPES,
  isEcCurve,
  isOctKeySize,
  isRsaKeySize,
  unsupportedCurveMessage,
  unsupportedSizeMessage,
} from "../crypto/keys/key-types.ts";
import type { KeyProperties } from "../domain/key-properties.ts";
import type { KeyCreateSpec } from "../key-rpc.ts";
import type { StoredVersion } from "../domain/versioned-object.ts";
import { makeTokenKey } from "./hsm-pending-keys.ts";
import { storeKeyVersion, type NewKeyVersion } from "./key-material.ts";
import type { VaultContext } from "./vault-context.ts";

/** The one RSA public exponent the bridge generates with (65537, "F4"). */
const F4 = 65537;

/** A key the HSM holds, not yet stored by the vault: what to seal and what GetKey will show. */
export interface HsmKeyMade {
  readonly reference: HsmKeyReference;
  readonly props: KeyProperties;
}

function bridgeOf(ctx: VaultContext) {
  if (ctx.hsm === null) throw new VaultError("BadParameter", "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.");
  return ctx.hsm;
}

/** The sizes and curves Azure allows, checked here with the software path's messages before the token is asked. */
function generateRequest(spec: KeyCreateSpec): GenerateKeyRequest {
  switch (AZURE_KEY_TYPES[spec.kty].family) {
    case "RSA": {
      if (spec.publicExponent !== undefined && spec.publicExponent !== F4) {
        throw new VaultError("BadParameter", `RSA-HSM keys are generated with public exponent ${F4}.`);
      }
      const size = spec.keySize ?? KEY_TYPES.RSA.defaultSize;
      if (!isRsaKeySize(size)) throw new VaultError("BadParameter", unsupportedSizeMessage(size, KEY_TYPES.RSA.sizes));
      return { kty: "RSA", size };
    }
    case "EC": {
      const curve = spec.crv ?? KEY_TYPES.EC.defaultCurve;
      if (!isEcCurve(curve)) throw new VaultError("BadParameter", unsupportedCurveMessage(curve));
      return { kty: "EC", curve };
    }
    case "oct": {
      const size = spec.keySize ?? KEY_TYPES.oct.defaultSize;
      if (!isOctKeySize(size)) throw new VaultError("BadParameter", unsupportedSizeMessage(size, KEY_TYPES.oct.sizes));
      return { kty: "oct", size };
    }
  }
}

/** What the vault keeps of a key the token now holds: the reference to seal and the public properties. */
export function hsmKeyMade(ctx: VaultContext, info: KeyInfo, kty: AzureKeyType, keyOps: readonly KeyOperation[]): HsmKeyMade {
  const size = info.kty === "EC" ? { crv: info.curve } : { keySize: info.size };
  return {
    reference: { kty: info.kty, hsmKeyId: info.id },
    props: {
      kty,
      keyOps: [...keyOps],
      ...size,
      ...(info.kty === "oct" ? {} : { publicJwk: info.publicJwk }),
      exportable: false,
      hsmPlatform: bridgeOf(ctx).platform,
    },
  };
}

/** CreateKey / RotateKey of an -HSM type: the token generates the key; its private half never leaves it. */
export async function generateHsmKey(ctx: VaultContext, spec: KeyCreateSpec, keyOps: readonly KeyOperation[]): Promise<HsmKeyMade> {
  const info = await makeTokenKey(ctx, bridgeOf(ctx), { endpoint: "generate", body: generateRequest(spec) });
  return hsmKeyMade(ctx, info, spec.kty, keyOps);
}

/** ImportKey with `hsm: true` or an -HSM kty: the material goes into the token and the vault keeps only the reference. */
export async function importHsmKey(ctx: VaultContext, jwk: PrivateJwk, keyOps: readonly KeyOperation[]): Promise<HsmKeyMade> {
  const info = await makeTokenKey(ctx, bridgeOf(ctx), { endpoint: "import", body: { jwk } });
  return hsmKeyMade(ctx, info, `${jwk.kty}-HSM`, keyOps);
}

/**
 * Stores a key the HSM already made as a new version; if storing fails (name managed by a certificate, storage
 * fault) the token object is destroyed again, so a failed create leaves no key behind on either side.
 */
export async function storeHsmKeyVersion(ctx: VaultContext, key: HsmKeyMade, version: Omit<NewKeyVersion, "material" | "props">): Promise<StoredVersion> {
  try {
    return await storeKeyVersion(ctx, { ...version, material: key.reference, props: key.props });
  } catch (error) {
    await destroyTokenKeys(ctx, [key.reference]);
    throw error;
  }
}

/**
 * Best effort: a token object that cannot be destroyed now (bridge down) is orphaned, never referenced again;
 * it is logged with its CKA_ID so an operator can remove it (wasm-hsm/README.md).
 */
export async function destroyTokenKeys(ctx: VaultContext, references: readonly HsmKeyReference[]): Promise<void> {
  if (ctx.hsm === null || references.length === 0) return;
  const bridge = ctx.hsm;
  await Promise.all(
    references.map((r) =>
      bridge.call((c) => c.deleteKey(r.hsmKeyId)).catch((error: unknown) => {
        console.warn(JSON.stringify({ event: "hsm-key-orphaned", hsmKeyId: r.hsmKeyId, reason: error instanceof Error ? error.message : String(error) }));
      }),
    ),
  );
}
