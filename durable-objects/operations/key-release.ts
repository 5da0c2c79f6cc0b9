import type { KeyResults } from "../../core/contract/keys.ts";
import type { OpOf } from "../../core/contract/vault.ts";
import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import { AZURE_KEY_TYPES } from "../../core/crypto/keys/key-types.ts";
import { isLocalAuthority, type AttestationTrust } from "../../core/crypto/release/attestation-trust.ts";
import { AuthorityKeySets, fetchJsonDocument } from "../../core/crypto/release/authority-key-sets.ts";
import { keyHsmBlob } from "../../core/crypto/release/key-hsm-blob.ts";
import { localAuthorityKey } from "../../core/crypto/release/local-authority-key.ts";
import { runtimeEncryptionKey } from "../../core/crypto/release/runtime-key.ts";
import { verifyAttestationToken, type IssuerKeys } from "../../core/crypto/release/verify-attestation.ts";
import type { RootKey } from "../../core/crypto/envelope/root-key.ts";
import { toUnixSeconds } from "../../core/domain/clock.ts";
import { parseKeyProperties, type KeyProperties } from "../../core/domain/objects/key-properties.ts";
import { isUnderAuthority } from "../../core/domain/release-policy/authority.ts";
import { evaluateReleasePolicy } from "../../core/domain/release-policy/evaluate-policy.ts";
import { parseReleasePolicy } from "../../core/domain/release-policy/parse-policy.ts";
import type { ReleasePolicy } from "../../core/domain/release-policy/policy-types.ts";
import { VaultError, badParameter } from "../../core/errors/vault-error.ts";
import { keyView } from "./key-views.ts";
import { liveVersion } from "./object-lifecycle.ts";
import { attestInToken } from "./key-attestation.ts";
import { checkBoundNonce } from "./key-release-nonces.ts";
import { wrapForRelease, WrapRefused } from "./key-release-wrap.ts";
import type { KeyAccess, ObjectStore, ReleaseNonces, Sealing, Transactions, VaultScope } from "./vault-context.ts";

/**
 * Secure key release (keys.json `release`; docs/key-release.md): an exportable key version leaves the vault only
 * wrapped to the key of a workload whose attestation token this vault verified and found to meet the key's release
 * policy. Every refusal past the key's own checks is the one 403 below: which check failed goes to the log (and the
 * audit record, docs/key-release.md "What is recorded"), never to the caller.
 */
export const RELEASE_REFUSED_MESSAGE = "The target's attestation could not be verified, or does not satisfy the key's release policy.";

const MAX_AUDIT_DETAIL_CHARS = 500;

/** Token-signing keys of listed authorities, per isolate and bounded (authority-key-sets.ts). */
const authorityKeySets = new AuthorityKeySets(fetchJsonDocument);

type Ctx = VaultScope & ObjectStore & Sealing & KeyAccess & ReleaseNonces & Transactions;
type ReleaseKinds = "key.release" | "key.getAttestation";
type Handlers = { readonly [K in ReleaseKinds]: (ctx: Ctx, op: OpOf<K>) => Promise<KeyResults[K]> };

function refused(ctx: Ctx, op: OpOf<"key.release">, version: string, reason: string): VaultError {
  console.warn(JSON.stringify({ event: "key-release-refused", tenant: ctx.config.tenantId, vault: ctx.config.name, key: op.name, version, reason }));
  const error = new VaultError("Forbidden", RELEASE_REFUSED_MESSAGE);
  // Bounded: a reason may quote the token (a jku, a claim), which the caller chose.
  error.auditDetail = `key release refused: ${reason}`.slice(0, MAX_AUDIT_DETAIL_CHARS);
  return error;
}

/** The local authority's keys are derived here as the Worker derives them; every other listed one is fetched. */
function issuerKeys(root: RootKey, trust: AttestationTrust, nowMs: number): IssuerKeys {
  return async (issuer, jku, refresh) => {
    if (!isLocalAuthority(trust, issuer)) return authorityKeySets.keysFor(issuer, jku, nowMs, refresh);
    if (jku !== undefined && !isUnderAuthority(jku, issuer)) return { ok: false, reason: `jku ${jku} is outside authority ${issuer}` };
    return { ok: true, keys: [{ ...(await localAuthorityKey(root)).jwk }] };
  };
}

/** The stored policy: checked when it was set, so a failure here is a storage fault, not the caller's. */
function storedPolicy(props: KeyProperties): ReleasePolicy {
  const bytes = props.releasePolicy === undefined ? null : base64UrlToBytes(props.releasePolicy.data);
  if (bytes === null) throw new Error("an exportable key version has no readable release policy");
  return parseReleasePolicy(new TextDecoder().decode(bytes));
}

export const keyReleaseHandlers: Handlers = {
  async "key.release"(ctx, op) {
    const version = liveVersion(ctx, "key", op.name, op.version);
    const props = parseKeyProperties(version.props);
    // Release works outside nbf/exp (key-attributes.md: "except decrypt, release, unwrap, and verify"), not disabled.
    if (!version.attributes.enabled) throw new VaultError("Forbidden", "Operation release is not allowed on a disabled key.", "KeyDisabled");
    if (!props.exportable || props.releasePolicy === undefined) {
      throw badParameter("The key is not exportable: only a key made with attributes.exportable and a release policy can be released.");
    }
    const policy = storedPolicy(props);
    const nowMs = ctx.clock.now();
    const root = await ctx.rootKey();
    const verified = await verifyAttestationToken({ token: op.attestation, policy, trust: op.trust, nowSeconds: toUnixSeconds(nowMs), keys: issuerKeys(root, op.trust, nowMs) });
    if (!verified.ok) throw refused(ctx, op, version.version, verified.reason);
    const decision = evaluateReleasePolicy(policy, verified.issuer, verified.claims);
    if (!decision.allowed) throw refused(ctx, op, version.version, decision.reason);
    const runtime = runtimeEncryptionKey(verified.claims);
    if (runtime === null) throw refused(ctx, op, version.version, "the token's runtime claims (x-ms-runtime.keys) hold no RSA encryption key of 2048 bits or more");
    // Synchronous from the check to the record: two requests with one nonce cannot both pass.
    const nonceProblem = checkBoundNonce(ctx, version, policy, verified, op.nonce, nowMs);
    if (nonceProblem !== null) throw refused(ctx, op, version.version, nonceProblem);
    let ciphertext: Uint8Array;
    try {
      ciphertext = await wrapForRelease(ctx, version, props, op.enc, runtime);
    } catch (error) {
      if (error instanceof WrapRefused) throw refused(ctx, op, version.version, error.message);
      throw error;
    }
    return { view: keyView(ctx.config, version), keyHsm: keyHsmBlob(runtime.kid, op.enc, ciphertext), enc: op.enc, ...(op.nonce === undefined ? {} : { nonce: op.nonce }) };
  },

  /**
   * GetKeyAttestation answers evidence from the HSM about a key (Keys/models.tsp KeyAttestation). An HSM key's comes
   * from its token through the bridge (key-attestation.ts); a software key has none, and is refused with a reason.
   */
  async "key.getAttestation"(ctx, op) {
    const version = liveVersion(ctx, "key", op.name, op.version);
    const props = parseKeyProperties(version.props);
    if (!AZURE_KEY_TYPES[props.kty].hsm) {
      throw badParameter("Key attestation is evidence from the HSM that holds a key; this key is software-protected and has none.");
    }
    return { view: keyView(ctx.config, version), attestation: await attestInToken(ctx, version, props, op.vaultUrl) };
  },
};
