/**
 * Every workerd test ends with no Durable Object alarm armed. Alarms run on the real clock and ignore isolated
 * storage: one that fires (or retries) while the runner pops a test's storage fails that pop with "Isolated storage
 * failed" (cloudflare/workers-sdk#5388: "You must delete or run all alarms … scheduled in each test before
 * finishing the test"). A test that needs an alarm runs it with runDurableObjectAlarm before it ends.
 */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { afterEach } from "vitest";

const NAMESPACES = [env.VAULT, env.TENANT, env.REGISTRY] as const;

afterEach(async () => {
  for (const namespace of NAMESPACES) {
    for (const id of await listDurableObjectIds(namespace)) {
      await runInDurableObject(namespace.get(id), (_instance, state) => state.storage.deleteAlarm());
    }
  }
});
