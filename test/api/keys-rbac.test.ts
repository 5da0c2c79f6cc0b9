/**
 * Azure RBAC on the keys routes: each route declares an Azure data action
 * (Microsoft.KeyVault/vaults/keys/..., keyrotationpolicies/..., rng/action), and the built-in roles
 * (durable-objects/domain/built-in-roles.ts, Azure's definitions) decide. A refusal is 403 Forbidden /
 * ForbiddenByRbac naming the action. What each role may do below is what its data actions imply:
 * - Administrator: Microsoft.KeyVault/vaults/*                         -> everything, /rng included
 * - Crypto Officer: vaults/keys/* + vaults/keyrotationpolicies/*       -> every key route (keys/* matches
 *   keys/sign/action, so the Officer can sign), but not /rng
 * - Crypto User: keys/read, update, backup, encrypt, decrypt, wrap, unwrap, sign, verify
 * - Crypto Service Encryption User: keys/read, keys/wrap/action, keys/unwrap/action
 * - Reader: vaults/{any}/read                                          -> keys/read, keyrotationpolicies/read
 * - Secrets Officer: vaults/secrets/*                                  -> no key route at all
 */
import { describe, expect, it, vi } from "vitest";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import {
  EC_P256_JWK,
  b64u,
  createKey,
  digestOf,
  expectKvError,
  expectOk,
  keyOp,
  sharedKeyVault,
  memberWithRole,
  utf8,
  type GuardedClient,
  type KeyVaultSetup,
  SLOW_KEYS,
  SLOWEST_KEYS,
} from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

interface Op {
  label: string;
  method: string;
  path: string;
  body?: unknown;
  /** The data action after "Microsoft.KeyVault/vaults/". */
  action: string;
  ok: number;
}

interface Fixtures {
  digest: string;
  signature: string;
  gcm: { value: string; iv: string; tag: string };
  wrapped: string;
  blob: string;
}

/** Keys only `tag`'s run touches (so allowed deletes, purges, recovers and restores can succeed). */
async function prepare(admin: GuardedClient, tag: string): Promise<void> {
  await createKey(admin, `del-${tag}`, { kty: "EC" });
  for (const name of [`pur-${tag}`, `rec-${tag}`]) {
    await createKey(admin, name, { kty: "EC" });
    expectOk(await admin.json("DELETE", `/keys/${name}`));
  }
}

/** Every key route, with the data action Azure names for it. */
function operations(tag: string, f: Fixtures): Op[] {
  return [
    { label: "get", method: "GET", path: "/keys/ec", action: "keys/read", ok: 200 },
    { label: "get latest with slash", method: "GET", path: "/keys/ec/", action: "keys/read", ok: 200 },
    { label: "list", method: "GET", path: "/keys", action: "keys/read", ok: 200 },
    { label: "versions", method: "GET", path: "/keys/ec/versions", action: "keys/read", ok: 200 },
    { label: "list deleted", method: "GET", path: "/deletedkeys", action: "keys/read", ok: 200 },
    { label: "get deleted", method: "GET", path: `/deletedkeys/pur-${tag}`, action: "keys/read", ok: 200 },
    { label: "get rotation policy", method: "GET", path: "/keys/ec/rotationpolicy", action: "keyrotationpolicies/read", ok: 200 },
    {
      label: "set rotation policy",
      method: "PUT",
      path: "/keys/ec/rotationpolicy",
      body: { lifetimeActions: [{ trigger: { timeAfterCreate: "P30D" }, action: { type: "Rotate" } }], attributes: { expiryTime: "P90D" } },
      action: "keyrotationpolicies/write",
      ok: 200,
    },
    { label: "create", method: "POST", path: `/keys/new-${tag}/create`, body: { kty: "EC" }, action: "keys/create/action", ok: 200 },
    { label: "import", method: "PUT", path: `/keys/imp-${tag}`, body: { key: EC_P256_JWK }, action: "keys/import/action", ok: 200 },
    { label: "update", method: "PATCH", path: "/keys/ec/", body: { tags: { by: tag } }, action: "keys/update/action", ok: 200 },
    { label: "rotate", method: "POST", path: "/keys/ec/rotate", action: "keys/rotate/action", ok: 200 },
    { label: "backup", method: "POST", path: "/keys/ec/backup", action: "keys/backup/action", ok: 200 },
    { label: "restore", method: "POST", path: "/keys/restore", body: { value: f.blob }, action: "keys/restore/action", ok: 200 },
    { label: "delete", method: "DELETE", path: `/keys/del-${tag}`, action: "keys/delete", ok: 200 },
    { label: "recover", method: "POST", path: `/deletedkeys/rec-${tag}/recover`, action: "keys/recover/action", ok: 200 },
    { label: "purge", method: "DELETE", path: `/deletedkeys/pur-${tag}`, action: "keys/purge/action", ok: 204 },
    { label: "sign", method: "POST", path: "/keys/ec/sign", body: { alg: "ES256", value: f.digest }, action: "keys/sign/action", ok: 200 },
    {
      label: "verify",
      method: "POST",
      path: "/keys/ec/verify",
      body: { alg: "ES256", digest: f.digest, value: f.signature },
      action: "keys/verify/action",
      ok: 200,
    },
    { label: "encrypt", method: "POST", path: "/keys/oct/encrypt", body: { alg: "A256GCM", value: b64u(utf8("x")) }, action: "keys/encrypt/action", ok: 200 },
    { label: "decrypt", method: "POST", path: "/keys/oct/decrypt", body: { alg: "A256GCM", ...f.gcm }, action: "keys/decrypt/action", ok: 200 },
    { label: "wrapKey", method: "POST", path: "/keys/oct/wrapkey", body: { alg: "A256KW", value: b64u(new Uint8Array(32)) }, action: "keys/wrap/action", ok: 200 },
    { label: "unwrapKey", method: "POST", path: "/keys/oct/unwrapkey", body: { alg: "A256KW", value: f.wrapped }, action: "keys/unwrap/action", ok: 200 },
    { label: "rng", method: "POST", path: "/rng", body: { count: 16 }, action: "rng/action", ok: 200 },
  ];
}

const ALL = operations("x", { digest: "", signature: "", gcm: { value: "", iv: "", tag: "" }, wrapped: "", blob: "" }).map((o) => o.label);
const READ = ["get", "get latest with slash", "list", "versions", "list deleted", "get deleted"];

const ROLES: Record<string, string[]> = {
  "Key Vault Administrator": ALL,
  "Key Vault Crypto Officer": ALL.filter((l) => l !== "rng"),
  "Key Vault Crypto User": [...READ, "update", "backup", "sign", "verify", "encrypt", "decrypt", "wrapKey", "unwrapKey"],
  "Key Vault Crypto Service Encryption User": [...READ, "wrapKey", "unwrapKey"],
  "Key Vault Reader": [...READ, "get rotation policy"],
  "Key Vault Secrets Officer": [],
};

/**
 * One vault for the file, made by its Administrator: an EC key "ec", an oct key "oct", material for
 * verify/decrypt/unwrap, and the backup blob of a purged key "res" (restorable).
 */
let fixtures: Fixtures | undefined;
const shared = sharedKeyVault("rbac", async ({ kv: admin }) => {
  await createKey(admin, "ec", { kty: "EC", crv: "P-256" });
  await createKey(admin, "oct", { kty: "oct", key_size: 256 });
  const digest = b64u(await digestOf("SHA-256", utf8("rbac")));
  const signature = expectOk(await keyOp(admin, "ec", "sign", { alg: "ES256", value: digest })).value;
  const sealed = expectOk(await keyOp(admin, "oct", "encrypt", { alg: "A256GCM", value: b64u(utf8("rbac")) }));
  const wrapped = expectOk(await keyOp(admin, "oct", "wrapkey", { alg: "A256KW", value: b64u(new Uint8Array(16)) })).value;
  await createKey(admin, "res", { kty: "EC" });
  const blob = expectOk(await admin.json<{ value: string }>("POST", "/keys/res/backup")).value;
  expectOk(await admin.json("DELETE", "/keys/res"));
  expect((await admin.request("DELETE", "/deletedkeys/res")).status).toBe(204);
  fixtures = { digest, signature, gcm: { value: sealed.value, iv: sealed.iv as string, tag: sealed.tag as string }, wrapped, blob };
});

function rbacVault(): { setup: KeyVaultSetup; fixtures: Fixtures } {
  if (fixtures === undefined) throw new Error("fixtures not made");
  return { setup: shared(), fixtures };
}

function expectRbacDenied(res: { status: number; body: unknown }, op: Op, role: string): void {
  const error = expectKvError(res, 403, "Forbidden", "ForbiddenByRbac");
  expect(error.message, `${role} ${op.label}`).toContain(`Action: 'Microsoft.KeyVault/vaults/${op.action}'`);
}

describe("built-in roles on the key routes", SLOW_KEYS, () => {
  for (const [role, allowed] of Object.entries(ROLES)) {
    it(`${role}: the operations its data actions grant succeed, every other key route -> 403 ForbiddenByRbac`, SLOWEST_KEYS, async () => {
      const { setup, fixtures } = rbacVault();
      const tag = "r";
      await prepare(setup.kv, tag);
      const kv = role === "Key Vault Administrator" ? setup.kv : await memberWithRole(setup.tenantId, setup.vault, role);
      for (const op of operations(tag, fixtures)) {
        const res = await kv.json(op.method, op.path, op.body);
        if (allowed.includes(op.label)) {
          expect(res.status, `${role} may ${op.label} (${op.action}): ${JSON.stringify(res.body)}`).toBe(op.ok);
        } else {
          expectRbacDenied(res, op, role);
        }
      }
    });
  }

  it("a principal with no role on the vault is refused every key route", SLOWEST_KEYS, async () => {
    const { setup, fixtures } = rbacVault();
    const kv = await memberWithRole(setup.tenantId, setup.vault, null);
    for (const op of operations("n", fixtures)) expectRbacDenied(await kv.json(op.method, op.path, op.body), op, "no role");
  });

  it("denied requests change nothing: a Crypto User's create, delete, purge and rotate leave the vault as it was", async () => {
    const { setup, fixtures } = rbacVault();
    await prepare(setup.kv, "u");
    const user = await memberWithRole(setup.tenantId, setup.vault, "Key Vault Crypto User");
    const ops = operations("u", fixtures).filter((o) => ["create", "import", "delete", "purge", "rotate", "recover", "restore"].includes(o.label));
    for (const op of ops) expectRbacDenied(await user.json(op.method, op.path, op.body), op, "Key Vault Crypto User");
    const admin = setup.kv;
    expectKvError(await admin.json("GET", "/keys/new-u"), 404, "KeyNotFound");
    expectKvError(await admin.json("GET", "/keys/imp-u"), 404, "KeyNotFound");
    expectKvError(await admin.json("GET", "/keys/res"), 404, "KeyNotFound");
    expect((await admin.json("GET", "/keys/del-u")).status).toBe(200);
    expect((await admin.json("GET", "/deletedkeys/pur-u")).status).toBe(200);
    expect((await admin.json("GET", "/deletedkeys/rec-u")).status).toBe(200);
    expect((await admin.json<{ value: unknown[] }>("GET", "/keys/ec/versions")).body.value).toHaveLength(1);
  });

  it("a caller refused keys/create/action makes the service generate no key material", async () => {
    // Key generation runs in the Worker before the vault object stores the key; unless the caller is
    // authorized first, any principal of the tenant can make the service burn seconds of CPU per RSA-4096
    // request. Observed with a spy on WebCrypto key generation; the Administrator's create is the control.
    const { setup } = rbacVault();
    const reader = await memberWithRole(setup.tenantId, setup.vault, "Key Vault Reader");
    const spy = vi.spyOn(crypto.subtle, "generateKey");
    try {
      const denied = await reader.json("POST", "/keys/gen/create", { kty: "RSA", key_size: 2048 });
      expectRbacDenied(denied, { label: "create", method: "POST", path: "/keys/gen/create", action: "keys/create/action", ok: 200 }, "Key Vault Reader");
      const generatedWhenDenied = spy.mock.calls.length;
      expectOk(await setup.kv.json("POST", "/keys/gen/create", { kty: "RSA", key_size: 2048 }));
      expect(spy.mock.calls.length - generatedWhenDenied, "the control: an allowed create generates through this spy").toBe(1);
      expect(generatedWhenDenied, "RSA keys generated for a caller without keys/create/action").toBe(0);
    } finally {
      spy.mockRestore();
    }
  });
});
