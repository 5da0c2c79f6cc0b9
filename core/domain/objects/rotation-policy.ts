import { VaultError } from "../../errors/vault-error.ts";
import { addDuration, minimumDays, parseIsoDuration, subtractDuration, type IsoDuration } from "./iso-duration.ts";

/**
 * Key rotation policy (keys.json KeyRotationPolicy). Rules from Azure's documentation: the expiry a
 * rotated version gets is at least 28 days (KeyRotationPolicy.ExpiresIn); rotation is at least 7 days
 * after creation and at least 7 days before expiry (key-rotation docs, "Rotation policy").
 */
export type ActionType = "Rotate" | "Notify";

export interface LifetimeAction {
  readonly trigger: { readonly timeAfterCreate?: string; readonly timeBeforeExpiry?: string };
  readonly action: { readonly type: ActionType };
}

export interface RotationPolicyInput {
  readonly lifetimeActions: readonly LifetimeAction[];
  readonly expiryTime?: string;
}

export interface RotationPolicy extends RotationPolicyInput {
  /** Unix seconds. */
  readonly created: number;
  readonly updated: number;
}

const MIN_EXPIRY_DAYS = 28;
const MIN_ROTATION_DAYS = 7;

/** Azure's default: notify 30 days before expiry (GetKeyRotationPolicyReturnsDefault recording). */
export const DEFAULT_NOTIFY: LifetimeAction = { trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } };

const bad = (message: string): VaultError => new VaultError("BadParameter", message);

function duration(text: unknown, field: string): IsoDuration {
  const parsed = typeof text === "string" ? parseIsoDuration(text) : null;
  if (parsed === null) throw bad(`'${field}' must be an ISO 8601 duration such as P90D, P3M or P1Y.`);
  return parsed;
}

function actionType(value: unknown): ActionType {
  const type = typeof value === "string" ? value.toLowerCase() : "";
  if (type === "rotate") return "Rotate";
  if (type === "notify") return "Notify";
  throw bad("A lifetime action's type must be Rotate or Notify.");
}

/** Validates a policy from the wire; an empty list of actions restores the default. */
export function validateRotationPolicy(lifetimeActions: unknown, expiryTimeRaw: unknown): RotationPolicyInput {
  if (lifetimeActions !== undefined && lifetimeActions !== null && !Array.isArray(lifetimeActions)) {
    throw bad("'lifetimeActions' must be an array.");
  }
  const expiry = expiryTimeRaw === undefined || expiryTimeRaw === null ? undefined : duration(expiryTimeRaw, "expiryTime");
  if (expiry !== undefined && minimumDays(expiry) < MIN_EXPIRY_DAYS) throw bad(`'expiryTime' must be at least ${MIN_EXPIRY_DAYS} days (P${MIN_EXPIRY_DAYS}D).`);

  const actions: LifetimeAction[] = [];
  for (const raw of (lifetimeActions ?? []) as unknown[]) {
    if (typeof raw !== "object" || raw === null) throw bad("Each lifetime action must be an object.");
    const { trigger, action } = raw as { trigger?: Record<string, unknown>; action?: Record<string, unknown> };
    const type = actionType(action?.type);
    const after = trigger?.timeAfterCreate ?? undefined;
    const before = trigger?.timeBeforeExpiry ?? undefined;
    if ((after === undefined) === (before === undefined)) {
      throw bad("A lifetime action's trigger must have exactly one of timeAfterCreate and timeBeforeExpiry.");
    }
    if (after !== undefined) {
      const d = duration(after, "timeAfterCreate");
      if (type === "Notify") throw bad("A Notify action is triggered by timeBeforeExpiry only.");
      if (minimumDays(d) < MIN_ROTATION_DAYS) throw bad(`'timeAfterCreate' must be at least ${MIN_ROTATION_DAYS} days.`);
      if (expiry !== undefined && minimumDays(expiry) - minimumDays(d) < MIN_ROTATION_DAYS) {
        throw bad(`Rotation must happen at least ${MIN_ROTATION_DAYS} days before the expiry set by 'expiryTime'.`);
      }
      actions.push({ trigger: { timeAfterCreate: after as string }, action: { type } });
    } else {
      const d = duration(before, "timeBeforeExpiry");
      if (minimumDays(d) < MIN_ROTATION_DAYS) throw bad(`'timeBeforeExpiry' must be at least ${MIN_ROTATION_DAYS} days.`);
      if (type === "Rotate" && expiry !== undefined && minimumDays(expiry) - minimumDays(d) < MIN_ROTATION_DAYS) {
        throw bad(`Rotation must happen at least ${MIN_ROTATION_DAYS} days after creation: 'timeBeforeExpiry' is too close to 'expiryTime'.`);
      }
      actions.push({ trigger: { timeBeforeExpiry: before as string }, action: { type } });
    }
  }
  if (actions.filter((a) => a.action.type === "Rotate").length > 1) throw bad("A policy may have only one Rotate action.");
  if (actions.filter((a) => a.action.type === "Notify").length > 1) throw bad("A policy may have only one Notify action.");
  // Azure keeps a Notify action in every policy, adding the default when the client gives none.
  if (!actions.some((a) => a.action.type === "Notify")) actions.push(DEFAULT_NOTIFY);
  return { lifetimeActions: actions, ...(expiry === undefined ? {} : { expiryTime: expiryTimeRaw as string }) };
}

/**
 * When the policy's Rotate action falls due for a key whose latest version was created at
 * `createdMs` and expires at `expMs`; null when it never does (no Rotate, or timeBeforeExpiry on a key without expiry).
 */
export function nextRotationMs(policy: RotationPolicyInput, createdMs: number, expMs: number | undefined): number | null {
  const rotate = policy.lifetimeActions.find((a) => a.action.type === "Rotate");
  if (rotate === undefined) return null;
  const { timeAfterCreate, timeBeforeExpiry } = rotate.trigger;
  if (timeAfterCreate !== undefined) return addDuration(createdMs, duration(timeAfterCreate, "timeAfterCreate"));
  if (timeBeforeExpiry !== undefined && expMs !== undefined) return subtractDuration(expMs, duration(timeBeforeExpiry, "timeBeforeExpiry"));
  return null;
}

/** The expiry a version created at `createdMs` gets from the policy, if it sets one. */
export function expiryFromPolicy(policy: RotationPolicyInput | null, createdMs: number): number | undefined {
  if (policy?.expiryTime === undefined) return undefined;
  return addDuration(createdMs, duration(policy.expiryTime, "expiryTime"));
}
