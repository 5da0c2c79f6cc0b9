/**
 * Published key sets, an extension beyond Azure (docs/edge-reads.md, "Published key sets"; issue 20): the public keys
 * of a vault's asymmetric keys as RFC 7517 JWK Sets, read without a token while the vault's `publicJwks` setting is on,
 * so that anything signed with a vault key can be verified by any JOSE library. The Worker formats the JWKs; the vault
 * object decides what is published (which versions, in which order, how many).
 */
import type { PublicJwk } from "../crypto/keys/key-types.ts";
import type { RequestInfo } from "./common.ts";

/** The most JWKs one key set holds, newest first; older ones are left out (docs/edge-reads.md says why 256). */
export const MAX_PUBLISHED_KEYS = 256;

export type KeySetOp =
  /** `GET /keys/{name}/jwks`: one key's published versions. */
  | { readonly kind: "keySet.key"; readonly name: string }
  /** `GET /.well-known/jwks.json`: every asymmetric key's published versions. */
  | { readonly kind: "keySet.vault" }
  /** `GET /.well-known/openid-configuration`: nothing to read, but switched, charged and audited like the sets. */
  | { readonly kind: "keySet.discovery" };

export type KeySetKind = KeySetOp["kind"];

/** One published key version: enough for its JWK and its `kid` (`{vault}/keys/{name}/{version}`), nothing private. */
export interface PublishedKey {
  readonly name: string;
  readonly version: string;
  readonly publicJwk: PublicJwk;
}

export interface KeySetResults {
  "keySet.key": readonly PublishedKey[];
  "keySet.vault": readonly PublishedKey[];
  "keySet.discovery": null;
}

/**
 * What the Worker sends for a published key set: the op and the request's facts, and no caller, because there is
 * none. Nor an api-version: JOSE libraries send none, and nothing read here depends on one.
 */
export interface PublishedKeySetRequest {
  readonly op: KeySetOp;
  readonly request: Omit<RequestInfo, "stage" | "apiVersion">;
}

export function isKeySetOp(op: { readonly kind: string }): op is KeySetOp {
  return op.kind === "keySet.key" || op.kind === "keySet.vault" || op.kind === "keySet.discovery";
}
