/**
 * Certificate contacts (GET/PUT/DELETE /certificates/contacts) over raw HTTP: Azure's wire shapes and
 * errors (keyvault-certificates recording "can set, read and delete a certificates contacts"), input
 * refused with nothing changed, Azure's RBAC (one action, certificatecontacts/write, even to read) and the
 * audit log's operation names.
 */
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName, type VaultClient } from "../support/fixture.ts";
import { addVault, expectError, principalWithRole } from "../support/secrets.ts";

interface ContactsBody {
  id: string;
  contacts: Array<{ email: string; name?: string; phone?: string }>;
}

const TWO = [
  { email: "a@a.com", name: "a", phone: "111111111111" },
  { email: "b@b.com", name: "b", phone: "222222222222" },
];

async function setContacts(kv: VaultClient, contacts: unknown): Promise<ContactsBody> {
  const res = await kv.json<ContactsBody>("PUT", "/certificates/contacts", { contacts });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

describe("certificate contacts", () => {
  it("GET and DELETE with no contacts set -> 404 ContactsNotFound, as Azure answers", async () => {
    const { kv } = await setupVault(uniqueVaultName("cc-none"));
    const got = expectError(await kv.json("GET", "/certificates/contacts"), 404, "ContactsNotFound");
    expect(got.message).toBe("Contacts not found");
    expectError(await kv.json("DELETE", "/certificates/contacts"), 404, "ContactsNotFound");
  });

  it("PUT sets and echoes the list, GET reads it, PUT replaces, DELETE returns what it deleted", async () => {
    const { kv } = await setupVault(uniqueVaultName("cc-crud"));
    const id = `${kv.baseUrl}/certificates/contacts`;

    // Azure's exact body; a read-only `id` sent by the client is ignored.
    const set = await kv.json<ContactsBody>("PUT", "/certificates/contacts", { id: "https://elsewhere/x", contacts: TWO });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ id, contacts: TWO });
    expect(set.headers.get("content-type")).toContain("application/json");

    const got = await kv.json<ContactsBody>("GET", "/certificates/contacts");
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ id, contacts: TWO });

    // Replaces, never merges; absent name/phone are omitted, not null.
    const replaced = await setContacts(kv, [{ email: "ops@contoso.com" }]);
    expect(replaced).toEqual({ id, contacts: [{ email: "ops@contoso.com" }] });
    expect((await kv.json<ContactsBody>("GET", "/certificates/contacts")).body.contacts).toEqual([{ email: "ops@contoso.com" }]);

    const deleted = await kv.json<ContactsBody>("DELETE", "/certificates/contacts");
    expect(deleted.status).toBe(200);
    expect(deleted.body).toEqual({ id, contacts: [{ email: "ops@contoso.com" }] });
    expectError(await kv.json("GET", "/certificates/contacts"), 404, "ContactsNotFound");
    expectError(await kv.json("DELETE", "/certificates/contacts"), 404, "ContactsNotFound");

    // Set again after a delete.
    expect(await setContacts(kv, TWO)).toEqual({ id, contacts: TWO });
  });

  it("contacts belong to one vault", async () => {
    const vault = uniqueVaultName("cc-iso");
    const { kv, tenantId } = await setupVault(vault);
    const other = await addVault(tenantId, uniqueVaultName("cc-iso2"));
    await setContacts(kv, TWO);
    expectError(await other.kv.json("GET", "/certificates/contacts"), 404, "ContactsNotFound");
  });
});

/** Bodies PUT /certificates/contacts must refuse with 400 BadParameter (a string is sent verbatim). */
const BAD_BODIES: ReadonlyArray<readonly [string, unknown]> = [
  ["malformed JSON", '{"contacts": ['],
  ["empty body", ""],
  ["JSON array", JSON.stringify(TWO)],
  ["JSON null", "null"],
  ["contacts missing", { id: "x" }],
  ["contacts null", { contacts: null }],
  ["contacts an object", { contacts: { email: "a@a.com" } }],
  ["contacts empty", { contacts: [] }],
  ["65 contacts", { contacts: Array.from({ length: 65 }, (_, i) => ({ email: `c${i}@contoso.com` })) }],
  ["a contact a string", { contacts: ["a@a.com"] }],
  ["a contact null", { contacts: [null] }],
  ["email missing", { contacts: [{ name: "n", phone: "1" }] }],
  ["email null", { contacts: [{ email: null }] }],
  ["email a number", { contacts: [{ email: 42 }] }],
  ["email without @", { contacts: [{ email: "not-an-address" }] }],
  ["email with a space", { contacts: [{ email: "a b@contoso.com" }] }],
  ["email of 257 characters", { contacts: [{ email: `${"a".repeat(245)}@contoso.com` }] }],
  ["one good, one bad", { contacts: [{ email: "ok@contoso.com" }, { email: "" }] }],
  ["name a number", { contacts: [{ email: "a@a.com", name: 1 }] }],
  ["phone an array", { contacts: [{ email: "a@a.com", phone: ["1"] }] }],
  ["name of 257 characters", { contacts: [{ email: "a@a.com", name: "n".repeat(257) }] }],
];

describe("bad input", () => {
  it("every malformed PUT -> 400 BadParameter and the contacts stay as they were", async () => {
    const { kv } = await setupVault(uniqueVaultName("cc-bad"));
    const before = await setContacts(kv, TWO);
    for (const [label, body] of BAD_BODIES) {
      const res = await kv.json("PUT", "/certificates/contacts", body);
      expectError(res, 400, "BadParameter");
      expect(res.status, label).toBe(400);
    }
    expect((await kv.json<ContactsBody>("GET", "/certificates/contacts")).body).toEqual(before);
  });

  it("a refused first PUT creates nothing", async () => {
    const { kv } = await setupVault(uniqueVaultName("cc-bad0"));
    expectError(await kv.json("PUT", "/certificates/contacts", { contacts: [] }), 400, "BadParameter");
    expectError(await kv.json("GET", "/certificates/contacts"), 404, "ContactsNotFound");
  });
});

function expectDenied(res: { status: number; body: unknown }, label: string): void {
  expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(403);
  const error = expectError(res, 403, "Forbidden", "ForbiddenByRbac");
  expect(error.message, label).toContain("Action: 'Microsoft.KeyVault/vaults/certificatecontacts/write'");
}

describe("RBAC", () => {
  it("Key Vault Certificates Officer may read, set and delete contacts", async () => {
    const vault = uniqueVaultName("cc-off");
    const admin = await setupVault(vault);
    const { kv } = await principalWithRole(admin.tenantId, vault, "Key Vault Certificates Officer");
    await setContacts(kv, TWO);
    expect((await kv.json<ContactsBody>("GET", "/certificates/contacts")).body.contacts).toEqual(TWO);
    expect((await kv.json("DELETE", "/certificates/contacts")).status).toBe(200);
  });

  it("Secrets User and Reader are refused every contacts operation (Azure has no read-only contacts action); nothing changes", async () => {
    const vault = uniqueVaultName("cc-deny");
    const admin = await setupVault(vault);
    const before = await setContacts(admin.kv, TWO);
    for (const role of ["Key Vault Secrets User", "Key Vault Reader"]) {
      const { kv } = await principalWithRole(admin.tenantId, vault, role);
      expectDenied(await kv.json("GET", "/certificates/contacts"), `${role} GET`);
      expectDenied(await kv.json("PUT", "/certificates/contacts", { contacts: [{ email: "x@x.com" }] }), `${role} PUT`);
      expectDenied(await kv.json("DELETE", "/certificates/contacts"), `${role} DELETE`);
    }
    // The denial does not reveal the contacts.
    const { kv: reader } = await principalWithRole(admin.tenantId, vault, "Key Vault Reader");
    expect(JSON.stringify((await reader.json("GET", "/certificates/contacts")).body)).not.toContain("a@a.com");
    expect((await admin.kv.json<ContactsBody>("GET", "/certificates/contacts")).body).toEqual(before);
  });
});

describe("audit log", () => {
  it("records Azure's operation names: CertificateContactsSet, CertificateContactsGet, CertificateContactsDelete", async () => {
    const { kv } = await setupVault(uniqueVaultName("cc-aud"));
    await setContacts(kv, TWO);
    expect((await kv.json("GET", "/certificates/contacts")).status).toBe(200);
    expect((await kv.json("DELETE", "/certificates/contacts")).status).toBe(200);
    expectError(await kv.json("GET", "/certificates/contacts"), 404, "ContactsNotFound");
    for (const [operation, results] of [
      ["CertificateContactsSet", ["Success"]],
      ["CertificateContactsGet", ["Success", "ContactsNotFound"]],
      ["CertificateContactsDelete", ["Success"]],
    ] as const) {
      const res = await kv.json<{ value: Array<{ operationName: string; resultCode: string }> }>("GET", `/auditlog?operation=${operation}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.value.map((r) => r.operationName)).toEqual(results.map(() => operation));
      expect(res.body.value.map((r) => r.resultCode)).toEqual([...results]);
    }
  });
});
