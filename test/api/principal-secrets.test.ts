/**
 * Client secret rotation (issue 17; docs/access-control.md "Client secrets"): a service principal's secrets are
 * added with an expiry, shown once, and each signs in until it expires or is removed — two valid at once while a
 * secret is rotated; "primary" is the one the principal was made with. Bad requests are 400s that change nothing.
 */
import { runInDurableObject, env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { admin, createPrincipal, createTenant } from "../support/fixture.ts";
import { clientCredentials } from "../support/identity.ts";

const secretsOf = (tenantId: string, principalId: string) => `/tenants/${tenantId}/principals/${principalId}/secrets`;
const signsIn = async (tenantId: string, appId: string, secret: string) => (await clientCredentials(tenantId, appId, secret)).status === 200;

describe("client secrets", () => {
  it("rotate with two valid at once, then the old one removed", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const primary = sp.clientSecret as string;
    const added = await admin("POST", secretsOf(tenantId, sp.id), { displayName: "next", expiresInDays: 30 });
    expect(added.status).toBe(201);
    const next = (await added.json()) as { id: string; secretText: string; hint: string; expires: number };
    expect(next.hint).toBe(next.secretText.slice(0, 3));
    expect(await signsIn(tenantId, sp.appId, primary)).toBe(true);
    expect(await signsIn(tenantId, sp.appId, next.secretText)).toBe(true);

    const listed = (await (await admin("GET", secretsOf(tenantId, sp.id))).json()) as { value: { id: string; expires: number | null }[] };
    expect(listed.value.map((s) => s.id)).toEqual(["primary", next.id]);
    expect(JSON.stringify(listed)).not.toContain(next.secretText);

    expect((await admin("DELETE", `${secretsOf(tenantId, sp.id)}/primary`)).status).toBe(204);
    expect(await signsIn(tenantId, sp.appId, primary)).toBe(false);
    expect(await signsIn(tenantId, sp.appId, next.secretText)).toBe(true);
    expect((await admin("DELETE", `${secretsOf(tenantId, sp.id)}/primary`)).status).toBe(404);
  });

  it("an added secret stops signing in when it expires", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const next = (await (await admin("POST", secretsOf(tenantId, sp.id), { expiresInDays: 1 })).json()) as { secretText: string };
    expect(await signsIn(tenantId, sp.appId, next.secretText)).toBe(true);
    await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (instance) => {
      instance.clock = new ManualClock(Date.now() + 2 * 86_400_000);
    });
    expect(await signsIn(tenantId, sp.appId, next.secretText)).toBe(false);
    expect(await signsIn(tenantId, sp.appId, sp.clientSecret as string)).toBe(true);
  });

  it("refuses what it cannot do: bad expiries, managed identities, unknown principals and secrets", async () => {
    const tenantId = await createTenant();
    const sp = await createPrincipal(tenantId, "servicePrincipal");
    const mi = await createPrincipal(tenantId);
    for (const expiresInDays of [0, 731, 1.5, "ten"]) expect((await admin("POST", secretsOf(tenantId, sp.id), { expiresInDays })).status).toBe(400);
    expect((await admin("POST", secretsOf(tenantId, mi.id), {})).status).toBe(404);
    expect((await admin("POST", secretsOf(tenantId, crypto.randomUUID()), {})).status).toBe(404);
    expect((await admin("DELETE", `${secretsOf(tenantId, sp.id)}/${crypto.randomUUID()}`)).status).toBe(404);
    expect(((await (await admin("GET", secretsOf(tenantId, sp.id))).json()) as { value: unknown[] }).value).toHaveLength(1);
  });
});
