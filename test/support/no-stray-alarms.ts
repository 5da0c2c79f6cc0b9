/**
 * Every workerd test ends with no Durable Object alarm armed. Alarms run on the real clock and ignore isolated
 * storage: one that fires (or retries) while the runner pops a test's storage fails that pop with "Isolated storage
 * failed" (cloudflare/workers-sdk#5388: "You must delete or run all alarms … scheduled in each test before
 * finishing the test"). A test that needs an alarm runs it with runDurableObjectAlarm before it ends.
 */
import { env, listDurableObjectIds, runInDurableObject } from "cloudflare:test";
import { afterEach } from "vitest";

async function disarmAll<T extends Rpc.DurableObjectBranded | undefined>(namespace: DurableObjectNamespace<T>): Promise<void> {
  for (const id of await listDurableObjectIds(namespace)) {
    await runInDurableObject(namespace.get(id), (_instance, state) => state.storage.deleteAlarm());
  }
}

afterEach(async () => {
  await disarmAll(env.VAULT);
  await disarmAll(env.TENANT);
  await disarmAll(env.REGISTRY);
});
