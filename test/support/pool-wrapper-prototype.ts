/**
 * Works around a bug of @cloudflare/vitest-pool-workers 0.12.21 (cloudflare/workers-sdk#15092; fixed upstream by
 * workers-sdk#15106 in releases that need vitest 4). The pool serves SELF through a wrapper class in front of the
 * Worker's default export (and one in front of each Durable Object class), made by its `createProxyPrototypeClass`
 * (dist/worker/lib/cloudflare/test-internal.mjs): every construction, that is every SELF.fetch, wraps the class's
 * `prototype` in one more Proxy before `Reflect.construct(superClass, args, Wrapper)`. Each property read on the next
 * wrapper then walks one `get` trap per earlier request: every request is slower than the last (300 GETs went from
 * 8 to 30 ms each) and around 1,800 requests in one isolate the walk overflows the stack ("Maximum call stack size
 * exceeded"), whatever the route, data plane or admin API.
 *
 * The hook below sees each such construction and, from a wrapper's second construction on, puts back the prototype of
 * its first (the one proxy the pool means to install, as #15106 does). It touches only a class constructed through
 * Reflect.construct with a different newTarget whose superclass is one of the runtime's entrypoint classes; a pool
 * whose wrappers keep their prototype never reaches it. Listed in vitest.config.ts's setupFiles; delete it (and its
 * test, test/api/pool-wrapper-prototype.test.ts) once the pool is upgraded past the fix.
 */
import { DurableObject, WorkerEntrypoint, WorkflowEntrypoint } from "cloudflare:workers";

const ENTRYPOINT_CLASSES: ReadonlySet<unknown> = new Set([WorkerEntrypoint, DurableObject, WorkflowEntrypoint]);

/** One hook per isolate, however often this module is evaluated in it. */
const INSTALLED = Symbol.for("edge-vault.test.pinnedWrapperPrototypes");

function install(): Map<Function, unknown> {
  const pinned = new Map<Function, unknown>();
  const original = Reflect.construct;
  const construct = function (target: Function, args: ArrayLike<unknown>, ...newTarget: [Function?]): object {
    const wrapper = newTarget[0];
    if (wrapper !== undefined && wrapper !== target && ENTRYPOINT_CLASSES.has(target) && Object.getPrototypeOf(wrapper) === target) {
      const first = pinned.get(wrapper);
      if (first === undefined) pinned.set(wrapper, wrapper.prototype);
      else wrapper.prototype = first;
    }
    return original(target, args, ...(newTarget as [Function]));
  };
  Object.defineProperty(Reflect, "construct", { value: construct, writable: true, configurable: true });
  return pinned;
}

const isolate = globalThis as { [INSTALLED]?: Map<Function, unknown> };

/** Each wrapper class seen, with the prototype of its first construction (read by the hook's test). */
export const pinnedWrapperPrototypes: ReadonlyMap<Function, unknown> = (isolate[INSTALLED] ??= install());
