import { BridgeError, type ByokTarget as ByokTargetRequest } from "../../core/hsm/bridge-client/index.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { vaultErrorOfBridge } from "../../core/hsm/bridge-faults.ts";
import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import type { KeyOperation } from "../../core/crypto/keys/key-types.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { parseKeyProperties } from "../../core/domain/objects/key-properties.ts";
import type { ByokTarget, ByokTransfer } from "../../core/contract/keys.ts";
import { hsmKeyMade, type HsmKeyMade } from "./hsm-keys.ts";
import { makeTokenKey } from "./hsm-pending-keys.ts";
import { keyHandleFor } from "./key-material.ts";
import { assertKeyUsable } from "./key-usage.ts";
import { liveVersion } from "./object-lifecycle.ts";
import type { VaultScope, ObjectStore, Sealing, Transactions, KeyAccess, Scheduling } from "./vault-context.ts";

/** One answer for every way a transfer blob can fail to open: which step failed is no business of the caller's. */
const NOT_IMPORTED = "The key transfer blob could not be imported with this key exchange key.";

function bridgeTarget(target: ByokTarget): ByokTargetRequest {
  switch (target.kty) {
    case "RSA-HSM":
      return { kty: "RSA" };
    case "EC-HSM":
      return { kty: "EC", curve: target.crv };
    case "oct-HSM":
      return { kty: "oct" };
  }
}

/**
 * BYOK import (Azure "Bring your own key specification"). The key exchange key must be an RSA-HSM key of this vault
 * whose key_ops are exactly `import`, usable now; the token unwraps the ephemeral AES key with it and the target
 * with that, so the target's plaintext never exists outside the HSM (CKM_RSA_AES_KEY_WRAP, or its two-step
 * equivalent the spec allows).
 */
export async function importByokKey(ctx: VaultScope & ObjectStore & Sealing & Transactions & KeyAccess & Scheduling, target: ByokTarget, transfer: ByokTransfer, keyOps: readonly KeyOperation[], exportable: boolean): Promise<HsmKeyMade> {
  const kek = liveVersion(ctx, "key", transfer.kek.name, transfer.kek.version);
  const props = parseKeyProperties(kek.props);
  if (props.kty !== "RSA-HSM" || props.keyOps.length !== 1 || props.keyOps[0] !== "import") {
    throw new VaultError("BadParameter", "The key exchange key must be an RSA-HSM key whose key_ops are exactly ['import'].");
  }
  assertKeyUsable("import", kek.attributes, props, toUnixSeconds(ctx.clock.now()));
  const handle = keyHandleFor(ctx, kek, props);
  if (handle.kind !== "hsm" || ctx.hsm === null) throw new VaultError("BadParameter", "The key exchange key must be an RSA-HSM key.");
  const { hsmKeyId } = await handle.reference();
  const body = { ciphertext: bytesToBase64Url(transfer.ciphertext), target: bridgeTarget(target), ...(exportable ? { exportable } : {}) };
  const info = await makeTokenKey(ctx, ctx.hsm, { endpoint: "importByok", kekId: hsmKeyId, body }, (error) =>
    error instanceof BridgeError && error.code === "BadParameter" ? new VaultError("BadParameter", NOT_IMPORTED) : vaultErrorOfBridge(error),
  );
  return hsmKeyMade(ctx, info, target.kty, keyOps);
}
