import { bytesToBase64Url } from "../../core/crypto/bytes.ts";
import { hashCredential } from "../../core/crypto/credential-hash.ts";
import { DEVICE_CODE_LIFETIME_SECONDS, DEVICE_POLL_INTERVAL_SECONDS, MAX_LIVE_DEVICE_CODES, newUserCode } from "../../core/domain/identity/device-code.ts";
import { granted, refused, type GrantOutcome, type TokenAnswer } from "../../core/domain/identity/oauth-grant.ts";
import { parseSignInScopes } from "../../core/domain/identity/sign-in-scopes.ts";
import type { User } from "../../core/domain/identity/user.ts";
import type { DeviceCodeRepository } from "../storage/device-code-repository.ts";
import { mayAccess, tokens, type GrantContext } from "./user-grants.ts";

export interface DeviceAuthorization {
  readonly deviceCode: string;
  readonly userCode: string;
  readonly expiresIn: number;
  readonly interval: number;
}

/**
 * A poll may come this much sooner than the interval and still count as on time: the client waits the interval, but
 * the network's delay varies between two requests (RFC 8628 §3.5 asks only that a client slow down when told).
 */
const POLL_GRACE_MS = 1000;

/**
 * Starts a device authorization (RFC 8628 §3.1–3.2). The Worker then points the user code at this tenant in the
 * registry (the verification page is tenant-less); in the rare case the code is live in another tenant it starts again,
 * and this one expires unused. "busy" when the tenant holds MAX_LIVE_DEVICE_CODES live ones already.
 */
export async function startDeviceAuthorization(ctx: GrantContext, devices: DeviceCodeRepository, clientId: string, scope: string): Promise<DeviceAuthorization | "busy"> {
  const deviceCode = bytesToBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  const hash = await hashCredential(deviceCode);
  const expires = ctx.now + DEVICE_CODE_LIFETIME_SECONDS;
  let userCode = newUserCode();
  let started = false;
  ctx.transaction(() => {
    devices.prune(ctx.now);
    if (devices.count() >= MAX_LIVE_DEVICE_CODES) return;
    while (devices.byUserCode(userCode) !== null) userCode = newUserCode();
    devices.insert(hash, { userCode, clientId, scope, expires });
    started = true;
  });
  if (!started) return "busy";
  return { deviceCode, userCode, expiresIn: DEVICE_CODE_LIFETIME_SECONDS, interval: DEVICE_POLL_INTERVAL_SECONDS };
}

/** The verification page settles a pending authorization: the person who signed in approves it, or declines. */
export function settleDeviceAuthorization(ctx: GrantContext, devices: DeviceCodeRepository, userCode: string, user: User | null): boolean {
  const row = devices.byUserCode(userCode);
  if (row === null || row.expires <= ctx.now) return false;
  return devices.settle(userCode, user === null ? "denied" : "approved", user?.id ?? null);
}

/** The client of the live, pending authorization with this user code, or null (checked before any password). */
export function pendingClient(ctx: GrantContext, devices: DeviceCodeRepository, userCode: string): string | null {
  const row = devices.byUserCode(userCode);
  return row !== null && row.status === "pending" && row.expires > ctx.now ? row.clientId : null;
}

/** grant_type=urn:ietf:params:oauth:grant-type:device_code (RFC 8628 §3.4–3.5); an approved code is answered once. */
export async function pollDeviceCode(ctx: GrantContext, devices: DeviceCodeRepository, deviceCode: string, clientId: string, nowMs: number): Promise<GrantOutcome<TokenAnswer>> {
  const hash = await hashCredential(deviceCode);
  const row = devices.byDeviceCode(hash);
  if (row === null || row.clientId !== clientId) return refused("invalid_grant", 70000, "The provided value for the input parameter 'device_code' is not valid.");
  if (row.expires <= ctx.now) return refused("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired.");
  const early = row.lastPoll > 0 && nowMs - row.lastPoll < DEVICE_POLL_INTERVAL_SECONDS * 1000 - POLL_GRACE_MS;
  devices.polled(hash, nowMs);
  if (early) return refused("slow_down", 70016, "OAuth 2.0 device flow error. Polling too fast: wait the interval between requests.");
  if (row.status === "pending") return refused("authorization_pending", 70016, "OAuth 2.0 device flow error. Authorization is pending. Continue polling.");
  devices.delete(hash);
  if (row.status === "denied") return refused("access_denied", 65004, "The user declined to sign in.");
  const record = row.principalId === null ? null : ctx.users.byId(row.principalId);
  const scopes = parseSignInScopes(row.scope);
  if (record === null || !record.user.enabled || scopes === null) return refused("invalid_grant", 50173, "The provided grant has been revoked.");
  if (scopes.resource !== null && !mayAccess(ctx, record.user, scopes.resource)) return refused("invalid_scope", 65001, "The user may not use the admin API.");
  return granted(await tokens(ctx, record.user, clientId, scopes, "", crypto.randomUUID()));
}
