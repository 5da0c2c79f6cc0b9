import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { KV_CLI_CLIENT_ID } from "../../core/domain/identity/public-clients.ts";
import type { Profile } from "../config.ts";
import { CliError } from "../errors.ts";
import type { HttpClient } from "../http.ts";
import type { AccessToken } from "./credentials.ts";
import { peopleScope, redeem } from "./people.ts";

/** How long the loopback listener waits for the browser to come back. */
const SIGN_IN_TIMEOUT_MS = 5 * 60_000;

const DONE_PAGE = "<!doctype html><meta charset=utf-8><title>kv</title><p>Signed in. You can close this window and return to the terminal.</p>";

/**
 * Authorization code with PKCE on a loopback redirect (RFC 8252 §7.3, RFC 7636 S256), as `az login` does: a one-shot
 * listener on 127.0.0.1 and an ephemeral port, the sign-in page opened in the browser ($BROWSER, else xdg-open/open;
 * the URL is always printed to stderr, for a browser elsewhere), the `state` checked, the code redeemed with the verifier.
 */
export async function browserLogin(http: HttpClient, profile: Profile, resource: string): Promise<AccessToken> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const state = randomBytes(16).toString("base64url");
  const { server, redirectUri, code } = await listenForCode(state);
  try {
    const query = new URLSearchParams({ client_id: KV_CLI_CLIENT_ID, response_type: "code", redirect_uri: redirectUri, scope: peopleScope(resource), state, code_challenge: challenge, code_challenge_method: "S256" });
    const url = `${profile.endpoint}/${profile.tenantId}/oauth2/v2.0/authorize?${query}`;
    process.stderr.write(`Opening the sign-in page in your web browser. If none opens, open this address yourself:\n${url}\n`);
    openBrowser(url);
    const received = await code;
    return await redeem(http, profile, { grant_type: "authorization_code", client_id: KV_CLI_CLIENT_ID, code: received, redirect_uri: redirectUri, code_verifier: verifier });
  } finally {
    server.close();
  }
}

function listenForCode(state: string): Promise<{ server: Server; redirectUri: string; code: Promise<string> }> {
  let settle: { resolve: (code: string) => void; reject: (error: Error) => void } | undefined;
  const code = new Promise<string>((resolve, reject) => (settle = { resolve, reject }));
  const timer = setTimeout(() => settle?.reject(new CliError("No answer from the browser within 5 minutes; run `kv login --browser` again.")), SIGN_IN_TIMEOUT_MS);
  void code.finally(() => clearTimeout(timer)).catch(() => {});
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname !== "/" || url.searchParams.get("state") !== state) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(DONE_PAGE);
    const error = url.searchParams.get("error");
    if (error !== null) settle?.reject(new CliError(`(${error}) ${url.searchParams.get("error_description") ?? "The sign-in was not completed."}`));
    else settle?.resolve(url.searchParams.get("code") ?? "");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      resolve({ server, redirectUri: `http://127.0.0.1:${port}/`, code });
    });
  });
}

function openBrowser(url: string): void {
  const opener = process.env.BROWSER ?? (process.platform === "darwin" ? "open" : "xdg-open");
  try {
    const child = spawn(opener, [url], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // The URL is on stderr: the person opens it themselves.
  }
}
