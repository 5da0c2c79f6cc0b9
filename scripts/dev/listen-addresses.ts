import { isIP } from "node:net";

/**
 * Loopback on both families: `localhost` and `*.vault.localhost` resolve to ::1 or 127.0.0.1 depending on the
 * resolver (libnss-myhostname answers ::1 first, /etc/hosts setups often only 127.0.0.1), and SDKs do not all fall
 * back from one to the other.
 */
export const LOOPBACK_ADDRESSES: readonly string[] = ["127.0.0.1", "::1"];

/** The environment variable that exposes `npm run dev` beyond this machine; `--host` does the same per run. */
export const LISTEN_VARIABLE = "EDGE_VAULT_LISTEN";

/**
 * Where `npm run dev` listens: `--host <address>` (repeatable, or comma-separated) wins over EDGE_VAULT_LISTEN,
 * and without either only the loopback. Addresses only, not names: "localhost" could resolve to anything, and
 * exposure should be spelled out (`0.0.0.0`, `::`, or one interface's address).
 */
export function listenAddresses(args: readonly string[], env: NodeJS.ProcessEnv): string[] {
  const fromArgs: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] ?? "";
    if (arg === "--host") {
      const value = args[i + 1];
      if (value === undefined) throw new Error("--host needs an address, e.g. --host 0.0.0.0");
      fromArgs.push(...parseAddressList(value, "--host"));
      i += 1;
    } else if (arg.startsWith("--host=")) {
      fromArgs.push(...parseAddressList(arg.slice("--host=".length), "--host"));
    } else {
      throw new Error(`unknown argument ${JSON.stringify(arg)}; the only option is --host <address> (see README, Security)`);
    }
  }
  if (fromArgs.length > 0) return unique(fromArgs);
  const variable = env[LISTEN_VARIABLE];
  if (variable !== undefined && variable.trim() !== "") return unique(parseAddressList(variable, LISTEN_VARIABLE));
  return [...LOOPBACK_ADDRESSES];
}

export function parseAddressList(text: string, source: string): string[] {
  const addresses = text.split(",").map((part) => part.trim()).filter((part) => part !== "");
  if (addresses.length === 0) throw new Error(`${source} is empty; give IP addresses such as 127.0.0.1,::1 or 0.0.0.0`);
  for (const address of addresses) {
    if (isIP(address) === 0) throw new Error(`${source}: ${JSON.stringify(address)} is not an IP address (use e.g. 0.0.0.0, ::, 192.168.1.10)`);
  }
  return addresses;
}

/**
 * The addresses plus whatever loopback they do not already cover: the start-up health check, `.dev/env` and the
 * SDKs on this machine all use `localhost`. A wildcard covers its family (`::` alone is dual-stack, see
 * strict-front.ts), and adding 127.0.0.1 beside 0.0.0.0 on one port would fail with EADDRINUSE.
 */
export function withLoopback(addresses: readonly string[]): string[] {
  const v4Covered = addresses.includes("0.0.0.0") || addresses.includes("::") || addresses.includes("127.0.0.1");
  const v6Covered = addresses.includes("::") || addresses.includes("::1");
  return unique([...(v4Covered ? [] : ["127.0.0.1"]), ...(v6Covered ? [] : ["::1"]), ...addresses]);
}

/** 127.0.0.0/8, ::1 and IPv4-mapped 127/8: addresses only this machine can connect to. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.toLowerCase().startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return address === "::1" || (isIP(v4) === 4 && v4.startsWith("127."));
}

/** The addresses that other machines may reach (wildcards included). */
export function exposedAddresses(addresses: readonly string[]): string[] {
  return addresses.filter((address) => !isLoopbackAddress(address));
}

/** Said loudly at start-up and in the summary: every admin API and token endpoint is then on the network. */
export function exposureWarning(addresses: readonly string[], port: number): string | undefined {
  const exposed = exposedAddresses(addresses);
  if (exposed.length === 0) return undefined;
  const where = exposed.map((address) => (address.includes(":") ? `[${address}]:${port}` : `${address}:${port}`)).join(", ");
  return [
    "!".repeat(78),
    `!! EXPOSED: the dev server listens on ${where}, not only on this machine's loopback.`,
    "!! Anyone who can reach it can call the admin API (guarded by OPERATOR_KEY only) and the token service.",
    "!! The credential-less IMDS / Cloud Shell token endpoints still refuse every non-loopback caller.",
    `!! Unset ${LISTEN_VARIABLE} / drop --host to listen on 127.0.0.1 and ::1 only.`,
    "!".repeat(78),
  ].join("\n");
}

function unique(addresses: readonly string[]): string[] {
  return [...new Set(addresses)];
}
