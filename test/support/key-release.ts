import { SELF } from "cloudflare:test";
import { compactVerify, importX509 } from "jose";
import { expect } from "vitest";
import { aesKeyUnwrap } from "../../core/crypto/encrypt/aes-key-wrap.ts";
import { prepareAesKey } from "../../core/crypto/encrypt/aes-key.ts";
import { ISSUER_ORIGIN } from "./fixture.ts";
import { b64u, fromB64u, keyVault, utf8, type GuardedClient, type KeyBundle, type KeyVaultSetup } from "./key-api.ts";

/**
 * Helpers for the secure key release tests (docs/key-release.md), through SELF.fetch only: the local attestation
 * authority this deployment serves in tests (LOCAL_IMDS = "true" turns it on and trusts it), a simulated workload's
 * RSA key pair, policies, and opening a release the way a workload would — checking the vault's signature with the
 * certificate in `x5c`, then unwrapping `key_hsm` with its own private key.
 */
export const LOCAL_AUTHORITY = `${ISSUER_ORIGIN}/local-attestation`;

export type OaepHash = "SHA-1" | "SHA-256" | "SHA-384";

export interface Workload {
  readonly privateKey: CryptoKey;
  /** Its public key as the guest declares it in its runtime data. */
  readonly runtimeJwk: JsonWebKey & { kid: string; key_ops: string[] };
  readonly hash: OaepHash;
}

export async function workload(hash: OaepHash = "SHA-1"): Promise<Workload> {
  const pair = (await crypto.subtle.generateKey(
    { name: "RSA-OAEP", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash },
    true,
    ["encrypt", "decrypt"],
  )) as CryptoKeyPair;
  const pub = (await crypto.subtle.exportKey("jwk", pair.publicKey)) as JsonWebKey;
  return { privateKey: pair.privateKey, runtimeJwk: { kty: "RSA", n: pub.n, e: pub.e, kid: "TpmEphemeralEncryptionKey", key_ops: ["encrypt"] }, hash };
}

export interface AttestOptions {
  readonly claims?: Record<string, unknown>;
  readonly nonce?: string;
  readonly lifetimeSeconds?: number;
  readonly tee?: "SevSnpVm" | "SgxEnclave";
}

/** A token of the local authority for a simulated confidential VM whose runtime data declares the workload's key. */
export async function attest(w: Workload, options: AttestOptions = {}): Promise<string> {
  const response = await SELF.fetch(`${LOCAL_AUTHORITY}/attest/${options.tee ?? "SevSnpVm"}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      runtimeData: { keys: [w.runtimeJwk] },
      ...(options.claims === undefined ? {} : { claims: options.claims }),
      ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
      ...(options.lifetimeSeconds === undefined ? {} : { lifetimeSeconds: options.lifetimeSeconds }),
    }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { token: string }).token;
}

/** What a confidential VM's policy usually asks (Azure's SKR examples for AMD SEV-SNP CVMs). */
export const CVM_CONDITIONS = [
  { claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "sevsnpvm" },
  { claim: "x-ms-isolation-tee.x-ms-compliance-status", equals: "azure-compliant-cvm" },
];

export function policyData(conditions: unknown[] = CVM_CONDITIONS, authority = `${LOCAL_AUTHORITY}/`, combinator: "allOf" | "anyOf" = "allOf"): string {
  return b64u(utf8(JSON.stringify({ version: "1.0.0", anyOf: [{ authority, [combinator]: conditions }] })));
}

export function releasePolicy(conditions?: unknown[], extra: Record<string, unknown> = {}) {
  return { contentType: "application/json; charset=utf-8", data: policyData(conditions), ...extra };
}

/** A premium vault (secure key release is a Premium and Managed HSM feature) with an Administrator. */
export function releaseVault(prefix: string, role = "Key Vault Administrator"): Promise<KeyVaultSetup> {
  return keyVault(prefix, role, { sku: "premium" });
}

export async function exportableKey(kv: GuardedClient, name: string, body: Record<string, unknown> = {}, policy = releasePolicy()): Promise<KeyBundle> {
  const response = await kv.json<KeyBundle>("POST", `/keys/${name}/create`, { kty: "RSA", key_size: 2048, attributes: { exportable: true }, release_policy: policy, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

export function release(kv: GuardedClient, name: string, version: string, body: Record<string, unknown>) {
  return kv.json<{ value?: string; error?: { code: string; message: string } }>("POST", `/keys/${name}/${version}/release`, body);
}

export interface OpenedRelease {
  readonly header: Record<string, unknown>;
  readonly payload: { request: Record<string, unknown>; response: { key: KeyBundle & { key: KeyBundle["key"] & { key_hsm: string } } } };
  readonly blob: { schema_version: string; header: { kid: string; alg: string; enc: string }; ciphertext: string; generator: string };
  /** The released key's plaintext: PKCS#8 DER for RSA and EC, raw octets for oct. */
  readonly keyBytes: Uint8Array<ArrayBuffer>;
}

/** Verifies the vault's JWS with its x5c certificate and unwraps the key with the workload's private key alone. */
export async function openRelease(jws: string, w: Workload): Promise<OpenedRelease> {
  const header = JSON.parse(new TextDecoder().decode(fromB64u(jws.split(".")[0]))) as Record<string, unknown>;
  const certificate = (header.x5c as string[])[0];
  const verified = await compactVerify(jws, await importX509(`-----BEGIN CERTIFICATE-----\n${certificate}\n-----END CERTIFICATE-----`, "ES256"));
  const payload = JSON.parse(new TextDecoder().decode(verified.payload)) as OpenedRelease["payload"];
  const blob = JSON.parse(new TextDecoder().decode(fromB64u(payload.response.key.key.key_hsm))) as OpenedRelease["blob"];
  const ciphertext = fromB64u(blob.ciphertext);
  const aes = new Uint8Array(await crypto.subtle.decrypt({ name: "RSA-OAEP" }, w.privateKey, ciphertext.subarray(0, 256)));
  const keyBytes = await aesKeyUnwrap("CKM_AES_KEY_WRAP_PAD", prepareAesKey(aes), ciphertext.subarray(256));
  return { header, payload, blob, keyBytes };
}
