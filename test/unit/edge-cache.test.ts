/** The edge cache's store (worker/edge/edge-cache.ts): bodies in the Cache API sealed to their address (kept-body-seal.ts). */
import { describe, expect, it } from "vitest";
import { keepRead, keptRead } from "../../worker/edge/edge-cache.ts";
import { cacheKeyOf, openKeptBody, sealKeptBody } from "../../worker/edge/kept-body-seal.ts";

const ROOT = "dGVzdC1yb290LWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE=";
const OTHER_ROOT = "b3RoZXItcm9vdC1rZXktMDEyMzQ1Njc4OWFiY2RlZjA=";
const ADDRESS = "tenant-a|https://v.vault.localhost:8443|2025-07-01|secret.get|s|0123456789abcdef0123456789abcdef";
const ETAG = '"tag-of-the-body"';
const BODY = '{"value":"s3cr3t-value","id":"https://v.vault.localhost:8443/secrets/s/0123456789abcdef0123456789abcdef"}';

describe("kept body seal", () => {
  it("opens what it sealed, with its lease; the value is not in the sealed bytes", async () => {
    const sealed = await sealKeptBody(ROOT, ADDRESS, { body: BODY, etag: ETAG }, 1_234_567);
    expect(new TextDecoder().decode(sealed)).not.toContain("s3cr3t-value");
    expect(await openKeptBody(ROOT, ADDRESS, sealed.slice().buffer)).toEqual({ body: BODY, etag: ETAG, leaseUntilMs: 1_234_567 });
  });

  it("refuses another address, another deployment's key, a flipped bit, a truncated entry", async () => {
    const sealed = await sealKeptBody(ROOT, ADDRESS, { body: BODY, etag: ETAG }, 1);
    expect(await openKeptBody(ROOT, ADDRESS.replace("tenant-a", "tenant-b"), sealed.slice().buffer)).toBeNull();
    expect(await openKeptBody(OTHER_ROOT, ADDRESS, sealed.slice().buffer)).toBeNull();
    const flipped = sealed.slice();
    flipped[20] = (flipped[20] ?? 0) ^ 1;
    expect(await openKeptBody(ROOT, ADDRESS, flipped.buffer)).toBeNull();
    expect(await openKeptBody(ROOT, ADDRESS, sealed.slice(0, 12).buffer)).toBeNull();
  });
});

describe("the Cache API tier", () => {
  const MAX_AGE = { headers: { "Cache-Control": "max-age=2" } };
  const address = (read: string) => ({ read, permission: `${read}|principal|action` });
  const put = async (kind: "read" | "permission", key: string, sealedFor: string, body: string, lease: number) =>
    caches.default.put(await cacheKeyOf(ROOT, `${kind}|${key}`), new Response(await sealKeptBody(ROOT, `${kind}|${sealedFor}`, { body, etag: ETAG }, lease), MAX_AGE));

  it("holds entries sealed under keys that name nothing, and answers from them (another isolate of the data centre wrote them)", async () => {
    const now = Date.now();
    const kept = address(`${ADDRESS}|kept-${crypto.randomUUID()}`);
    await keepRead(ROOT, kept, { body: BODY, etag: ETAG }, now + 2_000, now);
    const key = await cacheKeyOf(ROOT, `read|${kept.read}`);
    expect(key).toMatch(/^https:\/\/edge-reads\.invalid\/[0-9a-f]{64}$/);
    const stored = await caches.default.match(key);
    expect(stored).toBeDefined();
    expect(await stored?.text()).not.toContain("s3cr3t-value");

    // Written by "another isolate": only in the Cache API, never in this one's memory.
    const shared = address(`${ADDRESS}|shared-${crypto.randomUUID()}`);
    expect(await keptRead(ROOT, shared, () => now)).toBeNull();
    await put("read", shared.read, shared.read, BODY, now + 2_000);
    expect(await keptRead(ROOT, shared, () => now)).toBeNull(); // no permission kept for this caller
    await put("permission", shared.permission, shared.permission, "granted", now + 2_000);
    expect(await keptRead(ROOT, shared, () => now)).toMatchObject({ body: BODY, etag: ETAG });
    // A lease past (by the skew margin) is never served, wherever it is kept.
    expect(await keptRead(ROOT, shared, () => now + 2_000 - 250)).toBeNull();
  });

  it("refuses an entry sealed for another address, a read's entry standing for a permission, a lease too far ahead, a plain one", async () => {
    const now = Date.now();
    const target = address(`${ADDRESS}|target-${crypto.randomUUID()}`);
    await put("permission", target.permission, target.permission, "granted", now + 2_000);
    await put("read", target.read, `${target.read}-elsewhere`, BODY, now + 2_000);
    expect(await keptRead(ROOT, target, () => now)).toBeNull();

    const crossed = address(`${ADDRESS}|crossed-${crypto.randomUUID()}`);
    await put("read", crossed.read, crossed.read, BODY, now + 2_000);
    await caches.default.put(await cacheKeyOf(ROOT, `permission|${crossed.permission}`), (await caches.default.match(await cacheKeyOf(ROOT, `read|${crossed.read}`))) as Response);
    expect(await keptRead(ROOT, crossed, () => now)).toBeNull();

    const planted = address(`${ADDRESS}|planted-${crypto.randomUUID()}`);
    await put("read", planted.read, planted.read, BODY, now + 3_600_000);
    await put("permission", planted.permission, planted.permission, "granted", now + 3_600_000);
    expect(await keptRead(ROOT, planted, () => now)).toBeNull();
    await caches.default.put(await cacheKeyOf(ROOT, `permission|${planted.permission}`), new Response(String(now + 2_000), MAX_AGE));
    expect(await keptRead(ROOT, planted, () => now)).toBeNull();
  });
});
