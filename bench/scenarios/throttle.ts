import type { RequestSpec } from "../request.ts";
import type { ThrottleAdmin } from "../throttle-admin.ts";
import { createAgent, type Route, type Target } from "../target.ts";
import { managedIdentityToken } from "../token.ts";
import { benchTarget } from "./echo.ts";
import { SEED_SECRET, seedSecret } from "./secrets.ts";
import { API_VERSION, bearer, vaultTarget } from "./vault-api.ts";

/** Two vaults of the dev tenant, and a token of one identity that may read and write secrets in both. */
export interface ThrottleVaults {
  /** Driven over its (lowered) limit. */
  readonly a: Target;
  readonly aName: string;
  /** Beside it, on the default limits, at a modest rate. */
  readonly b: Target;
  readonly bName: string;
  readonly token: string;
}

/** Fixed names: every run starts from a fresh state directory, so they are always free. */
const VAULT_A = "bench-throttle-a";
const VAULT_B = "bench-throttle-b";

/**
 * Creates both vaults through the admin API, a managed identity with Key Vault Secrets Officer on both, its
 * token, and the secret the GET requests read in each. Each vault's own limits are Azure's defaults here.
 */
export async function createThrottleVaults(admin: ThrottleAdmin, ca: string, port: number, route: Route): Promise<ThrottleVaults> {
  await admin.createVault(VAULT_A);
  await admin.createVault(VAULT_B);
  const identity = await admin.secretsOfficer("bench-throttle", [VAULT_A, VAULT_B]);
  const a = vaultTarget(VAULT_A, port, route);
  const b = vaultTarget(VAULT_B, port, route);
  const agent = createAgent(ca, 1);
  try {
    const token = await managedIdentityToken(agent, benchTarget(port, route), identity.identityHeader);
    await seedSecret(agent, a, token);
    await seedSecret(agent, b, token);
    return { a, aName: VAULT_A, b, bName: VAULT_B, token };
  } finally {
    agent.destroy();
  }
}

/** The SDK's `getSecret(name)`, as in the GET phase: one unit of the `secrets` bucket per request. */
export function getLatestSpec(token: string): RequestSpec {
  return { method: "GET", path: `/secrets/${SEED_SECRET}/?api-version=${API_VERSION}`, headers: bearer(token) };
}
