import { expect } from "vitest";
import { VaultError } from "../../core/errors/vault-error.ts";

/** What `fn` threw must be a VaultError with code BadParameter (and a message matching `message`, when given). */
function expectedBadParameter(threw: boolean, caught: unknown, message: RegExp | undefined): VaultError {
  if (!threw) throw new Error("expected a BadParameter VaultError, but nothing was thrown");
  if (!(caught instanceof VaultError)) throw caught;
  expect(caught.code).toBe("BadParameter");
  if (message !== undefined) expect(caught.message).toMatch(message);
  return caught;
}

/** Runs `fn`, which must throw a VaultError with code BadParameter; returns it for further checks. */
export function badParameter(fn: () => unknown, message?: RegExp): VaultError {
  try {
    fn();
  } catch (err) {
    return expectedBadParameter(true, err, message);
  }
  return expectedBadParameter(false, undefined, message);
}

/** The same for a call that may return a promise: awaits it; it must reject (or throw) with BadParameter. */
export async function badParameterAsync(fn: () => unknown, message?: RegExp): Promise<VaultError> {
  try {
    await fn();
  } catch (err) {
    return expectedBadParameter(true, err, message);
  }
  return expectedBadParameter(false, undefined, message);
}
