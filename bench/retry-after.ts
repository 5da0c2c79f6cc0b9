import { jsonObject } from "./scenarios/reply.ts";
import type { TimedReply } from "./throttle-request.ts";

/** The server's throttle windows: fixed, 10 s long, aligned on the Unix epoch (throttle-window.ts). */
export const WINDOW_MS = 10_000;

/** The tolerance between Retry-After and the window's real end. */
const TOLERANCE_MS = 1_000;

/** Which limit a 429 names, from Azure's message "… Reason: <reason>". */
export type ThrottleReason = "vault" | "tenant";

/** Unix ms at which the window containing `timeMs` ends. */
export function windowEndMs(timeMs: number): number {
  return (Math.floor(timeMs / WINDOW_MS) + 1) * WINDOW_MS;
}

/**
 * A problem with a 429's Retry-After, or undefined if it is a whole number of seconds in 1..10 that ends the
 * window the server counted the request in, within ±1 s. The server read its clock somewhere between sending
 * and receiving, so the window is the one containing either moment, and the slack grows by the round trip.
 */
export function retryAfterProblem(reply: TimedReply): string | undefined {
  const raw = reply.retryAfter;
  if (raw === undefined) return "no Retry-After";
  if (!/^\d+$/.test(raw)) return `Retry-After "${raw}" is not whole seconds`;
  const seconds = Number(raw);
  if (seconds < 1 || seconds > WINDOW_MS / 1000) return `Retry-After ${seconds} is outside 1..10`;
  const retryAtMs = reply.receivedAtMs + seconds * 1000;
  const slack = TOLERANCE_MS + (reply.receivedAtMs - reply.sentAtMs);
  const ends = [windowEndMs(reply.sentAtMs), windowEndMs(reply.receivedAtMs)];
  if (ends.some((end) => Math.abs(retryAtMs - end) <= slack)) return undefined;
  return `Retry-After ${seconds} s from ${new Date(reply.receivedAtMs).toISOString()} misses the window end ${new Date(ends[1] ?? 0).toISOString()}`;
}

/** The limit a 429 body names, or undefined if the body is not Azure's Throttled error. */
export function throttleReason(body: string): ThrottleReason | undefined {
  const error = jsonObject(body)?.error;
  if (typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (code !== "Throttled" || typeof message !== "string") return undefined;
  if (message.includes("TenantRequestLimitReached")) return "tenant";
  if (message.includes("VaultRequestTypeLimitReached")) return "vault";
  return undefined;
}

/** Resolves at the start of the next window (plus a few ms, so the server's clock is past it too). */
export function nextWindow(): Promise<void> {
  const waitMs = windowEndMs(Date.now()) - Date.now() + 20;
  return new Promise((resolve) => setTimeout(resolve, waitMs));
}
