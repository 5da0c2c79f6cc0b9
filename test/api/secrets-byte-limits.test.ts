/**
 * Size limits counted in the right unit (docs/security.md, input limits). The secret value's limit is 25 KB of
 * octets ("stores and manages secrets as sequences of octets … with a maximum size of 25 KB each",
 * about-secrets.md), 25,600 bytes of UTF-8, refused as Azure refuses it (400 BadParameter, innererror
 * SecretTooLarge). Tags (512 characters on secrets, 256 on keys) and contentType (255) are character
 * limits in Azure's docs, counted as .NET counts string length: UTF-16 code units, so a non-BMP emoji is
 * two. The request body limit (256 KiB) is bytes too, whether or not the client sends Content-Length.
 */
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { API_VERSION, setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, setSecret, type ListResult, type SecretBundle } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

const LIMIT = 25_600;
const utf8Length = (text: string): number => Buffer.byteLength(text, "utf8");

/** The secret's versions, as listed: what a refused request must leave alone. */
async function versions(kv: VaultClient, name: string): Promise<{ status: number; body: unknown }> {
  const { status, body } = await kv.json<ListResult>("GET", `/secrets/${name}/versions`);
  return { status, body };
}

describe("the secret value limit counts UTF-8 bytes", () => {
  it("multi-byte values over 25,600 bytes are refused with SecretTooLarge, on a new name and an existing secret", async () => {
    const { kv } = await setupVault(uniqueVaultName("bytes"));
    await setSecret(kv, "keep", { value: "v1" });
    const before = await versions(kv, "keep");
    const tooLarge: ReadonlyArray<readonly [string, string]> = [
      ['25,600 x "€" (76,800 bytes)', "\u20ac".repeat(25_600)],
      ["12,800 emoji (51,200 bytes)", "\u{1F600}".repeat(12_800)],
      ["25,600 characters, 25,601 bytes", `${"x".repeat(25_599)}\u00e9`],
      ["25,601 ASCII bytes", "x".repeat(25_601)],
      ['8,534 x "€" (25,602 bytes)', "\u20ac".repeat(8_534)],
    ];
    for (const [label, value] of tooLarge) {
      expect(utf8Length(value), label).toBeGreaterThan(LIMIT);
      for (const name of ["fresh", "keep"]) {
        const res = await kv.json("PUT", `/secrets/${name}`, { value });
        expect(res.status, `${label} on ${name}`).toBe(400);
        const error = expectError(res, 400, "BadParameter", "SecretTooLarge");
        expect(error.message).toBe("Secret is beyond the maximum permitted length of 25600 characters.");
      }
    }
    expectError(await kv.json("GET", "/secrets/fresh"), 404, "SecretNotFound");
    expect(await versions(kv, "keep")).toEqual(before);
  });

  it("values of exactly 25,600 bytes are stored and read back unchanged, ASCII or multi-byte", async () => {
    const { kv } = await setupVault(uniqueVaultName("bytes"));
    const atLimit: ReadonlyArray<readonly [string, string]> = [
      ["ascii", "y".repeat(25_600)],
      ["euro", `${"\u20ac".repeat(8_533)}z`],
      ["emoji", "\u{1F600}".repeat(6_400)],
      ["mixed", `${"\u00e9".repeat(10_000)}${"\u20ac".repeat(1_866)}${"a".repeat(2)}`],
    ];
    for (const [name, value] of atLimit) {
      expect(utf8Length(value), name).toBe(LIMIT);
      await setSecret(kv, name, { value });
      const got = await kv.json<SecretBundle>("GET", `/secrets/${name}`);
      expect(got.body.value === value, name).toBe(true);
    }
  });
});

describe("character limits count UTF-16 code units, as .NET string lengths do", () => {
  it("secret tags of 512 and contentType of 255 multi-byte characters are accepted; one unit more is refused", async () => {
    const { kv } = await setupVault(uniqueVaultName("chars"));
    const tags = { ["\u00e9".repeat(512)]: "\u20ac".repeat(512), emoji: "\u{1F600}".repeat(256) };
    const contentType = "\u20ac".repeat(255);
    const set = await setSecret(kv, "wide", { value: "v", tags, contentType });
    expect(set.tags).toEqual(tags);
    expect(set.contentType).toBe(contentType);

    const before = await versions(kv, "wide");
    for (const body of [
      { value: "v", tags: { emoji: `${"\u{1F600}".repeat(256)}a` } },
      { value: "v", tags: { ["\u00e9".repeat(513)]: "v" } },
      { value: "v", contentType: "\u20ac".repeat(256) },
      { value: "v", contentType: "\u{1F600}".repeat(128) },
    ]) {
      expectError(await kv.json("PUT", "/secrets/wide", body), 400, "BadParameter");
    }
    expect(await versions(kv, "wide")).toEqual(before);
  });

  it("key tags: 256 units accepted, 257 refused, whatever their UTF-8 size", async () => {
    const { kv } = await setupVault(uniqueVaultName("chars"));
    const ok = await kv.json<{ tags: Record<string, string> }>("POST", "/keys/k/create", { kty: "EC", tags: { t: "\u{1F600}".repeat(128) } });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expectError(await kv.json("POST", "/keys/k/create", { kty: "EC", tags: { t: `${"\u{1F600}".repeat(128)}a` } }), 400, "BadParameter");
    expect((await kv.json<ListResult>("GET", "/keys/k/versions")).body.value).toHaveLength(1);
  });
});

describe("the request body limit counts bytes", () => {
  it("100,000 euro signs with Content-Length (300,000 bytes, fewer than 262,144 characters) -> 400, nothing stored", async () => {
    const { kv } = await setupVault(uniqueVaultName("body"));
    const body = { value: "small", padding: "\u20ac".repeat(100_000) };
    expect(JSON.stringify(body).length).toBeLessThan(256 * 1024);
    expectError(await kv.json("PUT", "/secrets/big", body), 400, "BadParameter");
    expectError(await kv.json("GET", "/secrets/big"), 404, "SecretNotFound");
  });

  it("a streamed body without Content-Length is cut off at the limit too; a small one is read", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("body"));
    const streamed = (text: string): Promise<Response> => {
      const bytes = new TextEncoder().encode(text);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 16_384) controller.enqueue(bytes.subarray(i, i + 16_384));
          controller.close();
        },
      });
      return SELF.fetch(`${kv.baseUrl}/secrets/streamed?api-version=${API_VERSION}`, {
        method: "PUT",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: stream,
      });
    };
    // 100,000 euro signs: 300,000 bytes but fewer characters than the limit, which counting characters let through.
    const large = await streamed(JSON.stringify({ value: "small", padding: "\u20ac".repeat(100_000) }));
    expectError({ status: large.status, body: await large.json() }, 400, "BadParameter");
    expectError(await kv.json("GET", "/secrets/streamed"), 404, "SecretNotFound");
    const small = await streamed(JSON.stringify({ value: "\u20ac".repeat(8_533) }));
    expect(small.status).toBe(200);
  });
});
