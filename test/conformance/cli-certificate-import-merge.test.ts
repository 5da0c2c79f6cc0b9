/**
 * `kv certificate import` (PEM; PFX with and without a password; az's --policy, --disabled, --tags) and a CA's
 * certificate through `kv certificate create` with the Unknown issuer, the CSR taken with `pending show --query csr`
 * and wrapped in PEM in the shell (as az users do), signed by a test CA made with OpenSSL, `pending merge`d with its
 * chain and checked: OpenSSL verifies the downloaded certificate against the CA, and the certificate's secret holds
 * the key with the whole chain. Private keys are compared with node:crypto, never only by our own round trip.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { KV_BIN, KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const kv = new Kv();
const DEV = ["--vault-name", "dev"];
const dir = kv.configDir;
const PASSWORD = "pfx pass phrase";
const openssl = (...args: string[]): string => execFileSync("openssl", args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const file = (name: string): string => join(dir, name);

interface Certificate {
  readonly name: string;
  readonly x509ThumbprintHex: string;
  readonly attributes: { readonly enabled: boolean };
  readonly tags: Record<string, string> | null;
  readonly policy: { readonly secretProperties: { readonly contentType: string }; readonly lifetimeActions: unknown[]; readonly attributes: Record<string, unknown> };
}

/** The SHA-1 thumbprint az prints, from the certificate itself. */
const thumbprintOf = (pem: string): string => new X509Certificate(pem).fingerprint.replaceAll(":", "");

/** The public key of a private key in PEM, for comparing keys without comparing encodings. */
const publicOf = (privatePem: string, passphrase?: string): string =>
  createPublicKey(createPrivateKey({ key: privatePem, ...(passphrase === undefined ? {} : { passphrase }) })).export({ type: "spki", format: "pem" }) as string;

describe("kv certificate import", () => {
  let leafPem: string;
  let keyPem: string;

  beforeAll(async () => {
    await kv.json(["login", "--identity"]);
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "imported.key", "-out", "imported.crt", "-subj", "/CN=imported.example", "-days", "30");
    keyPem = readFileSync(file("imported.key"), "utf8");
    leafPem = readFileSync(file("imported.crt"), "utf8");
    writeFileSync(file("imported.pem"), keyPem + leafPem);
    openssl("pkcs12", "-export", "-inkey", "imported.key", "-in", "imported.crt", "-out", "open.pfx", "-passout", "pass:");
    openssl("pkcs12", "-export", "-inkey", "imported.key", "-in", "imported.crt", "-out", "locked.pfx", "-passout", `pass:${PASSWORD}`);
  }, KV_TEST_TIMEOUT_MS);

  it("imports a PEM (key and certificate); the secret holds that key", async () => {
    const name = uniqueName("cli-imp-pem");
    const imported = await kv.json<Certificate>(["certificate", "import", ...DEV, "-n", name, "--file", file("imported.pem")]);
    expect(imported).toMatchObject({ name, x509ThumbprintHex: thumbprintOf(leafPem), policy: { secretProperties: { contentType: "application/x-pem-file" } } });
    const secret = (await kv.run(["secret", "show", ...DEV, "-n", name, "--query", "value", "-o", "tsv"])).stdout;
    expect(publicOf(secret)).toBe(publicOf(keyPem));
  }, KV_TEST_TIMEOUT_MS);

  it("imports a PFX without a password, and one with it; the stored PFX opens to the same key", async () => {
    const open = await kv.json<Certificate>(["certificate", "import", ...DEV, "-n", uniqueName("cli-imp-pfx"), "-f", file("open.pfx")]);
    expect(open).toMatchObject({ x509ThumbprintHex: thumbprintOf(leafPem), policy: { secretProperties: { contentType: "application/x-pkcs12" } } });

    const name = uniqueName("cli-imp-pfx-pw");
    const locked = await kv.json<Certificate>(["certificate", "import", ...DEV, "-n", name, "-f", file("locked.pfx"), "--password", PASSWORD]);
    expect(locked).toMatchObject({ x509ThumbprintHex: thumbprintOf(leafPem), policy: { secretProperties: { contentType: "application/x-pkcs12" } } });
    // az keyvault secret download --encoding base64 writes the PFX's bytes; Key Vault keeps it without a password.
    expect((await kv.run(["secret", "download", ...DEV, "-n", name, "--file", file(`${name}.pfx`), "--encoding", "base64"])).code).toBe(0);
    const keyInside = openssl("pkcs12", "-in", `${name}.pfx`, "-nocerts", "-nodes", "-passin", "pass:");
    expect(publicOf(keyInside)).toBe(publicOf(keyPem));
  }, KV_TEST_TIMEOUT_MS);

  it("refuses a PFX with a wrong or missing password as Azure does, and imports nothing", async () => {
    const name = uniqueName("cli-imp-bad");
    for (const password of [["--password", "wrong"], []]) {
      const refused = await kv.run(["certificate", "import", ...DEV, "-n", name, "-f", file("locked.pfx"), ...password]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^ERROR: \(BadParameter\) The specified PKCS#12 X.509 certificate content can not be read\./);
    }
    expect((await kv.run(["certificate", "show", ...DEV, "-n", name])).code).toBe(3);
  }, KV_TEST_TIMEOUT_MS);

  it("applies az's --policy (@file, az's form), --disabled and --tags", async () => {
    writeFileSync(file("renewal.json"), JSON.stringify({ lifetimeActions: [{ trigger: { daysBeforeExpiry: 10 }, action: { actionType: "EmailContacts" } }] }));
    const imported = await kv.json<Certificate>(["certificate", "import", ...DEV, "-n", uniqueName("cli-imp-pol"), "-f", file("open.pfx"), "--policy", `@${file("renewal.json")}`, "--disabled", "--tags", "team=a"]);
    expect(imported.policy.lifetimeActions).toStrictEqual([{ trigger: { daysBeforeExpiry: 10 }, action: { actionType: "EmailContacts" } }]);
    expect(imported.policy.secretProperties.contentType).toBe("application/x-pkcs12");
    expect(imported).toMatchObject({ attributes: { enabled: false }, tags: { team: "a" } });
    // az prints the policy's attributes as every attributes block: ISO 8601 times, not the wire's Unix seconds.
    expect(imported.policy.attributes).toMatchObject({ created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/), updated: expect.stringMatching(/\+00:00$/) });
  }, KV_TEST_TIMEOUT_MS);

  it("takes --disabled as az's three-state flag: alone, true or false", async () => {
    for (const [words, enabled] of [[["--disabled", "true"], false], [["--disabled", "false"], true]] as const) {
      const imported = await kv.json<Certificate>(["certificate", "import", ...DEV, "-n", uniqueName("cli-imp-flag"), ...words, "-f", file("open.pfx")]);
      expect(imported.attributes.enabled, words.join(" ")).toBe(enabled);
    }
    const stray = await kv.run(["certificate", "import", ...DEV, "-n", uniqueName("cli-imp-flag"), "-f", file("open.pfx"), "--disabled", "yes"]);
    expect(stray).toMatchObject({ code: 2, stdout: "" });
    expect(stray.stderr).toContain("unrecognized arguments: yes");
  }, KV_TEST_TIMEOUT_MS);
});

describe("kv certificate pending merge", () => {
  const name = uniqueName("cli-ca-issued");

  beforeAll(async () => {
    await kv.json(["login", "--identity"]);
  }, KV_TEST_TIMEOUT_MS);

  it("creates with the Unknown issuer and answers at once with the pending operation, shaped as az prints it", async () => {
    writeFileSync(file("unknown.json"), JSON.stringify({ issuerParameters: { name: "Unknown" }, keyProperties: { exportable: true, keyType: "RSA", keySize: 2048, reuseKey: false }, secretProperties: { contentType: "application/x-pem-file" }, x509CertificateProperties: { subject: "CN=ca-issued.example", validityInMonths: 12 } }));
    const pending = await kv.json<Record<string, unknown>>(["certificate", "create", ...DEV, "-n", name, "--policy", `@${file("unknown.json")}`]);
    expect(Object.keys(pending)).toStrictEqual(["cancellationRequested", "csr", "error", "id", "issuerParameters", "requestId", "status", "statusDetails", "target"]);
    expect(pending).toMatchObject({ status: "inProgress", cancellationRequested: false, issuerParameters: { name: "Unknown" }, csr: expect.stringMatching(/^MII[A-Za-z0-9+/=]+$/) });
  }, KV_TEST_TIMEOUT_MS);

  it("merges the chain a test CA signed from the CSR; OpenSSL verifies the download and the secret holds the chain", async () => {
    // The CSR in PEM the way az users make it: the base64 DER of `pending show --query csr -o tsv` between PEM lines.
    const kvCommand = `"${process.execPath}" "${KV_BIN}"`;
    execFileSync("bash", ["-c", `set -o pipefail; { echo "-----BEGIN CERTIFICATE REQUEST-----"; ${kvCommand} certificate pending show --vault-name dev -n ${name} --query csr -o tsv | fold -w 64; echo "-----END CERTIFICATE REQUEST-----"; } > request.csr`], { cwd: dir, env: kv.env() });
    expect(openssl("req", "-in", "request.csr", "-noout", "-verify", "-subject")).toContain("CN = ca-issued.example");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-subj", "/CN=kv CLI Test CA", "-days", "30");
    openssl("x509", "-req", "-in", "request.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "issued.crt", "-days", "30");
    const issued = readFileSync(file("issued.crt"), "utf8");
    const caPem = readFileSync(file("ca.crt"), "utf8");
    writeFileSync(file("chain.pem"), issued + caPem);

    const merged = await kv.json<Certificate>(["certificate", "pending", "merge", ...DEV, "-n", name, "--file", file("chain.pem"), "--tags", "issuer=test-ca"]);
    expect(merged).toMatchObject({ name, x509ThumbprintHex: thumbprintOf(issued), tags: { issuer: "test-ca" } });
    expect((await kv.run(["certificate", "pending", "show", ...DEV, "-n", name, "--query", "status", "-o", "tsv"])).stdout).toBe("completed\n");

    expect((await kv.run(["certificate", "download", ...DEV, "-n", name, "--file", file("downloaded.crt")])).code).toBe(0);
    expect(openssl("verify", "-CAfile", "ca.crt", "downloaded.crt")).toBe("downloaded.crt: OK\n");
    expect(new X509Certificate(readFileSync(file("downloaded.crt"))).checkIssued(new X509Certificate(caPem))).toBe(true);

    const secret = (await kv.run(["secret", "show", ...DEV, "-n", name, "--query", "value", "-o", "tsv"])).stdout;
    const chain = [...secret.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map((m) => new X509Certificate(m[0]).fingerprint256);
    expect(chain).toStrictEqual([new X509Certificate(issued).fingerprint256, new X509Certificate(caPem).fingerprint256]);
    expect(publicOf(secret)).toBe(new X509Certificate(issued).publicKey.export({ type: "spki", format: "pem" }));
  }, KV_TEST_TIMEOUT_MS);
});
