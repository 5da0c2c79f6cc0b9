/**
 * `npm run dev` is re-run all the time: a restart must reuse its state and keep the vault's data, and a wiped
 * server must be bootstrapped again. Runs its own dev server on a second port, signed by the suite's CA so the
 * SDKs in this worker trust it too.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ClientSecretCredential } from "@azure/identity";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminClient, type ServicePrincipal } from "../../scripts/dev/admin-client.ts";
import { httpsJson } from "../../scripts/dev/https-json.ts";
import { findFreePort } from "../../scripts/dev/port.ts";
import { startDevServer, type DevServer } from "../../scripts/dev/server.ts";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { uniqueName } from "./support/names.ts";
import { tokenResource } from "./support/raw-vault.ts";

const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../..");
const suite = devServerFacts();

let stateDir: string;
let port: number;
/** Not the default 8450, which a developer's `npm run dev` may hold. */
let bridgePort: number;
let ca: string;

beforeAll(async () => {
  stateDir = await mkdtemp(join(tmpdir(), "edge-vault-restart-"));
  for (const file of ["ca.pem", "ca-key.pem"]) await copyFile(join(suite.stateDir, file), join(stateDir, file));
  port = await findFreePort();
  bridgePort = await findFreePort();
  ca = await readFile(join(stateDir, "ca.pem"), "utf8");
});

afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

async function withServer<T>(use: (server: DevServer) => Promise<T>): Promise<T> {
  const server = await startDevServer({ root: ROOT, stateDir, port, hsmBridgePort: bridgePort, quiet: true });
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

function adminOf(server: DevServer): AdminClient {
  return new AdminClient(`https://localhost:${server.port}`, server.operatorKey, ca);
}

/**
 * The status of the managed HSM's key list for the server's own managed identity (not the suite's, which the
 * SDK credentials in this worker use): 200 only if the HSM exists and the identity holds a role on it.
 */
async function identityListsHsmKeys(server: DevServer): Promise<number> {
  const hsmUrl = server.managedHsmUrl ?? expect.fail("the dev server made no managed HSM (it needs the HSM bridge: apt-get install softhsm2)");
  const resource = encodeURIComponent(tokenResource(hsmUrl));
  const token = await httpsJson({
    url: `https://localhost:${server.port}/msi/token?api-version=2019-08-01&resource=${resource}`,
    ca,
    headers: { "X-IDENTITY-HEADER": server.identityHeader },
  });
  const accessToken = String((token.json as { access_token?: unknown } | undefined)?.access_token);
  return (await httpsJson({ url: `${hsmUrl}/keys?api-version=7.5`, ca, headers: { authorization: `Bearer ${accessToken}` } })).status;
}

async function savedState(): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(join(stateDir, "state.json"), "utf8")) as Record<string, unknown>;
}

// Each test starts the server two or three times: past the tier's 60 s on a loaded 2-core machine.
describe("dev server restarts", { timeout: 240_000 }, () => {
  it("reuses certificates, bootstrap and data", async () => {
    const secretName = uniqueName("survivor");
    const first = await withServer(async (server) => {
      const admin = adminOf(server);
      const principal = await admin.createServicePrincipal(server.tenantId, uniqueName("restart-sp"));
      await admin.assignRole(server.tenantId, "dev", randomUUID(), "Key Vault Secrets Officer", principal.id);
      await secretClient(server, principal).setSecret(secretName, "still here");
      return {
        // wrangler's internal port behind the front is picked afresh on every start; clients never see it.
        facts: { ...server, stop: undefined, wranglerExited: undefined, wranglerPid: undefined, upstreamPort: undefined },
        principal,
        bootstrap: await readFile(join(stateDir, "state.json"), "utf8"),
        certificate: await readFile(join(stateDir, "server.pem"), "utf8"),
      };
    });

    await withServer(async (server) => {
      expect({ ...server, stop: undefined, wranglerExited: undefined, wranglerPid: undefined, upstreamPort: undefined }).toEqual(first.facts);
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
      const admin = adminOf(server);
      expect(await admin.getTenant(server.tenantId)).toMatchObject({ id: server.tenantId });
      expect(await admin.getVault(server.tenantId, "dev")).toMatchObject({ name: "dev", tenantId: server.tenantId });
      expect(await admin.getVault(server.tenantId, "devhsm")).toMatchObject({ sku: "managedHSM", tenantId: server.tenantId });
      expect(await admin.getTenant(before)).toBeUndefined();
      expect(JSON.parse(await readFile(join(stateDir, "state.json"), "utf8"))).toMatchObject({ tenantId: server.tenantId });
    });
  });

  it("recreates a vanished managed HSM, and adds one to a state file from before managed HSMs", async () => {
    const before = await withServer(async (server) => {
      expect(server.managedHsmUrl).toBe(`https://devhsm.managedhsm.localhost:${port}`);
      await adminOf(server).deleteVault(server.tenantId, "devhsm");
      await adminOf(server).purgeDeletedVault(server.tenantId, "devhsm");
      return savedState();
    });

    await withServer(async (server) => {
      expect(server.env.MANAGED_HSM_URL).toBe(server.managedHsmUrl);
      expect(await identityListsHsmKeys(server)).toBe(200);
      const recreated = await savedState();
      expect(recreated.managedHsm).toMatchObject({ name: "devhsm" });
      expect(recreated.managedHsm).not.toEqual(before.managedHsm);
      // As an older state.json has it: no managed HSM recorded, and none on the server.
      await adminOf(server).deleteVault(server.tenantId, "devhsm");
      await adminOf(server).purgeDeletedVault(server.tenantId, "devhsm");
      const { managedHsm: _, ...older } = recreated;
      await writeFile(join(stateDir, "state.json"), JSON.stringify(older));
    });

    await withServer(async (server) => {
      expect(server.tenantId).toBe(before.tenantId);
      expect(await identityListsHsmKeys(server)).toBe(200);
      expect(await savedState()).toMatchObject({ tenantId: before.tenantId, managedHsm: { name: "devhsm" } });
    });
  });
});
