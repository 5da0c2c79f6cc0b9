import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { admin, createTenant } from "../support/fixture.ts";
import { PASSWORD, authorizeUrl, createUser, openSignInPage, pkcePair, submitSignIn, withTenantClock } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/** One sign-in on the page: "code" when it succeeded, else the AADSTS number the page shows. */
async function attempt(tenantId: string, password: string): Promise<string> {
  const { challenge } = await pkcePair();
  const url = authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256" });
  const response = await submitSignIn(url, await openSignInPage(url), { userPrincipalName: "alice@contoso.example", password });
  if (response.status === 302) return new URL(response.headers.get("Location") ?? "").searchParams.has("code") ? "code" : "redirect";
  return /AADSTS(\d+)/.exec(await response.text())?.[1] ?? `status ${response.status}`;
}

describe("lockout (docs/sign-in.md \"Lockout\")", () => {
  it("locks after 5 consecutive failures for 15 minutes, refusing even the right password, then lets the person in", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const clock = new ManualClock(Date.now());
    await withTenantClock(tenantId, clock, async () => {
      const results: string[] = [];
      for (let i = 0; i < 5; i++) results.push(await attempt(tenantId, `wrong password ${i}`));
      expect(results).toEqual(["50126", "50126", "50126", "50126", "50053"]);
      expect(await attempt(tenantId, PASSWORD)).toBe("50053");
      clock.advance(14 * 60_000);
      expect(await attempt(tenantId, PASSWORD)).toBe("50053");
      clock.advance(60_000 + 1000);
      expect(await attempt(tenantId, PASSWORD)).toBe("code");
    });
    const records = ((await (await admin("GET", `/tenants/${tenantId}/auditLog`)).json()) as { value: { operationName: string }[] }).value;
    const signIns = JSON.stringify(records.filter((r) => r.operationName === "SignIn"));
    expect(signIns).toContain("AccountLocked");
    expect(signIns).toContain("InvalidCredentials");
  });

  it("counts only consecutive failures: a success starts the count again", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    for (let i = 0; i < 4; i++) expect(await attempt(tenantId, "wrong password")).toBe("50126");
    expect(await attempt(tenantId, PASSWORD)).toBe("code");
    for (let i = 0; i < 4; i++) expect(await attempt(tenantId, "wrong password")).toBe("50126");
    expect(await attempt(tenantId, PASSWORD)).toBe("code");
  });

  it("is configured per tenant through the admin API, within bounds; a password reset lifts it", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    expect(await (await admin("GET", `/tenants/${tenantId}/signInSettings`)).json()).toEqual({ lockoutThreshold: 5, lockoutMinutes: 15 });
    for (const body of [{ lockoutThreshold: 0, lockoutMinutes: 1 }, { lockoutThreshold: 2, lockoutMinutes: 0 }, { lockoutThreshold: 2.5, lockoutMinutes: 1 }, { lockoutThreshold: 2 }]) {
      expect((await admin("PUT", `/tenants/${tenantId}/signInSettings`, body)).status, JSON.stringify(body)).toBe(400);
    }
    const set = await admin("PUT", `/tenants/${tenantId}/signInSettings`, { lockoutThreshold: 2, lockoutMinutes: 1 });
    expect(await set.json()).toEqual({ lockoutThreshold: 2, lockoutMinutes: 1 });
    expect([await attempt(tenantId, "wrong one"), await attempt(tenantId, "wrong two")]).toEqual(["50126", "50053"]);
    expect(await attempt(tenantId, PASSWORD)).toBe("50053");
    expect((await admin("PUT", `/tenants/${tenantId}/users/${user.id}/password`, { password: `${PASSWORD} anew` })).status).toBe(204);
    expect(await attempt(tenantId, `${PASSWORD} anew`)).toBe("code");
  });
});
