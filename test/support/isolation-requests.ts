import type { OpKind } from "../../core/contract/vault.ts";

/**
 * One request per vault operation kind (every kind of core/contract/operations.ts but the managed HSM's), for the
 * tenant-isolation matrix (test/api/security/tenant-isolation.test.ts). A `Record` over the kinds: a new operation
 * without a request here does not compile, and the test compares the keys with the descriptors at run time as well.
 * Names come from `Names`, so each request is sent once naming objects that exist and once naming objects that do not.
 */
export interface Names {
  readonly secret: string;
  readonly key: string;
  readonly certificate: string;
  readonly deletedSecret: string;
  readonly deletedKey: string;
  readonly deletedCertificate: string;
  readonly issuer: string;
  /** A backup blob of the vault's own secret, key and certificate: what an attacker who stole one would send. */
  readonly blobs: { readonly secret: string; readonly key: string; readonly certificate: string };
}

export interface IsolationRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
}

export type VaultOpKind = Exclude<OpKind, `hsm.${string}`>;

const EC = { kty: "EC", crv: "P-256" };
const DIGEST = "B".repeat(43);
const POLICY = { policy: { key_props: { kty: "EC", crv: "P-256" }, x509_props: { subject: "CN=x" }, issuer: { name: "Self" } } };
const get = (path: string): IsolationRequest => ({ method: "GET", path });
const post = (path: string, body: unknown = {}): IsolationRequest => ({ method: "POST", path, body });
const put = (path: string, body: unknown): IsolationRequest => ({ method: "PUT", path, body });
const patch = (path: string, body: unknown): IsolationRequest => ({ method: "PATCH", path, body });
const del = (path: string): IsolationRequest => ({ method: "DELETE", path });

export const ISOLATION_REQUESTS: Readonly<Record<VaultOpKind, (n: Names) => IsolationRequest>> = {
  "secret.set": (n) => put(`/secrets/${n.secret}`, { value: "planted" }),
  "secret.get": (n) => get(`/secrets/${n.secret}`),
  "secret.update": (n) => patch(`/secrets/${n.secret}/`, { tags: { planted: "1" } }),
  "secret.delete": (n) => del(`/secrets/${n.secret}`),
  "secret.list": () => get("/secrets"),
  "secret.listVersions": (n) => get(`/secrets/${n.secret}/versions`),
  "secret.backup": (n) => post(`/secrets/${n.secret}/backup`),
  "secret.restore": (n) => post("/secrets/restore", { value: n.blobs.secret }),
  "secret.listDeleted": () => get("/deletedsecrets"),
  "secret.getDeleted": (n) => get(`/deletedsecrets/${n.deletedSecret}`),
  "secret.recover": (n) => post(`/deletedsecrets/${n.deletedSecret}/recover`),
  "secret.purge": (n) => del(`/deletedsecrets/${n.deletedSecret}`),

  "key.createPreflight": (n) => post(`/keys/${n.key}/create`, { kty: "RSA-HSM", key_size: 2048 }),
  "key.create": (n) => post(`/keys/${n.key}/create`, EC),
  "key.import": (n) => put(`/keys/${n.key}`, { key: { kty: "oct", k: DIGEST } }),
  "key.importByok": (n) => put(`/keys/${n.key}`, { key: { kty: "RSA-HSM", key_hsm: DIGEST } }),
  "key.get": (n) => get(`/keys/${n.key}`),
  "key.update": (n) => patch(`/keys/${n.key}/`, { tags: { planted: "1" } }),
  "key.delete": (n) => del(`/keys/${n.key}`),
  "key.list": () => get("/keys"),
  "key.listVersions": (n) => get(`/keys/${n.key}/versions`),
  "key.backup": (n) => post(`/keys/${n.key}/backup`),
  "key.restore": (n) => post("/keys/restore", { value: n.blobs.key }),
  "key.listDeleted": () => get("/deletedkeys"),
  "key.getDeleted": (n) => get(`/deletedkeys/${n.deletedKey}`),
  "key.recover": (n) => post(`/deletedkeys/${n.deletedKey}/recover`),
  "key.purge": (n) => del(`/deletedkeys/${n.deletedKey}`),
  "key.rotationSpec": (n) => post(`/keys/${n.key}/rotate`),
  "key.rotate": (n) => post(`/keys/${n.key}/rotate`),
  "key.getRotationPolicy": (n) => get(`/keys/${n.key}/rotationpolicy`),
  "key.setRotationPolicy": (n) => put(`/keys/${n.key}/rotationpolicy`, { lifetimeActions: [], attributes: { expiryTime: "P1Y" } }),
  "key.sign": (n) => post(`/keys/${n.key}/sign`, { alg: "ES256", value: DIGEST }),
  "key.verify": (n) => post(`/keys/${n.key}/verify`, { alg: "ES256", digest: DIGEST, value: DIGEST }),
  "key.encrypt": (n) => post(`/keys/${n.key}/encrypt`, { alg: "RSA-OAEP", value: DIGEST }),
  "key.decrypt": (n) => post(`/keys/${n.key}/decrypt`, { alg: "RSA-OAEP", value: DIGEST }),
  "key.wrap": (n) => post(`/keys/${n.key}/wrapkey`, { alg: "RSA-OAEP", value: DIGEST }),
  "key.unwrap": (n) => post(`/keys/${n.key}/unwrapkey`, { alg: "RSA-OAEP", value: DIGEST }),
  "key.release": (n) => post(`/keys/${n.key}/release`, { target: "a.b.c" }),
  "key.getAttestation": (n) => get(`/keys/${n.key}/attestation`),
  rng: () => post("/rng", { count: 8 }),
  "audit.query": () => get("/auditlog"),
  "audit.export": () => get("/auditlog/export"),

  "certificate.createPreflight": (n) => post(`/certificates/${n.certificate}/create`, POLICY),
  "certificate.create": (n) => post(`/certificates/${n.certificate}/create`, POLICY),
  "certificate.import": (n) => post(`/certificates/${n.certificate}/import`, { value: DIGEST }),
  "certificate.get": (n) => get(`/certificates/${n.certificate}`),
  "certificate.update": (n) => patch(`/certificates/${n.certificate}/`, { tags: { planted: "1" } }),
  "certificate.list": () => get("/certificates"),
  "certificate.listVersions": (n) => get(`/certificates/${n.certificate}/versions`),
  "certificate.delete": (n) => del(`/certificates/${n.certificate}`),
  "certificate.listDeleted": () => get("/deletedcertificates"),
  "certificate.getDeleted": (n) => get(`/deletedcertificates/${n.deletedCertificate}`),
  "certificate.recover": (n) => post(`/deletedcertificates/${n.deletedCertificate}/recover`),
  "certificate.purge": (n) => del(`/deletedcertificates/${n.deletedCertificate}`),
  "certificate.getPolicy": (n) => get(`/certificates/${n.certificate}/policy`),
  "certificate.updatePolicy": (n) => patch(`/certificates/${n.certificate}/policy`, { x509_props: { subject: "CN=planted" } }),
  "certificate.getOperation": (n) => get(`/certificates/${n.certificate}/pending`),
  "certificate.updateOperation": (n) => patch(`/certificates/${n.certificate}/pending`, { cancellation_requested: true }),
  "certificate.deleteOperation": (n) => del(`/certificates/${n.certificate}/pending`),
  "certificate.merge": (n) => post(`/certificates/${n.certificate}/pending/merge`, { x5c: [DIGEST] }),
  "certificate.backup": (n) => post(`/certificates/${n.certificate}/backup`),
  "certificate.restore": (n) => post("/certificates/restore", { value: n.blobs.certificate }),
  "certificate.getContacts": () => get("/certificates/contacts"),
  "certificate.setContacts": () => put("/certificates/contacts", { contacts: [{ email: "planted@example.com" }] }),
  "certificate.deleteContacts": () => del("/certificates/contacts"),
  "certificate.listIssuers": () => get("/certificates/issuers"),
  "certificate.getIssuer": (n) => get(`/certificates/issuers/${n.issuer}`),
  "certificate.setIssuer": (n) => put(`/certificates/issuers/${n.issuer}`, { provider: "Test" }),
  "certificate.updateIssuer": (n) => patch(`/certificates/issuers/${n.issuer}`, { provider: "Test" }),
  "certificate.deleteIssuer": (n) => del(`/certificates/issuers/${n.issuer}`),

  "keySet.key": (n) => get(`/keys/${n.key}/jwks`),
  "keySet.vault": () => get("/.well-known/jwks.json"),
  "keySet.discovery": () => get("/.well-known/openid-configuration"),
};

/** Data-plane routes of this project's own that no operation kind names (docs/edge-reads.md). */
export const EDGE_EXTENSION_REQUESTS: Readonly<Record<string, (n: Names) => IsolationRequest>> = {
  "edge batch get": (n) => post("/edge/secrets/batchget", { secrets: [{ name: n.secret }, { name: n.deletedSecret }] }),
};
