import { SELF } from "cloudflare:test";
import { beforeAll, expect } from "vitest";
import { setupVault, vaultClient, uniqueVaultName, type CreatedIdentity, type VaultClient } from "./fixture.ts";
import { principalWithRole, type ListResult } from "./secrets.ts";
import { vectorKey, type LooseJwk } from "./keys.ts";
import { hex } from "./bytes.ts";
import rfc7517PrivateKeys from "../vectors/rfc7517-appendix-a2-private-keys.json";
import rfc7515EcKeys from "../vectors/rfc7515-appendix-a3-a4-ec-keys.json";

/**
 * Helpers for the keys API tests (keys.json, api-version 2025-07-01), used through SELF.fetch only.
 *
 * Every response a test reads through `guard()` is checked on the way in: no 5xx, and no JSON member
 * named like a private JWK part (d, p, q, dp, dq, qi, k) anywhere in the body — Azure never releases
 * private key material, and a symmetric key never shows its `k` (Keys – Get).
 */

/**
 * Key tests make dozens of sequential requests each (some generate RSA keys). On the shared 2-core
 * machine a whole-suite run is several times slower than a file alone, and a test cut off mid-request
 * breaks isolated storage for every later test, so they get well beyond the tier's testTimeout (vitest.config.ts).
 */
export const SLOW_KEYS = { timeout: 240_000 } as const;
/** For the few tests that generate RSA-3072/4096 keys or make a hundred requests. */
export const SLOWEST_KEYS = { timeout: 480_000 } as const;

/** RFC 7517/7518 private members; none may appear in any response body. */
export const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"] as const;

export interface KeyAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
  exportable: boolean;
  hsmPlatform: string;
}

export interface KeyJwk {
  kid: string;
  kty: string;
  key_ops: string[];
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

export interface KeyBundle {
  key: KeyJwk;
  attributes: KeyAttributes;
  tags?: Record<string, string>;
  managed?: boolean;
}

export interface DeletedKeyBundle extends KeyBundle {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface KeyItem {
  kid: string;
  attributes: KeyAttributes;
  tags?: Record<string, string>;
  managed?: boolean;
}

export interface DeletedKeyItem extends KeyItem {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface KeyOperationResult {
  kid: string;
  value: string;
  iv?: string;
  tag?: string;
  aad?: string;
}

export type KeyListResult<T = KeyItem> = ListResult<T>;

/** Paths ("$.key.d") of members named like private key parts, anywhere in a parsed JSON value. */
export function privateMembersIn(value: unknown, path = "$"): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => privateMembersIn(v, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return [];
  return Object.entries(value).flatMap(([name, member]) => [
    ...((PRIVATE_MEMBERS as readonly string[]).includes(name) ? [`${path}.${name}`] : []),
    ...privateMembersIn(member, `${path}.${name}`),
  ]);
}

async function inspect(method: string, url: string, response: Response): Promise<void> {
  const text = await response.clone().text();
  expect(response.status, `${method} ${url} answered ${response.status}: ${text.slice(0, 300)}`).toBeLessThan(500);
  if (text === "") return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`${method} ${url}: response body is not JSON: ${text.slice(0, 200)}`);
  }
  expect(privateMembersIn(parsed), `${method} ${url} returned private key members`).toEqual([]);
}

export interface GuardedClient extends VaultClient {
  readonly token: string | null;
  /** GET of an absolute URL (a nextLink), exactly as given, with this client's token. */
  absolute<T>(url: string): Promise<{ status: number; body: T; headers: Headers }>;
}

/** Wraps a vault client so that every response is checked (no 5xx, no private members). */
export function guard(kv: VaultClient, token: string | null): GuardedClient {
  const request = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const response = await kv.request(method, path, body, headers);
    await inspect(method, `${kv.baseUrl}${path}`, response);
    return response;
  };
  const parse = async <T>(response: Response) => {
    const text = await response.text();
    return { status: response.status, body: (text === "" ? null : JSON.parse(text)) as T, headers: response.headers };
  };
  return {
    baseUrl: kv.baseUrl,
    token,
    request,
    async json<T>(method: string, path: string, body?: unknown) {
      return parse<T>(await request(method, path, body));
    },
    async absolute<T>(url: string) {
      const response = await SELF.fetch(url, { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
      await inspect("GET", url, response);
      return parse<T>(response);
    },
  };
}

export interface KeyVaultSetup {
  vault: string;
  tenantId: string;
  principal: CreatedIdentity;
  token: string;
  kv: GuardedClient;
}

/** A fresh tenant and uniquely named vault with a principal holding `role`, behind the guard. */
export async function keyVault(prefix: string, role = "Key Vault Administrator", options: Record<string, unknown> = {}): Promise<KeyVaultSetup> {
  const vault = uniqueVaultName(prefix);
  const { tenantId, principal, token } = await setupVault(vault, role, options);
  return { vault, tenantId, principal, token, kv: guard(vaultClient(vault, token), token) };
}

/**
 * One vault for every test of a file (or describe block), made in `beforeAll`; `prepare` may add keys.
 * isolatedStorage keeps what beforeAll wrote and undoes each test's own writes, so every test starts
 * from the same vault. This saves the five setup requests per test, which matters: the test pool's
 * per-request cost grows with every request of the run (cloudflare/workers-sdk#15092).
 */
export function sharedKeyVault(prefix: string, prepare: (setup: KeyVaultSetup) => Promise<void> = async () => {}): () => KeyVaultSetup {
  let setup: KeyVaultSetup | undefined;
  beforeAll(async () => {
    const made = await keyVault(prefix);
    await prepare(made);
    setup = made;
  }, SLOW_KEYS.timeout);
  return () => {
    if (setup === undefined) throw new Error(`shared vault ${prefix} was not set up`);
    return setup;
  };
}

/** Another principal of the tenant with `role` on the vault (null: none), behind the guard. */
export async function memberWithRole(tenantId: string, vault: string, role: string | null): Promise<GuardedClient> {
  const { token } = await principalWithRole(tenantId, vault, role);
  return guard(vaultClient(vault, token), token);
}

/** Azure's error shape, asserted by the one helper in secrets.ts; the key tests know it as expectKvError. */
export { expectError as expectKvError, type KeyVaultError as ErrorBody } from "./secrets.ts";

export function expectOk<T>(response: { status: number; body: T }, label = ""): T {
  expect(response.status, `${label} ${JSON.stringify(response.body)}`).toBe(200);
  return response.body;
}

export async function createKey(kv: VaultClient, name: string, body: Record<string, unknown>): Promise<KeyBundle> {
  return expectOk(await kv.json<KeyBundle>("POST", `/keys/${name}/create`, body), `create ${name}`);
}

export async function importKey(kv: VaultClient, name: string, jwk: KnownJwk | Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<KeyBundle> {
  return expectOk(await kv.json<KeyBundle>("PUT", `/keys/${name}`, { key: jwk, ...extra }), `import ${name}`);
}

/** POST /keys/{name}/{version}/{op}; an empty version addresses the latest. */
export function keyOp(kv: VaultClient, name: string, op: string, body: Record<string, unknown>, version = "") {
  return kv.json<KeyOperationResult>("POST", `/keys/${name}/${version === "" ? "" : `${version}/`}${op}`, body);
}

export async function sign(kv: VaultClient, name: string, alg: string, digest: Uint8Array, version = ""): Promise<Uint8Array> {
  const res = await keyOp(kv, name, "sign", { alg, value: b64u(digest) }, version);
  return fromB64u(expectOk(res, `sign ${alg}`).value);
}

export async function verify(kv: VaultClient, name: string, alg: string, digest: Uint8Array, signature: Uint8Array, version = ""): Promise<boolean> {
  const res = await kv.json<{ value: boolean }>("POST", `/keys/${name}/${version === "" ? "" : `${version}/`}verify`, {
    alg,
    digest: b64u(digest),
    value: b64u(signature),
  });
  return expectOk(res, `verify ${alg}`).value;
}

// ---- bytes -----------------------------------------------------------------------------------------

export function b64u(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** Strict: fails the test on anything that is not base64url. */
export function fromB64u(text: string | undefined): Uint8Array<ArrayBuffer> {
  expect(typeof text, "expected a base64url string").toBe("string");
  expect(text, "expected base64url").toMatch(/^[A-Za-z0-9_-]*$/);
  return new Uint8Array(Buffer.from(text as string, "base64url"));
}

export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(text) as Uint8Array<ArrayBuffer>;
}

export async function digestOf(hash: "SHA-256" | "SHA-384" | "SHA-512", data: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.digest(hash, new Uint8Array(data)));
}

export function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A copy with one bit flipped in the middle byte. */
export function flipped(bytes: Uint8Array, bit = 0): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(bytes);
  const i = out.length >> 1;
  out[i] = (out[i] ?? 0) ^ (1 << bit);
  return out;
}

// ---- ids -------------------------------------------------------------------------------------------

export function kidPattern(vault: string, name: string): RegExp {
  return new RegExp(`^https://${vault}\\.vault\\.localhost:8443/keys/${name}/[0-9a-f]{32}$`);
}

/** The version segment of a kid. */
export function versionOfKid(kid: string): string {
  const version = new URL(kid).pathname.split("/")[3] ?? "";
  expect(version).toMatch(/^[0-9a-f]{32}$/);
  return version;
}

// ---- known keys (published test vectors, or fixed here) ---------------------------------------------

/** A JWK with string members only, as WebCrypto, node:crypto and the import route take it. */
export interface KnownJwk {
  kty: string;
  n?: string;
  e?: string;
  d?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  crv?: string;
  x?: string;
  y?: string;
  [member: string]: string | undefined;
}

const onlyKeyMembers = (jwk: LooseJwk, members: readonly string[]): KnownJwk =>
  ({ ...Object.fromEntries(members.map((m) => [m, jwk[m] as string])), kty: jwk.kty as string }) as KnownJwk;

/** RFC 7517 Appendix A.2 RSA private key (2048-bit). */
export const RSA_2048_JWK = onlyKeyMembers(vectorKey(rfc7517PrivateKeys, 1), ["kty", "n", "e", "d", "p", "q", "dp", "dq", "qi"]);
/** RFC 7517 Appendix A.2 EC P-256 private key. */
export const EC_P256_JWK_A2 = onlyKeyMembers(vectorKey(rfc7517PrivateKeys, 0), ["kty", "crv", "x", "y", "d"]);
/** RFC 7515 Appendix A.3.1 (P-256) and A.4.1 (P-521) keys. */
export const EC_P256_JWK = onlyKeyMembers(vectorKey(rfc7515EcKeys, 0), ["kty", "crv", "x", "y", "d"]);
export const EC_P521_JWK = onlyKeyMembers(vectorKey(rfc7515EcKeys, 1), ["kty", "crv", "x", "y", "d"]);

/** Fixed AES keys for the oct tests (arbitrary, published nowhere; sizes 128/192/256). */
export const OCT_KEYS = {
  128: hex("000102030405060708090a0b0c0d0e0f"),
  192: hex("000102030405060708090a0b0c0d0e0f1011121314151617"),
  256: hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"),
} as const;

export function octJwk(bytes: Uint8Array, keyOps?: string[]): Record<string, unknown> {
  return { kty: "oct", k: b64u(bytes), ...(keyOps === undefined ? {} : { key_ops: keyOps }) };
}

/** The public part of a JWK, as WebCrypto imports it. */
export function publicOf(jwk: { kty?: string; n?: string; e?: string; crv?: string; x?: string; y?: string }): KnownJwk {
  return jwk.kty === "RSA" || jwk.n !== undefined
    ? { kty: "RSA", n: jwk.n as string, e: jwk.e as string }
    : { kty: "EC", crv: jwk.crv as string, x: jwk.x as string, y: jwk.y as string };
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);
