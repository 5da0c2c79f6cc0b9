import type { KeyReleaseResult } from "../../core/contract/keys.ts";
import { currentRootKey } from "../../core/crypto/envelope/root-key-ring.ts";
import { releaseSigner } from "../../core/crypto/release/release-signer.ts";
import type { VaultConfig } from "../../core/domain/vault/vault-config.ts";
import { keyBundle } from "./key-bundle.ts";

/**
 * KeyReleaseResult.value: a JWS signed by the vault (core/crypto/release/release-signer.ts) whose payload holds the
 * request it answers and the released key as a KeyBundle — public members, attributes, release policy — with the
 * wrapped private key in `key.key_hsm`, where Azure's consumers read it (`response.key.key.key_hsm`, Microsoft's
 * OpenHCL `AkvKeyReleaseJwtBody`). The nonce is echoed in `request.nonce`.
 */
export function releasePayload(base: string, result: KeyReleaseResult, apiVersion: string) {
  const bundle = keyBundle(base, result.view, apiVersion);
  return {
    request: { "api-version": apiVersion, enc: result.enc, kid: bundle.key.kid, ...(result.nonce === undefined ? {} : { nonce: result.nonce }) },
    response: { key: { ...bundle, key: { ...bundle.key, key_hsm: result.keyHsm } } },
  };
}

export async function signedRelease(env: Env, vault: VaultConfig, base: string, result: KeyReleaseResult, apiVersion: string): Promise<string> {
  const signer = await releaseSigner(await currentRootKey(env), vault.tenantId, vault.name);
  return signer.sign(releasePayload(base, result, apiVersion));
}
