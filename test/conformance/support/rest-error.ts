import { expect } from "vitest";

export interface RestErrorShape {
  readonly name: string;
  readonly statusCode: unknown;
  readonly code: unknown;
  readonly message: string;
}

/**
 * Awaits a call that must fail the way the Azure SDKs surface service errors: a `RestError` whose `statusCode`
 * is the HTTP status and whose `code` is the service's `error.code`. Checked by name, as the SDK's own
 * `isRestError` does, so no transitive SDK package has to be imported.
 */
export async function expectRestError(
  call: Promise<unknown>,
  expected: { statusCode: number; code: string },
): Promise<RestErrorShape> {
  let outcome: unknown;
  try {
    outcome = await call;
  } catch (error) {
    if (!(error instanceof Error)) return expect.fail(`expected a RestError, got a thrown ${typeof error}`);
    const failure: RestErrorShape = {
      name: error.name,
      statusCode: "statusCode" in error ? error.statusCode : undefined,
      code: "code" in error ? error.code : undefined,
      message: error.message,
    };
    expect({ name: failure.name, statusCode: failure.statusCode, code: failure.code }, failure.message).toEqual({
      name: "RestError",
      ...expected,
    });
    return failure;
  }
  return expect.fail(`expected a RestError ${expected.statusCode} ${expected.code}, got success: ${JSON.stringify(outcome)}`);
}
