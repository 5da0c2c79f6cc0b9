import type { Result, Router } from "hono/router";
import { SmartRouter } from "hono/router/smart-router";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { TrieRouter } from "hono/router/trie-router";
import { LruCache } from "../../core/crypto/providers/lru-cache.ts";

/** How many (method, path) answers one isolate keeps; the least recently used goes first. */
const REMEMBERED = 1024;

/**
 * Hono's default router (SmartRouter: RegExpRouter where it can, else TrieRouter) with its answers remembered per
 * method and path. Our route tables are ambiguous in ways RegExpRouter refuses (`/secrets/{name}/backup` beside
 * `/secrets/{name}/{version}`, a managed HSM's `/keys/{name}/providers/…`), so requests were matched by walking the
 * trie: the largest piece of JavaScript in a data-plane request's profile (~0.15–0.2 ms, docs/performance.md).
 * Clients repeat the same paths (a key's sign, a secret's get), and an answer depends on nothing else: the routes are
 * all added before the first request, and Hono only reads what `match` returns. A path seen once more costs a lookup;
 * a stream of new paths costs what it did, plus a bounded map.
 */
export class RememberedRoutes<T> implements Router<T> {
  readonly name = "RememberedRoutes";
  private readonly inner: Router<T> = new SmartRouter<T>({ routers: [new RegExpRouter(), new TrieRouter()] });
  private readonly answers = new LruCache<Result<T>>(REMEMBERED);

  add(method: string, path: string, handler: T): void {
    this.answers.clear();
    this.inner.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    return this.answers.get(`${method} ${path}`, () => this.inner.match(method, path));
  }
}
