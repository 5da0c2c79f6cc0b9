import { readTextIfExists, writeFileAtomic } from "./files.ts";

/** The managed HSM beside the dev vault and the identity's administrator role on it. */
export interface ManagedHsmState {
  readonly name: string;
  readonly roleAssignmentId: string;
}

/** What the bootstrap created, kept in `<stateDir>/state.json` so restarts reuse it. */
export interface BootstrapState {
  readonly tenantId: string;
  readonly principalId: string;
  readonly appId: string;
  /** The managed identity's secret; the server returns it only when the identity is created. */
  readonly identityHeader: string;
  readonly vaultName: string;
  readonly roleAssignmentId: string;
  /**
   * Optional: state files written before managed HSMs, or by a run without the HSM bridge, have none; they
   * still load, and the next run with the bridge adds it.
   */
  readonly managedHsm?: ManagedHsmState;
}

/** The saved state, or undefined when there is none or it is unreadable (the bootstrap then starts over). */
export async function readState(path: string): Promise<BootstrapState | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isBootstrapState(parsed) ? parsed : undefined;
}

export async function saveState(path: string, state: BootstrapState): Promise<void> {
  // Holds the identity header, a credential: owner-only.
  await writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

function isBootstrapState(value: unknown): value is BootstrapState {
  if (!hasStrings(value, ["tenantId", "principalId", "appId", "identityHeader", "vaultName", "roleAssignmentId"])) return false;
  return value.managedHsm === undefined || hasStrings(value.managedHsm, ["name", "roleAssignmentId"]);
}

function hasStrings(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const record: Record<string, unknown> = { ...value };
  return keys.every((key) => typeof record[key] === "string");
}
