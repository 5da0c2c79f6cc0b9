/**
 * Typed access to openssl-fixtures.json (made by make-fixtures.sh) and small helpers the X.509 tests
 * share. The DER walker here is deliberately independent of asn1js/pkijs: it is how the tests take a
 * signed structure apart to verify its signature with node:crypto, so it must not share code with
 * what it checks.
 */
import fixtureFile from "./openssl-fixtures.json";

export interface CertificateFacts {
  readonly subjectRfc2253: string;
  readonly serial: string;
  readonly sha1: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

interface FixtureFile {
  readonly files: Record<string, { readonly command: string; readonly encoding: "pem" | "base64"; readonly value: string }>;
  readonly facts: Record<string, CertificateFacts>;
}

function isFixtureFile(value: unknown): value is FixtureFile {
  return typeof value === "object" && value !== null && "files" in value && "facts" in value;
}

if (!isFixtureFile(fixtureFile)) throw new Error("openssl-fixtures.json has an unexpected shape");
const fixtures: FixtureFile = fixtureFile;

export type FixtureName =
  | "rsa-key"
  | "rsa-cert"
  | "rsa-key-pkcs1"
  | "ec-key"
  | "ec-cert"
  | "ec-p256-sec1"
  | "ec-csr"
  | "ca-cert"
  | "leaf-key"
  | "leaf-cert"
  | "chain-pbes2-pfx"
  | "chain-legacy-pfx"
  | "rsa-3des-unicode-pfx"
  | "ec-empty-password-pfx"
  | "ec-nomac-pfx";

export function fixtureText(name: FixtureName): string {
  const file = fixtures.files[name];
  if (file === undefined) throw new Error(`no fixture ${name}`);
  return file.value;
}

/** The fixture's bytes: base64 files decoded, PEM files as the DER of their (first) block. */
export function fixtureBytes(name: FixtureName): Uint8Array<ArrayBuffer> {
  const file = fixtures.files[name];
  if (file === undefined) throw new Error(`no fixture ${name}`);
  return file.encoding === "base64" ? fromBase64(file.value) : pemToDer(file.value);
}

export function fixtureFacts(name: "rsa-cert" | "ec-cert" | "ca-cert" | "leaf-cert"): CertificateFacts {
  const facts = fixtures.facts[name];
  if (facts === undefined) throw new Error(`no facts for ${name}`);
  return facts;
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function pemToDer(pem: string): Uint8Array<ArrayBuffer> {
  const body = /-----BEGIN [^-]+-----([\s\S]*?)-----END [^-]+-----/.exec(pem)?.[1];
  if (body === undefined) throw new Error("no PEM block");
  return fromBase64(body.replace(/\s+/g, ""));
}

export function derToPem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

/** One DER TLV at `offset` (definite lengths only, as DER requires; X.690 §8.1.3). */
function readTlv(bytes: Uint8Array, offset: number): Tlv {
  const tag = bytes[offset] ?? -1;
  let length = bytes[offset + 1] ?? 0;
  let contentStart = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] ?? 0);
    contentStart += count;
  }
  return { tag, start: offset, contentStart, end: contentStart + length };
}

/** Splits Certificate / CertificationRequest ::= SEQUENCE { tbs, AlgorithmIdentifier, BIT STRING }. */
export function splitSigned(der: Uint8Array): { tbs: Uint8Array; algorithm: Uint8Array; signature: Uint8Array } {
  const outer = readTlv(der, 0);
  if (outer.tag !== 0x30 || outer.end !== der.length) throw new Error("not a DER SEQUENCE");
  const tbs = readTlv(der, outer.contentStart);
  const algorithm = readTlv(der, tbs.end);
  const signature = readTlv(der, algorithm.end);
  if (signature.tag !== 0x03 || signature.end !== outer.end) throw new Error("no signature BIT STRING");
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    algorithm: der.subarray(algorithm.start, algorithm.end),
    // Skip the unused-bits octet (always 0 for signatures).
    signature: der.subarray(signature.contentStart + 1, signature.end),
  };
}

/** The encodings of the elements of a DER SEQUENCE (or any constructed TLV), in order. */
export function children(der: Uint8Array): Uint8Array[] {
  const outer = readTlv(der, 0);
  const out: Uint8Array[] = [];
  for (let offset = outer.contentStart; offset < outer.end; ) {
    const child = readTlv(der, offset);
    out.push(der.subarray(child.start, child.end));
    offset = child.end;
  }
  return out;
}

/** Whether `needle` occurs in `haystack`: the tests look for exact DER encodings this way. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}
