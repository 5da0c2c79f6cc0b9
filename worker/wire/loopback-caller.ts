/** 127.0.0.0/8 as Cloudflare and the dev front write it: one dotted quad, no spaces, no list. */
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether the caller is on this machine — what makes a credential-less token endpoint safe (Azure's IMDS is reachable
 * only from inside the VM). The address comes from CF-Connecting-IP, which Cloudflare (and the dev front,
 * scripts/dev/strict-front.ts) set from the socket, overwriting whatever the client sent. Without it we cannot know
 * the caller, so we refuse (fail closed). A list ("127.0.0.1, 10.0.0.5") is a spoof, not a caller.
 */
export function callerOnLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  if (address === "::1") return true;
  // IPv4-mapped (::ffff:127.0.0.1): what a dual-stack socket reports for an IPv4 peer.
  const v4 = address.toLowerCase().startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  const octets = IPV4_LOOPBACK.exec(v4);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
