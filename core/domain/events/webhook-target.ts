import { formatIpv4, parseIpAddress, type IpAddress } from "./ip-address.ts";

/**
 * Which webhook targets lie inside a deployment's own network. A vault signs what it POSTs, so a tenant
 * admin who could aim a subscription at `https://169.254.169.254/` or the HSM bridge on 127.0.0.1 would
 * make the vault a confused deputy inside the network it runs in. The ranges are the IANA IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and its updates) entries that are not globally reachable,
 * plus multicast, reserved space, and the IPv6 forms that carry an IPv4 address.
 */

interface Range {
  readonly width: 32 | 128;
  readonly base: bigint;
  readonly prefix: number;
  /** What the range is, with its RFC: the end of a refusal message. */
  readonly what: string;
}

function range(width: 32 | 128, cidr: string, what: string): Range {
  const [text, prefix] = cidr.split("/");
  const address = parseIpAddress(text ?? "");
  if (address === null || address.width !== width) throw new Error(`bad range ${cidr}`);
  return { width, base: address.bits, prefix: Number(prefix), what };
}
const v4 = (cidr: string, what: string) => range(32, cidr, what);
const v6 = (cidr: string, what: string) => range(128, cidr, what);

const contains = (r: Range, a: IpAddress) =>
  r.width === a.width && a.bits >> BigInt(r.width - r.prefix) === r.base >> BigInt(r.width - r.prefix);

const IPV4_INTERNAL: readonly Range[] = [
  v4("0.0.0.0/8", "'this network' (RFC 791 §3.2)"),
  v4("10.0.0.0/8", "private-use (RFC 1918)"),
  v4("100.64.0.0/10", "shared address space, CGNAT (RFC 6598)"),
  v4("127.0.0.0/8", "loopback (RFC 1122 §3.2.1.3)"),
  v4("169.254.0.0/16", "link-local (RFC 3927)"),
  v4("172.16.0.0/12", "private-use (RFC 1918)"),
  v4("192.0.0.0/24", "IETF protocol assignments (RFC 6890 §2.2.2)"),
  v4("192.0.2.0/24", "documentation (RFC 5737)"),
  v4("192.168.0.0/16", "private-use (RFC 1918)"),
  v4("198.18.0.0/15", "benchmarking (RFC 2544)"),
  v4("198.51.100.0/24", "documentation (RFC 5737)"),
  v4("203.0.113.0/24", "documentation (RFC 5737)"),
  v4("224.0.0.0/4", "multicast (RFC 5771)"),
  // Includes the limited broadcast address 255.255.255.255 (RFC 919).
  v4("240.0.0.0/4", "reserved (RFC 1112 §4)"),
];

const IPV6_INTERNAL: readonly Range[] = [
  v6("::/128", "unspecified (RFC 4291 §2.5.2)"),
  v6("::1/128", "loopback (RFC 4291 §2.5.3)"),
  v6("64:ff9b:1::/48", "local-use NAT64 (RFC 8215)"),
  v6("100::/64", "discard-only (RFC 6666)"),
  // Teredo hides its client's IPv4 address (obfuscated) in the low bits; a webhook has no business there.
  v6("2001::/32", "Teredo (RFC 4380)"),
  v6("2001:db8::/32", "documentation (RFC 3849)"),
  v6("fc00::/7", "unique-local (RFC 4193)"),
  v6("fe80::/10", "link-local (RFC 4291 §2.5.6)"),
  v6("fec0::/10", "site-local (RFC 3879)"),
  v6("ff00::/8", "multicast (RFC 4291 §2.7)"),
];

/** IPv6 ranges whose addresses carry an IPv4 address, which is judged as if it were the target. */
const IPV6_EMBEDDING_IPV4: readonly { readonly range: Range; readonly shift: bigint }[] = [
  { range: v6("::ffff:0:0/96", "IPv4-mapped (RFC 4291 §2.5.5.2)"), shift: 0n },
  { range: v6("::ffff:0:0:0/96", "IPv4-translated (RFC 2765 §2.1)"), shift: 0n },
  { range: v6("::/96", "IPv4-compatible (RFC 4291 §2.5.5.1)"), shift: 0n },
  { range: v6("64:ff9b::/96", "NAT64 (RFC 6052 §2.1)"), shift: 0n },
  { range: v6("2002::/16", "6to4 (RFC 3056 §2)"), shift: 80n },
];

/**
 * Names that never denote a public host: RFC 6761 §6.3 `localhost`, RFC 6762 `.local` (mDNS), RFC 8375
 * `.home.arpa`, ICANN's 2024 reservation of `.internal` for private use, and the hosts-file convention
 * `.localdomain`. Single-label names are refused as well (below): a resolver's search list makes them local.
 */
const INTERNAL_NAME_SUFFIXES: readonly string[] = ["localhost", "local", "internal", "home.arpa", "localdomain"];

/** Why `address` is not a public target, or null when it is one. */
export function addressRefusal(address: IpAddress, text: string): string | null {
  const ranges = address.width === 32 ? IPV4_INTERNAL : IPV6_INTERNAL;
  const direct = ranges.find((r) => contains(r, address));
  if (direct !== undefined) return `${text} is ${direct.what}`;
  if (address.width === 32) return null;
  const embedding = IPV6_EMBEDDING_IPV4.find((e) => contains(e.range, address));
  if (embedding === undefined) return null;
  const inner: IpAddress = { width: 32, bits: (address.bits >> embedding.shift) & 0xffffffffn };
  const innerRange = IPV4_INTERNAL.find((r) => contains(r, inner));
  return innerRange === undefined ? null : `${text} is ${embedding.range.what} for ${formatIpv4(inner.bits)}, ${innerRange.what}`;
}

/** Why a resolved address (the text of an A or AAAA answer) is not a public target, or null. */
export function resolvedAddressRefusal(text: string): string | null {
  const address = parseIpAddress(text);
  return address === null ? `${text} is not an IP address` : addressRefusal(address, text);
}

/**
 * A webhook URL's host as `URL.hostname` gives it: already lower-cased, IDNA-mapped, and with numeric IPv4
 * in any form (`0x7f.1`, `2130706433`, `127.1`) rewritten to dotted decimal (WHATWG URL "host parsing"), so
 * the literal forms below are the only ones left. A name with no refusal still has to be resolved.
 */
export type TargetHost =
  | { readonly kind: "address"; readonly refusal: string | null }
  | { readonly kind: "name"; readonly refusal: string | null };

export function classifyHost(hostname: string): TargetHost {
  // A fully qualified name's final dot changes nothing about where it points.
  const host = hostname.toLowerCase().replace(/\.$/, "");
  const address = parseIpAddress(host);
  if (address !== null) return { kind: "address", refusal: addressRefusal(address, host) };
  if (host.startsWith("[")) return { kind: "address", refusal: `${host} is not an IP address` };
  if (!host.includes(".")) return { kind: "name", refusal: `${host} is a single-label name, resolved only inside a network` };
  const suffix = INTERNAL_NAME_SUFFIXES.find((s) => host === s || host.endsWith(`.${s}`));
  return { kind: "name", refusal: suffix === undefined ? null : `${host} is a local name (.${suffix})` };
}

/** The Worker vars that decide the policy (wrangler.toml [vars]). */
export interface WebhookTargetVars {
  readonly WEBHOOK_ALLOW_PRIVATE_TARGETS?: string;
  readonly LOCAL_IMDS?: string;
}

/**
 * Private targets are for local development only: an explicit WEBHOOK_ALLOW_PRIVATE_TARGETS=true (a
 * self-hosted deployment whose receivers are on its own network), or LOCAL_IMDS=true, which `npm run dev`
 * and the test runtime set and which no deployment can safely run with anyway (it issues tokens without
 * credentials).
 */
export function privateTargetsAllowed(vars: WebhookTargetVars): boolean {
  return vars.WEBHOOK_ALLOW_PRIVATE_TARGETS === "true" || vars.LOCAL_IMDS === "true";
}
