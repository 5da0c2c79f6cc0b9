/**
 * The verification page (`{ISSUER_ORIGIN}/devicelogin`, as Entra's is tenant-less) gets only a user code; the registry
 * knows which tenant issued each live one. Plain key-value entries of the registry object (no table, nothing secret):
 * `device-code|{user code}` → `{tenantId, expiresMs}`; expired ones are pruned as new ones are written.
 */
const PREFIX = "device-code|";

interface Pointer {
  readonly tenantId: string;
  readonly expiresMs: number;
}

/** False when the user code is already live (the tenant draws another). */
export function pointUserCode(kv: SyncKvStorage, userCode: string, tenantId: string, expiresMs: number, nowMs: number): boolean {
  const expired = [...kv.list<Pointer>({ prefix: PREFIX })].filter(([, value]) => value.expiresMs <= nowMs);
  for (const [key] of expired) kv.delete(key);
  if (kv.get(PREFIX + userCode) !== undefined) return false;
  kv.put(PREFIX + userCode, { tenantId, expiresMs });
  return true;
}

export function userCodeTenant(kv: SyncKvStorage, userCode: string, nowMs: number): string | null {
  const pointer = kv.get<Pointer>(PREFIX + userCode);
  return pointer === undefined || pointer.expiresMs <= nowMs ? null : pointer.tenantId;
}
