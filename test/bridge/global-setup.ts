import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestProject } from "vitest/node";
import type { BridgeFacts } from "./support/bridge-facts.ts";
import { startBridgeProcess } from "./support/bridge-process.ts";
import { createTokenDir } from "./support/token-dir.ts";

/**
 * A throwaway SoftHSM2 token under a temp directory (never the machine's /var/lib/softhsm) and the bridge on a
 * free loopback port (port 0: the kernel picks, the bridge prints it). Set BRIDGE_KEEP_STATE=1 to keep the
 * directory for a post-mortem.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "edge-vault-bridge-"));
  const token = await createTokenDir(dir, "bridge-tests");
  const bridge = await startBridgeProcess(token.configPath).catch((error: unknown) => {
    process.stderr.write(`bridge tests: the bridge failed to start; its files are kept in ${dir}\n`);
    throw error;
  });

  const facts: BridgeFacts = {
    url: bridge.url,
    listeningAt: Date.now(),
    dir,
    label: token.label,
    softhsmConf: token.softhsmConf,
    pin: token.pin,
    hmacKeyId: "vault",
    hmacSecret: token.hmacSecret,
    ed25519KeyId: "vault-ed",
    ed25519ClientPkcs8: token.ed25519ClientPkcs8,
    ed25519BridgePublicKey: token.ed25519BridgePublicKey,
  };
  project.provide("bridge", facts);

  return async () => {
    await bridge.stop();
    if (process.env.BRIDGE_KEEP_STATE === "1") {
      process.stderr.write(`bridge tests: state kept in ${dir}\nbridge log:\n${bridge.log()}\n`);
      return;
    }
    await rm(dir, { recursive: true, force: true });
  };
}
