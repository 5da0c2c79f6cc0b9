import { base64UrlToBytes, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";
import { hsmDomainAad } from "../../core/crypto/envelope/aad.ts";
import { openValue, sealValue } from "./sealed-values.ts";
import type { HsmDomain, Sealing, Transactions, VaultScope } from "./vault-context.ts";

/**
 * A managed HSM's security-domain secrets (docs/managed-hsm.md "Security domain"): what a download splits among the
 * domain's holders and an upload brings into a new HSM. One secret, under Azure's tag `hsm_backup`: the root of the
 * keys its full backups are sealed under (hsm-backup-seal.ts), so only an HSM holding the same domain can restore
 * them. Made on first use, 32 random bytes; sealed under the vault data key.
 */
export const BACKUP_SECRET_TAG = "hsm_backup";
const SECRET_BYTES = 32;

type Ctx = VaultScope & Sealing & Transactions & HsmDomain;

async function seal(ctx: Ctx, secrets: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  const json = JSON.stringify(Object.fromEntries([...secrets].map(([tag, bytes]) => [tag, bytesToBase64Url(bytes)])));
  return sealValue(ctx, hsmDomainAad(ctx.config), utf8(json));
}

/** The domain's secrets, made (and stored on their own) the first time any is needed. */
export async function domainSecrets(ctx: Ctx): Promise<Map<string, Uint8Array>> {
  const sealed = ctx.hsmDomain.sealedDomain();
  if (sealed !== null) {
    const parsed = JSON.parse(new TextDecoder().decode(await openValue(ctx, hsmDomainAad(ctx.config), sealed))) as Record<string, string>;
    return new Map(Object.entries(parsed).map(([tag, value]) => [tag, base64UrlToBytes(value) ?? new Uint8Array()]));
  }
  const made = new Map([[BACKUP_SECRET_TAG, crypto.getRandomValues(new Uint8Array(SECRET_BYTES))]]);
  const stored = await seal(ctx, made);
  // Another request may have made them while this one sealed: the first stored wins, and is what is answered.
  const winner = ctx.bookkeeping(() => {
    if (ctx.hsmDomain.sealedDomain() !== null) return null;
    ctx.hsmDomain.setSealedDomain(stored);
    return made;
  });
  return winner ?? domainSecrets(ctx);
}

/** The secrets an upload brought, sealed for storage (written by the caller inside its transaction). */
export function sealDomainSecrets(ctx: Ctx, secrets: ReadonlyMap<string, Uint8Array>): Promise<Uint8Array> {
  return seal(ctx, secrets);
}
