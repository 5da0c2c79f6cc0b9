import { describe, expect, it } from "vitest";
import { DnsLookupError, dohResolver, type DnsResolver } from "../../durable-objects/operations/doh-resolver.ts";
import { publicTargetGuard, runtimeTargetGuard, webhookTargetGuard } from "../../durable-objects/operations/webhook-target-guard.ts";

/**
 * The delivery-time check, with DNS answered by a fake DoH server: the test machine has no network, and a
 * real resolver's answers change.
 */

interface DohCall {
  readonly url: URL;
  readonly accept: string | null;
}

type Zone = Record<string, { Status: number; Answer?: { name: string; type: number; data: string }[] }>;

/** A DoH JSON server: answers `{name}|{type}` from `zone`, NOERROR with no answers otherwise. */
function fakeDoh(zone: Zone, calls: DohCall[] = []): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    calls.push({ url, accept: request.headers.get("accept") });
    const key = `${url.searchParams.get("name")}|${url.searchParams.get("type")}`;
    return Response.json(zone[key] ?? { Status: 0 }, { headers: { "content-type": "application/dns-json" } });
  }) as typeof fetch;
}

const A = 1;
const AAAA = 28;
const CNAME = 5;
const signal = new AbortController().signal;

describe("dohResolver", () => {
  it("asks for A and AAAA with accept application/dns-json and returns only address records", async () => {
    const calls: DohCall[] = [];
    const resolve = dohResolver(
      fakeDoh(
        {
          "hooks.example.com|A": {
            Status: 0,
            Answer: [
              { name: "hooks.example.com", type: CNAME, data: "edge.example.net." },
              { name: "edge.example.net", type: A, data: "93.184.215.14" },
            ],
          },
          "hooks.example.com|AAAA": { Status: 0, Answer: [{ name: "edge.example.net", type: AAAA, data: "2606:2800:21f:cb07::1" }] },
        },
        calls,
      ),
      "https://doh.test.example/resolve",
    );
    expect(await resolve("hooks.example.com", signal)).toStrictEqual(["93.184.215.14", "2606:2800:21f:cb07::1"]);
    expect(calls.map((c) => [c.url.origin + c.url.pathname, c.url.searchParams.get("name"), c.url.searchParams.get("type"), c.accept])).toStrictEqual([
      ["https://doh.test.example/resolve", "hooks.example.com", "A", "application/dns-json"],
      ["https://doh.test.example/resolve", "hooks.example.com", "AAAA", "application/dns-json"],
    ]);
  });

  it("defaults to cloudflare-dns.com", async () => {
    const calls: DohCall[] = [];
    await dohResolver(fakeDoh({ "a.example.com|A": { Status: 0, Answer: [{ name: "a.example.com", type: A, data: "1.1.1.1" }] } }, calls))(
      "a.example.com",
      signal,
    );
    expect(calls[0]?.url.origin + (calls[0]?.url.pathname ?? "")).toBe("https://cloudflare-dns.com/dns-query");
  });

  it.each<[string, typeof fetch, string]>([
    ["NXDOMAIN", fakeDoh({ "gone.example.com|A": { Status: 3 }, "gone.example.com|AAAA": { Status: 3 } }), "NXDOMAIN"],
    ["SERVFAIL", fakeDoh({ "gone.example.com|AAAA": { Status: 2 } }), "RCODE 2"],
    ["no records", fakeDoh({}), "no A or AAAA record"],
    ["HTTP 503", (async () => new Response("busy", { status: 503 })) as typeof fetch, "HTTP 503"],
    ["not JSON", (async () => new Response("<html>")) as typeof fetch, "not a DNS JSON answer"],
    ["a JSON array", (async () => Response.json([1])) as typeof fetch, "not a DNS JSON answer"],
    [
      "a network error",
      (async () => {
        throw new Error("connection refused");
      }) as typeof fetch,
      "resolver unreachable: connection refused",
    ],
  ])("fails on %s", async (_case, fetchFn, message) => {
    const lookup = dohResolver(fetchFn)("gone.example.com", signal);
    await expect(lookup).rejects.toBeInstanceOf(DnsLookupError);
    await expect(lookup).rejects.toThrow(message);
  });
});

describe("publicTargetGuard", () => {
  const lookups: string[] = [];
  const answers: Record<string, readonly string[]> = {
    "public.example.com": ["93.184.215.14", "2606:2800:21f:cb07::1"],
    "rebound.example.com": ["93.184.215.14", "10.0.0.5"],
    "metadata.example.com": ["::ffff:169.254.169.254"],
    "127.0.0.1.nip.io": ["127.0.0.1"],
  };
  const resolve: DnsResolver = async (name) => {
    lookups.push(name);
    const found = answers[name];
    if (found === undefined) throw new DnsLookupError(`${name} does not exist (NXDOMAIN)`);
    return found;
  };
  const guard = publicTargetGuard(resolve);

  it.each([
    ["https://10.0.0.5/hook", "target refused: 10.0.0.5 is private-use (RFC 1918)"],
    ["https://0x7f.1/", "target refused: 127.0.0.1 is loopback"],
    ["https://[::ffff:a00:5]/", "target refused: [::ffff:a00:5] is IPv4-mapped"],
    ["https://hsm.internal/", "target refused: hsm.internal is a local name (.internal)"],
    ["https://intranet/", "single-label"],
  ])("refuses %s without a lookup", async (url, message) => {
    lookups.length = 0;
    expect(await guard(url, signal)).toContain(message);
    expect(lookups).toStrictEqual([]);
  });

  it("lets public literals through without a lookup", async () => {
    lookups.length = 0;
    expect(await guard("https://93.184.215.14/hook", signal)).toBeNull();
    expect(await guard("https://[2606:4700:4700::1111]/hook", signal)).toBeNull();
    expect(lookups).toStrictEqual([]);
  });

  it.each([
    ["https://rebound.example.com/hook", "target refused: rebound.example.com resolves to 10.0.0.5 is private-use"],
    ["https://metadata.example.com/", "resolves to ::ffff:169.254.169.254 is IPv4-mapped (RFC 4291 §2.5.5.2) for 169.254.169.254, link-local"],
    ["https://127.0.0.1.nip.io/", "resolves to 127.0.0.1 is loopback"],
    ["https://missing.example.com/", "target refused: DNS lookup of missing.example.com failed: missing.example.com does not exist (NXDOMAIN)"],
  ])("refuses %s by its DNS answers", async (url, message) => {
    expect(await guard(url, signal)).toContain(message);
  });

  it("lets a name through when every answer is public", async () => {
    expect(await guard("https://public.example.com/hook?code=1", signal)).toBeNull();
  });
});

describe("webhookTargetGuard: the deployment's policy", () => {
  it("with private targets allowed, checks nothing and sends no DNS query", async () => {
    const calls: DohCall[] = [];
    for (const vars of [{ WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" }, { LOCAL_IMDS: "true", WEBHOOK_ALLOW_PRIVATE_TARGETS: "false" }]) {
      const guard = webhookTargetGuard(vars, fakeDoh({}, calls));
      expect(await guard("https://10.0.0.5/", signal)).toBeNull();
      expect(await guard("https://rebound.example.com/", signal)).toBeNull();
    }
    expect(calls).toStrictEqual([]);
  });

  it("otherwise resolves through WEBHOOK_DNS_RESOLVER and refuses an internal answer", async () => {
    const calls: DohCall[] = [];
    const zone: Zone = { "rebound.example.com|AAAA": { Status: 0, Answer: [{ name: "rebound.example.com", type: AAAA, data: "fd00::5" }] } };
    const guard = webhookTargetGuard({ WEBHOOK_ALLOW_PRIVATE_TARGETS: "false", WEBHOOK_DNS_RESOLVER: "https://dns.corp.example/q" }, fakeDoh(zone, calls));
    expect(await guard("https://10.0.0.5/", signal)).toContain("private-use");
    expect(await guard("https://rebound.example.com/", signal)).toContain("resolves to fd00::5 is unique-local");
    expect(new Set(calls.map((c) => c.url.host))).toStrictEqual(new Set(["dns.corp.example"]));
  });

  it("runtimeTargetGuard reads this runtime's vars (LOCAL_IMDS=true in vitest.config.ts): private targets allowed", async () => {
    expect(await runtimeTargetGuard()("https://10.0.0.5/", signal)).toBeNull();
  });
});
