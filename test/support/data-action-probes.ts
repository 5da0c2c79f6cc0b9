import type { OpKind } from "../../core/contract/vault.ts";
import type { VaultClient } from "./fixture.ts";

/**
 * One request per vault data action, for the access matrix (test/api/access-matrix.test.ts): which operation it is
 * (so its data action and access-policy permission are read from the operation descriptors, never restated here),
 * the object it acts on (null: the vault as a whole), what must exist first (made by the vault's administrator), and
 * the status it answers when allowed. Objects are EC keys and self-signed EC certificates: nothing per case makes an
 * RSA key. `n` makes each case's names its own, so a case finds exactly the state its setup made.
 */
export interface ProbeContext {
  readonly admin: VaultClient;
  readonly kv: VaultClient;
  readonly n: string;
  readonly shared: Shared;
}

/** Made once per vault by its administrator: objects the non-destructive probes read and use. */
export interface Shared {
  readonly ecJwk: JsonWebKey;
  readonly rsaCiphertext: string;
  readonly certificatePem: string;
}

export interface Probe {
  readonly kind: OpKind;
  readonly object: (n: string) => string | null;
  readonly setup?: (c: ProbeContext) => Promise<unknown>;
  readonly call: (c: ProbeContext) => Promise<{ status: number; body: unknown }>;
  readonly allowed: number;
}

const b64u = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const digest = b64u(new Uint8Array(32).fill(7));
const EC = { kty: "EC", crv: "P-256" };
export const CERT_POLICY = {
  policy: { key_props: { kty: "EC", crv: "P-256", exportable: true }, secret_props: { contentType: "application/x-pem-file" }, x509_props: { subject: "CN=matrix" }, issuer: { name: "Self" } },
};

async function ok(c: VaultClient, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await c.json(method, path, body);
  if (r.status >= 300) throw new Error(`setup ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

const secret = (n: string) => `s${n}`;
const key = (n: string) => `k${n}`;
const cert = (n: string) => `c${n}`;
const at = (collection: string, name: string) => `/${collection}/${name}`;
const vaultWide = () => null;

const putSecret = (c: ProbeContext) => ok(c.admin, "PUT", `/secrets/${secret(c.n)}`, { value: "v" });
const deletedSecret = async (c: ProbeContext) => (await putSecret(c), ok(c.admin, "DELETE", `/secrets/${secret(c.n)}`));
const makeKey = (c: ProbeContext) => ok(c.admin, "POST", `/keys/${key(c.n)}/create`, EC);
const deletedKey = async (c: ProbeContext) => (await makeKey(c), ok(c.admin, "DELETE", `/keys/${key(c.n)}`));
const makeCert = (c: ProbeContext) => ok(c.admin, "POST", `/certificates/${cert(c.n)}/create`, CERT_POLICY);
const deletedCert = async (c: ProbeContext) => (await makeCert(c), ok(c.admin, "DELETE", `/certificates/${cert(c.n)}`));

/** A backup of a fresh object whose name is then purged, so the probe's restore has a free name to restore to. */
async function orphanBackup(c: ProbeContext, collection: "secrets" | "keys" | "certificates", make: (c: ProbeContext) => Promise<unknown>, name: string): Promise<string> {
  await make(c);
  const blob = (await ok(c.admin, "POST", `/${collection}/${name}/backup`)).value as string;
  await ok(c.admin, "DELETE", `/${collection}/${name}`);
  await ok(c.admin, "DELETE", `/deleted${collection}/${name}`);
  return blob;
}
const blobs = new Map<string, string>();
const restoreProbe = (kind: OpKind, collection: "secrets" | "keys" | "certificates", make: (c: ProbeContext) => Promise<unknown>, name: (n: string) => string): Probe => ({
  kind,
  object: vaultWide,
  setup: async (c) => blobs.set(c.n, await orphanBackup(c, collection, make, name(c.n))),
  call: (c) => c.kv.json("POST", `/${collection}/restore`, { value: blobs.get(c.n) }),
  allowed: 200,
});

export const PROBES: readonly Probe[] = [
  { kind: "secret.set", object: (n) => at("secrets", secret(n)), call: (c) => c.kv.json("PUT", `/secrets/${secret(c.n)}`, { value: "x" }), allowed: 200 },
  { kind: "secret.get", object: () => "/secrets/shared", call: (c) => c.kv.json("GET", "/secrets/shared"), allowed: 200 },
  { kind: "secret.update", object: () => "/secrets/shared", call: (c) => c.kv.json("PATCH", "/secrets/shared/", { tags: { n: c.n } }), allowed: 200 },
  { kind: "secret.delete", object: (n) => at("secrets", secret(n)), setup: putSecret, call: (c) => c.kv.json("DELETE", `/secrets/${secret(c.n)}`), allowed: 200 },
  { kind: "secret.list", object: vaultWide, call: (c) => c.kv.json("GET", "/secrets"), allowed: 200 },
  { kind: "secret.backup", object: () => "/secrets/shared", call: (c) => c.kv.json("POST", "/secrets/shared/backup"), allowed: 200 },
  restoreProbe("secret.restore", "secrets", putSecret, secret),
  { kind: "secret.recover", object: (n) => at("secrets", secret(n)), setup: deletedSecret, call: (c) => c.kv.json("POST", `/deletedsecrets/${secret(c.n)}/recover`), allowed: 200 },
  { kind: "secret.purge", object: (n) => at("secrets", secret(n)), setup: deletedSecret, call: (c) => c.kv.json("DELETE", `/deletedsecrets/${secret(c.n)}`), allowed: 204 },

  { kind: "key.create", object: (n) => at("keys", key(n)), call: (c) => c.kv.json("POST", `/keys/${key(c.n)}/create`, EC), allowed: 200 },
  { kind: "key.import", object: (n) => at("keys", key(n)), call: (c) => c.kv.json("PUT", `/keys/${key(c.n)}`, { key: c.shared.ecJwk }), allowed: 200 },
  { kind: "key.get", object: () => "/keys/shared-ec", call: (c) => c.kv.json("GET", "/keys/shared-ec"), allowed: 200 },
  { kind: "key.update", object: () => "/keys/shared-ec", call: (c) => c.kv.json("PATCH", "/keys/shared-ec/", { tags: { n: c.n } }), allowed: 200 },
  { kind: "key.delete", object: (n) => at("keys", key(n)), setup: makeKey, call: (c) => c.kv.json("DELETE", `/keys/${key(c.n)}`), allowed: 200 },
  { kind: "key.backup", object: () => "/keys/shared-ec", call: (c) => c.kv.json("POST", "/keys/shared-ec/backup"), allowed: 200 },
  restoreProbe("key.restore", "keys", makeKey, key),
  { kind: "key.recover", object: (n) => at("keys", key(n)), setup: deletedKey, call: (c) => c.kv.json("POST", `/deletedkeys/${key(c.n)}/recover`), allowed: 200 },
  { kind: "key.purge", object: (n) => at("keys", key(n)), setup: deletedKey, call: (c) => c.kv.json("DELETE", `/deletedkeys/${key(c.n)}`), allowed: 204 },
  { kind: "key.rotate", object: (n) => at("keys", key(n)), setup: makeKey, call: (c) => c.kv.json("POST", `/keys/${key(c.n)}/rotate`), allowed: 200 },
  { kind: "key.getRotationPolicy", object: () => "/keys/shared-ec", call: (c) => c.kv.json("GET", "/keys/shared-ec/rotationpolicy"), allowed: 200 },
  {
    kind: "key.setRotationPolicy",
    object: () => "/keys/shared-ec",
    call: (c) => c.kv.json("PUT", "/keys/shared-ec/rotationpolicy", { lifetimeActions: [{ trigger: { timeBeforeExpiry: "P30D" }, action: { type: "Notify" } }], attributes: { expiryTime: "P1Y" } }),
    allowed: 200,
  },
  { kind: "key.sign", object: () => "/keys/shared-ec", call: (c) => c.kv.json("POST", "/keys/shared-ec/sign", { alg: "ES256", value: digest }), allowed: 200 },
  { kind: "key.verify", object: () => "/keys/shared-ec", call: (c) => c.kv.json("POST", "/keys/shared-ec/verify", { alg: "ES256", digest, value: b64u(new Uint8Array(64).fill(1)) }), allowed: 200 },
  { kind: "key.encrypt", object: () => "/keys/shared-rsa", call: (c) => c.kv.json("POST", "/keys/shared-rsa/encrypt", { alg: "RSA-OAEP", value: digest }), allowed: 200 },
  { kind: "key.decrypt", object: () => "/keys/shared-rsa", call: (c) => c.kv.json("POST", "/keys/shared-rsa/decrypt", { alg: "RSA-OAEP", value: c.shared.rsaCiphertext }), allowed: 200 },
  { kind: "key.wrap", object: () => "/keys/shared-rsa", call: (c) => c.kv.json("POST", "/keys/shared-rsa/wrapkey", { alg: "RSA-OAEP", value: digest }), allowed: 200 },
  { kind: "key.unwrap", object: () => "/keys/shared-rsa", call: (c) => c.kv.json("POST", "/keys/shared-rsa/unwrapkey", { alg: "RSA-OAEP", value: c.shared.rsaCiphertext }), allowed: 200 },
  // Allowed, a release still needs an attestation token the vault trusts: past the role check it is refused as such.
  { kind: "key.release", object: () => "/keys/shared-ec", call: (c) => c.kv.json("POST", "/keys/shared-ec/release", { target: "not.an.attestation" }), allowed: 400 },
  { kind: "rng", object: vaultWide, call: (c) => c.kv.json("POST", "/rng", { count: 8 }), allowed: 200 },
  { kind: "audit.query", object: vaultWide, call: (c) => c.kv.json("GET", "/auditlog?maxresults=1"), allowed: 200 },

  { kind: "certificate.create", object: (n) => at("certificates", cert(n)), call: (c) => c.kv.json("POST", `/certificates/${cert(c.n)}/create`, CERT_POLICY), allowed: 202 },
  {
    kind: "certificate.import",
    object: (n) => at("certificates", cert(n)),
    call: (c) => c.kv.json("POST", `/certificates/${cert(c.n)}/import`, { value: c.shared.certificatePem, policy: { secret_props: { contentType: "application/x-pem-file" } } }),
    allowed: 200,
  },
  { kind: "certificate.get", object: () => "/certificates/shared-cert", call: (c) => c.kv.json("GET", "/certificates/shared-cert"), allowed: 200 },
  { kind: "certificate.update", object: () => "/certificates/shared-cert", call: (c) => c.kv.json("PATCH", "/certificates/shared-cert/", { tags: { n: c.n } }), allowed: 200 },
  { kind: "certificate.delete", object: (n) => at("certificates", cert(n)), setup: makeCert, call: (c) => c.kv.json("DELETE", `/certificates/${cert(c.n)}`), allowed: 200 },
  { kind: "certificate.recover", object: (n) => at("certificates", cert(n)), setup: deletedCert, call: (c) => c.kv.json("POST", `/deletedcertificates/${cert(c.n)}/recover`), allowed: 200 },
  { kind: "certificate.purge", object: (n) => at("certificates", cert(n)), setup: deletedCert, call: (c) => c.kv.json("DELETE", `/deletedcertificates/${cert(c.n)}`), allowed: 204 },
  { kind: "certificate.backup", object: () => "/certificates/shared-cert", call: (c) => c.kv.json("POST", "/certificates/shared-cert/backup"), allowed: 200 },
  restoreProbe("certificate.restore", "certificates", makeCert, cert),
  { kind: "certificate.setContacts", object: vaultWide, call: (c) => c.kv.json("PUT", "/certificates/contacts", { contacts: [{ email: `m${c.n}@example.com` }] }), allowed: 200 },
  { kind: "certificate.listIssuers", object: vaultWide, call: (c) => c.kv.json("GET", "/certificates/issuers"), allowed: 200 },
  { kind: "certificate.setIssuer", object: vaultWide, call: (c) => c.kv.json("PUT", `/certificates/issuers/i${c.n}`, { provider: "Test" }), allowed: 200 },
  {
    kind: "certificate.deleteIssuer",
    object: vaultWide,
    setup: (c) => ok(c.admin, "PUT", `/certificates/issuers/i${c.n}`, { provider: "Test" }),
    call: (c) => c.kv.json("DELETE", `/certificates/issuers/i${c.n}`),
    allowed: 200,
  },
];

/** The shared objects, made by the vault's administrator. */
export async function makeShared(admin: VaultClient, rsaJwk: JsonWebKey, ecJwk: JsonWebKey): Promise<Shared> {
  await ok(admin, "PUT", "/secrets/shared", { value: "shared" });
  await ok(admin, "POST", "/keys/shared-ec/create", EC);
  await ok(admin, "PUT", "/keys/shared-rsa", { key: rsaJwk });
  await ok(admin, "POST", "/certificates/shared-cert/create", CERT_POLICY);
  const rsaCiphertext = (await ok(admin, "POST", "/keys/shared-rsa/encrypt", { alg: "RSA-OAEP", value: digest })).value as string;
  const certificatePem = (await ok(admin, "GET", "/secrets/shared-cert")).value as string;
  return { ecJwk, rsaCiphertext, certificatePem };
}
