/**
 * `npm run dev` is re-run all the time: a restart must reuse its state and keep the vault's data, and a wiped
 * server must be bootstrapped again. Runs its own dev server on a second port, signed by the suite's CA so the
 * SDKs in this worker trust it too.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type ServicePrincipal } from "../../scripts/dev/admin-client.ts";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../../scripts/dev/server.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const suite = devServerFacts();

let stateDir: string;
let port: number;
let ca: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "edge-vault-restart-"));
  for (const file of ["ca.pem", "ca-key.pem"]) await copyFile(join(suite.stateDir, file), join(stateDir, file));
  port = await findFreePort();
  ca = await readFile(join(stateDir, "ca.pem"), "utf8");
});

afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function withServer<T>(use: (server: DevServer) => Promise<T>): Promise<T> {
  const server = await startDevServer({ root: ROOT, stateDir, port, quiet: true });
  try {
    return await use(server);
  } finally {
    await server.stop();
  }
}

function secretClient(server: DevServer, principal: ServicePrincipal): SecretClient {
  const credential = new ClientSecretCredential(server.tenantId, principal.appId, principal.clientSecret, {
    authorityHost: `https://localhost:${server.port}`,
    disableInstanceDiscovery: true,
  });
  return new SecretClient(server.vaultUrl, credential);
}

describe("dev server restarts", () => {
  it("reuses certificates, bootstrap and data", async () => {
    const secretName = uniqueName("survivor");
    const first = await withServer(async (server) => {
      const admin = new AdminClient(`https://localhost:${server.port}`, server.operatorKey, ca);
      const principal = await admin.createServicePrincipal(server.tenantId, uniqueName("restart-sp"));
      await admin.assignRole(server.tenantId, "dev", randomUUID(), "Key Vault Secrets Officer", principal.id);
      await secretClient(server, principal).setSecret(secretName, "still here");
      return {
        facts: { ...server, stop: undefined, wranglerExited: undefined },
        principal,
        bootstrap: await readFile(join(stateDir, "state.json"), "utf8"),
        certificate: await readFile(join(stateDir, "server.pem"), "utf8"),
      };
    });

    await withServer(async (server) => {
      expect({ ...server, stop: undefined, wranglerExited: undefined }).toEqual(first.facts);
      expect(await readFile(join(stateDir, "state.json"), "utf8")).toBe(first.bootstrap);
      expect(await readFile(join(stateDir, "server.pem"), "utf8")).toBe(first.certificate);
      const read = await secretClient(server, first.principal).getSecret(secretName);
      expect(read.value).toBe("still here");
    });
  });

  it("bootstraps again when the server's data was wiped", async () => {
    const before = await withServer(async (server) => server.tenantId);
    await rm(join(stateDir, "wrangler-state"), { recursive: true, force: true });

    await withServer(async (server) => {
      expect(server.tenantId).not.toBe(before);
      const admin = new AdminClient(`https://localhost:${server.port}`, server.operatorKey, ca);
      expect(await admin.getTenant(server.tenantId)).toMatchObject({ id: server.tenantId });
      expect(await admin.getVault(server.tenantId, "dev")).toMatchObject({ name: "dev", tenantId: server.tenantId });
      expect(await admin.getTenant(before)).toBeUndefined();
      expect(JSON.parse(await readFile(join(stateDir, "state.json"), "utf8"))).toMatchObject({ tenantId: server.tenantId });
    });
  });
});
