/**
 * A tenant's trusted external issuer (docs/access-control.md "Trusted external issuers"): an Entra-style token
 * service whose access tokens for this tenant's vaults are accepted. Entra names a token's issuer `iss`
 * (https://sts.windows.net/{tid}/ for v1 tokens, https://login.microsoftonline.com/{tid}/v2.0 for v2), its tenant
 * `tid` and the identity `oid` (Microsoft identity platform, "Access token claims reference").
 */
export interface TrustedIssuer {
  /** The name in the admin path. */
  readonly name: string;
  /** Compared exactly with a token's `iss`; its keys are found under it (OIDC Discovery 1.0 §4). */
  readonly issuer: string;
  /** The `tid` its tokens must carry, or null when the issuer URL alone names the external tenant. */
  readonly tenantId: string | null;
  /** The external identities (`oid`) that act as principals of this tenant; no other oid of the issuer is accepted. */
  readonly objectIds: readonly string[];
  /** Unix seconds. */
  readonly created: number;
  readonly updated: number;
}

/** At most this many trusted issuers per tenant, and object ids per issuer: the data plane keeps them all per isolate. */
export const MAX_TRUSTED_ISSUERS = 16;
export const MAX_MAPPED_OBJECT_IDS = 200;
