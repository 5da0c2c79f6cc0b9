/** A device authorization (migration 0012 `device_codes`). */
export interface DeviceCodeRow {
  readonly userCode: string;
  readonly clientId: string;
  readonly scope: string;
  /** Unix seconds. */
  readonly expires: number;
  /** Unix milliseconds of the last poll, 0 before the first. */
  readonly lastPoll: number;
  readonly status: "pending" | "approved" | "denied";
  readonly principalId: string | null;
}

type Row = { user_code: string; client_id: string; scope: string; expires: number; last_poll: number; status: string; principal_id: string | null };

const toRow = (r: Row): DeviceCodeRow => ({
  userCode: r.user_code,
  clientId: r.client_id,
  scope: r.scope,
  expires: r.expires,
  lastPoll: r.last_poll,
  status: r.status as DeviceCodeRow["status"],
  principalId: r.principal_id,
});

/** Device authorizations by the SHA-256 of the device code, or by user code. All their SQL. */
export class DeviceCodeRepository {
  constructor(private readonly sql: SqlStorage) {}

  insert(deviceCodeHash: Uint8Array, row: Pick<DeviceCodeRow, "userCode" | "clientId" | "scope" | "expires">): void {
    this.sql.exec(
      "INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires) VALUES (?, ?, ?, ?, ?)",
      deviceCodeHash, row.userCode, row.clientId, row.scope, row.expires,
    );
  }

  byDeviceCode(deviceCodeHash: Uint8Array): DeviceCodeRow | null {
    const r = this.sql.exec<Row>("SELECT * FROM device_codes WHERE device_code_hash = ?", deviceCodeHash).toArray()[0];
    return r === undefined ? null : toRow(r);
  }

  byUserCode(userCode: string): DeviceCodeRow | null {
    const r = this.sql.exec<Row>("SELECT * FROM device_codes WHERE user_code = ?", userCode).toArray()[0];
    return r === undefined ? null : toRow(r);
  }

  /** Settles a pending authorization; false when it was no longer pending. */
  settle(userCode: string, status: "approved" | "denied", principalId: string | null): boolean {
    return this.sql.exec("UPDATE device_codes SET status = ?, principal_id = ? WHERE user_code = ? AND status = 'pending'", status, principalId, userCode).rowsWritten > 0;
  }

  polled(deviceCodeHash: Uint8Array, atMs: number): void {
    this.sql.exec("UPDATE device_codes SET last_poll = ? WHERE device_code_hash = ?", atMs, deviceCodeHash);
  }

  delete(deviceCodeHash: Uint8Array): void {
    this.sql.exec("DELETE FROM device_codes WHERE device_code_hash = ?", deviceCodeHash);
  }

  /** How many there are; after `prune`, the live ones. */
  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM device_codes").one().n;
  }

  prune(now: number): void {
    this.sql.exec("DELETE FROM device_codes WHERE expires < ?", now);
  }
}
