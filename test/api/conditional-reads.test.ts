/**
 * Conditional reads (docs/edge-reads.md), an extension beyond Azure: every 200 JSON answer carries an ETag, a keyed
 * hash of its body; a GET with a matching If-None-Match is 304 without the body, authorized, audited and counted
 * like the read it stands for.
 */
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { setSecret } from "../support/secrets.ts";

const TAG = /^"[A-Za-z0-9_-]{22}"$/;

async function get(kv: VaultClient, path: string, ifNoneMatch?: string) {
  const response = await kv.request("GET", path, undefined, ifNoneMatch === undefined ? {} : { "If-None-Match": ifNoneMatch });
  return { status: response.status, etag: response.headers.get("ETag"), body: await response.text(), headers: response.headers };
}

describe("ETag and If-None-Match on secrets, keys and certificates", () => {
  it("a read carries a stable tag; the same read with that tag is 304 without a body; a change makes a new tag", async () => {
    const { kv } = await setupVault(uniqueVaultName("etag"));
    const set = await kv.request("PUT", "/secrets/db", { value: "s3cr3t" });
    expect(set.headers.get("ETag")).toMatch(TAG);

    const first = await get(kv, "/secrets/db");
    expect([first.status, first.etag]).toEqual([200, expect.stringMatching(TAG)]);
    expect((await get(kv, "/secrets/db")).etag).toBe(first.etag);
    const tag = first.etag ?? "";

    for (const header of [tag, `W/${tag}`, `"other", ${tag}`, "*"]) {
      const unchanged = await get(kv, "/secrets/db", header);
      expect([unchanged.status, unchanged.body, unchanged.etag], header).toEqual([304, "", tag]);
      expect(unchanged.headers.get("Content-Type")).toBeNull();
      expect(unchanged.headers.get("x-ms-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect((await get(kv, "/secrets/db", '"not-it"')).status).toBe(200);

    expect((await kv.request("PATCH", "/secrets/db", { tags: { env: "prod" } })).status).toBe(200);
    const changed = await get(kv, "/secrets/db", tag);
    expect(changed.status).toBe(200);
    expect(changed.etag).not.toBe(tag);
  });

  it("works the same for a key version, a certificate and a list", async () => {
    const { kv } = await setupVault(uniqueVaultName("etag"));
    expect((await kv.request("POST", "/keys/k/create", { kty: "EC" })).status).toBe(200);
    const policy = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=e" }, issuer: { name: "Self" } };
    expect((await kv.request("POST", "/certificates/c/create", { policy })).status).toBe(202);
    await setSecret(kv, "a", { value: "1" });
    for (const path of ["/keys/k", "/certificates/c", "/secrets"]) {
      const read = await get(kv, path);
      expect(read.status, path).toBe(200);
      expect((await get(kv, path, read.etag ?? "")).status, path).toBe(304);
    }
  });

  it("the tag is keyed: it is not a hash of the body anyone could compute", async () => {
    const { kv } = await setupVault(uniqueVaultName("etag"));
    await setSecret(kv, "guess", { value: "1234" });
    const read = await get(kv, "/secrets/guess");
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(read.body)));
    const plain = `"${btoa(String.fromCharCode(...digest.subarray(0, 16))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}"`;
    expect(read.etag).not.toBe(plain);
  });

  it("a refused read stays refused whatever If-None-Match says, and errors carry no tag", async () => {
    const { kv } = await setupVault(uniqueVaultName("etag"));
    await setSecret(kv, "x", { value: "v" });
    const tag = (await get(kv, "/secrets/x")).etag ?? "";
    const anonymous = await kv.request("GET", "/secrets/x", undefined, { "If-None-Match": tag, Authorization: "Bearer not-a-token" });
    expect([anonymous.status, anonymous.headers.get("ETag")]).toEqual([401, null]);
    const missing = await get(kv, "/secrets/none", "*");
    expect([missing.status, missing.etag]).toEqual([404, null]);
  });

  it("a 304 is audited as the read it answers", async () => {
    const { kv } = await setupVault(uniqueVaultName("etag"));
    await setSecret(kv, "audited", { value: "v" });
    const tag = (await get(kv, "/secrets/audited")).etag ?? "";
    const conditional = await kv.request("GET", "/secrets/audited", undefined, { "If-None-Match": tag });
    expect(conditional.status).toBe(304);
    const requestId = conditional.headers.get("x-ms-request-id");
    const log = await kv.json<{ value: { requestId: string; operationName: string; httpStatusCode: number }[] }>("GET", "/auditlog");
    const record = log.body.value.find((r) => r.requestId === requestId);
    expect([record?.operationName, record?.httpStatusCode]).toEqual(["SecretGet", 200]);
  });
});

describe("results of cryptographic operations", () => {
  it("carry no ETag: a signature or random bytes represent nothing a read could be conditional on", async () => {
    const { kv } = await setupVault(uniqueVaultName("etagop"));
    const created = await kv.json<{ key: { kid: string } }>("POST", "/keys/k/create", { kty: "EC", crv: "P-256" });
    expect(created.headers.get("ETag")).toMatch(TAG);
    const digest = btoa(String.fromCharCode(...new Uint8Array(32))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const signed = await kv.request("POST", "/keys/k/sign", { alg: "ES256", value: digest });
    const random = await kv.request("POST", "/rng", { count: 8 });
    expect([signed.status, signed.headers.get("ETag"), random.status, random.headers.get("ETag")]).toEqual([200, null, 200, null]);
  });
});
