import { describe, expect, it } from "vitest";
import { DnsLookupError, type DnsResolver } from "../../durable-objects/operations/doh-resolver.ts";
import { publicTargetGuard } from "../../durable-objects/operations/webhook-target-guard.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { HOOK, T0, withEvents } from "../support/vault-events-harness.ts";
import type { WebhookReceiver } from "../support/webhook-receiver.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * Delivery-time target checks inside a real vault Durable Object: the policy outside local development
 * (publicTargetGuard) with DNS answered by a fake resolver, and redirects, which are never followed.
 */

interface FakeDns {
  /** Changed by the test between deliveries. */
  readonly answers: Record<string, readonly string[]>;
  readonly lookups: string[];
  readonly resolve: DnsResolver;
}

/** A resolver answering from `answers` (NXDOMAIN for other names), counting lookups. */
function fakeDns(initial: Record<string, readonly string[]>): FakeDns {
  const answers = { ...initial };
  const lookups: string[] = [];
  const resolve: DnsResolver = async (name) => {
    lookups.push(name);
    const found = answers[name];
    if (found === undefined) throw new DnsLookupError(`${name} does not exist (NXDOMAIN)`);
    return found;
  };
  return { answers, lookups, resolve };
}

const HOST = new URL(HOOK).hostname;

describe("webhook targets outside local development", () => {
  it("does not POST to a name whose DNS answer is private; the attempt fails, is retried and dead-lettered", async () => {
    const dns = fakeDns({ [HOST]: ["93.184.215.14", "10.0.0.5"] });
    await withEvents(
      async (h) => {
        await h.subscribe("rebound", { maxDeliveryAttempts: 2 });
        h.putVersion("secret", "s1");
        await h.runAt(T0);
        const refusal = `target refused: ${HOST} resolves to 10.0.0.5 is private-use (RFC 1918)`;
        expect(await h.deliveries("rebound")).toMatchObject([{ status: "pending", attempts: 1, nextAttemptAt: T0 + 10, lastError: refusal }]);
        await h.runAt(T0 + 10);
        expect(await h.deliveries("rebound")).toMatchObject([{ status: "deadLettered", attempts: 2, lastError: refusal }]);
        expect(h.receiver.received).toStrictEqual([]);
        // Looked up again for the retry: nothing is cached between attempts.
        expect(dns.lookups).toStrictEqual([HOST, HOST]);
      },
      { targetGuard: publicTargetGuard(dns.resolve) },
    );
  });

  it("checks at every delivery: a name re-pointed at 169.254.169.254 after it was accepted stops getting events", async () => {
    const dns = fakeDns({ [HOST]: ["93.184.215.14"] });
    await withEvents(
      async (h) => {
        await h.subscribe("moving");
        h.putVersion("secret", "first");
        await h.runAt(T0);
        expect(h.receiver.received).toHaveLength(1);
        dns.answers[HOST] = ["::ffff:169.254.169.254"];
        h.putVersion("secret", "second");
        await h.runAt(T0 + 60);
        expect(h.receiver.received).toHaveLength(1);
        const pending = await h.deliveries("moving", "pending");
        expect(pending).toMatchObject([{ subject: "second", attempts: 1 }]);
        expect(pending[0]?.lastError).toContain("resolves to ::ffff:169.254.169.254 is IPv4-mapped (RFC 4291 §2.5.5.2) for 169.254.169.254, link-local");
      },
      { targetGuard: publicTargetGuard(dns.resolve) },
    );
  });

  it("fails closed when the name cannot be resolved", async () => {
    const dns = fakeDns({});
    await withEvents(
      async (h) => {
        await h.subscribe("unknown");
        h.putVersion("secret", "s1");
        await h.runAt(T0);
        expect(h.receiver.received).toStrictEqual([]);
        expect(await h.deliveries("unknown")).toMatchObject([
          { status: "pending", attempts: 1, lastError: `target refused: DNS lookup of ${HOST} failed: ${HOST} does not exist (NXDOMAIN)` },
        ]);
      },
      { targetGuard: publicTargetGuard(dns.resolve) },
    );
  });

  it.each([
    ["https://169.254.169.254/latest/meta-data/", "169.254.169.254 is link-local (RFC 3927)"],
    ["https://127.0.0.1:8450/", "127.0.0.1 is loopback (RFC 1122 §3.2.1.3)"],
    ["https://[fd00::5]/hook", "[fd00::5] is unique-local (RFC 4193)"],
    ["https://hsm.internal/hook", "hsm.internal is a local name (.internal)"],
  ])("refuses a stored internal target %s at delivery, without a DNS lookup", async (url, reason) => {
    const dns = fakeDns({});
    await withEvents(
      async (h) => {
        // Accepted by a deployment that allowed private targets, or stored before the check existed.
        await h.subscribe("inside", { url });
        h.putVersion("secret", "s1");
        await h.runAt(T0);
        expect(h.receiver.received).toStrictEqual([]);
        expect(await h.deliveries("inside")).toMatchObject([{ status: "pending", attempts: 1, lastError: `target refused: ${reason}` }]);
        expect(dns.lookups).toStrictEqual([]);
      },
      { targetGuard: publicTargetGuard(dns.resolve) },
    );
  });
});

describe("redirects", () => {
  /** The receiver answers with a redirect to the metadata service; records each request's redirect mode. */
  const redirecting = (status: number, modes: string[]) => (receiver: WebhookReceiver) =>
    (async (input: RequestInfo | URL, init?: RequestInit) => {
      modes.push(new Request(input, init).redirect);
      await receiver.fetch(input, init);
      return new Response(null, { status, headers: { Location: "https://169.254.169.254/latest/meta-data/" } });
    }) as typeof fetch;

  it.each([301, 302, 303, 307, 308])("a %i is a failed attempt, sent with redirect: manual and not followed", async (status) => {
    const modes: string[] = [];
    await withEvents(
      async (h) => {
        await h.subscribe("moved", { maxDeliveryAttempts: 2 });
        h.putVersion("secret", "s1");
        await h.runAt(T0);
        const error = `HTTP ${status} (redirects are not followed)`;
        expect(await h.deliveries("moved")).toMatchObject([{ status: "pending", attempts: 1, lastError: error }]);
        await h.runAt(T0 + 10);
        expect(await h.deliveries("moved")).toMatchObject([{ status: "deadLettered", attempts: 2, lastError: error }]);
        // Fetch Standard: with redirect "manual" the runtime hands the 3xx back instead of requesting Location.
        expect(modes).toStrictEqual(["manual", "manual"]);
        expect(h.receiver.received.map((r) => r.url)).toStrictEqual([HOOK, HOOK]);
      },
      { fetch: redirecting(status, modes) },
    );
  });
});
