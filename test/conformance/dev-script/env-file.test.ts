import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { clientEnvironment, shellQuote, writeEnvFile } from "../../../scripts/dev/env-file.ts";

const run = promisify(execFile);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-env-"));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** What a shell sees after `source <file>`, read back one variable per line. */
async function sourced(file: string, names: readonly string[]): Promise<string[]> {
  const script = `set -eu; . "$1"; shift; for name in "$@"; do eval "printf '%s\\0' \\"\\$$name\\""; done`;
  const { stdout } = await run("sh", ["-c", script, "sh", file, ...names]);
  return stdout.split("\0").slice(0, -1);
}

describe("env file", () => {
  it("exports the variables SDKs read, for the given server", () => {
    expect(
      clientEnvironment({
        port: 18443,
        caPath: "/s/ca.pem",
        caBundlePath: "/s/ca-bundle.pem",
        identityHeader: "header",
        tenantId: "tenant",
        vaultUrl: "https://dev.vault.localhost:18443",
      }),
    ).toEqual({
      NODE_EXTRA_CA_CERTS: "/s/ca.pem",
      REQUESTS_CA_BUNDLE: "/s/ca-bundle.pem",
      IDENTITY_ENDPOINT: "https://localhost:18443/msi/token",
      IDENTITY_HEADER: "header",
      EDGE_VAULT_TENANT_ID: "tenant",
      KEYVAULT_URL: "https://dev.vault.localhost:18443",
    });
  });

  it("adds MANAGED_HSM_URL and the backup container only when there is a managed HSM", () => {
    const facts = { port: 8443, caPath: "/c", caBundlePath: "/b", identityHeader: "h", tenantId: "t", vaultUrl: "https://dev.vault.localhost:8443" };
    expect(clientEnvironment(facts)).not.toHaveProperty("MANAGED_HSM_URL");
    expect(clientEnvironment(facts)).not.toHaveProperty("BACKUP_CONTAINER_URL");
    expect(clientEnvironment({ ...facts, managedHsmUrl: "https://devhsm.managedhsm.localhost:8443" })).toMatchObject({
      MANAGED_HSM_URL: "https://devhsm.managedhsm.localhost:8443",
      BACKUP_CONTAINER_URL: "https://devbackups.blob.localhost:8443/backups",
    });
  });

  it("quotes values so a shell reads them back unchanged", async () => {
    const values = {
      PLAIN: "abc",
      SPACES: "/path with spaces/ca.pem",
      QUOTES: `it's "quoted"`,
      EXPANSIONS: "$HOME `id` $(id) \\n *",
    };
    const file = join(dir, "env");
    await writeEnvFile(file, values);
    expect(await sourced(file, Object.keys(values))).toEqual(Object.values(values));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toContain(`export QUOTES=${shellQuote(values.QUOTES)}\n`);
  });
});
