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

/**
 * Advice when a vault or managed HSM host does not resolve on this machine, or undefined when all do. Each host
 * is checked, as an /etc/hosts setup lists them one by one and may predate the managed HSM.
 */
export async function hostResolutionAdvice(hosts: readonly string[]): Promise<string | undefined> {
  const unresolved: { host: string; reason: string }[] = [];
  for (const host of hosts) {
    try {
      await lookup(host);
    } catch (error) {
      unresolved.push({ host, reason: error instanceof Error ? error.message : String(error) });
    }
  }
  if (unresolved.length === 0) return undefined;
  return [
    ...unresolved.map(({ host, reason }) => `${host} does not resolve here (${reason}); SDKs cannot reach https://${host}.`),
    "Fix it with either:",
    "  sudo apt-get install libnss-myhostname   (resolves every *.localhost name to the loopback)",
    "  or add to /etc/hosts, one pair per vault or managed HSM:",
    ...unresolved.flatMap(({ host }) => [`    127.0.0.1 ${host}`, `    ::1 ${host}`]),
  ].join("\n");
}
