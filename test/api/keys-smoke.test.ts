import { describe, expect, it } from "vitest";
import { setupVault } from "../support/fixture.ts";

describe("keys smoke", () => {
  it("creates an EC key, signs a digest and verifies it; oct key encrypts with A256GCM", async () => {
    const { kv } = await setupVault("keysmoke1");
    const created = await kv.json<{ key: { kid: string; kty: string; crv: string; key_ops: string[] }; attributes: Record<string, unknown> }>(
      "POST",
      "/keys/k1/create",
      { kty: "EC", crv: "P-256" },
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body.key.kid).toMatch(/\/keys\/k1\/[0-9a-f]{32}$/);
    const digest = Buffer.from(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode("hello")))).toString("base64url");
    const signed = await kv.json<{ value: string; kid: string }>("POST", "/keys/k1//sign", { alg: "ES256", value: digest });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    const verified = await kv.json<{ value: boolean }>("POST", "/keys/k1/verify", { alg: "ES256", digest, value: signed.body.value });
    expect(verified.body).toEqual({ value: true });
    const oct = await kv.json("POST", "/keys/o1/create", { kty: "oct", key_size: 256 });
    expect(oct.status).toBe(200);
    const enc = await kv.json<{ value: string; iv: string; tag: string }>("POST", "/keys/o1/encrypt", { alg: "A256GCM", value: "aGVsbG8" });
    expect(enc.status).toBe(200);
    const dec = await kv.json<{ value: string }>("POST", "/keys/o1/decrypt", { alg: "A256GCM", value: enc.body.value, iv: enc.body.iv, tag: enc.body.tag });
    expect(dec.body.value).toBe("aGVsbG8");
    const rsa = await kv.json<{ key: { n: string } }>("POST", "/keys/r1/create", { kty: "RSA", key_size: 2048 });
    expect(rsa.status).toBe(200);
    const rs = await kv.json<{ value: string }>("POST", "/keys/r1/sign", { alg: "RS256", value: digest });
    expect(rs.status).toBe(200);
    const rsv = await kv.json<{ value: boolean }>("POST", "/keys/r1/verify", { alg: "RS256", digest, value: rs.body.value });
    expect(rsv.body.value).toBe(true);
  });
});
