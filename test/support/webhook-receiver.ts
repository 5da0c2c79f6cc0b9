import { createHmac, timingSafeEqual } from "node:crypto";

/** One POST as the receiver saw it. */
export interface ReceivedDelivery {
  readonly url: string;
  readonly headers: Headers;
  readonly body: string;
}

/** What the receiver does with call number `n` (0-based): answer with a status, or never answer. */
export type Reply = (n: number, request: Request) => number | "hang";

/**
 * A local webhook receiver for tests: an injectable `fetch` that records every delivery and answers as
 * told. It does not follow the vault's code: signatures are checked with node:crypto (see below).
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];

  constructor(public reply: Reply = () => 200) {}

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const body = await request.text();
    const n = this.received.length;
    this.received.push({ url: request.url, headers: request.headers, body });
    const answer = this.reply(n, request);
    if (answer === "hang") {
      return new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(new Error("aborted")));
      });
    }
    return new Response(answer === 204 ? null : "ok", { status: answer });
  }) as typeof fetch;

  /** Event Grid deliveries' events (each body is an array of one). */
  eventGridEvents(): EventGridJson[] {
    return this.received.flatMap((r) => JSON.parse(r.body) as EventGridJson[]);
  }

  types(): string[] {
    return this.eventGridEvents().map((e) => e.eventType);
  }
}

export interface EventGridJson {
  id: string;
  topic: string;
  subject: string;
  eventType: string;
  eventTime: string;
  data: { Id: string; VaultName: string; ObjectType: string; ObjectName: string; Version: string | null; NBF: number | null; EXP: number | null };
  dataVersion: string;
  metadataVersion: string;
}

/**
 * Checks X-Vault-Signature the way a receiver would with Node: HMAC-SHA256 of `{t}.{body}` keyed with
 * the secret string, compared in constant time; the timestamp header must agree with `t`.
 */
export function nodeVerifies(secret: string, delivery: ReceivedDelivery): boolean {
  const header = delivery.headers.get("X-Vault-Signature") ?? "";
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (match === null || delivery.headers.get("X-Vault-Timestamp") !== match[1]) return false;
  const expected = createHmac("sha256", secret).update(`${match[1]}.${delivery.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2] as string, "hex"));
}
