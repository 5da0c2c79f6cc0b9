import { expect } from "vitest";
import { VaultError } from "../../core/errors/vault-error.ts";

/** Runs `fn`, which must throw a VaultError with code BadParameter; returns it for further checks. */
export function badParameter(fn: () => unknown): VaultError {
  try {
    fn();
  } catch (err) {
    if (err instanceof VaultError) {
      expect(err.code).toBe("BadParameter");
      return err;
    }
    throw err;
  }
  throw new Error("expected a BadParameter VaultError");
}
