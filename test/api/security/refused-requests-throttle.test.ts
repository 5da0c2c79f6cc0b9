import { describe, expect, it } from "vitest";
import { admin, uniqueVaultName } from "../../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";
import { newTenantWithVault, principalWithRole, setVaultClock } from "../../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

/** Mid-window, a year ahead, so the 10-second window cannot roll over during the test (throttle-window.ts). */
const T = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000 + 1_000;
/** Azure's software key-create limit per vault and window ("Azure Key Vault service limits"). */
const KEY_CREATE_LIMIT = 20;

/**
 * Found by an outside attack run (docs/security.md): requests refused by RBAC were charged to the vault's
 * throttle before the decision, so any principal of the tenant could starve another team's vault.
 */
describe("refused requests do not spend the vault's throttle budget", () => {
  it("30 key creates by a principal with no role are all 403; the administrator then has the whole budget", async () => {
    const vault = uniqueVaultName("starve");
    const { tenantId, kv } = await newTenantWithVault(vault);
    const { kv: outsider } = await principalWithRole(tenantId, vault, null);
    await setVaultClock(vault, T);

    const refused: number[] = [];
    for (let i = 0; i < 30; i++) refused.push((await outsider.request("POST", `/keys/k${i}/create`, { kty: "EC", crv: "P-256" })).status);
    expect(refused).toStrictEqual(Array<number>(30).fill(403));

    const admitted: number[] = [];
    for (let i = 0; i < KEY_CREATE_LIMIT; i++) admitted.push((await kv.request("POST", `/keys/a${i}/create`, { kty: "EC", crv: "P-256" })).status);
    expect(admitted).toStrictEqual(Array<number>(KEY_CREATE_LIMIT).fill(200));
    // The limit itself still holds for admitted requests.
    expect((await kv.request("POST", "/keys/over/create", { kty: "EC", crv: "P-256" })).status).toBe(429);
  });

  it("secret reads refused by RBAC do not count against the secrets bucket either", async () => {
    const vault = uniqueVaultName("starve");
    const { tenantId, kv } = await newTenantWithVault(vault);
    const { kv: reader } = await principalWithRole(tenantId, vault, "Key Vault Certificates Officer");
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { secrets: 10 } })).status).toBe(200);
    await setVaultClock(vault, T);
    for (let i = 0; i < 25; i++) expect((await reader.request("GET", "/secrets/absent")).status).toBe(403);
    for (let i = 0; i < 10; i++) expect((await kv.request("GET", "/secrets/absent")).status).toBe(404);
    expect((await kv.request("GET", "/secrets/absent")).status).toBe(429);
  });
});
