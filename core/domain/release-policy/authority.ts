/**
 * Attestation authorities are URLs: a policy names one (`authority`), a token names its issuer (`iss`) and the
 * deployment's allow-list names the ones it trusts. Azure's examples write the same authority with and without a
 * trailing slash ("https://sharedeus.eus.attest.azure.net/" in policies, no slash in Microsoft Azure Attestation's
 * `iss`), so they are compared in one canonical form: scheme and host lower-cased (RFC 3986 §6.2.2.1), default
 * port dropped, trailing slashes removed. Only https: an authority's keys fetched without TLS could be swapped in
 * transit. Anything else has no canonical form.
 */
export function canonicalAuthority(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== "https:") return null;
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") return null;
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** Whether two authority strings name the same authority; false when either is not an authority URL. */
export function sameAuthority(a: string, b: string): boolean {
  const left = canonicalAuthority(a);
  return left !== null && left === canonicalAuthority(b);
}

/**
 * Whether `url` lies under `authority`: same origin, and a path inside the authority's, with no query (a query that
 * changed each time would get past the key-set cache and make every release a fetch). Key sets are fetched only
 * from such URLs, so a token cannot point the vault (`jku`) at keys of its own choosing.
 */
export function isUnderAuthority(url: string, authority: string): boolean {
  const base = canonicalAuthority(authority);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (base === null || target.protocol !== "https:") return false;
  if (target.username !== "" || target.password !== "" || target.search !== "" || target.hash !== "") return false;
  const candidate = `${target.protocol}//${target.host}${target.pathname}`;
  return candidate === base || candidate.startsWith(`${base}/`);
}
