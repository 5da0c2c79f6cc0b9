/**
 * `kv` against the real dev server: signing in with the dev managed identity, the secret verbs, the output formats
 * and --query, az's error text and exit codes, and the owner-only files it writes.
 */
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { KV_TEST_TIMEOUT_MS, Kv } from "./support/kv-cli.ts";
import { uniqueName } from "./support/names.ts";

const facts = devServerFacts();
const kv = new Kv();
const mode = (path: string) => statSync(path).mode & 0o777;

describe("kv secret, signed in as the dev managed identity", () => {
  beforeAll(async () => {
    const login = await kv.json<{ profile: string; endpoint: string; vaultDomain: string }>(["login", "--identity"]);
    expect(login).toMatchObject({ profile: "default", endpoint: facts.origin, vaultDomain: `vault.localhost:${facts.port}` });
  }, KV_TEST_TIMEOUT_MS);

  it("keeps the profile, credential and token cache owner-only", () => {
    expect(mode(kv.configDir)).toBe(0o700);
    for (const file of ["profiles.json", "credentials/default.json", "tokens/default.json"]) expect(mode(join(kv.configDir, file))).toBe(0o600);
    const tokens = JSON.parse(readFileSync(join(kv.configDir, "tokens/default.json"), "utf8")) as Record<string, { accessToken: string }>;
    expect(Object.keys(tokens)).toStrictEqual([`https://vault.localhost:${facts.port}`]);
  }, KV_TEST_TIMEOUT_MS);

  it("sets and shows a secret in az's shape, by --vault-name and by --vault-url", async () => {
    const name = uniqueName("cli");
    const set = await kv.json<Record<string, unknown>>(["secret", "set", "--vault-name", "dev", "--name", name, "--value", "s3cr3t", "--tags", "env=dev", "--content-type", "text/plain"]);
    expect(Object.keys(set)).toStrictEqual(["attributes", "contentType", "id", "kid", "managed", "name", "tags", "value"]);
    expect(set).toMatchObject({ name, value: "s3cr3t", contentType: "text/plain", tags: { env: "dev" }, kid: null, managed: null });
    expect(set.id).toMatch(new RegExp(`^${facts.vaultUrl}/secrets/${name}/[0-9a-f]{32}$`));
    expect((set.attributes as Record<string, unknown>).created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    const shown = await kv.json(["secret", "show", "--vault-url", facts.vaultUrl, "--name", name]);
    expect(shown).toStrictEqual(set);
  }, KV_TEST_TIMEOUT_MS);

  it("prints every -o format and applies --query first", async () => {
    const name = uniqueName("fmt");
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "v1"]);
    const tsv = await kv.run(["secret", "show", "--vault-name", "dev", "-n", name, "--query", "value", "-o", "tsv"]);
    expect(tsv).toMatchObject({ code: 0, stdout: "v1\n", stderr: "" });
    const yaml = await kv.run(["secret", "show", "--vault-name", "dev", "-n", name, "-o", "yaml"]);
    expect(parseYaml(yaml.stdout)).toMatchObject({ name, value: "v1", attributes: { enabled: true } });
    const jsonc = await kv.run(["secret", "show", "--vault-name", "dev", "-n", name, "--query", "{n:name}", "-o", "jsonc"]);
    expect(jsonc.stdout).toBe(`{\n  \x1b[94m"n"\x1b[0m: \x1b[32m"${name}"\x1b[0m\n}\n`);
    const table = await kv.run(["secret", "list-versions", "--vault-name", "dev", "-n", name, "--query", "[].{Name:name, Enabled:attributes.enabled}", "-o", "table"]);
    expect(table.stdout).toBe(`Name${" ".repeat(name.length - 2)}Enabled\n${"-".repeat(name.length)}  -------\n${name}  true\n`);
    // az's tsv of an object: values in sorted key order, nested objects empty, lists as their length, null as None, booleans as Python's.
    const row = await kv.run(["secret", "show", "--vault-name", "dev", "-n", name, "--query", "{b:attributes.enabled, a:contentType, c:attributes, d:name, e:[name]}", "-o", "tsv"]);
    expect(row.stdout).toBe(`None\tTrue\t\t${name}\t1\n`);
    const names = await kv.json<string[]>(["secret", "list", "--vault-name", "dev", "--query", "[].name"]);
    expect(names).toContain(name);
  }, KV_TEST_TIMEOUT_MS);

  it("names Azure's error code as az does and exits 3 for a missing secret, 2 for a bad command line", async () => {
    const missing = await kv.run(["secret", "show", "--vault-name", "dev", "--name", "no-such-secret"]);
    expect(missing.code).toBe(3);
    expect(missing.stdout).toBe("");
    expect(missing.stderr).toMatch(/^ERROR: \(SecretNotFound\) A secret with \(name\/id\) no-such-secret was not found in this key vault\./);
    expect(missing.stderr).toContain("\nCode: SecretNotFound\n");
    const unknownFlag = await kv.run(["secret", "show", "--vault-name", "dev", "--name", "x", "--bogus"]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toContain("'--bogus'");
    const noName = await kv.run(["secret", "show", "--vault-name", "dev"]);
    expect(noName).toMatchObject({ code: 2, stderr: "ERROR: the following arguments are required: --name\n" });
    const badQuery = await kv.run(["secret", "list", "--vault-name", "dev", "--query", "[?"]);
    expect(badQuery.code).toBe(2);
  }, KV_TEST_TIMEOUT_MS);

  it("downloads a value to a new 0600 file, refuses to overwrite it, and backs up and restores", async () => {
    const name = uniqueName("dl");
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--value", "file me"]);
    const file = join(kv.configDir, `${name}.txt`);
    expect(await kv.run(["secret", "download", "--vault-name", "dev", "-n", name, "--file", file])).toMatchObject({ code: 0, stdout: "" });
    expect(readFileSync(file, "utf8")).toBe("file me");
    expect(mode(file)).toBe(0o600);
    const again = await kv.run(["secret", "download", "--vault-name", "dev", "-n", name, "--file", file]);
    expect(again).toMatchObject({ code: 1, stderr: `ERROR: File or directory ${file} already exists.\n` });

    const backup = join(kv.configDir, `${name}.bak`);
    expect((await kv.run(["secret", "backup", "--vault-name", "dev", "-n", name, "--file", backup])).code).toBe(0);
    expect(mode(backup)).toBe(0o600);
    await kv.json(["secret", "delete", "--vault-name", "dev", "-n", name]);
    expect((await kv.run(["secret", "purge", "--vault-name", "dev", "-n", name])).code).toBe(0);
    const restored = await kv.json<{ name: string; value: string | null }>(["secret", "restore", "--vault-name", "dev", "--file", backup]);
    expect(restored.name).toBe(name);
  }, KV_TEST_TIMEOUT_MS);

  it("sets attributes, deletes (waiting for the deletion), recovers", async () => {
    const name = uniqueName("life");
    const source = join(kv.configDir, `${name}.src`);
    writeFileSync(source, "from a file");
    await kv.json(["secret", "set", "--vault-name", "dev", "-n", name, "--file", source]);
    const disabled = await kv.json<{ attributes: { enabled: boolean; expires: string } }>(["secret", "set-attributes", "--vault-name", "dev", "-n", name, "--enabled", "false", "--expires", "2040-01-01T00:00:00Z"]);
    expect(disabled.attributes).toMatchObject({ enabled: false, expires: "2040-01-01T00:00:00+00:00" });
    const deleted = await kv.json<{ recoveryId: string; deletedDate: string }>(["secret", "delete", "--vault-name", "dev", "-n", name]);
    expect(deleted.recoveryId).toBe(`${facts.vaultUrl}/deletedsecrets/${name}`);
    expect(await kv.json<string[]>(["secret", "list-deleted", "--vault-name", "dev", "--query", "[].name"])).toContain(name);
    const recovered = await kv.json<{ name: string }>(["secret", "recover", "--vault-name", "dev", "-n", name]);
    expect(recovered.name).toBe(name);
  }, KV_TEST_TIMEOUT_MS);

  it("has --help with an example on every command", async () => {
    const help = await kv.run(["secret", "set", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--vault-name");
    expect(help.stdout).toContain("Examples\n    kv secret set --vault-name dev");
    const group = await kv.run(["secret"]);
    expect(group.stdout).toContain("list-versions");
  }, KV_TEST_TIMEOUT_MS);

  it("logs out: the profile, credential and tokens are gone, and commands say to log in", async () => {
    const other = new Kv();
    await other.json(["login", "--identity", "--profile", "temp"]);
    expect((await other.run(["logout", "--profile", "temp"])).code).toBe(0);
    expect(existsSync(join(other.configDir, "credentials/temp.json"))).toBe(false);
    expect(existsSync(join(other.configDir, "tokens/temp.json"))).toBe(false);
    const after = await other.run(["secret", "list", "--vault-name", "dev"]);
    expect(after).toMatchObject({ code: 1, stderr: "ERROR: Not logged in. Run `kv login` first (see `kv login --help`).\n" });
  }, KV_TEST_TIMEOUT_MS);
});
