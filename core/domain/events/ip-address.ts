/**
 * IP address text to numbers, strictly: the forms a WHATWG URL serializes (`URL.hostname`) and a DNS
 * answer carries (RFC 1035 A data as dotted decimal, RFC 3596 AAAA data as RFC 4291 §2.2 text). Lenient
 * IPv4 forms (`0x7f.1`, `2130706433`, `0177.0.0.1`) are not accepted here: the URL parser has already turned
 * them into dotted decimal (WHATWG URL "IPv4 parser"), and a DNS answer never uses them.
 */

/** A parsed address: its bits as an unsigned integer of `width` bits. */
export interface IpAddress {
  readonly width: 32 | 128;
  readonly bits: bigint;
}

const DOTTED_QUAD = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** `a.b.c.d`, each 0–255, as a 32-bit integer; null for anything else. */
export function parseIpv4(text: string): bigint | null {
  const match = DOTTED_QUAD.exec(text);
  if (match === null) return null;
  let bits = 0n;
  for (const part of match.slice(1)) {
    const octet = Number(part);
    if (octet > 255) return null;
    bits = (bits << 8n) | BigInt(octet);
  }
  return bits;
}

/** The 16-bit groups of one side of `::`; a trailing dotted quad counts as two (RFC 4291 §2.2 form 3). */
function groups(side: string, last: boolean): bigint[] | null {
  if (side === "") return [];
  const parts = side.split(":");
  const out: bigint[] = [];
  for (const [i, part] of parts.entries()) {
    const v4 = last && i === parts.length - 1 && part.includes(".") ? parseIpv4(part) : null;
    if (v4 !== null) {
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (HEXTET.test(part)) {
      out.push(BigInt(`0x${part}`));
    } else {
      return null;
    }
  }
  return out;
}

/**
 * RFC 4291 §2.2 text (with or without the URL's brackets) as a 128-bit integer; null for anything else.
 * A zone index (`fe80::1%eth0`, RFC 6874) is refused: the URL parser refuses it too, and a DNS answer has none.
 */
export function parseIpv6(text: string): bigint | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const halves = bare.split("::");
  if (halves.length > 2) return null;
  const head = groups(halves[0] ?? "", halves.length === 1);
  const tail = halves.length === 2 ? groups(halves[1] ?? "", true) : [];
  if (head === null || tail === null) return null;
  const explicit = head.length + tail.length;
  // "::" stands for one or more zero groups, so with it at most seven are written.
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return null;
  const all = [...head, ...Array<bigint>(8 - explicit).fill(0n), ...tail];
  return all.reduce((bits, group) => (bits << 16n) | group, 0n);
}

/** Either family; null when `text` is not an address (so it is a host name, or garbage). */
export function parseIpAddress(text: string): IpAddress | null {
  const v4 = parseIpv4(text);
  if (v4 !== null) return { width: 32, bits: v4 };
  const v6 = text.includes(":") ? parseIpv6(text) : null;
  return v6 === null ? null : { width: 128, bits: v6 };
}

/** Dotted decimal of a 32-bit integer, for messages. */
export function formatIpv4(bits: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 0xffn)).join(".");
}
