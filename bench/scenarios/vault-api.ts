import type { Route, Target } from "../target.ts";

/** What every vault request of the bench sends, secrets and keys alike. */
export const API_VERSION = "2025-07-01";

/** The vault's own host (`<vault>.vault.localhost`), which is what the Worker routes a vault request on. */
export function vaultTarget(vaultName: string, port: number, route: Route): Target {
  return { name: `${vaultName}.vault.localhost`, port, connectTo: route.connectTo };
}

/** The vault's name from the dev server's vault URL (`https://{name}.vault.localhost:{port}`). */
export function vaultNameOf(vaultUrl: string): string {
  const name = new URL(vaultUrl).hostname.split(".")[0];
  if (name === undefined || name === "") throw new Error(`cannot read a vault name from ${vaultUrl}`);
  return name;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
