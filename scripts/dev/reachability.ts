import { lookup } from "node:dns/promises";
import { healthProblem } from "./wait-for-health.ts";

/**
 * With libnss-myhostname, `*.localhost` resolves to ::1 first and clients do not all fall back to 127.0.0.1 (and
 * /etc/hosts setups often list only 127.0.0.1), so the server must answer on both. Returns one line per family
 * that failed.
 */
export async function unreachableLoopbacks(port: number, ca: string): Promise<string[]> {
  const failures: string[] = [];
  for (const host of ["127.0.0.1", "[::1]"]) {
    const problem = await healthProblem(`https://${host}:${port}/healthz`, ca);
    if (problem !== undefined) failures.push(`https://${host}:${port}/healthz: ${problem}`);
  }
  return failures;
}

export const SAMPLE_VAULT_HOST = "dev.vault.localhost";

/** Advice when `*.vault.localhost` does not resolve on this machine, or undefined when it does. */
export async function vaultHostResolutionAdvice(host = SAMPLE_VAULT_HOST): Promise<string | undefined> {
  try {
    await lookup(host);
    return undefined;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return [
      `*.vault.localhost does not resolve here (${reason}); SDKs cannot reach https://${host}.`,
      "Fix it with either:",
      "  sudo apt-get install libnss-myhostname   (resolves every *.localhost name to the loopback)",
      "  or add to /etc/hosts, one pair per vault:",
      `    127.0.0.1 ${host}`,
      `    ::1 ${host}`,
    ].join("\n");
  }
}
