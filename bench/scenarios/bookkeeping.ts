import type { Agent } from "node:https";
import { send } from "../request.ts";
import type { Route } from "../target.ts";
import { benchTarget } from "./echo.ts";
import { jsonObject, type JsonFields } from "./reply.ts";

/** Microseconds per request of each kind of bookkeeping, measured inside the Durable Object with no HTTP. */
export interface BookkeepingCost {
  /** VaultThrottle.admit: the vault's window count and the tenant lease (the lease call itself stubbed). */
  readonly admissionUs: number;
  /** What the request's transaction adds: the throttle counter upsert and the audit insert. */
  readonly counterAndAuditUs: number;
  /** The audit insert alone: the part of the above that is auditing, not throttling (informational). */
  readonly auditInsertUs: number;
  /** How many of each were timed, so a figure from a handful of operations shows. */
  readonly operations: { readonly admission: number; readonly counterAndAudit: number; readonly auditInsert: number };
}

/**
 * GET /_bench/bookkeeping-rate: the Durable Object runs each kind back to back for about `seconds` (in a
 * transaction it rolls back, so nothing is written) and reports operations and seconds for each.
 */
export async function bookkeepingCost(agent: Agent, port: number, route: Route, seconds: number): Promise<BookkeepingCost> {
  const path = `/_bench/bookkeeping-rate?ms=${Math.round(seconds * 1000)}`;
  const reply = await send(agent, benchTarget(port, route), { method: "GET", path }, 120_000);
  const fields = reply.status === 200 ? jsonObject(reply.body) : undefined;
  const admission = sample(fields, "admission");
  const counterAndAudit = sample(fields, "counterAndAudit");
  const auditInsert = sample(fields, "auditInsert");
  if (admission === undefined || counterAndAudit === undefined || auditInsert === undefined) {
    throw new Error(`GET ${path} → ${reply.status} ${reply.body.slice(0, 300)}`);
  }
  return {
    admissionUs: admission.us,
    counterAndAuditUs: counterAndAudit.us,
    auditInsertUs: auditInsert.us,
    operations: { admission: admission.operations, counterAndAudit: counterAndAudit.operations, auditInsert: auditInsert.operations },
  };
}

function sample(fields: JsonFields | undefined, member: string): { us: number; operations: number } | undefined {
  const value = fields?.[member];
  if (typeof value !== "object" || value === null) return undefined;
  const { operations, seconds } = value as { operations?: unknown; seconds?: unknown };
  if (typeof operations !== "number" || typeof seconds !== "number" || operations <= 0 || seconds <= 0) return undefined;
  return { us: (seconds / operations) * 1e6, operations };
}
