import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";

/**
 * Looks for sensitive values in raw files (test/conformance/at-rest-scan.test.ts): every SQLite database, WAL and
 * journal, key-value blob, log and token file under a state directory, byte for byte, for each value in every
 * encoding a program might plausibly write it in.
 */
export interface Needle {
  /** What the value is, e.g. "secret value (unicode)" or "RSA d". */
  readonly label: string;
  readonly form: string;
  readonly bytes: Buffer;
}

/** Shorter needles would match by chance in megabytes of random-looking ciphertext. */
const MIN_NEEDLE_BYTES = 12;

/**
 * Base64 of `bytes` as it appears inside a longer base64 text: one needle per alignment (the value may start at
 * any byte offset modulo 3 of the encoded whole), each only the characters that depend on the value alone.
 */
function base64Inside(bytes: Buffer, url: boolean): string[] {
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const text = Buffer.concat([Buffer.alloc(shift), bytes]).toString(url ? "base64url" : "base64").replace(/=+$/, "");
    const from = shift === 0 ? 0 : 4;
    const to = Math.floor((shift + bytes.length) / 3) * 4;
    forms.push(text.slice(from, to));
  }
  return forms;
}

function byteForms(label: string, bytes: Buffer): Needle[] {
  const forms: [string, Buffer][] = [
    ["raw bytes", bytes],
    ["hex", Buffer.from(bytes.toString("hex"))],
    ["HEX", Buffer.from(bytes.toString("hex").toUpperCase())],
    ...base64Inside(bytes, false).map((t, i): [string, Buffer] => [`base64 (alignment ${i})`, Buffer.from(t)]),
    ...base64Inside(bytes, true).map((t, i): [string, Buffer] => [`base64url (alignment ${i})`, Buffer.from(t)]),
  ];
  return forms.map(([form, b]) => ({ label, form, bytes: b }));
}

/** A text value: its UTF-8 and UTF-16LE bytes, percent- and JSON-escaped, and each of those encoded as bytes are. */
export function textNeedles(label: string, value: string): Needle[] {
  const escapes: [string, string][] = [["percent-encoded", encodeURIComponent(value)], ["JSON-escaped", JSON.stringify(value).slice(1, -1)]];
  return [
    ...byteForms(`${label} (utf8)`, Buffer.from(value, "utf8")),
    { label, form: "utf16le", bytes: Buffer.from(value, "utf16le") },
    ...escapes.filter(([, t]) => t !== value).map(([form, t]) => ({ label, form, bytes: Buffer.from(t, "utf8") })),
  ].filter((n) => n.bytes.length >= MIN_NEEDLE_BYTES);
}

/** A binary value (a private key part, a key's DER): its bytes and every text encoding of them. */
export function binaryNeedles(label: string, bytes: Buffer): Needle[] {
  return byteForms(label, bytes).filter((n) => n.bytes.length >= MIN_NEEDLE_BYTES);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

export interface ScanResult {
  readonly files: number;
  readonly bytes: number;
  /** `file@offset: label (form)` for each occurrence. */
  readonly hits: string[];
}

export async function scanFiles(dir: string, needles: readonly Needle[]): Promise<ScanResult> {
  const hits: string[] = [];
  let bytes = 0;
  const files = await filesUnder(dir);
  for (const file of files) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch {
      continue; // a WAL or journal the server removed between listing and reading
    }
    bytes += content.length;
    for (const needle of needles) {
      for (let at = content.indexOf(needle.bytes); at !== -1; at = content.indexOf(needle.bytes, at + 1)) {
        hits.push(`${file}@${at}: ${needle.label} (${needle.form})`);
      }
    }
  }
  return { files: files.length, bytes, hits };
}
