/**
 * Certificate issuers (GET /certificates/issuers, GET|PUT|PATCH|DELETE /certificates/issuers/{name}) over
 * raw HTTP: Azure's IssuerBundle and errors (keyvault-certificates recording "can create, read, and delete
 * a certificate issuer"), the account password never returned and stored only sealed, paging, input
 * refused with nothing changed, Azure's RBAC (certificatecas/read|write|delete) and audit operation names.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { allPages, expectError, principalWithRole, vaultObject, type ListResult } from "../support/secrets.ts";
import { dumpCells, findValue } from "../support/storage.ts";

interface IssuerBundle {
  id: string;
  provider: string;
  credentials?: { account_id?: string; pwd?: string };
  org_details?: { id?: string; admin_details?: Array<Record<string, string>> };
  attributes: { enabled: boolean; created: number; updated: number };
}

interface IssuerItem {
  id: string;
  provider: string;
}

const ADMIN = { first_name: "John", last_name: "Doe", email: "admin@microsoft.com", phone: "4255555555" };

function password(): string {
  return `issuer-pwd-${crypto.randomUUID()}`;
}

async function putIssuer(kv: VaultClient, name: string, body: Record<string, unknown>): Promise<IssuerBundle> {
  const res = await kv.json<IssuerBundle>("PUT", `/certificates/issuers/${name}`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function getIssuer(kv: VaultClient, name: string): Promise<IssuerBundle> {
  const res = await kv.json<IssuerBundle>("GET", `/certificates/issuers/${name}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("issuer lifecycle", () => {
  it("PUT, GET, PATCH {}, PATCH provider, DELETE: Azure's bundle, then 404 CertificateIssuerNotFound", async () => {
    const { kv } = await setupVault(uniqueVaultName("ci-crud"));
    const pwd = password();
    const id = `${kv.baseUrl}/certificates/issuers/my-issuer`;

    const created = await putIssuer(kv, "my-issuer", {
      provider: "Test",
      credentials: { account_id: "keyvaultuser", pwd },
      org_details: { admin_details: [ADMIN] },
    });
    expect(created).toEqual({
      id,
      provider: "Test",
      credentials: { account_id: "keyvaultuser" },
      org_details: { admin_details: [ADMIN] },
      attributes: { enabled: true, created: expect.any(Number), updated: expect.any(Number) },
    });
    expect(created.attributes.updated).toBe(created.attributes.created);
    expect(Math.abs(created.attributes.created - Date.now() / 1000)).toBeLessThan(120);

    expect(await getIssuer(kv, "my-issuer")).toEqual(created);

    // The Azure SDK's update sends `{}`: nothing changes but `updated`.
    const touched = await kv.json<IssuerBundle>("PATCH", "/certificates/issuers/my-issuer", {});
    expect(touched.status).toBe(200);
    expect({ ...touched.body, attributes: { ...touched.body.attributes, updated: 0 } }).toEqual({
      ...created,
      attributes: { ...created.attributes, updated: 0 },
    });
    expect(touched.body.attributes.updated).toBeGreaterThanOrEqual(created.attributes.updated);

    const patched = await kv.json<IssuerBundle>("PATCH", "/certificates/issuers/my-issuer", { provider: "onecert" });
    expect(patched.status).toBe(200);
    expect(patched.body.provider).toBe("onecert");
    expect(patched.body.credentials).toEqual({ account_id: "keyvaultuser" });
    expect(patched.body.org_details).toEqual({ admin_details: [ADMIN] });

    const deleted = await kv.json<IssuerBundle>("DELETE", "/certificates/issuers/my-issuer");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual(patched.body);

    const gone = expectError(await kv.json("GET", "/certificates/issuers/my-issuer"), 404, "CertificateIssuerNotFound");
    expect(gone.message).toBe("Issuer not found");
    expectError(await kv.json("DELETE", "/certificates/issuers/my-issuer"), 404, "CertificateIssuerNotFound");
    expectError(await kv.json("PATCH", "/certificates/issuers/my-issuer", { provider: "x" }), 404, "CertificateIssuerNotFound");
    expectError(await kv.json("GET", "/certificates/issuers/never-existed"), 404, "CertificateIssuerNotFound");
  });

  it("PUT replaces the whole issuer and keeps only its creation time; PATCH changes only what it is given", async () => {
    const { kv } = await setupVault(uniqueVaultName("ci-put"));
    const first = await putIssuer(kv, "ca", {
      provider: "ssladmin",
      credentials: { account_id: "acct", pwd: password() },
      org_details: { id: "org-1", admin_details: [ADMIN] },
      attributes: { enabled: false },
    });
    expect(first.attributes.enabled).toBe(false);

    const replaced = await putIssuer(kv, "ca", { provider: "onecert" });
    expect(replaced).toEqual({
      id: `${kv.baseUrl}/certificates/issuers/ca`,
      provider: "onecert",
      attributes: { enabled: true, created: first.attributes.created, updated: expect.any(Number) },
    });

    await putIssuer(kv, "ca", { provider: "ssladmin", credentials: { account_id: "acct" }, org_details: { id: "org-1", admin_details: [ADMIN] } });
    // org_details: the given member changes, the other stays.
    const org = await kv.json<IssuerBundle>("PATCH", "/certificates/issuers/ca", { org_details: { id: "org-2" } });
    expect(org.body.org_details).toEqual({ id: "org-2", admin_details: [ADMIN] });
    const creds = await kv.json<IssuerBundle>("PATCH", "/certificates/issuers/ca", { credentials: { account_id: "acct-2" } });
    expect(creds.body.credentials).toEqual({ account_id: "acct-2" });
    const disabled = await kv.json<IssuerBundle>("PATCH", "/certificates/issuers/ca", { attributes: { enabled: false, created: 1 } });
    expect(disabled.body.attributes.enabled).toBe(false);
    expect(disabled.body.attributes.created).toBe(first.attributes.created);
    expect(disabled.body.provider).toBe("ssladmin");
  });

  it("names are case-insensitive: one issuer whatever the case, shown as last set", async () => {
    const { kv } = await setupVault(uniqueVaultName("ci-case"));
    await putIssuer(kv, "MyCA", { provider: "Test" });
    const got = await getIssuer(kv, "myca");
    expect(got.id).toBe(`${kv.baseUrl}/certificates/issuers/MyCA`);
    const list = await kv.json<ListResult<IssuerItem>>("GET", "/certificates/issuers");
    expect(list.body.value).toHaveLength(1);
    expect((await kv.json("DELETE", "/certificates/issuers/MYCA")).status).toBe(200);
    expectError(await kv.json("GET", "/certificates/issuers/MyCA"), 404, "CertificateIssuerNotFound");
  });
});

describe("listing", () => {
  it("an empty vault lists no issuers", async () => {
    const { kv } = await setupVault(uniqueVaultName("ci-none"));
    const res = await kv.json<ListResult<IssuerItem>>("GET", "/certificates/issuers");
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ value: [], nextLink: null });
  });

  it("pages by maxresults in name order; items carry id and provider only", async () => {
    const { kv, token } = await setupVault(uniqueVaultName("ci-page"));
    const names = ["e-ca", "a-ca", "D-ca", "b-ca", "c-ca"];
    for (const name of names) {
      await putIssuer(kv, name, { provider: `p-${name}`, credentials: { account_id: "acct", pwd: password() }, org_details: { id: "o" } });
    }
    const pages = await allPages<IssuerItem>(kv, token, "/certificates/issuers?maxresults=2");
    expect(pages.map((p) => p.value.length)).toEqual([2, 2, 1]);
    const items = pages.flatMap((p) => p.value);
    expect(items).toEqual(
      ["a-ca", "b-ca", "c-ca", "D-ca", "e-ca"].map((name) => ({ id: `${kv.baseUrl}/certificates/issuers/${name}`, provider: `p-${name}` })),
    );
    expect(pages[0]?.nextLink).toMatch(/^https:\/\/[^/]+\/certificates\/issuers\?api-version=.*\$skiptoken=.*maxresults=2$/);

    expectError(await kv.json("GET", "/certificates/issuers?maxresults=26"), 400, "BadParameter");
    expectError(await kv.json("GET", "/certificates/issuers?$skiptoken=not-a-token"), 400, "BadParameter");
  });
});

/** The vault object's data key, unwrapped from its row as vault.ts does (owner "vault|{tenant}|{vault}"). */
async function vaultDataKey(state: DurableObjectState): Promise<{ dataKey: DataKey; tenantId: string; vault: string }> {
  const row = state.storage.sql.exec<{ name: string; tenant_id: string; wrapped_dek: ArrayBuffer }>("SELECT name, tenant_id, wrapped_dek FROM vault").one();
  const vault = row.name.toLowerCase();
  const dataKey = await DataKey.unwrap(await rootKeyFromEnv(env.ROOT_KEY), `vault|${row.tenant_id}|${vault}`, new Uint8Array(row.wrapped_dek));
  return { dataKey, tenantId: row.tenant_id, vault };
}

describe("the account password", () => {
  it("is never returned, is stored only sealed, and is bound to its vault and issuer name", async () => {
    const vault = uniqueVaultName("ci-pwd");
    const { kv } = await setupVault(vault);
    const first = password();
    const second = password();
    const texts: string[] = [];
    const keep = async (res: Promise<Response>) => {
      const r = await res;
      const text = await r.text();
      expect(r.status, text).toBe(200);
      texts.push(text);
    };
    await keep(kv.request("PUT", "/certificates/issuers/pwd-ca", { provider: "DigiCert", credentials: { account_id: "acct", pwd: first }, org_details: { id: "org" } }));
    await keep(kv.request("GET", "/certificates/issuers/pwd-ca"));
    await keep(kv.request("GET", "/certificates/issuers"));
    await keep(kv.request("PATCH", "/certificates/issuers/pwd-ca", { credentials: { pwd: second } }));
    await keep(kv.request("PUT", "/certificates/issuers/other-ca", { provider: "Test", credentials: { pwd: first } }));
    for (const text of texts) {
      expect(text).not.toContain(first);
      expect(text).not.toContain(second);
      expect(text).not.toContain('"pwd"');
    }
    // A password alone (no account id) leaves no `credentials` member at all.
    expect(JSON.parse(texts[4] as string)).not.toHaveProperty("credentials");

    await runInDurableObject(vaultObject(vault), async (_instance, state) => {
      const cells = dumpCells(state.storage.sql);
      // Positive control: the scanner sees what is stored in the clear.
      expect(findValue(cells, "acct")).not.toEqual([]);
      for (const secret of [first, second]) {
        expect(findValue(cells, secret)).toEqual([]);
        expect(findValue(cells, secret.slice(11))).toEqual([]);
      }
      const rows = state.storage.sql
        .exec<{ name_key: string; sealed_password: ArrayBuffer }>("SELECT name_key, sealed_password FROM certificate_issuers ORDER BY name_key")
        .toArray();
      expect(rows.map((r) => r.name_key)).toEqual(["other-ca", "pwd-ca"]);
      const { dataKey, tenantId, vault: vaultKey } = await vaultDataKey(state);
      const aad = (key: string) => `issuer-credentials|${tenantId}|${vaultKey}|${key}`;
      const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
      const [other, pwdCa] = rows as [(typeof rows)[0], (typeof rows)[0]];
      // The PATCH re-sealed the new password; each opens only under its own issuer's AAD.
      expect(decode(await dataKey.open(new Uint8Array(pwdCa.sealed_password), aad("pwd-ca")))).toBe(second);
      expect(decode(await dataKey.open(new Uint8Array(other.sealed_password), aad("other-ca")))).toBe(first);
      await expect(dataKey.open(new Uint8Array(other.sealed_password), aad("pwd-ca"))).rejects.toThrow();
      await expect(dataKey.open(new Uint8Array(pwdCa.sealed_password), `issuer-credentials|${tenantId}|another-vault|pwd-ca`)).rejects.toThrow();
    });

    // PUT without a password drops the stored one.
    await putIssuer(kv, "other-ca", { provider: "Test" });
    await runInDurableObject(vaultObject(vault), (_instance, state) => {
      const row = state.storage.sql.exec<{ p: ArrayBuffer | null }>("SELECT sealed_password AS p FROM certificate_issuers WHERE name_key = 'other-ca'").one();
      expect(row.p).toBeNull();
    });
  });
});

/** PUT bodies refused with 400 BadParameter (a string is sent verbatim). */
const BAD_PUT_BODIES: ReadonlyArray<readonly [string, unknown]> = [
  ["malformed JSON", '{"provider":'],
  ["empty body", ""],
  ["JSON array", '[{"provider":"Test"}]'],
  ["provider missing", { credentials: { account_id: "a" } }],
  ["provider null", { provider: null }],
  ["provider empty", { provider: "" }],
  ["provider blank", { provider: "   " }],
  ["provider a number", { provider: 7 }],
  ["provider of 257 characters", { provider: "p".repeat(257) }],
  ["credentials a string", { provider: "Test", credentials: "acct:pwd" }],
  ["account_id a number", { provider: "Test", credentials: { account_id: 1 } }],
  ["pwd a number", { provider: "Test", credentials: { pwd: 1234 } }],
  ["pwd of 1,025 characters", { provider: "Test", credentials: { pwd: "x".repeat(1025) } }],
  ["org_details an array", { provider: "Test", org_details: [] }],
  ["org_details.id a number", { provider: "Test", org_details: { id: 5 } }],
  ["admin_details an object", { provider: "Test", org_details: { admin_details: ADMIN } }],
  ["17 administrators", { provider: "Test", org_details: { admin_details: Array.from({ length: 17 }, () => ADMIN) } }],
  ["an administrator a string", { provider: "Test", org_details: { admin_details: ["John Doe"] } }],
  ["first_name a number", { provider: "Test", org_details: { admin_details: [{ ...ADMIN, first_name: 1 }] } }],
  ["attributes a string", { provider: "Test", attributes: "enabled" }],
  ['attributes.enabled "yes"', { provider: "Test", attributes: { enabled: "yes" } }],
];

/** PATCH bodies refused with 400 BadParameter. */
const BAD_PATCH_BODIES: ReadonlyArray<readonly [string, unknown]> = [
  ["malformed JSON", "{"],
  ["JSON array", "[]"],
  ["provider empty", { provider: "" }],
  ["pwd a number", { credentials: { pwd: 1 } }],
  ['attributes.enabled "no"', { attributes: { enabled: "no" } }],
  ["admin_details a string", { org_details: { admin_details: "x" } }],
];

describe("bad input", () => {
  it("every malformed PUT or PATCH, bad name, reserved name or DigiCert without an org id -> 400 BadParameter; nothing changes", async () => {
    const vault = uniqueVaultName("ci-bad");
    const { kv } = await setupVault(vault);
    const before = await putIssuer(kv, "keep", { provider: "Test", credentials: { account_id: "acct", pwd: password() }, org_details: { admin_details: [ADMIN] } });
    const sealedBefore = await runInDurableObject(vaultObject(vault), (_i, state) =>
      new Uint8Array(state.storage.sql.exec<{ p: ArrayBuffer }>("SELECT sealed_password AS p FROM certificate_issuers").one().p),
    );

    for (const [label, body] of BAD_PUT_BODIES) {
      for (const name of ["keep", "fresh"]) {
        const res = await kv.json("PUT", `/certificates/issuers/${name}`, body);
        expect(res.status, `PUT ${name}: ${label}: ${JSON.stringify(res.body)}`).toBe(400);
        expectError(res, 400, "BadParameter");
      }
    }
    for (const [label, body] of BAD_PATCH_BODIES) {
      const res = await kv.json("PATCH", "/certificates/issuers/keep", body);
      expect(res.status, `PATCH: ${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectError(res, 400, "BadParameter");
    }

    // Names: Azure's object-name rule; "Self" and "Unknown" belong to policies.
    for (const name of ["bad_name", "x".repeat(128), "dot.name", "Self", "unknown", "SELF"]) {
      const res = await kv.json("PUT", `/certificates/issuers/${name}`, { provider: "Test" });
      expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(400);
      expectError(res, 400, "BadParameter");
    }
    expectError(await kv.json("GET", "/certificates/issuers/bad_name"), 400, "BadParameter");

    // Azure: DigiCert needs org_details.id (Azure/azure-sdk-for-java#29166), on PUT and after a PATCH.
    const digicert = expectError(await kv.json("PUT", "/certificates/issuers/dc", { provider: "DigiCert", credentials: { account_id: "a", pwd: "p" } }), 400, "BadParameter");
    expect(digicert.message).toBe("Id in organization details is not set");
    expectError(await kv.json("PATCH", "/certificates/issuers/keep", { provider: "digicert" }), 400, "BadParameter");
    expect((await kv.json("PUT", "/certificates/issuers/dc", { provider: "DigiCert", org_details: { id: "org" } })).status).toBe(200);
    expectError(await kv.json("PATCH", "/certificates/issuers/dc", { org_details: { id: "" } }), 400, "BadParameter");

    expect(await getIssuer(kv, "keep")).toEqual(before);
    const list = await kv.json<ListResult<IssuerItem>>("GET", "/certificates/issuers");
    expect(list.body.value.map((i) => i.id.split("/").pop())).toEqual(["dc", "keep"]);
    const sealedAfter = await runInDurableObject(vaultObject(vault), (_i, state) =>
      new Uint8Array(state.storage.sql.exec<{ p: ArrayBuffer }>("SELECT sealed_password AS p FROM certificate_issuers WHERE name_key = 'keep'").one().p),
    );
    expect(sealedAfter).toEqual(sealedBefore);
  });
});

function expectDenied(res: { status: number; body: unknown }, label: string, action: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(403);
  const error = expectError(res, 403, "Forbidden", "ForbiddenByRbac");
  expect(error.message, label).toContain(`Action: 'Microsoft.KeyVault/vaults/certificatecas/${action}'`);
}

type Op = { label: string; method: string; path: string; body?: unknown; action: "read" | "write" | "delete" };

const OPS: readonly Op[] = [
  { label: "list", method: "GET", path: "/certificates/issuers", action: "read" },
  { label: "get", method: "GET", path: "/certificates/issuers/ca", action: "read" },
  { label: "set", method: "PUT", path: "/certificates/issuers/new-ca", body: { provider: "Test" }, action: "write" },
  { label: "update", method: "PATCH", path: "/certificates/issuers/ca", body: { provider: "changed" }, action: "write" },
  { label: "delete", method: "DELETE", path: "/certificates/issuers/ca", action: "delete" },
];

describe("RBAC", () => {
  it("Key Vault Certificates Officer may do every issuer operation", async () => {
    const vault = uniqueVaultName("ci-off");
    const admin = await setupVault(vault);
    await putIssuer(admin.kv, "ca", { provider: "Test" });
    const { kv } = await principalWithRole(admin.tenantId, vault, "Key Vault Certificates Officer");
    for (const op of OPS) {
      const res = await kv.json(op.method, op.path, op.body);
      expect(res.status, `${op.label}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it("Key Vault Secrets User is refused every issuer operation; Key Vault Reader may list and get but not change; nothing changes", async () => {
    const vault = uniqueVaultName("ci-deny");
    const admin = await setupVault(vault);
    const pwd = password();
    const before = await putIssuer(admin.kv, "ca", { provider: "Test", credentials: { account_id: "acct", pwd } });

    const { kv: user } = await principalWithRole(admin.tenantId, vault, "Key Vault Secrets User");
    for (const op of OPS) expectDenied(await user.json(op.method, op.path, op.body), `Secrets User ${op.label}`, op.action);

    const { kv: reader } = await principalWithRole(admin.tenantId, vault, "Key Vault Reader");
    const got = await reader.request("GET", "/certificates/issuers/ca");
    const text = await got.text();
    expect(got.status).toBe(200);
    expect(JSON.parse(text)).toEqual(before);
    expect(text).not.toContain(pwd);
    expect((await reader.json("GET", "/certificates/issuers")).status).toBe(200);
    for (const op of OPS.filter((o) => o.action !== "read")) expectDenied(await reader.json(op.method, op.path, op.body), `Reader ${op.label}`, op.action);

    expect(await getIssuer(admin.kv, "ca")).toEqual(before);
    expectError(await admin.kv.json("GET", "/certificates/issuers/new-ca"), 404, "CertificateIssuerNotFound");
  });
});

describe("audit log", () => {
  it("records Azure's operation names for every issuer operation", async () => {
    const { kv } = await setupVault(uniqueVaultName("ci-aud"));
    await putIssuer(kv, "ca", { provider: "Test", credentials: { pwd: password() } });
    await getIssuer(kv, "ca");
    expect((await kv.json("GET", "/certificates/issuers")).status).toBe(200);
    expect((await kv.json("PATCH", "/certificates/issuers/ca", {})).status).toBe(200);
    expect((await kv.json("DELETE", "/certificates/issuers/ca")).status).toBe(200);
    expectError(await kv.json("GET", "/certificates/issuers/ca"), 404, "CertificateIssuerNotFound");
    for (const [operation, results] of [
      ["CertificateIssuerSet", ["Success"]],
      ["CertificateIssuerGet", ["Success", "CertificateIssuerNotFound"]],
      ["CertificateIssuersList", ["Success"]],
      ["CertificateIssuerUpdate", ["Success"]],
      ["CertificateIssuerDelete", ["Success"]],
    ] as const) {
      const res = await kv.json<{ value: Array<{ operationName: string; resultCode: string }> }>("GET", `/auditlog?operation=${operation}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.value.map((r) => r.operationName)).toEqual(results.map(() => operation));
      expect(res.body.value.map((r) => r.resultCode)).toEqual([...results]);
    }
  });
});
