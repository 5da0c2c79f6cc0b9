/**
 * A throwaway token for one test run, made by the script developers use (wasm-hsm/bridge/init-token.sh), plus a
 * bridge config with both client kinds: HMAC ("vault") and Ed25519 ("vault-ed"), on a kernel-chosen port. Two
 * worker processes unless told otherwise — fixed, not the machine's core count, so every machine runs the same
 * paths: the shared bridge serves the whole suite as a cluster, and restart.test.ts runs the single process.
 */
import { execFile } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

export const ROOT = resolve(fileURLToPath(new URL(".", import.meta.url)), "../../..");
const INIT_TOKEN = join(ROOT, "wasm-hsm/bridge/init-token.sh");

export interface TokenDir {
  readonly dir: string;
  readonly label: string;
  readonly configPath: string;
  readonly softhsmConf: string;
  readonly pin: string;
  readonly hmacSecret: string;
  readonly ed25519ClientPkcs8: string;
  readonly ed25519BridgePublicKey: string;
}

export async function createTokenDir(dir: string, label: string, workers = 2): Promise<TokenDir> {
  const { stdout } = await promisify(execFile)("bash", [INIT_TOKEN, dir, label], {
    env: { ...process.env, HSM_BRIDGE_PORT: "0" },
  });
  if (!stdout.includes("HSM_BRIDGE_CONFIG=")) throw new Error(`init-token.sh printed no config line: ${stdout}`);

  const client = generateKeyPairSync("ed25519");
  const bridge = generateKeyPairSync("ed25519");
  const ed25519ClientPkcs8 = client.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url");
  const bridgePkcs8 = bridge.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64url");
  const rawPublic = (key: typeof client.publicKey) => {
    const jwk = key.export({ format: "jwk" });
    if (typeof jwk.x !== "string") throw new Error("no Ed25519 x");
    return jwk.x;
  };
  await writeFile(join(dir, "bridge-ed25519.pk8"), `${bridgePkcs8}\n`, { mode: 0o600 });

  // The script's config, extended: an Ed25519 client next to its HMAC one, and the key the bridge answers it with.
  const base = JSON.parse(await readFile(join(dir, "bridge.json"), "utf8")) as Record<string, unknown> & { clients: unknown[] };
  const config = {
    ...base,
    sessions: 4,
    workers,
    clients: [...base.clients, { id: "vault-ed", ed25519PublicKey: rawPublic(client.publicKey) }],
    responseSigningKey: "file:bridge-ed25519.pk8",
  };
  const configPath = join(dir, "bridge-test.json");
  await writeFile(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });

  return {
    dir,
    label,
    configPath,
    softhsmConf: join(dir, "softhsm2.conf"),
    pin: (await readFile(join(dir, "user.pin"), "utf8")).trim(),
    hmacSecret: (await readFile(join(dir, "hmac.secret"), "utf8")).trim(),
    ed25519ClientPkcs8,
    ed25519BridgePublicKey: rawPublic(bridge.publicKey),
  };
}
