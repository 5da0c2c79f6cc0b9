/**
 * Idempotency keys on generate, import and delete (draft-ietf-httpapi-idempotency-key-header): a repeat gets the
 * first answer without running again; another request under the same key is 422; a repeat while the first still
 * runs is 409.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacClient, rawCall } from "./support/clients.ts";

describe("POST /keys with an idempotency key", () => {
  it("a repeat returns the same key, marked idempotent-replayed, and creates nothing new", async () => {
    const idempotencyKey = randomUUID();
    const first = await rawCall({ method: "POST", path: "/keys", body: { kty: "EC", curve: "P-256" }, idempotencyKey });
    const second = await rawCall({ method: "POST", path: "/keys", body: { kty: "EC", curve: "P-256" }, idempotencyKey });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.headers.get("idempotent-replayed")).toBe("true");
  });

  it("different keys give different keys", async () => {
    const body = { kty: "oct", size: 128 };
    const a = await rawCall({ method: "POST", path: "/keys", body, idempotencyKey: randomUUID() });
    const b = await rawCall({ method: "POST", path: "/keys", body, idempotencyKey: randomUUID() });
    expect(a.json).not.toEqual(b.json);
  });

  it("the same key with another body is 422 IdempotencyKeyReused", async () => {
    const idempotencyKey = randomUUID();
    expect((await rawCall({ method: "POST", path: "/keys", body: { kty: "oct", size: 128 }, idempotencyKey })).status).toBe(201);
    const other = await rawCall({ method: "POST", path: "/keys", body: { kty: "oct", size: 256 }, idempotencyKey });
    expect(other.status).toBe(422);
    expect(other.json).toMatchObject({ error: { code: "IdempotencyKeyReused" } });
  });

  it("a repeat while the first still runs is 409 IdempotencyKeyInFlight; afterwards it gets the answer", async () => {
    const idempotencyKey = randomUUID();
    const body = { kty: "RSA", size: 4096 }; // seconds in SoftHSM2: long enough to overlap
    const slow = rawCall({ method: "POST", path: "/keys", body, idempotencyKey });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const during = await rawCall({ method: "POST", path: "/keys", body, idempotencyKey });
    expect(during.status).toBe(409);
    expect(during.json).toMatchObject({ error: { code: "IdempotencyKeyInFlight" } });
    const first = await slow;
    const after = await rawCall({ method: "POST", path: "/keys", body, idempotencyKey });
    expect(after.text).toBe(first.text);
  });

  it("a failed generate (bad input) is an answer too: the repeat gets the same 400", async () => {
    const idempotencyKey = randomUUID();
    const first = await rawCall({ method: "POST", path: "/keys", body: { kty: "RSA", size: 1024 }, idempotencyKey });
    const second = await rawCall({ method: "POST", path: "/keys", body: { kty: "RSA", size: 1024 }, idempotencyKey });
    expect(first.status).toBe(400);
    expect(second.text).toBe(first.text);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
  });
});

describe("DELETE /keys/{id} with an idempotency key", () => {
  it("a repeated delete gets the first 200, not a 404", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "oct", size: 256 });
    const idempotencyKey = randomUUID();
    const first = await rawCall({ method: "DELETE", path: `/keys/${key.id}`, idempotencyKey });
    const second = await rawCall({ method: "DELETE", path: `/keys/${key.id}`, idempotencyKey });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.json).toEqual({ id: key.id, deleted: true });
    const fresh = await rawCall({ method: "DELETE", path: `/keys/${key.id}`, idempotencyKey: randomUUID() });
    expect(fresh.status).toBe(404);
  });
});

describe("the typed client", () => {
  it("sends an idempotency key on every generate, so a caller's retry can reuse it", async () => {
    const client = await hmacClient();
    const idempotencyKey = randomUUID();
    const first = await client.generateKey({ kty: "EC", curve: "P-384" }, idempotencyKey);
    const retry = await client.generateKey({ kty: "EC", curve: "P-384" }, idempotencyKey);
    expect(retry).toEqual(first);
  });

  it("ignores idempotency keys on calls that change nothing: a sign may repeat freely", async () => {
    const client = await hmacClient();
    const key = await client.generateKey({ kty: "EC", curve: "P-256" });
    const body = { alg: "ES256", digest: Buffer.alloc(32, 3).toString("base64url") };
    const idempotencyKey = randomUUID();
    const a = await rawCall({ method: "POST", path: `/keys/${key.id}/sign`, body, idempotencyKey });
    const b = await rawCall({ method: "POST", path: `/keys/${key.id}/sign`, body, idempotencyKey });
    expect(a.status).toBe(200);
    expect(b.headers.get("idempotent-replayed")).toBeNull();
    expect(a.json).not.toEqual(b.json); // ECDSA is randomized: both really ran
  });
});
