import type { OpKind } from "../../contract/vault.ts";

/**
 * The HTTP status an operation answers with when it succeeds (Azure: purge is 204, certificate create
 * 202, merge 201, the rest 200).
 */
export function successStatus(kind: OpKind): number {
  if (kind === "secret.purge" || kind === "key.purge" || kind === "certificate.purge") return 204;
  if (kind === "certificate.create") return 202;
  if (kind === "certificate.merge") return 201;
  return 200;
}
