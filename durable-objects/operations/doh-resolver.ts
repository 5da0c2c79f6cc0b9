/**
 * Resolves a host name with DNS over HTTPS, JSON flavour (`application/dns-json`, as served by
 * cloudflare-dns.com and dns.google; not RFC 8484's wire format, which would need a DNS message codec).
 * A Worker has no resolver API, and this is the only way to learn, before a POST, what a name points at.
 */

/** The addresses (A and AAAA data) a name resolves to; throws DnsLookupError when that cannot be learnt. */
export type DnsResolver = (name: string, signal: AbortSignal) => Promise<readonly string[]>;

export class DnsLookupError extends Error {}

export const DEFAULT_DOH_RESOLVER = "https://cloudflare-dns.com/dns-query";

/** RR TYPE values (RFC 1035 §3.2.2; AAAA: RFC 3596 §2.1). */
const RECORD_TYPES = { A: 1, AAAA: 28 } as const;
type RecordType = keyof typeof RECORD_TYPES;

/** RCODE values (RFC 1035 §4.1.1): 0 NOERROR, 3 NXDOMAIN. */
const NOERROR = 0;
const NXDOMAIN = 3;

interface Answer {
  readonly type: number;
  readonly data: string;
}

function isAnswer(value: unknown): value is Answer {
  if (typeof value !== "object" || value === null) return false;
  const { type, data } = value as Record<string, unknown>;
  return typeof type === "number" && typeof data === "string";
}

/**
 * One question's addresses. The Answer section also holds the CNAME chain that led to them (type 5):
 * only records of the asked type are addresses, and only those are returned.
 */
async function query(fetchFn: typeof fetch, endpoint: string, name: string, type: RecordType, signal: AbortSignal): Promise<string[]> {
  const url = new URL(endpoint);
  url.searchParams.set("name", name);
  url.searchParams.set("type", type);
  let response: Response;
  try {
    response = await fetchFn(url.href, { headers: { accept: "application/dns-json" }, signal });
  } catch (err) {
    throw new DnsLookupError(`resolver unreachable: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DnsLookupError(`resolver answered HTTP ${response.status}`);
  }
  const body: unknown = await response.json().catch(() => null);
  const { Status, Answer: answers } = typeof body === "object" && body !== null ? (body as Record<string, unknown>) : {};
  if (typeof Status !== "number") throw new DnsLookupError("resolver sent no Status: not a DNS JSON answer");
  if (Status === NXDOMAIN) throw new DnsLookupError(`${name} does not exist (NXDOMAIN)`);
  if (Status !== NOERROR) throw new DnsLookupError(`resolver answered ${type} with RCODE ${Status}`);
  if (answers === undefined) return [];
  if (!Array.isArray(answers)) throw new DnsLookupError("resolver sent a malformed Answer section");
  const wanted = RECORD_TYPES[type];
  return (answers as unknown[]).filter(isAnswer).filter((a) => a.type === wanted).map((a) => a.data);
}

/**
 * A and AAAA together: the runtime's fetch may connect to either family, so both must be judged. A name
 * with neither cannot be delivered to, and saying so here gives a clearer error than the POST would.
 */
export function dohResolver(fetchFn: typeof fetch, endpoint: string = DEFAULT_DOH_RESOLVER): DnsResolver {
  return async (name, signal) => {
    const [a, aaaa] = await Promise.all([
      query(fetchFn, endpoint, name, "A", signal),
      query(fetchFn, endpoint, name, "AAAA", signal),
    ]);
    const addresses = [...a, ...aaaa];
    if (addresses.length === 0) throw new DnsLookupError(`${name} has no A or AAAA record`);
    return addresses;
  };
}
