import { VaultError } from "../../core/errors/vault-error.ts";
import type { GenerateKeyRequest, ImportKeyRequest, KeyInfo } from "../../core/hsm/bridge-client/index.ts";
import { HMAC_KEY_SIZES } from "../../core/hsm/bridge-client/types.ts";
import type { HsmKeyReference } from "../../core/hsm/hsm-key-reference.ts";
import { octHsmPurpose } from "../../core/hsm/oct-hsm-purpose.ts";
import type { AzureKeyType, KeyOperation, PrivateJwk } from "../../core/crypto/keys/key-types.ts";
import {
  AZURE_KEY_TYPES,
  KEY_TYPES,
  isEcCurve,
  isOctKeySize,
  isRsaKeySize,
  unsupportedCurveMessage,
  unsupportedSizeMessage,
} from "../../core/crypto/keys/key-types.ts";
import type { KeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { KeyCreateSpec } from "../../core/contract/keys.ts";
import type { StoredVersion } from "../../core/domain/objects/versioned-object.ts";
import { makeTokenKey } from "./hsm-pending-keys.ts";
import { storeKeyVersion, type NewKeyVersion } from "./key-material.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, Scheduling, EventOutbox } from "./vault-context.ts";

/** The one RSA public exponent the bridge generates with (65537, "F4"). */
const F4 = 65537;

/** A key the HSM holds, not yet stored by the vault: what to seal and what GetKey will show. */
export interface HsmKeyMade {
  readonly reference: HsmKeyReference;
  readonly props: KeyProperties;
}

function bridgeOf(ctx: KeyAccess) {
  if (ctx.hsm === null) throw new VaultError("BadParameter", "HSM-protected keys need the PKCS#11 bridge, which is not configured for this vault.");
  return ctx.hsm;
}

/**
 * The sizes and curves Azure allows, checked here with the software path's messages before the token is asked.
 * HMAC keys (oct-HSM with key_ops sign/verify) come in 256, 384 and 512 bits instead: RFC 7518 §3.2 requires an
 * HS* key at least as long as the hash, so only these sizes serve HS256, HS384 and HS512 respectively.
 */
function generateRequest(spec: KeyCreateSpec, keyOps: readonly KeyOperation[]): GenerateKeyRequest {
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
      if (octHsmPurpose(keyOps) === "hmac") {
        if (!isHmacKeySize(size)) throw new VaultError("BadParameter", unsupportedSizeMessage(size, HMAC_KEY_SIZES));
        return { kty: "oct", size, purpose: "hmac" };
      }
      if (!isOctKeySize(size)) throw new VaultError("BadParameter", unsupportedSizeMessage(size, KEY_TYPES.oct.sizes));
      return { kty: "oct", size };
    }
  }
}

function isHmacKeySize(size: number): size is (typeof HMAC_KEY_SIZES)[number] {
  return HMAC_KEY_SIZES.some((allowed) => allowed === size);
}

/** What the vault keeps of a key the token now holds: the reference to seal and the public properties. */
export function hsmKeyMade(ctx: KeyAccess, info: KeyInfo, kty: AzureKeyType, keyOps: readonly KeyOperation[]): HsmKeyMade {
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

/**
 * CreateKey / RotateKey of an -HSM type: the token generates the key; its private half never leaves it in the clear.
 * `exportable` (secure key release): the token may wrap it for a release (docs/key-release.md "HSM keys").
 */
export async function generateHsmKey(ctx: VaultScope & Sealing & Transactions & KeyAccess & Scheduling, spec: KeyCreateSpec, keyOps: readonly KeyOperation[], exportable: boolean): Promise<HsmKeyMade> {
  const body: GenerateKeyRequest = { ...generateRequest(spec, keyOps), ...(exportable ? { exportable } : {}) };
  const info = await makeTokenKey(ctx, bridgeOf(ctx), { endpoint: "generate", body });
  return hsmKeyMade(ctx, info, spec.kty, keyOps);
}

/**
 * ImportKey with `hsm: true` or an -HSM kty: the material goes into the token and the vault keeps only the
 * reference. An oct key whose key_ops ask for sign/verify goes in as an HMAC key; the JWK checks allow oct keys of
 * 128–256 bits, of which RFC 7518 §3.2 leaves 256 for HMAC (HS256).
 */
export async function importHsmKey(ctx: VaultScope & Sealing & Transactions & KeyAccess & Scheduling, jwk: PrivateJwk, keyOps: readonly KeyOperation[], exportable: boolean): Promise<HsmKeyMade> {
  let body: ImportKeyRequest = { jwk, ...(exportable ? { exportable } : {}) };
  if (jwk.kty === "oct" && octHsmPurpose(keyOps) === "hmac") {
    // Unpadded base64url (the JWK checks normalized it): 4 characters per 3 bytes.
    const bits = Math.floor((jwk.k.length * 3) / 4) * 8;
    if (!isHmacKeySize(bits)) throw new VaultError("BadParameter", unsupportedSizeMessage(bits, HMAC_KEY_SIZES));
    body = { ...body, purpose: "hmac" };
  }
  const info = await makeTokenKey(ctx, bridgeOf(ctx), { endpoint: "import", body });
  return hsmKeyMade(ctx, info, `${jwk.kty}-HSM`, keyOps);
}

/**
 * Stores a key the HSM already made as a new version; if storing fails (name managed by a certificate, storage
 * fault) the token object is destroyed again, so a failed create leaves no key behind on either side.
 */
export async function storeHsmKeyVersion(ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & EventOutbox, key: HsmKeyMade, version: Omit<NewKeyVersion, "material" | "props">): Promise<StoredVersion> {
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
export async function destroyTokenKeys(ctx: KeyAccess, references: readonly HsmKeyReference[]): Promise<void> {
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
