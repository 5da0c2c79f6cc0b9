import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { PASSWORD_ITERATIONS, hashPassword } from "../../core/crypto/password-hash.ts";
import { createTenant } from "../support/fixture.ts";
import { PASSWORD, authorizeUrl, createUser, openSignInPage, pkcePair, submitSignIn } from "../support/sign-in.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

const tenant = (tenantId: string) => env.TENANT.get(env.TENANT.idFromName(tenantId));
const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

async function signsIn(tenantId: string, password: string): Promise<boolean> {
  const { challenge } = await pkcePair();
  const url = authorizeUrl(tenantId, { code_challenge: challenge, code_challenge_method: "S256" });
  const response = await submitSignIn(url, await openSignInPage(url), { userPrincipalName: "alice@contoso.example", password });
  return response.status === 302 && new URL(response.headers.get("Location") ?? "").searchParams.has("code");
}

function storedPassword(tenantId: string): Promise<{ salt: string; iterations: number }> {
  return runInDurableObject(tenant(tenantId), (_instance, state) => {
    const row = state.storage.sql.exec<{ password_salt: ArrayBuffer; password_iterations: number }>("SELECT password_salt, password_iterations FROM users").one();
    return { salt: hex(new Uint8Array(row.password_salt)), iterations: row.password_iterations };
  });
}

describe("passwords are stretched in the Worker (docs/sign-in.md \"Where passwords are stretched\")", () => {
  it("hands out a user's own salt and count, and for an unknown name a decoy that stays the same", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const stored = await storedPassword(tenantId);
    const alice = await tenant(tenantId).passwordParameters("alice@contoso.example");
    expect({ salt: hex(alice.salt), iterations: alice.iterations, upgrade: alice.upgrade }).toStrictEqual({ ...stored, upgrade: null });

    const nobody = await tenant(tenantId).passwordParameters("nobody@contoso.example");
    expect(nobody.iterations).toBe(PASSWORD_ITERATIONS);
    expect(nobody.salt).toHaveLength(16);
    expect(hex((await tenant(tenantId).passwordParameters("nobody@contoso.example")).salt)).toBe(hex(nobody.salt));
    expect(hex((await tenant(tenantId).passwordParameters("other@contoso.example")).salt)).not.toBe(hex(nobody.salt));
  });

  it("replaces a hash of fewer rounds than today's at the next successful sign-in, and only then", async () => {
    const tenantId = await createTenant();
    await createUser(tenantId, "alice@contoso.example");
    const legacy = await hashPassword(PASSWORD, 1000);
    await runInDurableObject(tenant(tenantId), (_instance, state) => {
      state.storage.sql.exec("UPDATE users SET password_hash = ?, password_salt = ?, password_iterations = ?", legacy.hash, legacy.salt, legacy.iterations);
    });
    const upgrade = (await tenant(tenantId).passwordParameters("alice@contoso.example")).upgrade;
    expect(upgrade?.iterations).toBe(PASSWORD_ITERATIONS);

    expect(await signsIn(tenantId, "wrong password")).toBe(false);
    expect(await storedPassword(tenantId)).toStrictEqual({ salt: hex(legacy.salt), iterations: 1000 });
    expect(await signsIn(tenantId, PASSWORD)).toBe(true);
    const upgraded = await storedPassword(tenantId);
    expect(upgraded.iterations).toBe(PASSWORD_ITERATIONS);
    expect(upgraded.salt).not.toBe(hex(legacy.salt));
    expect(await signsIn(tenantId, PASSWORD)).toBe(true);
  });
});
