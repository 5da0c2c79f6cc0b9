/**
 * `kv admin event-subscription` with az eventgrid's flags, against a webhook receiver on loopback (the dev server
 * allows private targets, core/domain/events/webhook-target.ts; http only on loopback): create shows the signing
 * secret once, list/show never; a secret written in the vault arrives at the receiver signed with that secret and is
 * listed as delivered; a delivery the receiver refused is dead-lettered and `redeliver` sends it again; delete.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const kv = new Kv();
const OPERATOR = ["--profile", "operator"];
const IDENTITY = ["--profile", "identity"];

interface Subscription {
  readonly id: string;
  readonly endpointBaseUrl: string;
  readonly eventTypes: string[];
  readonly subjectBeginsWith: string | null;
  readonly schema: string;
  readonly maxDeliveryAttempts: number;
  readonly nearExpiryDays: number;
  readonly signingSecret?: string;
}

interface Delivery {
  readonly id: string;
  readonly subject: string;
  readonly status: string;
  readonly attempts: number;
}

interface ReceivedDelivery {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** What a receiver checks (README, X-Vault-Signature): HMAC-SHA256 of `{t}.{body}` under the signing secret, t as sent. */
function signedWith(secret: string, delivery: ReceivedDelivery): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery.headers.get("x-vault-signature") ?? "");
  if (match === null || delivery.headers.get("x-vault-timestamp") !== match[1]) return false;
  return timingSafeEqual(createHmac("sha256", secret).update(`${match[1]}.${delivery.body}`).digest(), Buffer.from(match[2] as string, "hex"));
}

/** A receiver on 127.0.0.1 that records each POST and answers with the status `reply` gives. */
class Receiver {
  readonly received: ReceivedDelivery[] = [];
  reply = 200;
  private readonly server: Server = createServer((request, response) => void this.record(request).then(() => response.writeHead(this.reply).end("ok")));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async record(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const headers = new Headers(Object.entries(request.headers).map(([name, value]) => [name, String(value)]));
    this.received.push({ url: request.url ?? "", headers, body: Buffer.concat(chunks).toString("utf8") });
  }
}

/** Polls `kv admin event-subscription deliveries` until one for `subject` is in `status` (a deadline, not a timing assertion). */
async function deliveryOf(subscription: string, subject: string, status: string): Promise<Delivery> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const deliveries = await kv.json<Delivery[]>(["admin", "event-subscription", "deliveries", "--vault", "dev", "--name", subscription, "--status", status, ...OPERATOR]);
    const found = deliveries.find((d) => d.subject === subject);
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`no ${status} delivery for ${subject}: ${JSON.stringify(deliveries)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

describe("kv admin event-subscription", () => {
  const receiver = new Receiver();
  const hook = uniqueName("cli-hook");
  const prefix = uniqueName("evt");
  let origin = "";

  beforeAll(async () => {
    origin = await receiver.start();
    await kv.json(["login", `--operator-key=${facts.operatorKey}`, "--endpoint", facts.origin, "--tenant", facts.tenantId, ...OPERATOR]);
    await kv.json(["login", "--identity", ...IDENTITY]);
  }, KV_TEST_TIMEOUT_MS);

  afterAll(() => receiver.stop());

  it("creates with az eventgrid's flags, shows the signing secret once, lists and shows without it", async () => {
    const created = await kv.json<Subscription>([
      "admin", "event-subscription", "create", "--vault", "dev", "--name", hook, "--endpoint", `${origin}/hook?code=s3cr3t`,
      "--included-event-types", "Microsoft.KeyVault.SecretNewVersionCreated", "--subject-begins-with", prefix,
      "--event-delivery-schema", "eventgridschema", "--max-delivery-attempts", "1", "--near-expiry-days", "7", ...OPERATOR,
    ]);
    expect(created).toMatchObject({ id: hook, endpointBaseUrl: `${origin}/hook`, eventTypes: ["Microsoft.KeyVault.SecretNewVersionCreated"], subjectBeginsWith: prefix, schema: "EventGridSchema", maxDeliveryAttempts: 1, nearExpiryDays: 7 });
    expect(created.signingSecret).toMatch(/^whsec_/);
    const { signingSecret, ...withoutSecret } = created;
    expect(await kv.json(["admin", "event-subscription", "show", "--vault", "dev", "--name", hook, ...OPERATOR])).toStrictEqual(withoutSecret);
    expect(await kv.json<Subscription[]>(["admin", "event-subscription", "list", "--vault", "dev", ...OPERATOR])).toContainEqual(withoutSecret);

    const name = `${prefix}-delivered`;
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "v", ...IDENTITY]);
    const delivery = await deliveryOf(hook, name, "delivered");
    expect(delivery.attempts).toBe(1);
    const received = receiver.received.find((r) => r.body.includes(`"subject":"${name}"`));
    expect(received?.url).toBe("/hook?code=s3cr3t");
    expect(signedWith(signingSecret as string, received as ReceivedDelivery)).toBe(true);
  }, KV_TEST_TIMEOUT_MS);

  it("redelivers a dead-lettered delivery, then deletes the subscription", async () => {
    const name = `${prefix}-refused`;
    receiver.reply = 500;
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "v", ...IDENTITY]);
    const dead = await deliveryOf(hook, name, "deadLettered");
    receiver.reply = 200;
    const redelivered = await kv.json<Delivery>(["admin", "event-subscription", "redeliver", "--vault", "dev", "--name", hook, "--delivery-id", dead.id, ...OPERATOR]);
    expect(redelivered.id).toBe(dead.id);
    expect((await deliveryOf(hook, name, "delivered")).id).toBe(dead.id);

    const badNumber = await kv.run(["admin", "event-subscription", "deliveries", "--vault", "dev", "--name", hook, "--top", "ten", ...OPERATOR]);
    expect(badNumber).toMatchObject({ code: 2, stderr: "ERROR: --top takes a whole number.\n" });

    expect((await kv.run(["admin", "event-subscription", "delete", "--vault", "dev", "--name", hook, ...OPERATOR])).code).toBe(0);
    const gone = await kv.run(["admin", "event-subscription", "show", "--vault", "dev", "--name", hook, ...OPERATOR]);
    expect(gone.code).toBe(3);
    expect(gone.stderr).toMatch(/^ERROR: \(NotFound\) /);
  }, KV_TEST_TIMEOUT_MS);
});
