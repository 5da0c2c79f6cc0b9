import { expect } from "vitest";

export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

/** A date within five minutes of now (the server's clock and this process's are the same machine's). */
export function expectRecent(date: Date | undefined): void {
  expect(date).toBeInstanceOf(Date);
  expect(Math.abs(Date.now() - (date?.getTime() ?? 0))).toBeLessThan(5 * 60 * 1000);
}

/** Pollers default to 2 s between polls; the local server answers at once. */
export const POLL = { intervalInMs: 100 };

export const DAY_MS = 24 * 60 * 60 * 1000;

/** Key generation (RSA-4096 above all) is slow on a loaded machine. */
export const SLOW = 240_000;
