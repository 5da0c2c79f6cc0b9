import type { OpKind } from "../rpc.ts";

/** The HTTP status an operation answers with when it succeeds (Azure: purge is 204, the rest 200). */
export function successStatus(kind: OpKind): number {
  return kind === "secret.purge" || kind === "key.purge" ? 204 : 200;
}
