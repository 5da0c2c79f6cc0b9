import { tenantDataKeyOwner } from "../../core/crypto/envelope/aad.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { openSigner, type SigningKeyRecord, type TokenSigner } from "../../core/crypto/token-signer.ts";

/**
 * The tenant's token signer, opened once per object: the newest signing key, unsealed with the tenant's data key
 * (itself unwrapped by the root key). A failed opening is forgotten, so the next request tries again.
 */
export class TenantSigner {
  private opening: Promise<TokenSigner> | null = null;

  constructor(private readonly rootKey: string | undefined) {}

  open(tenantId: string, wrappedDek: Uint8Array | null, newest: SigningKeyRecord | undefined): Promise<TokenSigner> {
    if (this.opening === null) {
      if (wrappedDek === null || newest === undefined) return Promise.reject(new Error("tenant has no signing key"));
      this.opening = this.dataKey(tenantId, wrappedDek).then((dataKey) => openSigner(dataKey, tenantId, newest));
      this.opening.catch(() => (this.opening = null));
    }
    return this.opening;
  }

  /** The tenant's data key, unwrapped by the root key (for what else it seals: users' TOTP secrets). */
  dataKey(tenantId: string, wrappedDek: Uint8Array | null): Promise<DataKey> {
    if (wrappedDek === null) return Promise.reject(new Error("tenant has no data key"));
    return rootKeyFromEnv(this.rootKey).then((root) => DataKey.unwrap(root, tenantDataKeyOwner(tenantId), wrappedDek));
  }

  forget(): void {
    this.opening = null;
  }
}
