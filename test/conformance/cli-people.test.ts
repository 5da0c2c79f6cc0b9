/**
 * A person signing in with `kv login --browser` (authorization code + PKCE on the CLI's loopback listener), the
 * refresh token carrying them to the admin API as a tenant admin, and the rotation the token cache follows.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_TEST_TIMEOUT_MS, Kv, collect } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";
import { pageRequest, signInOnPage } from "./support/sign-in-page.ts";

const facts = devServerFacts();
const kv = new Kv();
const PASSWORD = "correct horse battery staple";

/** The sign-in address `kv login --browser` prints on a line of its own on stderr. */
function authorizeUrlPrintedBy(login: ChildProcess): Promise<string> {
  return new Promise((resolve) => {
    let seen = "";
    login.stderr?.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /^(https:\/\/\S+\/oauth2\/v2\.0\/authorize\?\S+)$/m.exec(seen);
      if (match !== null) resolve(match[1] as string);
    });
  });
}

describe("kv login --browser", () => {
  let upn: string;
  let userId: string;

  beforeAll(async () => {
    await kv.json(["login", `--operator-key=${facts.operatorKey}`, "--endpoint", facts.origin, "--tenant", facts.tenantId, "--profile", "operator"]);
    upn = `${uniqueName("ada")}@contoso.example`;
    const user = await kv.json<{ id: string; type: string }>(["admin", "user", "create", "--upn", upn, "--password", PASSWORD, "--tenant-admin", "--profile", "operator"]);
    expect(user.type).toBe("user");
    userId = user.id;
    await kv.json(["admin", "assignment", "create", "--vault", "dev", "--role", "Key Vault Secrets Officer", "--assignee", userId, "--profile", "operator"]);
  }, KV_TEST_TIMEOUT_MS);

  it("signs a person in through the sign-in page and the loopback redirect, then uses the vault and the admin API", async () => {
    // BROWSER=true: no browser starts; the test is the browser, reading the address kv prints on stderr.
    const login = kv.spawn(["login", "--browser", "--endpoint", facts.origin, "--tenant", facts.tenantId, "--profile", "ada"], { BROWSER: "true" });
    const done = collect(login);
    const authorizeUrl = await authorizeUrlPrintedBy(login);
    const query = new URL(authorizeUrl).searchParams;
    expect(query.get("code_challenge_method")).toBe("S256");
    expect(query.get("redirect_uri")).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const signedIn = await signInOnPage(authorizeUrl, facts.caPath, { userPrincipalName: upn, password: PASSWORD });
    expect(signedIn.status).toBe(302);
    const back = await fetch(signedIn.location as string);
    expect(await back.text()).toContain("Signed in.");
    const result = await done;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ profile: "ada", user: { name: upn, type: "user" }, tenantId: facts.tenantId });

    const name = uniqueName("ada-secret");
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "hers", "--profile", "ada"]);
    const users = await kv.json<string[]>(["admin", "user", "list", "--query", "[].userPrincipalName", "--profile", "ada"]);
    expect(users).toContain(upn);
    // The admin API's token came from the refresh token, which rotated: one refresh token is cached, the newest.
    const cache = JSON.parse(readFileSync(join(kv.configDir, "tokens/ada.json"), "utf8")) as Record<string, { refreshToken?: string }>;
    expect(Object.keys(cache).sort()).toStrictEqual([`${facts.origin}/admin`, `https://vault.localhost:${facts.port}`]);
    expect(Object.values(cache).filter((t) => t.refreshToken !== undefined)).toHaveLength(1);
    expect(cache[`${facts.origin}/admin`]?.refreshToken).toBeDefined();
  }, KV_TEST_TIMEOUT_MS);

  it("fails the login when the person cancels on the sign-in page", async () => {
    const login = kv.spawn(["login", "--browser", "--endpoint", facts.origin, "--tenant", facts.tenantId, "--profile", "cancelled"], { BROWSER: "true" });
    const done = collect(login);
    const authorizeUrl = await authorizeUrlPrintedBy(login);
    const page = await pageRequest(authorizeUrl, facts.caPath);
    const csrf = /name="csrf_token" value="([^"]+)"/.exec(page.body)?.[1] as string;
    const cancelled = await pageRequest(authorizeUrl, facts.caPath, { cookie: page.cookie as string, form: { csrf_token: csrf, action: "cancel" } });
    await fetch(cancelled.location as string);
    const result = await done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^ERROR: \(access_denied\) /m);
    const profiles = await kv.json<string[]>(["account", "list", "--query", "[].profile"]);
    expect(profiles).not.toContain("cancelled");
  }, KV_TEST_TIMEOUT_MS);
});
