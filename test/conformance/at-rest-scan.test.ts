/**
 * Nothing the suite hands the vault rests in plaintext on disk (docs/security.md, At rest): a dev server of its own,
 * on its own state directory, is given secret values, imported private keys (RSA and EC JWKs), a PFX with its
 * password, an issuer's password, a service principal (its client secret) and tokens; then every file under the state
 * directory — SQLite databases with their WAL, the HSM bridge's token, logs, everything — is scanned byte for byte for
 * each of them in every encoding (at-rest-scan.ts), once while the server runs (the writes still in the WAL) and once
 * after it stopped (checkpointed). A hit fails the test naming the file and offset.
 */
import { generateKeyPairSync, randomBytes, type JsonWebKey } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../../scripts/dev/server.ts";
import { binaryNeedles, scanFiles, textNeedles, type Needle } from "./support/at-rest-scan.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { tokenResource } from "./support/raw-vault.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const TAG = randomBytes(6).toString("hex");
/** Stored in the clear on purpose (a secret's name): the positive control that the scan reads the vault's data. */
const CONTROL_NAME = `canary-name-${TAG}`;

let stateDir: string;
let ca: string;
let server: DevServer | undefined;
const needles: Needle[] = [];

const b64u = (s: string | undefined): Buffer => Buffer.from(s ?? "", "base64url");

async function ok(method: string, url: string, headers: Record<string, string>, body?: unknown): Promise<Record<string, unknown>> {
  const r = await httpsJson({ url, method, ca, headers, body, timeoutMs: 60_000 });
  if (r.status >= 300) throw new Error(`${method} ${url}: ${r.status} ${r.text}`);
  return r.json as Record<string, unknown>;
}

/** An RSA key and a self-signed certificate for it, exported by openssl as a PFX under `password`. */
function pfxOf(password: string): { pfx: Buffer; jwk: JsonWebKey; pkcs8: Buffer } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const dir = join(stateDir, "..", `pfx-${TAG}`);
  mkdirSync(dir, { recursive: true });
  try {
    writeFileSync(join(dir, "key.pem"), privateKey.export({ type: "pkcs8", format: "pem" }));
    const run = (args: string[]) => expect(spawnSync("openssl", args, { cwd: dir, encoding: "utf8" }).status, `openssl ${args[0] ?? ""}`).toBe(0);
    run(["req", "-x509", "-key", "key.pem", "-out", "cert.pem", "-subj", "/CN=at-rest", "-days", "30"]);
    run(["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-passout", `pass:${password}`, "-out", "cert.pfx"]);
    return { pfx: readFileSync(join(dir, "cert.pfx")), jwk: privateKey.export({ format: "jwk" }), pkcs8: privateKey.export({ type: "pkcs8", format: "der" }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The token endpoint takes a form (RFC 6749 §4.4.2), which httpsJson does not send; the access token. */
function clientCredentialsToken(url: string, form: URLSearchParams): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = form.toString();
    const outgoing = request(url, { method: "POST", ca, agent: false, headers: { "content-type": "application/x-www-form-urlencoded", "content-length": Buffer.byteLength(body) } }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (c: Buffer) => chunks.push(c));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode !== 200) reject(new Error(`token endpoint: ${response.statusCode ?? 0} ${text}`));
        else resolve(String((JSON.parse(text) as { access_token: string }).access_token));
      });
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

function privateParts(label: string, jwk: JsonWebKey): Needle[] {
  return (["d", "p", "q", "dp", "dq", "qi", "k"] as const).flatMap((part) => {
    const value = jwk[part];
    return value === undefined ? [] : [...binaryNeedles(`${label} ${part}`, b64u(value)), ...textNeedles(`${label} ${part} (base64url text)`, value)];
  });
}

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "edge-vault-at-rest-"));
  for (const file of ["ca.pem", "ca-key.pem"]) await copyFile(join(devServerFacts().stateDir, file), join(stateDir, file));
  ca = await readFile(join(stateDir, "ca.pem"), "utf8");
  server = await startDevServer({ root: ROOT, stateDir, port: await findFreePort(), hsmBridgePort: await findFreePort(), quiet: true });
  const origin = `https://localhost:${server.port}`;
  const operator = { authorization: `Bearer ${server.operatorKey}` };
  const msi = await ok("GET", `${origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(tokenResource(server.vaultUrl))}`, { "X-IDENTITY-HEADER": server.identityHeader });
  const token = String(msi.access_token);
  const kv = { authorization: `Bearer ${token}` };
  const vault = (path: string) => `${server?.vaultUrl ?? ""}${path}?api-version=7.5`;

  const values = {
    ascii: `canary-ascii-${TAG}`,
    unicode: `canary-\u00fcn\u00efc\u00f8d\u00e9-\u2603-\u{1f511}-${TAG}`,
    escapes: `canary "quoted" \\back\\ slash\nnew line <&> ${TAG}`,
    long: `canary-long-${TAG}-${randomBytes(6000).toString("hex")}`,
  };
  for (const [label, value] of Object.entries(values)) {
    await ok("PUT", vault(`/secrets/${label}-${TAG}`), kv, { value });
    needles.push(...textNeedles(`secret value (${label})`, value));
  }
  await ok("PUT", vault(`/secrets/${CONTROL_NAME}`), kv, { value: "control" });

  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
  await ok("PUT", vault(`/keys/rsa-${TAG}`), kv, { key: { ...rsa, key_ops: ["sign", "verify", "decrypt", "encrypt"] } });
  await ok("PUT", vault(`/keys/ec-${TAG}`), kv, { key: { ...ec, key_ops: ["sign", "verify"] } });
  needles.push(...privateParts("imported RSA JWK", rsa), ...privateParts("imported EC JWK", ec));

  const password = `pfx-password-${TAG}`;
  const { pfx, jwk, pkcs8 } = pfxOf(password);
  await ok("POST", vault(`/certificates/pfx-${TAG}/import`), kv, { value: pfx.toString("base64"), pwd: password, policy: { secret_props: { contentType: "application/x-pkcs12" } } });
  needles.push(...textNeedles("PFX password", password), ...binaryNeedles("PFX private key (PKCS#8)", pkcs8), ...privateParts("PFX private key", jwk));

  const issuerPassword = `issuer-password-${TAG}`;
  await ok("PUT", vault(`/certificates/issuers/issuer-${TAG}`), kv, { provider: "Test", credentials: { account_id: "acct", pwd: issuerPassword } });
  needles.push(...textNeedles("issuer password", issuerPassword));

  const sp = await ok("POST", `${origin}/admin/tenants/${server.tenantId}/principals`, operator, { type: "servicePrincipal", displayName: `at-rest-${TAG}` });
  const clientSecret = String(sp.clientSecret);
  const form = new URLSearchParams({ grant_type: "client_credentials", client_id: String(sp.appId), client_secret: clientSecret, scope: `${tokenResource(server.vaultUrl)}/.default` });
  const issued = await clientCredentialsToken(`${origin}/${server.tenantId}/oauth2/v2.0/token`, form);
  await ok("GET", vault("/secrets"), { authorization: `Bearer ${issued}` }).catch(() => undefined);
  needles.push(...textNeedles("client secret", clientSecret), ...textNeedles("client-credentials token", issued));
  needles.push(...textNeedles("managed identity token", token), ...textNeedles("token signature", token.split(".")[2] ?? ""));
  // Read everything back once, so read paths (caches, audit) have run too.
  await ok("GET", vault(`/secrets/ascii-${TAG}`), kv);
  await ok("GET", vault(`/certificates/pfx-${TAG}`), kv);
  await ok("GET", vault(`/secrets/pfx-${TAG}`), kv);
}, 600_000);

afterAll(async () => {
  await server?.stop();
  await rm(stateDir, { recursive: true, force: true });
});

describe("no value, private key part, password, client secret or token rests in plaintext", () => {
  it("while the server runs (writes in the WAL): the control is found, nothing else is", async () => {
    const control = await scanFiles(stateDir, textNeedles("control", CONTROL_NAME));
    expect(control.hits.length, "the scan reads the vault's stored names").toBeGreaterThan(0);
    const result = await scanFiles(stateDir, needles);
    process.stdout.write(`at rest: ${needles.length} needles over ${result.files} files (${result.bytes} bytes)\n`);
    expect(result.hits).toEqual([]);
  });

  it("after the server stopped (checkpointed)", async () => {
    await server?.stop();
    server = undefined;
    const result = await scanFiles(stateDir, needles);
    expect(result.hits).toEqual([]);
    expect((await scanFiles(stateDir, textNeedles("control", CONTROL_NAME))).hits.length).toBeGreaterThan(0);
  });
});
