import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ADMIN_OPERATIONS } from "../../../worker/wire/control-plane-operations.ts";
import { ISSUER_ORIGIN, OPERATOR_KEY, admin, createPrincipal, createTenant, createVault, tokenFor, uniqueVaultName } from "../../support/fixture.ts";
import { FUZZ_METHODS, hostileBody, mutatePath } from "../../support/fuzz-inputs.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";
import { newTenantWithVault } from "../../support/secrets.ts";
import { SeededRandom } from "../../support/seeded-random.ts";

failOnlyOnTrulyUnhandledRejections();

/**
 * A seeded fuzz pass over the admin API and the data plane (docs/security.md, Fuzzing). Oracles: no 5xx, every
 * error is Azure-shaped JSON, nothing another tenant's admin sends changes or reveals tenant B. Bounded in count; the seed reproduces a run.
 */
const ADMIN_ITERATIONS = 300;
const DATA_PLANE_ITERATIONS = 200;
const FUZZ = { timeout: 240_000 } as const;

const DATA_PLANE_TEMPLATES = [
  "/secrets", "/secrets/:name", "/secrets/:name/:version", "/secrets/:name/versions", "/secrets/:name/backup", "/secrets/restore",
  "/deletedsecrets", "/deletedsecrets/:name", "/deletedsecrets/:name/recover", "/keys", "/keys/:name", "/keys/:name/create",
  "/keys/:name/:version", "/keys/:name/:version/sign", "/keys/:name/:version/verify", "/keys/:name/:version/encrypt",
  "/keys/:name/:version/decrypt", "/keys/:name/:version/wrapkey", "/keys/:name/:version/unwrapkey", "/keys/:name/rotate",
  "/keys/:name/rotationpolicy", "/keys/restore", "/deletedkeys/:name", "/certificates", "/certificates/:name",
  "/certificates/:name/create", "/certificates/:name/import", "/certificates/:name/pending", "/certificates/:name/pending/merge",
  "/certificates/:name/policy", "/certificates/issuers/:name", "/certificates/contacts", "/certificates/restore",
  "/deletedcertificates/:name", "/rng", "/auditlog", "/auditlog/export",
];

async function expectWellFormed(response: Response, label: string): Promise<string> {
  const text = await response.text();
  expect(response.status, `${label}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (response.status >= 400 && text !== "") {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    expect(typeof body.error?.code === "string" || typeof body.error === "string", `${label}: ${text.slice(0, 300)}`).toBe(true);
  }
  return text;
}

describe("fuzz", () => {
  it("the admin API: no 5xx, and tenant A's admin neither changes nor learns anything of tenant B", FUZZ, async () => {
    const random = new SeededRandom(0x12ad_0001);
    const a = await createTenant();
    const b = await createTenant();
    const vaultB = uniqueVaultName("fzb");
    await createVault(b, vaultB);
    const principal = await createPrincipal(a, "managedIdentity", { tenantAdmin: true });
    const adminA = await tokenFor(principal.identityHeader as string, `${ISSUER_ORIGIN}/admin`);
    const snapshot = async () => JSON.stringify(await Promise.all(
      [`/tenants/${b}`, `/tenants/${b}/principals`, `/tenants/${b}/vaults`, `/tenants/${b}/vaults/${vaultB}/roleAssignments`,
        `/tenants/${b}/vaults/${vaultB}/settings`, `/tenants/${b}/vaults/${vaultB}/eventSubscriptions`, `/tenants/${b}/throttleLimits`]
        .map(async (path) => (await admin("GET", path)).text()),
    ));
    const before = await snapshot();
    const operations = Object.values(ADMIN_OPERATIONS);
    for (let i = 0; i < ADMIN_ITERATIONS; i++) {
      const operation = random.pick(operations);
      const method = random.chance(0.7) ? operation.method : random.pick(FUZZ_METHODS);
      const path = `/admin${mutatePath(random, operation.path, { tenantId: b, name: vaultB, principalId: principal.id, id: "hook", assignmentId: crypto.randomUUID(), deliveryId: crypto.randomUUID() })}`;
      const token = random.pick([adminA, "", "Bearer-less", `${adminA}x`, OPERATOR_KEY.slice(1)]);
      const body = method === "GET" || method === "HEAD" ? undefined : hostileBody(random);
      const label = `seed ${random.seed} #${i}: ${method} ${path}`;
      const response = await SELF.fetch(`${ISSUER_ORIGIN}${path}`, {
        method,
        headers: { ...(token === "" ? {} : { Authorization: `Bearer ${token}` }), "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body }),
      });
      const text = await expectWellFormed(response, label);
      // The only admin route tenant A's admin may use here names no tenant.
      if (response.status < 300) expect(operation, label).toBe(ADMIN_OPERATIONS.RoleDefinitionList);
      expect(text.includes(b) || text.includes(vaultB), `${label} revealed tenant B: ${text.slice(0, 300)}`).toBe(false);
    }
    expect(await snapshot()).toBe(before);
  });

  it("the data plane: no 5xx, whatever the path, method, body or token", FUZZ, async () => {
    const random = new SeededRandom(0x12da_0002);
    const vault = uniqueVaultName("fz");
    const { token } = await newTenantWithVault(vault);
    const { token: foreign } = await newTenantWithVault(uniqueVaultName("fzo"));
    expect((await SELF.fetch(`https://${vault}.vault.localhost:8443/secrets/present?api-version=7.4`, {
      method: "PUT", headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" }, body: JSON.stringify({ value: "v" }),
    })).status).toBe(200);
    for (let i = 0; i < DATA_PLANE_ITERATIONS; i++) {
      const template = random.pick(DATA_PLANE_TEMPLATES);
      const method = random.pick(FUZZ_METHODS);
      const path = mutatePath(random, template, { name: random.pick(["present", "absent", "k1"]), version: random.pick(["", "0".repeat(32), "abc"]) });
      const version = random.pick(["7.4", "2025-07-01", "", "9.9", "7.4&api-version=7.5"]);
      const bearer = random.pick([token, token, foreign, "", "x.y.z"]);
      const body = method === "GET" || method === "HEAD" ? undefined : hostileBody(random);
      const label = `seed ${random.seed} #${i}: ${method} ${path}?api-version=${version}`;
      const response = await SELF.fetch(`https://${vault}.vault.localhost:8443${path}?api-version=${version}`, {
        method,
        headers: { ...(bearer === "" ? {} : { Authorization: `Bearer ${bearer}` }), "Content-Type": "application/json" },
        ...(body === undefined ? {} : { body }),
      });
      await expectWellFormed(response, label);
    }
  });
});
