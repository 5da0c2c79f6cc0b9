import type { Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

/** A Durable Object's error value becomes a thrown VaultError, mapped once by the app's onError. */
export function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw VaultError.from(result.error);
  return result.value;
}
