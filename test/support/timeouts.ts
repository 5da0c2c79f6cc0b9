/**
 * API and Durable Object tests make a dozen requests each, and every tenant creation generates a
 * signing key. On a loaded machine that exceeds vitest's 5 s default, and a test cut off mid-request
 * also breaks isolated storage for the next one. Suites of such tests pass this as their options.
 */
export const SLOW = { timeout: 30_000 } as const;
