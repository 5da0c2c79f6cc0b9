/** The edge cache's store (worker/edge/edge-cache.ts): bodies in the Cache API sealed to their address (kept-body-seal.ts). */
import { describe, expect, it } from "vitest";
import { keepRead, keptRead } from "../../worker/edge/edge-cache.ts";
import { openKeptBody, sealKeptBody } from "../../worker/edge/kept-body-seal.ts";

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
  const address = (read: string) => ({ read, permission: `${read}|principal|action` });
  const MAX_AGE = { headers: { "Cache-Control": "max-age=2" } };
  const url = (kind: string, key: string) => `https://edge-reads.invalid/${kind}/${encodeURIComponent(key)}`;

  it("holds bodies sealed, and answers from them (another isolate of the data centre wrote them)", async () => {
    const now = Date.now();
    const kept = address(`${ADDRESS}|kept-${crypto.randomUUID()}`);
    await keepRead(ROOT, kept, { body: BODY, etag: ETAG }, now + 2_000, now);
    const stored = await caches.default.match(url("read", kept.read));
    expect(stored).toBeDefined();
    expect(await stored?.text()).not.toContain("s3cr3t-value");

    // Written by "another isolate": only in the Cache API, never in this one's memory.
    const shared = address(`${ADDRESS}|shared-${crypto.randomUUID()}`);
    expect(await keptRead(ROOT, shared, now)).toBeNull();
    await caches.default.put(url("read", shared.read), new Response(await sealKeptBody(ROOT, shared.read, { body: BODY, etag: ETAG }, now + 2_000), MAX_AGE));
    expect(await keptRead(ROOT, shared, now)).toBeNull(); // no permission kept for this caller
    await caches.default.put(url("permission", shared.permission), new Response(String(now + 2_000), MAX_AGE));
    expect(await keptRead(ROOT, shared, now)).toMatchObject({ body: BODY, etag: ETAG });
    // A lease past (by the skew margin) is never served, wherever it is kept.
    expect(await keptRead(ROOT, shared, now + 2_000 - 250)).toBeNull();
  });

  it("does not serve an entry sealed for another address", async () => {
    const now = Date.now();
    const target = address(`${ADDRESS}|target-${crypto.randomUUID()}`);
    await caches.default.put(url("permission", target.permission), new Response(String(now + 2_000), MAX_AGE));
    await caches.default.put(url("read", target.read), new Response(await sealKeptBody(ROOT, `${target.read}-elsewhere`, { body: BODY, etag: ETAG }, now + 2_000), MAX_AGE));
    expect(await keptRead(ROOT, target, now)).toBeNull();
  });
});
