import { bytesToBase64, bytesToBase64Url, utf8 } from "../../core/crypto/bytes.ts";

/** Every user table of a Durable Object's SQLite database (not SQLite's or the runtime's own). */
export function userTables(sql: SqlStorage): string[] {
  return sql
    .exec<{ name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
    )
    .toArray()
    .map((r) => r.name);
}

export type Cell = string | number | ArrayBuffer | null;

export interface StoredCell {
  readonly table: string;
  readonly column: string;
  readonly value: Cell;
}

/** Every cell of every user table, raw as SQLite returns it. */
export function dumpCells(sql: SqlStorage): StoredCell[] {
  const cells: StoredCell[] = [];
  for (const table of userTables(sql)) {
    for (const row of sql.exec<Record<string, Cell>>(`SELECT * FROM "${table}"`).toArray()) {
      for (const [column, value] of Object.entries(row)) cells.push({ table, column, value });
    }
  }
  return cells;
}

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0 || needle.length > haystack.length) return false;
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Where a sensitive value shows up in storage: as text, as its UTF-8 bytes inside a BLOB, or as
 * base64/base64url text (in TEXT columns or inside BLOBs). Extra byte forms (e.g. a key's raw bytes)
 * can be given too. Returns "table.column (form)" for each hit.
 */
export function findValue(cells: readonly StoredCell[], value: string, extraBytes: readonly Uint8Array[] = []): string[] {
  const bytes = utf8(value);
  const textForms = new Map<string, string>([
    ["text", value],
    ["base64", bytesToBase64(bytes).replace(/=+$/, "")],
    ["base64url", bytesToBase64Url(bytes)],
  ]);
  for (const [i, extra] of extraBytes.entries()) {
    textForms.set(`extra${i} base64`, bytesToBase64(extra).replace(/=+$/, ""));
    textForms.set(`extra${i} base64url`, bytesToBase64Url(extra));
  }
  const byteForms = new Map<string, Uint8Array>([["utf8 bytes", bytes], ...[...textForms].map(([k, v]) => [`${k} as bytes`, utf8(v)] as [string, Uint8Array])]);
  for (const [i, extra] of extraBytes.entries()) byteForms.set(`extra${i} raw bytes`, extra);

  const hits: string[] = [];
  for (const cell of cells) {
    if (typeof cell.value === "string") {
      for (const [form, text] of textForms) if (text.length > 0 && cell.value.includes(text)) hits.push(`${cell.table}.${cell.column} (${form})`);
    } else if (cell.value instanceof ArrayBuffer) {
      const blob = new Uint8Array(cell.value);
      for (const [form, needle] of byteForms) if (containsBytes(blob, needle)) hits.push(`${cell.table}.${cell.column} (${form})`);
    }
  }
  return hits;
}
