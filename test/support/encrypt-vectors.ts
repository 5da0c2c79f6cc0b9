/**
 * Helpers for the encrypt/wrap tests: read the JSON vector files (typed `unknown`) field by field, and assert
 * the generic DecryptionFailed (hex in bytes.ts, BadParameter in bad-parameter.ts).
 */
import { expect } from "vitest";
import { DECRYPTION_FAILED_MESSAGE, DecryptionFailed } from "../../core/crypto/encrypt/decryption-failed.ts";

export type VectorCase = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is VectorCase {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The file's top-level object; every vector file names its origin in `source`. */
export function vectorFile(json: unknown): VectorCase {
  if (!isRecord(json) || typeof json.source !== "string" || json.source.length === 0) {
    throw new Error("vector file without a source");
  }
  return json;
}

export function vectorCases(json: unknown): readonly VectorCase[] {
  const tests = vectorFile(json).tests;
  if (!Array.isArray(tests) || !tests.every(isRecord)) throw new Error("vector file without tests");
  return tests;
}

export function str(record: VectorCase, name: string): string {
  const value = record[name];
  if (typeof value !== "string") throw new Error(`vector field ${name} is not a string`);
  return value;
}

export function num(record: VectorCase, name: string): number {
  const value = record[name];
  if (typeof value !== "number") throw new Error(`vector field ${name} is not a number`);
  return value;
}

/** A RandomSource that hands out one fixed value: replays a published IV through the real API. */
export function fixedRandom(value: Uint8Array): (length: number) => Uint8Array<ArrayBuffer> {
  return (length) => {
    expect(length).toBe(value.length);
    return new Uint8Array(value);
  };
}

/** Awaits a call and checks that it failed with the one generic error and its one message. */
export async function expectDecryptionFailed(run: () => unknown): Promise<void> {
  let caught: unknown;
  try {
    await run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(DecryptionFailed);
  expect((caught as Error).message).toBe(DECRYPTION_FAILED_MESSAGE);
}
