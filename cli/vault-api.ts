import { CliError, UsageError, serviceErrorOf } from "./errors.ts";
import type { Session } from "./session.ts";

/** The data-plane version the CLI speaks: the newest 7.x, which every object the CLI shows has. */
export const API_VERSION = "7.6";

/** `--vault-url` as given, or `--vault-name` under the profile's vault domain (`{name}.vault.localhost:8443`). */
export function vaultUrlOf(session: Session, options: { "vault-name"?: string; "vault-url"?: string }): string {
  const url = options["vault-url"];
  const name = options["vault-name"];
  if (url !== undefined && name !== undefined) throw new UsageError("Use --vault-name or --vault-url, not both.");
  if (url !== undefined) return url.replace(/\/+$/, "");
  if (name === undefined) throw new UsageError("--vault-name (or --vault-url) is required.");
  if (!/^[A-Za-z0-9-]{3,24}$/.test(name)) throw new UsageError(`'${name}' is not a vault name (3-24 letters, digits and hyphens).`);
  return `https://${name.toLowerCase()}.${session.profile.vaultDomain}`;
}

/**
 * One vault's data plane. The token audience is the vault host without its first label — the resource the
 * server's 401 challenge names (core/domain/vault/vault-host.ts), as for Azure's `https://vault.azure.net`.
 */
export class VaultApi {
  readonly resource: string;

  constructor(
    private readonly session: Session,
    readonly vaultUrl: string,
  ) {
    const host = new URL(vaultUrl).host;
    this.resource = `https://${host.slice(host.indexOf(".") + 1)}`;
  }

  async call(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<unknown> {
    const url = `${this.vaultUrl}${path}?${new URLSearchParams({ ...query, "api-version": API_VERSION })}`;
    return this.send(method, url, body);
  }

  /** Every item of a paged list, following nextLink (az lists all unless --maxresults). */
  async listAll(path: string, maxResults?: number, query: Record<string, string> = {}): Promise<unknown[]> {
    const items: unknown[] = [];
    let url: string | null = `${this.vaultUrl}${path}?${new URLSearchParams({ ...query, "api-version": API_VERSION })}`;
    while (url !== null && (maxResults === undefined || items.length < maxResults)) {
      const page = (await this.send("GET", url, undefined)) as { value?: unknown[]; nextLink?: string | null };
      items.push(...(page.value ?? []));
      url = page.nextLink ?? null;
    }
    return maxResults === undefined ? items : items.slice(0, maxResults);
  }

  private async send(method: string, url: string, body: unknown): Promise<unknown> {
    const token = await this.session.token(this.resource);
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await this.session.http.send({ method, url, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (response.status >= 400) throw serviceErrorOf(response.status, response.json, response.text);
    return response.json ?? {};
  }
}

/** The admin API at `{endpoint}/admin`, with the operator key or a tenant admin's token. */
export class AdminApi {
  constructor(private readonly session: Session) {}

  get tenantId(): string | undefined {
    return this.session.profile.tenantId;
  }

  async call(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<unknown> {
    const token = await this.session.token(this.session.adminResource);
    const search = new URLSearchParams(query).toString();
    const url = `${this.session.profile.endpoint}/admin${path}${search === "" ? "" : `?${search}`}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await this.session.http.send({ method, url, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (response.status >= 400) throw serviceErrorOf(response.status, response.json, response.text);
    return response.json ?? null;
  }

  /** Follows `nextLink` (absolute URLs on the same origin). */
  async listAll(path: string, query: Record<string, string> = {}): Promise<unknown[]> {
    const first = (await this.call("GET", path, undefined, query)) as { value?: unknown[]; nextLink?: string | null } | unknown[];
    if (Array.isArray(first)) return first;
    const items = [...(first.value ?? [])];
    let next = first.nextLink ?? null;
    while (next !== null) {
      const url = new URL(next);
      const page = (await this.call("GET", url.pathname.replace(/^\/admin/, ""), undefined, Object.fromEntries(url.searchParams))) as { value?: unknown[]; nextLink?: string | null };
      items.push(...(page.value ?? []));
      next = page.nextLink ?? null;
    }
    return items;
  }

  tenant(explicit: string | undefined): string {
    const tenant = explicit ?? this.tenantId;
    if (tenant === undefined) throw new CliError("--tenant is required (this profile names no tenant).");
    return tenant;
  }
}
