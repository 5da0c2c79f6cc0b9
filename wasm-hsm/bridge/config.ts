/**
 * The bridge's configuration: a JSON file (README.md shows one) checked once at start-up, so a mistake stops the
 * bridge with a clear message instead of failing the first request. Secret values may be written inline, as
 * `env:NAME` (read from the environment) or as `file:PATH` (read from a file, relative to the config's folder),
 * so the file itself can be committed or shared without the PIN and keys.
 */
import { readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { dirname, resolve } from "node:path";
import { decodeBase64, UNPADDED_BASE64URL } from "../../core/crypto/bytes.ts";
import { MIN_HMAC_SECRET_BYTES } from "../../core/hsm/bridge-client/signing-keys.ts";
import { TOKEN_PATTERN } from "../../core/hsm/bridge-client/protocol.ts";

export const DEFAULT_PORT = 8450;
export const DEFAULT_MODULE = "/usr/lib/softhsm/libsofthsm2.so";
/** One session per libuv thread (4 by default) keeps every thread busy without queueing inside the module. */
export const DEFAULT_SESSIONS = 4;
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
/**
 * A worker per core (docs/decisions.md §4.3), so HTTP, JSON and request signatures — one event loop's work per
 * process — use the cores, less one for the primary's request memory and the callers: measured on 2 cores, two
 * workers served ~20% less than one process (README.md), so there the default is one process and no cluster.
 */
export const DEFAULT_WORKERS = Math.max(1, availableParallelism() - 1);
/** IETF idempotency-key draft §2.5 leaves expiry to the server; a day covers any sane retry loop. */
export const DEFAULT_IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

export type ClientKey =
  | { readonly id: string; readonly kind: "hmac-sha256"; readonly secret: Uint8Array<ArrayBuffer> }
  | { readonly id: string; readonly kind: "ed25519"; readonly publicKey: Uint8Array<ArrayBuffer> };

export interface TlsConfig {
  readonly cert: string;
  readonly key: string;
  /** PEM CA bundle: when set, clients must present a certificate it issued (mTLS). */
  readonly clientCa?: string;
}

export interface BridgeConfig {
  readonly listen: { readonly host: string; readonly port: number };
  readonly tls?: TlsConfig;
  readonly module: string;
  /** Set before the module is loaded (SoftHSM2 reads SOFTHSM2_CONF). */
  readonly moduleEnv: Readonly<Record<string, string>>;
  readonly token: { readonly label: string; readonly pin: string };
  /** Sessions per worker process. */
  readonly sessions: number;
  /** Worker processes (cluster/), each with its own module instance, login and sessions; 1 is one process. */
  readonly workers: number;
  readonly clients: readonly ClientKey[];
  /** PKCS#8 Ed25519 key the bridge signs its answers to Ed25519 clients with. */
  readonly responseSigningKey?: Uint8Array<ArrayBuffer>;
  readonly maxBodyBytes: number;
  readonly idempotencyTtlSeconds: number;
  /** `auto`: native CKM_RSA_PKCS_OAEP with SHA-256 if the token accepts it, else raw RSA + decoding here. */
  readonly oaepSha256: "auto" | "native" | "emulated";
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

export function loadConfig(path: string): BridgeConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read bridge config ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ConfigError(`bridge config ${path} is not valid JSON`);
  }
  return parseConfig(raw, dirname(resolve(path)));
}

/** `baseDir` resolves `file:` values and relative TLS paths. */
export function parseConfig(raw: unknown, baseDir: string): BridgeConfig {
  const root = object(raw, "config");
  const listen = root.listen === undefined ? {} : object(root.listen, "listen");
  const token = object(root.token, "token");
  const clients = array(root.clients, "clients").map((entry, index) => clientKey(entry, `clients[${index}]`, baseDir));
  if (clients.length === 0) throw new ConfigError("clients: at least one client key is required");
  if (new Set(clients.map((client) => client.id)).size !== clients.length) throw new ConfigError("clients: ids must be unique");

  const responseSigningKey = root.responseSigningKey === undefined
    ? undefined
    : bytes(secret(root.responseSigningKey, "responseSigningKey", baseDir), "responseSigningKey");
  if (responseSigningKey === undefined && clients.some((client) => client.kind === "ed25519")) {
    throw new ConfigError("responseSigningKey: required when a client uses ed25519");
  }

  const tls = root.tls === undefined ? undefined : tlsConfig(object(root.tls, "tls"), baseDir);
  const oaep = optionalString(root.oaepSha256, "oaepSha256") ?? "auto";
  if (oaep !== "auto" && oaep !== "native" && oaep !== "emulated") {
    throw new ConfigError("oaepSha256: one of auto, native, emulated");
  }
  const moduleEnv = root.moduleEnv === undefined ? {} : stringRecord(root.moduleEnv, "moduleEnv");

  return {
    listen: {
      host: optionalString(listen.host, "listen.host") ?? "127.0.0.1",
      port: integer(listen.port ?? DEFAULT_PORT, "listen.port", 0, 65_535),
    },
    ...(tls === undefined ? {} : { tls }),
    module: optionalString(root.module, "module") ?? DEFAULT_MODULE,
    moduleEnv,
    token: { label: string(token.label, "token.label"), pin: secret(token.pin, "token.pin", baseDir) },
    sessions: integer(root.sessions ?? DEFAULT_SESSIONS, "sessions", 1, 256),
    workers: integer(root.workers ?? DEFAULT_WORKERS, "workers", 1, 256),
    clients,
    ...(responseSigningKey === undefined ? {} : { responseSigningKey }),
    maxBodyBytes: integer(root.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, "maxBodyBytes", 1024, 16 * 1024 * 1024),
    idempotencyTtlSeconds: integer(root.idempotencyTtlSeconds ?? DEFAULT_IDEMPOTENCY_TTL_SECONDS, "idempotencyTtlSeconds", 60, 7 * 86_400),
    oaepSha256: oaep,
  };
}

function clientKey(raw: unknown, where: string, baseDir: string): ClientKey {
  const entry = object(raw, where);
  const id = string(entry.id, `${where}.id`);
  if (!TOKEN_PATTERN.test(id)) throw new ConfigError(`${where}.id: 1–128 printable ASCII characters, no spaces`);
  if (entry.hmacSecret !== undefined) {
    const secretBytes = bytes(secret(entry.hmacSecret, `${where}.hmacSecret`, baseDir), `${where}.hmacSecret`);
    if (secretBytes.length < MIN_HMAC_SECRET_BYTES) {
      throw new ConfigError(`${where}.hmacSecret: at least ${MIN_HMAC_SECRET_BYTES} bytes`);
    }
    return { id, kind: "hmac-sha256", secret: secretBytes };
  }
  if (entry.ed25519PublicKey !== undefined) {
    const publicKey = bytes(string(entry.ed25519PublicKey, `${where}.ed25519PublicKey`), `${where}.ed25519PublicKey`);
    if (publicKey.length !== 32) throw new ConfigError(`${where}.ed25519PublicKey: 32 bytes`);
    return { id, kind: "ed25519", publicKey };
  }
  throw new ConfigError(`${where}: needs hmacSecret or ed25519PublicKey`);
}

function tlsConfig(raw: Record<string, unknown>, baseDir: string): TlsConfig {
  const read = (value: unknown, where: string) => readFileSync(resolve(baseDir, string(value, where)), "utf8");
  return {
    cert: read(raw.certFile, "tls.certFile"),
    key: read(raw.keyFile, "tls.keyFile"),
    ...(raw.clientCaFile === undefined ? {} : { clientCa: read(raw.clientCaFile, "tls.clientCaFile") }),
  };
}

/** Resolves `env:NAME`, `file:PATH` or a literal. */
function secret(raw: unknown, where: string, baseDir: string): string {
  const value = string(raw, where);
  if (value.startsWith("env:")) {
    const name = value.slice(4);
    const found = process.env[name];
    if (found === undefined || found === "") throw new ConfigError(`${where}: environment variable ${name} is not set`);
    return found;
  }
  if (value.startsWith("file:")) {
    const file = resolve(baseDir, value.slice(5));
    try {
      return readFileSync(file, "utf8").trim();
    } catch {
      throw new ConfigError(`${where}: cannot read ${file}`);
    }
  }
  return value;
}

function bytes(value: string, where: string): Uint8Array<ArrayBuffer> {
  const decoded = decodeBase64(value, UNPADDED_BASE64URL);
  if (decoded === null) throw new ConfigError(`${where}: unpadded base64url expected`);
  return decoded;
}

function object(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError(`${where}: object expected`);
  return raw as Record<string, unknown>;
}

function array(raw: unknown, where: string): unknown[] {
  if (!Array.isArray(raw)) throw new ConfigError(`${where}: array expected`);
  return raw;
}

function string(raw: unknown, where: string): string {
  if (typeof raw !== "string" || raw === "") throw new ConfigError(`${where}: non-empty string expected`);
  return raw;
}

function optionalString(raw: unknown, where: string): string | undefined {
  return raw === undefined ? undefined : string(raw, where);
}

function stringRecord(raw: unknown, where: string): Record<string, string> {
  const entries = Object.entries(object(raw, where));
  return Object.fromEntries(entries.map(([key, value]) => [key, string(value, `${where}.${key}`)]));
}

function integer(raw: unknown, where: string, min: number, max: number): number {
  if (typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max) {
    throw new ConfigError(`${where}: integer from ${min} to ${max} expected`);
  }
  return raw;
}
