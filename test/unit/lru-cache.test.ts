import { describe, expect, it } from "vitest";
import { LruCache } from "../../core/crypto/providers/lru-cache.ts";

describe("LruCache (both key providers' per-isolate memory)", () => {
  it("makes an entry once and keeps it", () => {
    const cache = new LruCache<object>(2);
    let made = 0;
    const first = cache.get("a", () => ({ n: ++made }));
    expect(cache.get("a", () => ({ n: ++made }))).toBe(first);
    expect(made).toBe(1);
  });

  it("drops the least recently used past its limit", () => {
    const cache = new LruCache<string>(2);
    cache.get("a", () => "a1");
    cache.get("b", () => "b1");
    cache.get("a", () => "a2"); // a is now the most recently used
    cache.get("c", () => "c1"); // evicts b
    expect(cache.get("a", () => "a3")).toBe("a1");
    expect(cache.get("b", () => "b2")).toBe("b2");
  });

  it("forgets a promise that rejects, so the next use tries again", async () => {
    const cache = new LruCache<Promise<string>>(4);
    await expect(cache.getPromise("k", () => Promise.reject(new Error("bridge away")))).rejects.toThrow("bridge away");
    expect(await cache.getPromise("k", () => Promise.resolve("opened"))).toBe("opened");
    expect(await cache.getPromise("k", () => Promise.resolve("again"))).toBe("opened");
  });

  it("delete forgets one entry", () => {
    const cache = new LruCache<string>(4);
    cache.get("k", () => "v1");
    cache.delete("k");
    expect(cache.get("k", () => "v2")).toBe("v2");
  });
});
