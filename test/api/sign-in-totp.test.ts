import { SELF, env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../core/domain/clock.ts";
import { totpCode } from "../../core/crypto/totp.ts";
import { ISSUER_ORIGIN, admin, createTenant } from "../support/fixture.ts";
import { PASSWORD, authorizeUrl, createUser, openSignInPage, pkcePair, submitSignIn, withTenantClock } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/** RFC 4648 base32 decoding, for the secret of the otpauth:// URI (what an authenticator app does). */
function base32Bytes(text: string): Uint8Array {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text) {
    value = (value << 5) | alphabet.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(out);
}

/** One sign-in on the page with an optional TOTP code: "code" on success, else the AADSTS number shown. */
async function attempt(tenantId: string, totp?: string): Promise<string> {
  const { challenge } = await pkcePair();
  const url = authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256" });
  const response = await submitSignIn(url, await openSignInPage(url), { userPrincipalName: "alice@contoso.example", password: PASSWORD, ...(totp === undefined ? {} : { totp }) });
  if (response.status === 302) return "code";
  return /AADSTS(\d+)/.exec(await response.text())?.[1] ?? `status ${response.status}`;
}

describe("TOTP (docs/sign-in.md \"TOTP\")", () => {
  it("is enrolled once through the admin API, then required at sign-in; each code works once", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    const enrolled = await admin("POST", `/tenants/${tenantId}/users/${user.id}/totp`);
    expect(enrolled.status).toBe(201);
    const uri = new URL(((await enrolled.json()) as { otpauthUri: string }).otpauthUri);
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("algorithm")).toBe("SHA1");
    const secretText = uri.searchParams.get("secret") ?? "";
    const secret = base32Bytes(secretText);
    expect(secret).toHaveLength(20);

    // Sealed at rest: the stored column is ciphertext, not the secret.
    await runInDurableObject(env.TENANT.get(env.TENANT.idFromName(tenantId)), (_instance, state) => {
      const row = state.storage.sql.exec<{ sealed_totp_secret: ArrayBuffer }>("SELECT sealed_totp_secret FROM users WHERE principal_id = ?", user.id).one();
      const sealed = new Uint8Array(row.sealed_totp_secret);
      expect(sealed.length).toBeGreaterThan(secret.length);
      expect(Buffer.from(sealed).includes(Buffer.from(secret))).toBe(false);
    });

    const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 10));
    await withTenantClock(tenantId, clock, async () => {
      const step = Math.floor(clock.now() / 30_000);
      expect(await attempt(tenantId)).toBe("50076");
      expect(await attempt(tenantId, await totpCode(secret, step + 3))).toBe("50076");
      const code = await totpCode(secret, step);
      expect(await attempt(tenantId, code)).toBe("code");
      // The same code again, within its window: a replay.
      expect(await attempt(tenantId, code)).toBe("50076");
      // The previous step's code is within ±1 but older than the one used: refused too.
      expect(await attempt(tenantId, await totpCode(secret, step - 1))).toBe("50076");
      clock.advance(30_000);
      expect(await attempt(tenantId, await totpCode(secret, step + 1))).toBe("code");
    });
  });

  it("counts wrong codes toward lockout, and is no longer asked for once removed", async () => {
    const tenantId = await createTenant();
    const user = await createUser(tenantId, "alice@contoso.example");
    expect((await admin("POST", `/tenants/${tenantId}/users/${user.id}/totp`)).status).toBe(201);
    expect((await admin("PUT", `/tenants/${tenantId}/signInSettings`, { lockoutThreshold: 3, lockoutMinutes: 5 })).status).toBe(200);
    expect([await attempt(tenantId, "000000"), await attempt(tenantId, "111111")]).toEqual(["50076", "50076"]);
    expect((await admin("DELETE", `/tenants/${tenantId}/users/${user.id}/totp`)).status).toBe(204);
    expect(await attempt(tenantId)).toBe("code");
    expect((await admin("POST", `/tenants/${tenantId}/users/${crypto.randomUUID()}/totp`)).status).toBe(404);
  });

  it("is enrolled by the person with the password, and replaced only with a current code too", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const enroll = (body: Record<string, string>) =>
      SELF.fetch(`${ISSUER_ORIGIN}/${tenantId}/me/totp`, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ userPrincipalName: "alice@contoso.example", ...body }) });
    expect((await enroll({ password: "not the password" })).status).toBe(401);
    const first = await enroll({ password: PASSWORD });
    expect(first.status).toBe(201);
    const secret = base32Bytes(new URL(((await first.json()) as { otpauthUri: string }).otpauthUri).searchParams.get("secret") ?? "");
    // Enrolled: the password alone no longer replaces the secret, nor signs in.
    const again = await enroll({ password: PASSWORD });
    expect(again.status).toBe(401);
    expect(((await again.json()) as { error: { message: string } }).error.message).toMatch(/^AADSTS50076/);
    const clock = new ManualClock(Date.UTC(2030, 0, 1, 12, 0, 10));
    await withTenantClock(tenantId, clock, async () => {
      const replaced = await enroll({ password: PASSWORD, totp: await totpCode(secret, Math.floor(clock.now() / 30_000)) });
      expect(replaced.status).toBe(201);
    });
    const records = ((await (await admin("GET", `/tenants/${tenantId}/auditLog`)).json()) as { value: { operationName: string }[] }).value;
    expect(records.filter((r) => r.operationName === "TotpSelfEnroll")).toHaveLength(4);
  });
});
