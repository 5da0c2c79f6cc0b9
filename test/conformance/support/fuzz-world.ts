import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { httpsJson } from "../../../scripts/dev/https-json.ts";
import { adminClient } from "./admin.ts";
import type { DevServerFacts } from "./dev-server-facts.ts";
import { uniqueName } from "./names.ts";
import { tokenResource } from "./raw-vault.ts";

/**
 * Two tenants, A and B, each with a vault holding known objects, and the tokens the HTTPS fuzz run sends
 * (test/conformance/fuzz-https.test.ts). The known objects are named `known-*`; the run's legitimate requests only ever
 * name `fz*` objects, so every known object must read back unchanged afterwards.
 */
export interface FuzzTenant {
  readonly tenantId: string;
  readonly vault: string;
  readonly vaultOrigin: string;
  /** Key Vault Administrator of the tenant's vault. */
  readonly ownerToken: string;
  /** Key Vault Reader of the tenant's vault: may list, never write nor read values. */
  readonly readerToken: string;
  /** A tenant admin's token for the admin API. */
  readonly adminToken: string;
}

export const KNOWN = { secret: "known-secret", key: "known-key", certificate: "known-cert" } as const;

const UNTHROTTLED = { secretCreate: 1_000_000, secrets: 1_000_000, keyCreate: 1_000_000, keys: 1_000_000 };

export class FuzzWorld {
  readonly ca: string;

  constructor(readonly facts: DevServerFacts) {
    this.ca = readFileSync(facts.caPath, "utf8");
  }

  async operator(method: string, path: string, body?: unknown): Promise<unknown> {
    const r = await httpsJson({ url: `${this.facts.origin}/admin${path}`, method, ca: this.ca, headers: { authorization: `Bearer ${this.facts.operatorKey}` }, body, timeoutMs: 60_000 });
    if (r.status >= 300) throw new Error(`${method} /admin${path}: ${r.status} ${r.text}`);
    return r.json;
  }

  async token(identityHeader: string, resource: string): Promise<string> {
    const url = `${this.facts.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`;
    const r = await httpsJson({ url, ca: this.ca, headers: { "X-IDENTITY-HEADER": identityHeader }, timeoutMs: 60_000 });
    return String((r.json as { access_token?: unknown }).access_token);
  }

  /** A data-plane call by `token` that must succeed; its body. */
  async data(t: FuzzTenant, method: string, path: string, body?: unknown, token = t.ownerToken): Promise<Record<string, unknown>> {
    const r = await this.dataAnswer(t, method, path, body, token);
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as Record<string, unknown>;
  }

  async dataAnswer(t: FuzzTenant, method: string, path: string, body?: unknown, token = t.ownerToken): Promise<{ status: number; body: unknown }> {
    const r = await httpsJson({ url: `${t.vaultOrigin}${path}?api-version=7.5`, method, ca: this.ca, headers: { authorization: `Bearer ${token}` }, body, timeoutMs: 60_000 });
    return { status: r.status, body: r.json };
  }

  async tenant(label: string): Promise<FuzzTenant> {
    const admin = adminClient(this.facts);
    const tenantId = (await admin.createTenant(`fuzz ${label}`)).id;
    const vault = uniqueName(`fz${label}`).toLowerCase().slice(0, 24);
    await admin.createVault(tenantId, vault, { softDeleteRetentionInDays: 7, enablePurgeProtection: false });
    await this.operator("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: UNTHROTTLED, longRunningOperations: "immediate" });
    await this.operator("PUT", `/tenants/${tenantId}/throttleLimits`, UNTHROTTLED);
    const owner = await admin.createManagedIdentity(tenantId, "owner");
    const reader = await admin.createManagedIdentity(tenantId, "reader");
    await admin.assignRole(tenantId, vault, randomUUID(), "Key Vault Administrator", owner.id);
    await admin.assignRole(tenantId, vault, randomUUID(), "Key Vault Reader", reader.id);
    const tenantAdmin = (await this.operator("POST", `/tenants/${tenantId}/principals`, { type: "managedIdentity", displayName: "admin", tenantAdmin: true })) as { identityHeader: string };
    const vaultOrigin = `https://${vault}.vault.localhost:${this.facts.port}`;
    const resource = tokenResource(vaultOrigin);
    const t: FuzzTenant = {
      tenantId, vault, vaultOrigin,
      ownerToken: await this.token(owner.identityHeader, resource),
      readerToken: await this.token(reader.identityHeader, resource),
      adminToken: await this.token(tenantAdmin.identityHeader, `${this.facts.origin}/admin`),
    };
    await this.data(t, "PUT", `/secrets/${KNOWN.secret}`, { value: `first ${label}` });
    await this.data(t, "PUT", `/secrets/${KNOWN.secret}`, { value: `second ${label}`, tags: { v: "2" } });
    await this.data(t, "POST", `/keys/${KNOWN.key}/create`, { kty: "EC", crv: "P-256" });
    await this.data(t, "POST", `/certificates/${KNOWN.certificate}/create`, { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=known" }, issuer: { name: "Self" } } });
    return t;
  }

  /** Every known object of the tenant, every version, with its value, as its administrator reads them. */
  async knownState(t: FuzzTenant): Promise<string> {
    const paths = [
      `/secrets/${KNOWN.secret}`, `/secrets/${KNOWN.secret}/versions`, `/keys/${KNOWN.key}`, `/keys/${KNOWN.key}/versions`,
      `/keys/${KNOWN.key}/rotationpolicy`, `/certificates/${KNOWN.certificate}`, `/certificates/${KNOWN.certificate}/versions`,
      `/certificates/${KNOWN.certificate}/policy`, `/secrets/${KNOWN.certificate}`,
    ];
    const state: unknown[] = [];
    for (const path of paths) state.push([path, await this.dataAnswer(t, "GET", path)]);
    const versions = ((await this.data(t, "GET", `/secrets/${KNOWN.secret}/versions`)).value as { id: string }[]).map((v) => v.id.split("/").pop() ?? "");
    for (const version of versions.sort()) state.push([version, await this.dataAnswer(t, "GET", `/secrets/${KNOWN.secret}/${version}`)]);
    return JSON.stringify(state);
  }
}
