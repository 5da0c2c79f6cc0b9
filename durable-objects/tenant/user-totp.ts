import { totpSecretAad } from "../../core/crypto/envelope/aad.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { TOTP_SECRET_BYTES, acceptedStep, otpauthUri } from "../../core/crypto/totp.ts";
import type { UserRecord, UserRepository } from "../storage/user-repository.ts";

/** Where a user's TOTP secret is kept and what names it: the tenant's data key and id. */
export interface TotpKeys {
  readonly tenantId: string;
  readonly dataKey: () => Promise<DataKey>;
}

/** The issuer name authenticator apps show beside the account. */
const ISSUER = "edge vault";

/**
 * Enrolls a user in TOTP (docs/sign-in.md "TOTP"): a new random secret, sealed under the tenant data key; the answer —
 * the otpauth:// URI with the secret — is shown once and never again. Enrolling again replaces the secret.
 */
export async function enrollTotp(users: UserRepository, keys: TotpKeys, record: UserRecord): Promise<string> {
  const secret = crypto.getRandomValues(new Uint8Array(TOTP_SECRET_BYTES));
  const sealed = await (await keys.dataKey()).seal(secret, totpSecretAad(keys.tenantId, record.user.id));
  users.setTotpSecret(record.user.id, sealed);
  return otpauthUri(ISSUER, record.user.userPrincipalName, secret);
}

/** Whether `typed` is a code of the user's secret not used before (RFC 6238, each step once); a match is spent. */
export async function totpAccepted(users: UserRepository, keys: TotpKeys, record: UserRecord, typed: string | null, nowSeconds: number): Promise<boolean> {
  if (record.sealedTotpSecret === null) return true;
  if (typed === null) return false;
  const secret = await (await keys.dataKey()).open(record.sealedTotpSecret, totpSecretAad(keys.tenantId, record.user.id));
  // Read the last step again after the awaits: two sign-ins with one code must not both pass.
  const lastStep = users.byId(record.user.id)?.totpLastStep ?? record.totpLastStep;
  const step = await acceptedStep(secret, typed, nowSeconds, lastStep);
  if (step === null || step <= (users.byId(record.user.id)?.totpLastStep ?? lastStep)) return false;
  users.setTotpLastStep(record.user.id, step);
  return true;
}
