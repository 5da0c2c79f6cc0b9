import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToBase64Url, utf8 } from "../bytes.ts";
import type { RootKey } from "../envelope/root-key.ts";
import { derivedP256Key, type DerivedP256Key } from "./derived-p256-key.ts";

/**
 * The local attestation authority's token-signing key (docs/key-release.md): derived from the root key (HKDF
 * purpose `local-attestation/v1`), so the Worker that mints tokens and the vault objects that verify them hold the
 * same key without storing or fetching it. Microsoft Azure Attestation signs RS256; this authority signs ES256,
 * which every JOSE verifier (and this vault's) accepts alike.
 */
export const LOCAL_AUTHORITY_PURPOSE = "local-attestation/v1";

export interface LocalAuthorityKey {
  readonly key: DerivedP256Key;
  /** The JWK its key set publishes: public members, `kid`, `use`, `alg`. */
  readonly jwk: { readonly kty: "EC"; readonly crv: "P-256"; readonly x: string; readonly y: string; readonly kid: string; readonly use: "sig"; readonly alg: "ES256" };
}

const caches = new Map<string, WeakMap<RootKey, Promise<LocalAuthorityKey>>>();

async function make(root: RootKey, purpose: string): Promise<LocalAuthorityKey> {
  const key = await derivedP256Key(root, purpose);
  // RFC 7638-like: a stable kid from the public key, so a token's kid matches the published set.
  const kid = bytesToBase64Url(sha256(utf8(`${key.publicJwk.x}.${key.publicJwk.y}`)));
  return { key, jwk: { ...key.publicJwk, kid, use: "sig", alg: "ES256" } };
}

/**
 * A local token issuer's key for `purpose`, cached per root key: the attestation authority's, and the local OIDC
 * issuer's that stands in for GitHub Actions or Kubernetes in workload identity federation (docs/access-control.md).
 */
export function localIssuerKey(root: RootKey, purpose: string): Promise<LocalAuthorityKey> {
  let cache = caches.get(purpose);
  if (cache === undefined) {
    cache = new WeakMap();
    caches.set(purpose, cache);
  }
  let entry = cache.get(root);
  if (entry === undefined) {
    entry = make(root, purpose);
    cache.set(root, entry);
  }
  return entry;
}

export function localAuthorityKey(root: RootKey): Promise<LocalAuthorityKey> {
  return localIssuerKey(root, LOCAL_AUTHORITY_PURPOSE);
}
