import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { ISSUER_ORIGIN } from "../support/fixture.ts";
import { pinnedWrapperPrototypes } from "../support/pool-wrapper-prototype.ts";

/**
 * test/support/pool-wrapper-prototype.ts keeps the test pool's SELF wrapper from gaining a Proxy per request, which
 * overflowed the stack after ~1,800 requests in one isolate (cloudflare/workers-sdk#15092). No timing is asserted:
 * without the hook the wrapper's prototype is a new object after every request, and the loop below ends in
 * "Maximum call stack size exceeded" (or the test timeout) instead of its last answer.
 */
const REQUESTS = 2_000;

it(`the pool's SELF wrapper keeps one prototype, and ${REQUESTS} requests in one isolate are all answered`, async () => {
  const healthz = async () => (await SELF.fetch(`${ISSUER_ORIGIN}/healthz`)).json();
  expect(await healthz()).toStrictEqual({ status: "ok" });
  const wrappers = [...pinnedWrapperPrototypes.keys()];
  expect(wrappers.length, "the hook saw no pool wrapper: if the pool is past workers-sdk#15106, delete the hook").toBeGreaterThan(0);
  const prototypes = wrappers.map((wrapper) => wrapper.prototype as unknown);
  const unchanged = () => wrappers.forEach((wrapper, i) => expect(wrapper.prototype === prototypes[i], wrapper.name).toBe(true));

  await healthz();
  unchanged();
  for (let i = 2; i < REQUESTS; i++) await healthz();
  unchanged();
});
