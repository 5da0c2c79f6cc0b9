import { VaultError } from "../../errors/vault-error.ts";

/**
 * Continuation tokens are opaque to clients (Azure `$skiptoken`). Ours carry the last position
 * seen, base64url-encoded JSON; anything that does not decode to that shape is a bad parameter.
 */
export type Cursor = { readonly after: string } | { readonly afterSeq: number };

export function encodeCursor(cursor: Cursor): string {
  return btoa(JSON.stringify(cursor)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decode(token: string): unknown {
  try {
    return JSON.parse(atob(token.replace(/-/g, "+").replace(/_/g, "/")));
  } catch {
    return undefined;
  }
}

const invalid = (): VaultError => new VaultError("BadParameter", "The skip token is not valid.");

export function decodeNameCursor(token: string | undefined): string {
  if (token === undefined) return "";
  const value = decode(token);
  if (typeof value === "object" && value !== null && "after" in value && typeof value.after === "string") return value.after;
  throw invalid();
}

export function decodeSeqCursor(token: string | undefined): number {
  if (token === undefined) return 0;
  const value = decode(token);
  if (typeof value === "object" && value !== null && "afterSeq" in value && Number.isSafeInteger(value.afterSeq)) {
    return value.afterSeq as number;
  }
  throw invalid();
}
