/**
 * The verification page (`{ISSUER_ORIGIN}/devicelogin`, as Entra's is tenant-less) gets only a user code; the registry
 * knows which tenant issued each live one. Plain key-value entries of the registry object (no table, nothing secret):
 * `device-code|{user code}` → `{tenantId, expiresMs}`, and beside each an entry of an expiry index,
 * `device-code-expiry|{expiresMs, 15 digits}|{user code}`, which sorts by expiry: a write prunes only what has expired
 * (each pointer is pruned once), never scans the live ones. How many are live is bounded by the tenants, each of which
 * starts at most MAX_LIVE_DEVICE_CODES (core/domain/identity/device-code.ts).
 */
const PREFIX = "device-code|";
const EXPIRY_PREFIX = "device-code-expiry|";
/** Unix milliseconds stay 13 digits until the year 2286; 15 keep the order beyond it. */
const EXPIRY_DIGITS = 15;
/** Pruned per write at most, so one write never pays for a backlog all at once (it is worked off write by write). */
const PRUNE_BATCH = 128;

interface Pointer {
  readonly tenantId: string;
  readonly expiresMs: number;
}

const expiryKey = (expiresMs: number, userCode: string): string => `${EXPIRY_PREFIX}${String(expiresMs).padStart(EXPIRY_DIGITS, "0")}|${userCode}`;

/** False when the user code is already live (the tenant draws another). */
export function pointUserCode(kv: SyncKvStorage, userCode: string, tenantId: string, expiresMs: number, nowMs: number): boolean {
  pruneExpired(kv, nowMs);
  const live = kv.get<Pointer>(PREFIX + userCode);
  if (live !== undefined && live.expiresMs > nowMs) return false;
  if (live !== undefined) kv.delete(expiryKey(live.expiresMs, userCode));
  kv.put(PREFIX + userCode, { tenantId, expiresMs });
  kv.put(expiryKey(expiresMs, userCode), "");
  return true;
}

export function userCodeTenant(kv: SyncKvStorage, userCode: string, nowMs: number): string | null {
  const pointer = kv.get<Pointer>(PREFIX + userCode);
  return pointer === undefined || pointer.expiresMs <= nowMs ? null : pointer.tenantId;
}

/** The oldest expired pointers and their index entries: keys below the first unexpired instant sort first. */
function pruneExpired(kv: SyncKvStorage, nowMs: number): void {
  const end = `${EXPIRY_PREFIX}${String(nowMs + 1).padStart(EXPIRY_DIGITS, "0")}`;
  for (const [key] of kv.list({ start: EXPIRY_PREFIX, end, limit: PRUNE_BATCH })) {
    const userCode = key.slice(key.lastIndexOf("|") + 1);
    const pointer = kv.get<Pointer>(PREFIX + userCode);
    // A code drawn again after it expired has a newer entry of its own; only this expiry's pointer goes.
    if (pointer !== undefined && key === expiryKey(pointer.expiresMs, userCode)) kv.delete(PREFIX + userCode);
    kv.delete(key);
  }
}
