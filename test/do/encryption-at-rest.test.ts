import { SELF, env, runInDurableObject } from "cloudflare:test";
import type { JWK } from "jose";
import { describe, expect, it } from "vitest";
import { base64UrlToBytes } from "../../core/crypto/bytes.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { TenantRepository } from "../../durable-objects/storage/tenant-repository.ts";
import { ISSUER_ORIGIN, createPrincipal, setupVault, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { dumpCells, findValue, userTables, type StoredCell } from "../support/storage.ts";

failOnlyOnTrulyUnhandledRejections();

const vaultStub = (name: string) => env.VAULT.get(env.VAULT.idFromName(name.toLowerCase()));
const tenantStub = (tenantId: string) => env.TENANT.get(env.TENANT.idFromName(tenantId));
const registryStub = () => env.REGISTRY.get(env.REGISTRY.idFromName("registry"));

/** Raw rows of every table plus anything in the object's key-value storage. */
async function storedCells(state: DurableObjectState): Promise<StoredCell[]> {
  const cells = dumpCells(state.storage.sql);
  for (const [key, value] of await state.storage.list()) cells.push({ table: "(kv)", column: key, value: JSON.stringify(value) });
  return cells;
}

describe("vault storage", () => {
  it("holds no secret value in plaintext, as bytes, or as base64", async () => {
    const name = uniqueVaultName("enc");
    const { kv } = await setupVault(name);
    const tag = crypto.randomUUID().replace(/-/g, "");
    const values = [
      `canary-ascii-${tag}`,
      `canary-\u00fcn\u00efc\u00f8d\u00e9-\u2603-${tag}`,
      `{"password":"canary-json-${tag}"}`,
      `canary-long-${tag}-${"x7".repeat(6000)}`,
      `canary-v1-${tag}`,
      `canary-v2-${tag}`,
      `canary-deleted-${tag}`,
    ];
    const secretNames = ["ascii", "unicode", "json", "long", "versioned", "versioned", "deleted"];
    for (const [i, value] of values.entries()) {
      const response = await kv.json("PUT", `/secrets/${secretNames[i] as string}`, { value, contentType: "text/plain" });
      expect(response.status).toBe(200);
    }
    expect((await kv.json("DELETE", "/secrets/deleted")).status).toBe(200);
    // The values are really there and readable (the scan below is not looking at an empty vault).
    expect((await kv.json<{ value: string }>("GET", "/secrets/json")).body.value).toBe(values[2]);

    await runInDurableObject(vaultStub(name), async (_instance, state) => {
      try {
        const cells = await storedCells(state);
        expect(userTables(state.storage.sql)).toEqual(expect.arrayContaining(["vault", "objects", "object_versions", "role_assignments"]));
        const sealed = cells.filter((c) => c.table === "object_versions" && c.column === "sealed_value");
        expect(sealed).toHaveLength(values.length);
        for (const cell of sealed) expect(cell.value).toBeInstanceOf(ArrayBuffer);
        // Positive control: the scanner finds what is meant to be stored in the clear.
        expect(findValue(cells, "versioned")).not.toEqual([]);
        expect(findValue(cells, "text/plain")).not.toEqual([]);

        for (const value of values) {
          expect(findValue(cells, value), value.slice(0, 40)).toEqual([]);
          // Also any distinctive 24-character window of it (a partial leak is a leak).
          expect(findValue(cells, value.slice(7, 31)), value.slice(0, 40)).toEqual([]);
        }
      } finally {
        await state.storage.deleteAlarm();
      }
    });
  });

  it("binds each sealed value to its version: a row copied elsewhere is not served as that version", async () => {
    const name = uniqueVaultName("aad");
    const { kv } = await setupVault(name);
    const tag = crypto.randomUUID().slice(0, 8);
    const a1 = await kv.json<{ id: string }>("PUT", "/secrets/swap-a", { value: `a-first-${tag}` });
    const a2 = await kv.json<{ id: string }>("PUT", "/secrets/swap-a", { value: `a-second-${tag}` });
    const b1 = await kv.json<{ id: string }>("PUT", "/secrets/swap-b", { value: `b-only-${tag}` });
    const version = (id: string) => id.split("/").pop() as string;
    const [va1, va2, vb1] = [version(a1.body.id), version(a2.body.id), version(b1.body.id)];

    await runInDurableObject(vaultStub(name), (_instance, state) => {
      const sql = state.storage.sql;
      // Same name, other version: a1's ciphertext into a2's row.
      sql.exec(
        "UPDATE object_versions SET sealed_value = (SELECT sealed_value FROM object_versions WHERE version = ?) WHERE version = ?",
        va1,
        va2,
      );
      // Other name: swap-a's a1 ciphertext into swap-b's only row.
      sql.exec(
        "UPDATE object_versions SET sealed_value = (SELECT sealed_value FROM object_versions WHERE version = ?) WHERE version = ?",
        va1,
        vb1,
      );
      const rows = sql.exec<{ n: number }>("SELECT COUNT(DISTINCT sealed_value) AS n FROM object_versions").one();
      expect(rows.n).toBe(1);
    });

    // The untouched version still opens.
    const intact = await kv.json<{ value: string }>("GET", `/secrets/swap-a/${va1}`);
    expect(intact.status).toBe(200);
    expect(intact.body.value).toBe(`a-first-${tag}`);

    for (const path of [`/secrets/swap-a/${va2}`, "/secrets/swap-a/", `/secrets/swap-b/${vb1}`, "/secrets/swap-b"]) {
      const response = await kv.request("GET", path);
      const text = await response.text();
      expect(text, path).not.toContain(`a-first-${tag}`);
      expect(response.status, `${path}: ${text}`).not.toBe(200);
    }
  });
});

describe("tenant storage", () => {
  it("holds no client secret, identity-header secret or signing private key in the clear", async () => {
    const { tenantId } = await setupVault(uniqueVaultName("tenc"));
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const mi = await createPrincipal(tenantId, "managedIdentity");
    const clientSecret = sp.clientSecret as string;
    const headerSecret = (mi.identityHeader as string).split(".")[3] as string;
    const publicJwks = (await (await SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/discovery/v2.0/keys`)).json()) as { keys: JWK[] };

    const privateD = await runInDurableObject(tenantStub(tenantId), async (_instance, state) => {
      const repo = new TenantRepository(state.storage.sql);
      const loaded = repo.load();
      const key = repo.signingKeys()[0];
      if (loaded === null || key === undefined) throw new Error("tenant row or signing key missing");
      const dataKey = await DataKey.unwrap(await rootKeyFromEnv(env.ROOT_KEY), `tenant|${tenantId}`, loaded.dataKey.wrapped);
      const jwk = JSON.parse(new TextDecoder().decode(await dataKey.open(key.sealedPrivateJwk, `signing-key|${tenantId}|${key.kid}`))) as JWK;
      // The sealed key is the private half of the published key.
      const published = publicJwks.keys.find((k) => k.kid === key.kid);
      expect(published?.x).toBe(jwk.x);
      expect(published?.y).toBe(jwk.y);
      expect(jwk.d).toMatch(/^[A-Za-z0-9_-]{43}$/);
      return jwk.d as string;
    });

    const rawD = base64UrlToBytes(privateD);
    const rawClient = base64UrlToBytes(clientSecret);
    const rawHeader = base64UrlToBytes(headerSecret);
    if (rawD === null || rawClient === null || rawHeader === null) throw new Error("expected base64url values");
    expect(rawD.length).toBe(32);

    const checks: [string, string, Uint8Array[]][] = [
      ["client secret", clientSecret, [rawClient]],
      ["identity-header secret", headerSecret, [rawHeader]],
      ["identity header", mi.identityHeader as string, []],
      ["signing key d", privateD, [rawD]],
    ];
    for (const stub of [tenantStub(tenantId), registryStub()]) {
      await runInDurableObject(stub, async (_instance, state) => {
        const cells = await storedCells(state);
        expect(cells.length).toBeGreaterThan(0);
        for (const [label, value, extra] of checks) expect(findValue(cells, value, extra), label).toEqual([]);
      });
    }
    // Positive control for the tenant's scan: ids are stored in the clear and are found.
    await runInDurableObject(tenantStub(tenantId), async (_instance, state) => {
      expect(findValue(await storedCells(state), sp.appId)).not.toEqual([]);
    });
  });
});
