import { issuerCredentialsAad, pendingKeyAad, valueAad, webhookSecretAad, type AadVault } from "../../core/crypto/envelope/aad.ts";
import type { SnapshotTable, TableRows } from "../storage/snapshot-tables.ts";

/** A row's value by column name. */
type Row = (column: string) => SqlStorageValue;

/**
 * The ciphertext columns of the carried tables, each with the AAD it is sealed under (migrations/README.md). A
 * snapshot holds their values opened — inside its own seal — so a restore can seal each again under the target
 * vault's data key with the target's AAD: a value copied as ciphertext would open nowhere else.
 */
interface SealedColumn {
  readonly column: string;
  aad(vault: AadVault, row: Row): string;
}

const text = (value: SqlStorageValue): string => {
  if (typeof value !== "string") throw new Error("a sealed value's AAD part is not text");
  return value;
};

const SEALED_COLUMNS: Partial<Record<SnapshotTable, SealedColumn>> = {
  object_versions: { column: "sealed_value", aad: (v, r) => valueAad(v, text(r("kind")), text(r("name_key")), text(r("version"))) },
  certificate_operations: {
    column: "sealed_pending_key",
    // Sealed under the version the pending key will have, which the operation's state names.
    aad: (v, r) => pendingKeyAad(v, text(r("name_key")), text((JSON.parse(text(r("operation"))) as { version?: unknown }).version as SqlStorageValue)),
  },
  event_subscriptions: { column: "sealed_secret", aad: (v, r) => webhookSecretAad(v, text(r("id"))) },
  certificate_issuers: { column: "sealed_password", aad: (v, r) => issuerCredentialsAad(v, text(r("name_key"))) },
};

/** Opens (or seals) one value for its AAD. */
export type ValueTransform = (value: Uint8Array, aad: string) => Promise<Uint8Array>;

/**
 * The table with its ciphertext column passed through `transform` (opening under the source, or sealing under the
 * target). Empty and NULL values stay as they are: a certificate version's value and a finished operation's key are
 * empty, an issuer may have no password.
 */
export async function transformSealed(table: SnapshotTable, rows: TableRows, vault: AadVault, transform: ValueTransform): Promise<TableRows> {
  const sealed = SEALED_COLUMNS[table];
  if (sealed === undefined) return rows;
  const at = rows.columns.indexOf(sealed.column);
  if (at < 0) return rows;
  const out = await Promise.all(
    rows.rows.map(async (row) => {
      const value = row[at];
      if (value === null || value === undefined) return row;
      const bytes = new Uint8Array(value as ArrayBuffer);
      if (bytes.length === 0) return row;
      const named: Row = (column) => row[rows.columns.indexOf(column)] ?? null;
      const copy = [...row];
      copy[at] = toArrayBuffer(await transform(bytes, sealed.aad(vault, named)));
      return copy;
    }),
  );
  return { columns: rows.columns, rows: out };
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
