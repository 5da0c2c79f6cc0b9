import type { ErrorValue, VaultError } from "./vault-error.ts";

/**
 * How Durable Objects answer: errors are values, because RPC keeps only an exception's
 * message and name (docs/decisions.md §2.3). The Worker turns `{ ok: false }` back into a VaultError.
 */
export type Result<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ErrorValue };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });

export const fail = (error: VaultError): Result<never> => ({ ok: false, error: error.toValue() });
