/**
 * Certificate creation is long-running as in Azure (docs/long-running-operations.md): create answers 202 with the
 * operation `inProgress` (never `completed`: Python's poller then returns None), and a self-signed certificate is
 * issued one second later, by the next call that reads it or by the alarm. The vault clock is moved, never slept on.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { setupVault, uniqueVaultName } from "../support/fixture.ts";
import { expectError, setVaultClock, vaultAlarm, vaultObject } from "../support/secrets.ts";

const T0 = Date.UTC(2031, 6, 7, 8, 9, 10, 500);
const DELAY_MS = 1_000;
const SELF_IN_PROGRESS =
  "Pending certificate created. Certificate request is in progress. This may take some time based on the issuer provider. Please check again later.";
const POLICY = { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=lro.example" }, issuer: { name: "Self" } };

interface Operation {
  id: string;
  issuer: { name: string };
  csr: string;
  cancellation_requested: boolean;
  status: string;
  status_details?: string;
  target?: string;
  request_id: string;
}

async function createdAtT0(prefix: string) {
  const vault = uniqueVaultName(prefix);
  const { kv } = await setupVault(vault, "Key Vault Administrator", {}, "azure");
  await setVaultClock(vault, T0);
  const created = await kv.json<Operation>("POST", "/certificates/lro/create", { policy: POLICY });
  return { vault, kv, created };
}

describe("certificate create on an Azure-timed vault", () => {
  it("answers 202 inProgress in Azure's shape, polls inProgress until one second has passed, then completed with its target", async () => {
    const { vault, kv, created } = await createdAtT0("lrcc");
    expect(created.status).toBe(202);
    expect(created.headers.get("Retry-After")).toBe("10");
    expect(created.headers.get("Location")).toBe(`${kv.baseUrl}/certificates/lro/pending?api-version=2025-07-01&request_id=${created.body.request_id}`);
    expect(created.body).toEqual({
      id: `${kv.baseUrl}/certificates/lro/pending`,
      issuer: { name: "Self" },
      csr: expect.stringMatching(/^MII[A-Za-z0-9+/]+=*$/),
      cancellation_requested: false,
      status: "inProgress",
      status_details: SELF_IN_PROGRESS,
      request_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });

    const polled = await kv.json<Operation>("GET", "/certificates/lro/pending");
    expect([polled.status, polled.body.status, polled.headers.get("Retry-After")]).toEqual([200, "inProgress", "10"]);
    // Azure: the version being made is readable, disabled, with a pending link and no certificate yet.
    const pending = await kv.json<{ cer?: string; attributes: { enabled: boolean }; pending?: { id: string } }>("GET", "/certificates/lro");
    expect([pending.status, pending.body.cer, pending.body.attributes.enabled, pending.body.pending?.id]).toEqual([200, undefined, false, created.body.id]);
    expectError(await kv.json("GET", "/secrets/lro"), 404, "SecretNotFound");

    await setVaultClock(vault, T0 + DELAY_MS - 1);
    expect((await kv.json<Operation>("GET", "/certificates/lro/pending")).body.status).toBe("inProgress");
    await setVaultClock(vault, T0 + DELAY_MS);
    const done = await kv.json<Operation>("GET", "/certificates/lro/pending");
    expect([done.status, done.headers.get("Retry-After")]).toEqual([200, null]);
    expect(done.body).toEqual({
      id: created.body.id,
      issuer: { name: "Self" },
      csr: created.body.csr,
      cancellation_requested: false,
      status: "completed",
      target: `${kv.baseUrl}/certificates/lro`,
      request_id: created.body.request_id,
    });
    const issued = await kv.json<{ cer: string; attributes: { enabled: boolean } }>("GET", "/certificates/lro");
    expect([issued.status, typeof issued.body.cer, issued.body.attributes.enabled]).toEqual([200, "string", true]);
    expect((await kv.json("GET", "/secrets/lro")).status).toBe(200);
  });

  it("the alarm issues a certificate nobody reads, at the first whole second after it falls due", async () => {
    const { vault, kv } = await createdAtT0("lrca");
    expect(await vaultAlarm(vault)).toBe(Math.ceil((T0 + DELAY_MS) / 1000) * 1000);
    await setVaultClock(vault, T0 + 2 * DELAY_MS);
    expect(await runDurableObjectAlarm(vaultObject(vault))).toBe(true);
    // The managed secret is not a certificate read: only the alarm can have issued it.
    const secret = await kv.json<{ managed: boolean }>("GET", "/secrets/lro");
    expect([secret.status, secret.body.managed]).toEqual([200, true]);
  });

  it("a create while one is in progress is a 409; a cancelled operation is never issued", async () => {
    const { vault, kv } = await createdAtT0("lrcx");
    expectError(await kv.json("POST", "/certificates/lro/create", { policy: POLICY }), 409, "Conflict");
    const cancelled = await kv.json<Operation>("PATCH", "/certificates/lro/pending", { cancellation_requested: true });
    expect([cancelled.status, cancelled.body.status, cancelled.body.cancellation_requested]).toEqual([200, "cancelled", true]);
    await setVaultClock(vault, T0 + 5 * DELAY_MS);
    await runDurableObjectAlarm(vaultObject(vault));
    expect((await kv.json<Operation>("GET", "/certificates/lro/pending")).body.status).toBe("cancelled");
    expectError(await kv.json("GET", "/secrets/lro"), 404, "SecretNotFound");
    expect((await kv.json<{ value: unknown[] }>("GET", "/certificates/lro/versions")).body.value).toEqual([]);
  });
});

describe("certificate create on an immediate vault", () => {
  it("still answers inProgress (Azure's shape), and the first poll finds it completed", async () => {
    const vault = uniqueVaultName("lrci");
    const { kv } = await setupVault(vault);
    const created = await kv.json<Operation>("POST", "/certificates/now/create", { policy: POLICY });
    expect([created.status, created.body.status]).toEqual([202, "inProgress"]);
    // Completed by the create itself: no alarm is left due on the real clock (none but audit pruning, days away).
    const alarm = await vaultAlarm(vault);
    expect(alarm === null || alarm > Date.now() + 86_400_000).toBe(true);
    const polled = await kv.json<Operation>("GET", "/certificates/now/pending");
    expect([polled.body.status, polled.body.target]).toEqual(["completed", `${kv.baseUrl}/certificates/now`]);
  });
});
