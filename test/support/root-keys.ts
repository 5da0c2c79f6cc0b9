import { env, listDurableObjectIds, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { expect } from "vitest";
import type { RootKeyStatus } from "../../core/contract/root-keys.ts";
import { ManualClock } from "../../core/domain/clock.ts";
import { admin } from "./fixture.ts";

/**
 * Root-key rotation in the workerd tier (docs/root-key-rotation.md). The Worker secrets are fixed per test run, so a
 * new version is "deployed" by giving each Durable Object instance of the test the `ROOT_KEYS` secret, as a deployment
 * that adds it does; an instance started afresh would read the run's bindings again, so tests keep theirs alive.
 */

/** Test-only key material for version 2: fixed, so failures reproduce. */
export const VERSION_2 = `2:${btoa(String.fromCharCode(...new Uint8Array(32).fill(0x5a)))}`;

export const registry = () => env.REGISTRY.get(env.REGISTRY.idFromName("registry"));

/** Every vault, tenant and registry instance of this test gets `rootKeys` as its ROOT_KEYS secret. */
export async function deployRootKeys(rootKeys: string): Promise<void> {
  for (const id of await listDurableObjectIds(env.VAULT)) await deployRootKeysTo(env.VAULT.get(id), rootKeys);
  for (const id of await listDurableObjectIds(env.TENANT)) await deployRootKeysTo(env.TENANT.get(id), rootKeys);
  await deployRootKeysTo(registry(), rootKeys);
}

/** One instance's ROOT_KEYS secret (a deployment whose secret reached a vault malformed, say). */
export async function deployRootKeysTo<T extends Rpc.DurableObjectBranded | undefined>(stub: DurableObjectStub<T>, rootKeys: string): Promise<void> {
  await runInDurableObject(stub, (instance: unknown) => {
    (instance as unknown as { env: Env }).env.ROOT_KEYS = rootKeys;
  });
}

/**
 * The registry's clock, `aheadMs` past now: its alarm is armed at its own clock's now, and alarms run on the real
 * clock, so one armed a year ahead never fires on its own and each batch runs when the test says (sweepBatch).
 */
export async function setRegistryClock(aheadMs: number): Promise<void> {
  await runInDurableObject(registry(), (instance) => {
    instance.clock = new ManualClock(Date.now() + aheadMs);
  });
}

export const A_YEAR_MS = 365 * 24 * 60 * 60 * 1000;

export async function rootKeyStatus(): Promise<RootKeyStatus> {
  const response = await admin("GET", "/rootKeys");
  expect(response.status).toBe(200);
  return response.json<RootKeyStatus>();
}

/** Runs the registry's alarm (one sweep batch) and answers the progress after it. */
export async function sweepBatch(): Promise<RootKeyStatus> {
  expect(await runDurableObjectAlarm(registry())).toBe(true);
  return rootKeyStatus();
}

/** The root key version a vault's stored data key is under (vault migration 0021). */
export function storedRootVersion(vault: string): Promise<number> {
  return runInDurableObject(env.VAULT.get(env.VAULT.idFromName(vault.toLowerCase())), (_instance, state) =>
    state.storage.sql.exec<{ v: number }>("SELECT dek_root_version AS v FROM vault WHERE id = 1").one().v,
  );
}

/** The vault reads its row again, as an instance started afresh would: its data key is opened anew from storage. */
export async function reopenVault(vault: string): Promise<void> {
  await runInDurableObject(env.VAULT.get(env.VAULT.idFromName(vault.toLowerCase())), (instance) => {
    (instance as unknown as { parts: { lifecycle: { load(): void } } }).parts.lifecycle.load();
  });
}
