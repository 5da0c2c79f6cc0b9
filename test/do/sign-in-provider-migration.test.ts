/**
 * Tenant migration 0013 (sign_in_providers, external_identities, spent_sign_in_states; docs/sign-in.md "External
 * identity providers") on a tenant of the schema before it, holding a user: applied once, the user kept and able to
 * sign in, and the new tables used by the next request.
 */
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { migrate } from "../../durable-objects/storage/migrate.ts";
import { TENANT_MIGRATIONS } from "../../durable-objects/storage/migrations.ts";
import { admin, createTenant } from "../support/fixture.ts";
import { createUser, signInForCode, pkcePair } from "../support/sign-in.ts";

const versions = (sql: SqlStorage): number[] =>
  sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray().map((r) => r.version);

/** What tenant migration 0013 made, newest first (no later tenant migration exists yet). */
const TENANT_FROM_13 = ["DROP TABLE spent_sign_in_states", "DROP TABLE external_identities", "DROP TABLE sign_in_providers"];

describe("tenant migration 0013", () => {
  it("upgrades a tenant with a user, who survives and signs in; an external identity links to them afterwards", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "ada@contoso.example");
    const stub = env.TENANT.get(env.TENANT.idFromName(tenantId));
    await runInDurableObject(stub, (_instance, state) => {
      for (const statement of TENANT_FROM_13) state.storage.sql.exec(statement);
      state.storage.sql.exec("DELETE FROM schema_migrations WHERE version >= 13");
      expect(versions(state.storage.sql)).not.toContain(13);
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(TENANT_MIGRATIONS.filter((m) => m.version >= 13).length);
      expect(migrate(state.storage, TENANT_MIGRATIONS)).toBe(0);
      expect(versions(state.storage.sql)).toContain(13);
    });
    const { challenge } = await pkcePair();
    expect(await signInForCode(tenantId, "ada@contoso.example", { code_challenge: challenge, code_challenge_method: "S256" })).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const linked = await admin("POST", `/tenants/${tenantId}/users/${user.id}/externalIdentities`, { issuer: "https://idp.example.com", subject: "ada" });
    expect(linked.status).toBe(201);
  });
});
