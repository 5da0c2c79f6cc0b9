/**
 * Vaults are hosts: `{vault}.vault.{domain}[:port]` (client-contract.md §1). The challenge resource is the
 * host without its first label, so SDKs' check `vaultHost.endsWith("." + resourceHost)` passes.
 */
export interface VaultHost {
  readonly vaultName: string;
  /** `https://{vault host}` including the port the client used; the base of every id. */
  readonly baseUrl: string;
  /** `https://vault.{domain}[:port]`: the token audience and challenge resource. */
  readonly resource: string;
}

const VAULT_HOST = /^([^.]+)\.(vault\.[^/]+)$/;

export function parseVaultHost(url: URL): VaultHost | null {
  const host = url.host.toLowerCase();
  const match = VAULT_HOST.exec(host);
  if (match === null) return null;
  const [, vaultName, parent] = match as unknown as [string, string, string];
  return { vaultName, baseUrl: `https://${host}`, resource: `https://${parent}` };
}

/**
 * `https://{name}.vault.{domain}` as clients address it, derived from the token service's origin host
 * (the vault URI the control plane reports, and the object ids in events, which have no request host).
 */
export function vaultUri(issuerOrigin: string, name: string): string {
  const origin = new URL(issuerOrigin);
  const domain = origin.hostname === "localhost" ? "localhost" : origin.hostname.replace(/^[^.]+\./, "");
  return `https://${name.toLowerCase()}.vault.${domain}${origin.port === "" ? "" : `:${origin.port}`}`;
}
