/** Asserts a client call fails with the bridge's error code and status, and returns the error for more checks. */
import { expect } from "vitest";
import { BridgeError } from "../../../core/hsm/bridge-client/index.ts";

export async function expectBridgeError(call: Promise<unknown>, code: string, status?: number): Promise<BridgeError> {
  let caught: unknown;
  try {
    await call;
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(BridgeError);
  const error = caught as BridgeError;
  expect({ code: error.code, status: error.status }).toEqual({ code, status: status ?? error.status });
  return error;
}
