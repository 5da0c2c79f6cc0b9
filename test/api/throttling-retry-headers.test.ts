import { describe, expect, it } from "vitest";
import { admin, uniqueVaultName } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { expectError, newTenantWithVault, readJson, setVaultClock } from "../support/secrets.ts";

failOnlyOnTrulyUnhandledRejections();

/** 3.2 s into a 10-second window a year ahead: the window ends 6.8 s later, so Retry-After is 7 (as throttling.test.ts). */
const WINDOW_START = Math.ceil((Date.now() + 365 * 86_400_000) / 10_000) * 10_000;
const T = WINDOW_START + 3_200;

/** Azure Core (JS and Python) honours Retry-After, retry-after-ms and x-ms-retry-after-ms on a 429. */
describe("429 answers carry the wait in seconds and in milliseconds", () => {
  it("Retry-After, retry-after-ms and x-ms-retry-after-ms name the same wait, to the window's end", async () => {
    const vault = uniqueVaultName("thr");
    const { tenantId, kv } = await newTenantWithVault(vault);
    expect((await admin("PATCH", `/tenants/${tenantId}/vaults/${vault}/settings`, { throttleLimits: { secrets: 1, keyCreate: 1 } })).status).toBe(200);
    await setVaultClock(vault, T);

    expect((await kv.request("GET", "/secrets/absent")).status).toBe(404);
    const refused = await kv.request("GET", "/secrets/absent");
    const headers = Object.fromEntries(["Retry-After", "retry-after-ms", "x-ms-retry-after-ms"].map((h) => [h, refused.headers.get(h)]));
    expect(headers).toEqual({ "Retry-After": "7", "retry-after-ms": "7000", "x-ms-retry-after-ms": "7000" });
    expectError(await readJson(refused), 429, "Throttled");

    // Later in the window the wait is shorter, in all three.
    await setVaultClock(vault, T + 6_000);
    const later = await kv.request("GET", "/secrets/absent");
    expect([later.headers.get("Retry-After"), later.headers.get("retry-after-ms"), later.headers.get("x-ms-retry-after-ms")]).toEqual(["1", "1000", "1000"]);

    // Key CREATE has its own bucket and the same headers.
    expect((await kv.json("POST", "/keys/k1/create", { kty: "EC" })).status).toBe(200);
    const second = await kv.json("POST", "/keys/k2/create", { kty: "EC" });
    expectError(second, 429, "Throttled");
    expect(second.headers.get("retry-after-ms")).toBe(String(Number(second.headers.get("Retry-After")) * 1000));
    expect(second.headers.get("x-ms-retry-after-ms")).toBe(second.headers.get("retry-after-ms"));
  });

  it("answers that are not throttled carry none of them", async () => {
    const vault = uniqueVaultName("thr");
    const { kv } = await newTenantWithVault(vault);
    const ok = await kv.request("GET", "/secrets");
    expect(ok.status).toBe(200);
    expect([ok.headers.get("Retry-After"), ok.headers.get("retry-after-ms"), ok.headers.get("x-ms-retry-after-ms")]).toEqual([null, null, null]);
  });
});
