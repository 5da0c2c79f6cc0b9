import type { VaultSku } from "./vault-config.ts";

/**
 * Vaults are hosts: `{vault}.vault.{domain}[:port]` (docs/client-contract.md §1), managed HSMs
 * `{name}.managedhsm.{domain}[:port]` as Azure's `{name}.managedhsm.azure.net`. The challenge resource is the
 * host without its first label, so SDKs' check `vaultHost.endsWith("." + resourceHost)` passes.
 */
export type HostKind = "vault" | "managedHsm";

export interface VaultHost {
  readonly vaultName: string;
  readonly kind: HostKind;
  /** `https://{vault host}` including the port the client used; the base of every id. */
  readonly baseUrl: string;
  /** `https://vault.{domain}[:port]` or `https://managedhsm.{domain}[:port]`: the token audience and challenge resource. */
  readonly resource: string;
}

const VAULT_HOST = /^([^.]+)\.((vault|managedhsm)\.[^/]+)$/;

export function parseVaultHost(url: URL): VaultHost | null {
  const host = url.host.toLowerCase();
  const match = VAULT_HOST.exec(host);
  if (match === null) return null;
  const [, vaultName, parent, label] = match as unknown as [string, string, string, string];
  return { vaultName, kind: label === "vault" ? "vault" : "managedHsm", baseUrl: `https://${host}`, resource: `https://${parent}` };
}

/** Which host serves a vault of this SKU. */
export function hostKindOf(sku: VaultSku): HostKind {
  return sku === "managedHSM" ? "managedHsm" : "vault";
}

/**
 * `https://{name}.vault.{domain}` (or `.managedhsm.`) as clients address it, derived from the token service's
 * origin host (the vault URI the control plane reports, and the object ids in events, which have no request host).
 */
export function vaultUri(issuerOrigin: string, name: string, sku: VaultSku): string {
  const origin = new URL(issuerOrigin);
  const domain = origin.hostname === "localhost" ? "localhost" : origin.hostname.replace(/^[^.]+\./, "");
  const label = hostKindOf(sku) === "vault" ? "vault" : "managedhsm";
  return `https://${name.toLowerCase()}.${label}.${domain}${origin.port === "" ? "" : `:${origin.port}`}`;
}
