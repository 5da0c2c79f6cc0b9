import type { HsmSecurityDomainResults, SecurityDomainStatus } from "../../core/contract/managed-hsm-security-domain.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { utf8 } from "../../core/crypto/bytes.ts";
import { hsmTransferKeyAad } from "../../core/crypto/envelope/aad.ts";
import type { RsaPrivateJwk } from "../../core/crypto/keys/key-types.ts";
import { createSecurityDomainDownload } from "../../core/crypto/security-domain/download-blob.ts";
import { createTransferKey, transferKeyId, transferKeyResponse, type TransferKeyJwk } from "../../core/crypto/security-domain/transfer-key.ts";
import { openRestoreBlob } from "../../core/crypto/security-domain/upload-blob.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import type { DomainOperation } from "../storage/hsm-domain-repository.ts";
import { BACKUP_SECRET_TAG, domainSecrets, sealDomainSecrets } from "./hsm-domain-secrets.ts";
import { openValue, sealValue } from "./sealed-values.ts";
import type { HsmDomain, Sealing, Transactions, VaultScope } from "./vault-context.ts";

/**
 * A managed HSM's security domain (securitydomain.json; docs/managed-hsm.md "Security domain"). A new HSM serves
 * nothing else until it is activated, by a download (its domain, split among 3–10 holders' certificates) or by an
 * upload (another HSM's domain, recovered by a quorum of holders and encrypted to this HSM's transfer key). Either
 * settles after the vault's long-running-operation delay, which is when the HSM begins serving.
 */
type Ctx = VaultScope & Sealing & Transactions & HsmDomain;
type Kinds = keyof HsmSecurityDomainResults;
type Handlers = { readonly [K in Kinds]: (ctx: Ctx, op: OpOf<K>) => Promise<HsmSecurityDomainResults[K]> };

interface StoredTransferKey {
  readonly privateJwk: RsaPrivateJwk;
  readonly thumbprint: string;
  readonly jwk: TransferKeyJwk;
}

function notActivatedOnly(ctx: Ctx): void {
  if (ctx.hsmDomain.activatedAt() !== null) {
    throw new VaultError("Conflict", `The managed HSM '${ctx.config.name}' is activated: a security domain can be uploaded only into a new HSM.`);
  }
}

function statusOf(ctx: Ctx, kind: DomainOperation["kind"]): SecurityDomainStatus {
  const operation = ctx.hsmDomain.operation();
  if (operation?.kind !== kind) throw badParameter(`No security domain ${kind} was requested on this managed HSM.`);
  const done = ctx.clock.now() >= operation.settlesAt;
  return done ? { status: "Success", statusDetails: `The security domain ${kind} is complete.` } : { status: "InProgress", statusDetails: null };
}

/** Records the operation and, for an HSM not yet active, when it begins serving. */
function settle(ctx: Ctx, kind: DomainOperation["kind"], write: () => void = () => undefined): void {
  const settlesAt = ctx.clock.now() + ctx.completionDelayMs;
  ctx.transaction(() => {
    write();
    if (ctx.hsmDomain.activatedAt() === null) ctx.hsmDomain.activate(settlesAt);
    ctx.hsmDomain.setOperation({ kind, settlesAt });
  });
}

async function storedTransferKey(ctx: Ctx): Promise<StoredTransferKey | null> {
  const sealed = ctx.hsmDomain.sealedTransferKey();
  if (sealed === null) return null;
  return JSON.parse(new TextDecoder().decode(await openValue(ctx, hsmTransferKeyAad(ctx.config), sealed))) as StoredTransferKey;
}

export const hsmSecurityDomainHandlers: Handlers = {
  /**
   * Allowed again on an active HSM (its Administrators may split the same domain among new holders); a new HSM is
   * activated by it. The secrets exist only inside this call and the sealed row.
   */
  async "hsm.downloadSecurityDomain"(ctx, op) {
    const secrets = await domainSecrets(ctx);
    const value = await createSecurityDomainDownload({ secrets, certificates: op.certificates, required: op.required });
    settle(ctx, "download");
    return { value };
  },

  async "hsm.securityDomainDownloadStatus"(ctx) {
    return statusOf(ctx, "download");
  },

  /** One transfer key per new HSM, kept (sealed) until an upload uses it; the same key on every GET until then. */
  async "hsm.transferKey"(ctx, op) {
    notActivatedOnly(ctx);
    const kept = await storedTransferKey(ctx);
    if (kept !== null) return { keyFormat: "jwk", transferKey: transferKeyResponse(kept.jwk).transfer_key };
    const made = await createTransferKey({ kid: transferKeyId(op.baseUrl), now: new Date(ctx.clock.now()) });
    const stored: StoredTransferKey = { privateJwk: made.privateJwk, thumbprint: made.thumbprint, jwk: made.jwk };
    const sealed = await sealValue(ctx, hsmTransferKeyAad(ctx.config), utf8(JSON.stringify(stored)));
    const winner = ctx.transaction(() => {
      if (ctx.hsmDomain.sealedTransferKey() !== null) return false;
      ctx.hsmDomain.setSealedTransferKey(sealed);
      return true;
    });
    if (!winner) return hsmSecurityDomainHandlers["hsm.transferKey"](ctx, op);
    return { keyFormat: "jwk", transferKey: transferKeyResponse(made.jwk).transfer_key };
  },

  /** Every failure to open the blob is the one generic 400 (upload-blob.ts): nothing says which check failed. */
  async "hsm.uploadSecurityDomain"(ctx, op) {
    notActivatedOnly(ctx);
    const transfer = await storedTransferKey(ctx);
    if (transfer === null) throw badParameter("Get this managed HSM's transfer key (GET /securitydomain/upload) and encrypt the restore blob to it first.");
    const secrets = await openRestoreBlob(op.value, { privateKey: transfer.privateJwk, thumbprint: transfer.thumbprint }, { expectedTags: [BACKUP_SECRET_TAG] });
    const sealed = await sealDomainSecrets(ctx, secrets);
    for (const secret of secrets.values()) secret.fill(0);
    notActivatedOnly(ctx);
    settle(ctx, "upload", () => {
      ctx.hsmDomain.setSealedDomain(sealed);
      ctx.hsmDomain.setSealedTransferKey(null);
    });
    return statusOf(ctx, "upload");
  },

  async "hsm.securityDomainUploadStatus"(ctx) {
    return statusOf(ctx, "upload");
  },
};
