/**
 * The caller's address as Cloudflare (and `npm run dev`'s front) hand it to the Worker. SELF.fetch sets no
 * CF-Connecting-IP, and the credential-less IMDS / Cloud Shell token endpoints refuse a caller they cannot place
 * on the loopback, so tests of those endpoints say where the call comes from.
 */
export function fromAddress(address: string, headers: Record<string, string> = {}): Record<string, string> {
  return { ...headers, "CF-Connecting-IP": address };
}

/** A caller on this machine, as the dev front reports an IPv4 loopback peer. */
export function fromLoopback(headers: Record<string, string> = {}): Record<string, string> {
  return fromAddress("127.0.0.1", headers);
}
