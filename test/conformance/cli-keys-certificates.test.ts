/**
 * `kv` as an operator and as service principals (client secret and certificate): the admin verbs that set a
 * principal up, then keys (sign checked against the downloaded public key with node:crypto, encrypt/decrypt) and
 * certificates (create from the default policy, download, thumbprint) under that principal's roles.
 */
import { createHash, createPublicKey, generateKeyPairSync, verify, X509Certificate } from "node:crypto";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const kv = new Kv();
const OPERATOR = ["--profile", "operator"];
const SP = ["--profile", "sp"];

interface Principal {
  readonly id: string;
  readonly appId: string;
  readonly clientSecret: string;
}

describe("kv as the operator and as service principals", () => {
  let principal: Principal;

  beforeAll(async () => {
    await kv.json(["login", `--operator-key=${facts.operatorKey}`, "--endpoint", facts.origin, "--tenant", facts.tenantId, ...OPERATOR]);
    principal = await kv.json<Principal>(["admin", "principal", "create", "--type", "servicePrincipal", "--display-name", uniqueName("cli-sp"), ...OPERATOR]);
    for (const role of ["Key Vault Crypto Officer", "Key Vault Certificates Officer"]) {
      const assignment = await kv.json<{ roleDefinitionName: string; principalId: string }>(["admin", "assignment", "create", "--vault", "dev", "--role", role, "--assignee", principal.id, ...OPERATOR]);
      expect(assignment).toMatchObject({ roleDefinitionName: role, principalId: principal.id });
    }
    const login = await kv.json<{ user: { name: string; type: string } }>(["login", "--service-principal", "-u", principal.appId, `--password=${principal.clientSecret}`, "--tenant", facts.tenantId, "--endpoint", facts.origin, ...SP]);
    expect(login.user).toStrictEqual({ name: principal.appId, type: "servicePrincipal" });
  }, KV_TEST_TIMEOUT_MS);

  it("lists what the admin API holds, and refuses the operator key on the data plane", async () => {
    expect(await kv.json<string[]>(["admin", "vault", "list", "--query", "[].name", ...OPERATOR])).toContain("dev");
    const assignments = await kv.json<{ principalId: string }[]>(["admin", "assignment", "list", "--vault", "dev", ...OPERATOR]);
    expect(assignments.filter((a) => a.principalId === principal.id)).toHaveLength(2);
    expect(await kv.json<string[]>(["admin", "role", "list", "--query", "[].roleName", ...OPERATOR])).toContain("Key Vault Crypto Officer");
    const refused = await kv.run(["secret", "list", "--vault-name", "dev", ...OPERATOR]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("The operator key opens the admin API only");
    const missingTenant = await kv.run(["admin", "vault", "show", "--name", "dev", "--tenant", "00000000-0000-0000-0000-000000000000", ...OPERATOR]);
    expect(missingTenant.code).toBe(3);
    expect(missingTenant.stderr).toMatch(/^ERROR: \(TenantNotFound\) /);
  }, KV_TEST_TIMEOUT_MS);

  it("signs with an EC key, and node:crypto verifies the signature with the downloaded public key", async () => {
    const name = uniqueName("cli-ec");
    const created = await kv.json<{ name: string; key: { kty: string; crv: string; keyOps: string[] } }>(["key", "create", "--vault-name", "dev", "-n", name, "--kty", "EC", "--curve", "P-256", ...SP]);
    expect(created).toMatchObject({ name, key: { kty: "EC", crv: "P-256" } });
    const digest = createHash("sha256").update("hello").digest("base64");
    const signed = await kv.json<{ algorithm: string; kid: string; signature: string }>(["key", "sign", "--vault-name", "dev", "-n", name, "-a", "ES256", "--digest", digest, ...SP]);
    expect(signed.kid).toMatch(new RegExp(`^${facts.vaultUrl}/keys/${name}/[0-9a-f]{32}$`));
    const pemFile = join(kv.configDir, `${name}.pem`);
    expect((await kv.run(["key", "download", "--vault-name", "dev", "-n", name, "--file", pemFile, ...SP])).code).toBe(0);
    const publicKey = createPublicKey(readFileSync(pemFile));
    expect(verify("sha256", Buffer.from("hello"), { key: publicKey, dsaEncoding: "ieee-p1363" }, Buffer.from(signed.signature, "base64"))).toBe(true);
    const verified = await kv.json(["key", "verify", "--vault-name", "dev", "-n", name, "-a", "ES256", "--digest", digest, "--signature", signed.signature, ...SP]);
    expect(verified).toStrictEqual({ algorithm: "ES256", isValid: true });
  }, KV_TEST_TIMEOUT_MS);

  it("encrypts and decrypts text with RSA-OAEP-256, imports a PEM key and rotates", async () => {
    const name = uniqueName("cli-rsa");
    await kv.json(["key", "create", "--vault-name", "dev", "-n", name, "--size", "2048", ...SP]);
    const encrypted = await kv.json<{ result: string }>(["key", "encrypt", "--vault-name", "dev", "-n", name, "-a", "RSA-OAEP-256", "--value", "hello", "--data-type", "plaintext", ...SP]);
    const decrypted = await kv.run(["key", "decrypt", "--vault-name", "dev", "-n", name, "-a", "RSA-OAEP-256", "--value", encrypted.result, "--data-type", "plaintext", "--query", "result", "-o", "tsv", ...SP]);
    expect(decrypted.stdout).toBe("hello\n");

    const pem = join(kv.configDir, `${name}-import.pem`);
    writeFileSync(pem, generateKeyPairSync("ec", { namedCurve: "P-384" }).privateKey.export({ type: "pkcs8", format: "pem" }));
    const imported = await kv.json<{ key: { crv: string; d: string | null } }>(["key", "import", "--vault-name", "dev", "-n", `${name}-imp`, "--pem-file", pem, ...SP]);
    expect(imported.key).toMatchObject({ crv: "P-384", d: null });

    const rotated = await kv.json<{ key: { kid: string } }>(["key", "rotate", "--vault-name", "dev", "-n", name, ...SP]);
    const versions = await kv.json<{ kid: string }[]>(["key", "list-versions", "--vault-name", "dev", "-n", name, ...SP]);
    expect(versions).toHaveLength(2);
    expect(versions.map((v) => v.kid)).toContain(rotated.key.kid);
  }, KV_TEST_TIMEOUT_MS);

  it("creates a certificate from the default policy and downloads it (PEM and DER)", async () => {
    const name = uniqueName("cli-cert");
    const policyFile = join(kv.configDir, "policy.json");
    writeFileSync(policyFile, (await kv.run(["certificate", "get-default-policy"])).stdout);
    const created = await kv.json<{ name: string; x509ThumbprintHex: string; policy: { x509CertificateProperties: { subject: string } } }>(["certificate", "create", "--vault-name", "dev", "-n", name, "--policy", `@${policyFile}`, ...SP]);
    expect(created.policy.x509CertificateProperties.subject).toBe("CN=CLIGetDefaultPolicy");
    const pemFile = join(kv.configDir, `${name}.crt`);
    const derFile = join(kv.configDir, `${name}.cer`);
    expect((await kv.run(["certificate", "download", "--vault-name", "dev", "-n", name, "--file", pemFile, ...SP])).code).toBe(0);
    expect((await kv.run(["certificate", "download", "--vault-name", "dev", "-n", name, "--file", derFile, "--encoding", "DER", ...SP])).code).toBe(0);
    const certificate = new X509Certificate(readFileSync(pemFile));
    expect(certificate.subject).toBe("CN=CLIGetDefaultPolicy");
    expect(certificate.fingerprint.replaceAll(":", "")).toBe(created.x509ThumbprintHex);
    expect(readFileSync(derFile).equals(certificate.raw)).toBe(true);
  }, KV_TEST_TIMEOUT_MS);

  it("signs in with a certificate credential (a client assertion signed with its key)", async () => {
    const dir = kv.configDir;
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(dir, "sp.key"), "-out", join(dir, "sp.crt"), "-subj", "/CN=kv-cli-sp", "-days", "2"], { stdio: "ignore" });
    writeFileSync(join(dir, "sp.pem"), readFileSync(join(dir, "sp.key"), "utf8") + readFileSync(join(dir, "sp.crt"), "utf8"));
    await kv.json(["admin", "principal", "certificate", "add", "--id", principal.id, "--file", join(dir, "sp.crt"), ...OPERATOR]);
    await kv.json(["login", "--service-principal", "-u", principal.appId, "--certificate", join(dir, "sp.pem"), "--tenant", facts.tenantId, "--endpoint", facts.origin, "--profile", "sp-cert"]);
    const keys = await kv.json<string[]>(["key", "list", "--vault-name", "dev", "--query", "[].name", "--profile", "sp-cert"]);
    expect(keys.length).toBeGreaterThan(0);
    const wrongKey = join(dir, "wrong.pem");
    writeFileSync(wrongKey, generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ type: "pkcs8", format: "pem" }) + readFileSync(join(dir, "sp.crt"), "utf8"));
    const refused = await kv.run(["login", "--service-principal", "-u", principal.appId, "--certificate", wrongKey, "--tenant", facts.tenantId, "--endpoint", facts.origin, "--profile", "sp-wrong"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^ERROR: \(invalid_client\) /);
    expect(await kv.json<{ profile: string }[]>(["account", "list", "--query", "[].{profile:profile}"])).not.toContainEqual({ profile: "sp-wrong" });
  }, KV_TEST_TIMEOUT_MS);
});
