import process from "node:process";
import { afterAll, afterEach, beforeAll } from "vitest";

/**
 * workerd's `process` emits "unhandledRejection" for a promise that is rejected before its handler is
 * attached, even when the handler is attached a microtask later ("rejectionHandled" follows). jose does
 * exactly that when it refuses a token's `alg` (an async function returning another async function's
 * already-rejected promise), and vitest reports every such event as an error of the run.
 *
 * This applies Node's rule instead: a rejection counts as unhandled only if it is still unhandled when
 * the test ends, and then the test fails. Listeners are installed for one file only, because vitest
 * stops reporting unhandled rejections itself while another listener exists.
 */
export function failOnlyOnTrulyUnhandledRejections(): void {
  const pending = new Map<Promise<unknown>, unknown>();
  const onUnhandled = (reason: unknown, promise: Promise<unknown>) => pending.set(promise, reason);
  const onHandled = (promise: Promise<unknown>) => pending.delete(promise);

  beforeAll(() => {
    process.on("unhandledRejection", onUnhandled);
    process.on("rejectionHandled", onHandled);
  });
  afterEach(async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    const reasons = [...pending.values()];
    pending.clear();
    if (reasons.length > 0) {
      throw new Error(`unhandled promise rejection(s) during the test: ${reasons.map((r) => String(r)).join("; ")}`);
    }
  });
  afterAll(() => {
    process.off("unhandledRejection", onUnhandled);
    process.off("rejectionHandled", onHandled);
  });
}
