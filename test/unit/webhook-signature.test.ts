import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  parseSignatureHeader,
  signWebhook,
  verifyWebhookSignature,
} from "../../core/crypto/webhook-signature.ts";

/** An independent implementation (node:crypto), as a receiver in another language would write it. */
const nodeMac = (secret: string, t: number, body: string) => createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");

const SECRET = "whsec_test-secret-0123456789";
const BODY = '[{"id":"e1","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","data":{"ObjectName":"caf\u00e9"}}]';
const T = 1_767_225_600;

describe("webhook signature", () => {
  it("is HMAC-SHA256 over `{t}.{body}` keyed with the secret's UTF-8, as node:crypto computes it", async () => {
    const header = await signWebhook(SECRET, T, BODY);
    expect(header).toBe(`t=${T},v1=${nodeMac(SECRET, T, BODY)}`);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  });

  it("verifies its own and node's signatures within the tolerance", async () => {
    const header = await signWebhook(SECRET, T, BODY);
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T })).toBe(true);
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T + 300 })).toBe(true);
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T - 300 })).toBe(true);
    const foreign = `t=${T},v1=${nodeMac(SECRET, T, BODY)}`;
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header: foreign, nowSeconds: T })).toBe(true);
  });

  it("refuses a changed body, another secret, a moved timestamp, a stale or future delivery", async () => {
    const header = await signWebhook(SECRET, T, BODY);
    const verify = (over: Partial<Parameters<typeof verifyWebhookSignature>[0]>) =>
      verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T, ...over });
    expect(await verify({ body: BODY.replace("e1", "e2") })).toBe(false);
    expect(await verify({ body: `${BODY} ` })).toBe(false);
    expect(await verify({ secret: `${SECRET}x` })).toBe(false);
    expect(await verify({ header: header.replace(`t=${T}`, `t=${T + 1}`) })).toBe(false);
    expect(await verify({ nowSeconds: T + 301 })).toBe(false);
    expect(await verify({ nowSeconds: T - 301 })).toBe(false);
    expect(await verify({ nowSeconds: T + 3600, toleranceSeconds: 3600 })).toBe(true);
  });

  it.each([
    ["missing", null],
    ["empty", ""],
    ["no timestamp", `v1=${"0".repeat(64)}`],
    ["no v1", `t=${T}`],
    ["two timestamps", `t=${T},t=${T},v1=${"0".repeat(64)}`],
    ["non-numeric timestamp", `t=abc,v1=${"0".repeat(64)}`],
    ["short mac", `t=${T},v1=abcd`],
    ["not hex", `t=${T},v1=${"z".repeat(64)}`],
    ["no equals sign", `t${T}`],
  ])("refuses a malformed header (%s)", async (_label, header) => {
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T })).toBe(false);
  });

  it("accepts any one valid v1 among several (a receiver mid-rotation) and ignores unknown labels", async () => {
    const good = nodeMac(SECRET, T, BODY);
    const header = `t=${T},v0=legacy,v1=${"0".repeat(64)},v1=${good}`;
    expect(parseSignatureHeader(header)).toStrictEqual({ timestamp: T, v1: ["0".repeat(64), good] });
    expect(await verifyWebhookSignature({ secret: SECRET, body: BODY, header, nowSeconds: T })).toBe(true);
  });

  it("generates distinct 256-bit secrets with a recognisable prefix", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});
