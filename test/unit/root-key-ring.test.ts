import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { RootKeyRing, RootKeyUnavailable, currentRootSecret, parseRootKeys } from "../../core/crypto/envelope/root-key-ring.ts";
import { VERSION_2 } from "../support/root-keys.ts";

const SECRET_3 = btoa(String.fromCharCode(...new Uint8Array(32).fill(3)));

describe("the root key ring (docs/root-key-rotation.md)", () => {
  it("is ROOT_KEY alone, as version 1 and current, without ROOT_KEYS", () => {
    const ring = RootKeyRing.fromEnv({ ROOT_KEY: env.ROOT_KEY });
    expect([ring.current, ring.versions, ring.usable]).toStrictEqual([1, [1], [1]]);
    expect(currentRootSecret({ ROOT_KEY: env.ROOT_KEY })).toBe(env.ROOT_KEY);
  });

  it("adds ROOT_KEYS versions, in any order and separated by commas or white space; the highest is current", () => {
    const rootKeys = ` 3:${SECRET_3},\n${VERSION_2} `;
    const ring = RootKeyRing.fromEnv({ ROOT_KEY: env.ROOT_KEY, ROOT_KEYS: rootKeys });
    expect([ring.current, ring.versions, ring.usable]).toStrictEqual([3, [1, 2, 3], [3, 2, 1]]);
    expect(currentRootSecret({ ROOT_KEY: env.ROOT_KEY, ROOT_KEYS: rootKeys })).toBe(SECRET_3);
  });

  it("refuses a retired version like an absent one, and keeps the others", async () => {
    const ring = RootKeyRing.fromEnv({ ROOT_KEY: env.ROOT_KEY, ROOT_KEYS: VERSION_2 }, [1]);
    expect(ring.usable).toStrictEqual([2]);
    await expect(ring.key(1)).rejects.toBeInstanceOf(RootKeyUnavailable);
    await expect(ring.key(5)).rejects.toBeInstanceOf(RootKeyUnavailable);
    await expect(ring.key(2)).resolves.toBeDefined();
  });

  it.each([["1:abc"], ["0:abc"], ["x:abc"], ["2"], ["2:a 2:b"], ["99999999:abc"], ["-2:abc"]])("refuses ROOT_KEYS %j", (value) => {
    expect(() => parseRootKeys(value)).toThrow("ROOT_KEYS");
  });
});
