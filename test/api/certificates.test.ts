/**
 * Certificates over raw HTTP (certificates.json, api-version 2025-07-01), as Azure answers them: the
 * CertificateOperation of a create (202), the CertificateBundle and its policy in snake_case, the managed key
 * and secret of each version, merge (201) of a CA-signed chain over the pending key, purge (204), input Azure
 * refuses (400 BadParameter, nothing created), RBAC for the certificate roles, soft delete taking the managed
 * key and secret along, and AutoRenew by the vault's alarm with a moved clock. Certificates are read back with
 * node:crypto's X509Certificate (workerd's BoringSSL), not with the server's own X.509 code; the CA that signs
 * merged chains is built here with pkijs directly. workerd's X509Certificate reads names, SANs and validity,
 * but cannot give an EC certificate's public key, and its `keyUsage` and `ca` getters crash workerd (SIGSEGV,
 * workerd of wrangler 4.72.0); so extensions are read with pkijs, keys are compared as SPKI through WebCrypto
 * and signatures are verified with pkijs over WebCrypto. The fully
 * independent checks (OpenSSL, Node's X509Certificate) are the conformance tier's (certificates-sdk*.test.ts).
 * Azure's answers are those of its recordings (azure-sdk-for-js keyvault-certificates, e.g. "can read, cancel
 * and delete a certificate's operation"), the azure-sdk-for-js/-python merge tests, and Azure's docs.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { createHash, X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { beforeAll, describe, expect, it } from "vitest";
import { vaultClient } from "../support/fixture.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../support/rejections.ts";
import { setVaultClock, vaultAlarm, vaultObject } from "../support/secrets.ts";
import { expectKvError, expectOk, keyVault, memberWithRole, SLOW_KEYS, SLOWEST_KEYS, type GuardedClient, type KeyVaultSetup } from "../support/key-api.ts";

failOnlyOnTrulyUnhandledRejections();

// ---- wire shapes ------------------------------------------------------------------------------------------

interface CertificateAttributes {
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
  recoveryLevel: string;
  recoverableDays: number;
}

type Json = Record<string, unknown>;

interface CertificateBundle {
  id: string;
  kid?: string;
  sid?: string;
  x5t?: string;
  cer?: string;
  attributes: CertificateAttributes;
  tags?: Record<string, string>;
  policy?: Json & { id: string; x509_props: Json; key_props: Json; attributes: Json };
  pending?: { id: string };
}

interface DeletedCertificateBundle extends CertificateBundle {
  recoveryId: string;
  deletedDate: number;
  scheduledPurgeDate: number;
}

interface CertificateOperation {
  id: string;
  issuer: { name: string; cty?: string; cert_transparency?: boolean };
  csr?: string;
  cancellation_requested: boolean;
  status: string;
  status_details?: string;
  error?: { code: string; message: string };
  target?: string;
  request_id: string;
}

interface ListResult<T> {
  value: T[];
  nextLink: string | null;
}

const DAY = 86_400;
const DAY_MS = DAY * 1000;
const TLS_EKUS = ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"];

/** The az CLI workflow's self-signed policy (`az keyvault certificate create --policy`), in the REST API's snake_case. */
const SEED_POLICY = {
  key_props: { kty: "RSA", key_size: 2048, reuse_key: false },
  secret_props: { contentType: "application/x-pkcs12" },
  x509_props: { subject: "CN=api.myapp.com", sans: { dns_names: ["api.myapp.com", "*.myapp.com"] }, validity_months: 12 },
  lifetime_actions: [{ trigger: { days_before_expiry: 30 }, action: { action_type: "AutoRenew" } }],
  issuer: { name: "Self" },
};

/** Small and quick: EC P-256, self-signed. */
function ecPolicy(extra: { x509?: Json; key?: Json; secret?: Json; lifetime?: unknown[]; issuer?: string } = {}): Json {
  return {
    key_props: { kty: "EC", crv: "P-256", ...extra.key },
    ...(extra.secret === undefined ? {} : { secret_props: extra.secret }),
    x509_props: { subject: "CN=ec.myapp.com", validity_months: 12, ...extra.x509 },
    ...(extra.lifetime === undefined ? {} : { lifetime_actions: extra.lifetime }),
    issuer: { name: extra.issuer ?? "Self" },
  };
}

// ---- helpers ----------------------------------------------------------------------------------------------

function b64(text: string | undefined): Buffer {
  expect(typeof text, "expected a base64 string").toBe("string");
  expect(text).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  return Buffer.from(text ?? "", "base64");
}

function versionOf(id: string): string {
  const version = new URL(id).pathname.split("/")[3] ?? "";
  expect(version).toMatch(/^[0-9a-f]{32}$/);
  return version;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString("hex");
}

/** WebCrypto import parameters (the runtime's and Node's type names differ; this is their common shape). */
interface ImportParams {
  readonly name: string;
  readonly namedCurve?: string;
  readonly hash?: string;
}

/** WebCrypto's import parameters for a public JWK of the service. */
function importParams(jwk: Json): ImportParams {
  return jwk.kty === "EC" ? { name: "ECDSA", namedCurve: String(jwk.crv) } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
}

/** A JWK's public key as SPKI DER (hex), through WebCrypto. */
async function spkiOfJwk(jwk: Json): Promise<string> {
  const { kty, n, e, crv, x, y } = jwk;
  const pub = kty === "EC" ? { kty, crv, x, y } : { kty, n, e };
  const key = await crypto.subtle.importKey("jwk", pub as JsonWebKey, importParams(jwk), true, ["verify"]);
  return hex((await crypto.subtle.exportKey("spki", key)) as ArrayBuffer);
}

/** A certificate's SubjectPublicKeyInfo, as encoded in it (hex). */
function spkiOfCert(der: Uint8Array): string {
  return hex(pkijs.Certificate.fromBER(der).subjectPublicKeyInfo.toSchema().toBER(false));
}

/** The public half of a PKCS#8 PEM private key as SPKI (hex), through WebCrypto (via its private JWK). */
async function spkiOfPkcs8(pem: string, params: ImportParams): Promise<string> {
  const body = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem)?.[1] ?? "";
  const key = await crypto.subtle.importKey("pkcs8", Buffer.from(body.replace(/\s+/g, ""), "base64"), params, true, ["sign"]);
  return spkiOfJwk((await crypto.subtle.exportKey("jwk", key)) as unknown as Json);
}

const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;

const KEY_USAGE_BITS = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
] as const;

/** EKUs, key usage (RFC 5280 §4.2.1.3 bit order) and basic constraints, read from the DER by pkijs. */
function extensionsOf(der: Uint8Array): { ekus: string[]; keyUsage: string[]; ca: boolean | undefined } {
  const extensions = pkijs.Certificate.fromBER(der).extensions ?? [];
  const find = (oid: string) => extensions.find((e) => e.extnID === oid)?.parsedValue as unknown;
  const eku = find("2.5.29.37") as pkijs.ExtKeyUsage | undefined;
  const bits = find("2.5.29.15") as asn1js.BitString | undefined;
  const basic = find("2.5.29.19") as pkijs.BasicConstraints | undefined;
  const bytes = bits === undefined ? new Uint8Array(0) : bits.valueBlock.valueHexView;
  const keyUsage = KEY_USAGE_BITS.filter((_, i) => ((bytes[i >> 3] ?? 0) & (0x80 >> (i & 7))) !== 0);
  return { ekus: eku?.keyPurposes ?? [], keyUsage, ca: basic === undefined ? undefined : Boolean(basic.cA) };
}

/** The certificate's signature verifies under `issuer`'s key (its own when self-signed), with pkijs over WebCrypto. */
async function signatureVerifies(der: Uint8Array, issuer?: Uint8Array): Promise<boolean> {
  const cert = pkijs.Certificate.fromBER(der);
  return cert.verify(issuer === undefined ? undefined : pkijs.Certificate.fromBER(issuer), ENGINE);
}

function recent(seconds: number | undefined): void {
  expect(typeof seconds).toBe("number");
  expect(Math.abs((seconds ?? 0) - Date.now() / 1000)).toBeLessThan(300);
}

/** Calendar months on, in UTC. */
function addMonths(ms: number, months: number): number {
  const to = new Date(ms);
  to.setUTCMonth(to.getUTCMonth() + months);
  return to.getTime();
}

async function create(kv: GuardedClient, name: string, policy: Json, extra: Json = {}): Promise<CertificateOperation> {
  const res = await kv.json<CertificateOperation>("POST", `/certificates/${name}/create`, { policy, ...extra });
  expect(res.status, `create ${name}: ${JSON.stringify(res.body)}`).toBe(202);
  return res.body;
}

async function getCertificate(kv: GuardedClient, name: string, version = ""): Promise<CertificateBundle> {
  return expectOk(await kv.json<CertificateBundle>("GET", `/certificates/${name}${version === "" ? "" : `/${version}`}`), `get ${name}`);
}

async function versions(kv: GuardedClient, name: string): Promise<string[]> {
  return expectOk(await kv.json<ListResult<CertificateBundle>>("GET", `/certificates/${name}/versions`)).value.map((i) => versionOf(i.id));
}

function x509Of(bundle: { cer?: string }): X509Certificate {
  return new X509Certificate(b64(bundle.cer));
}

/** Nothing under `name`: no certificate, operation, key or secret. */
async function expectNothing(kv: GuardedClient, name: string, label: string): Promise<void> {
  expect((await kv.json("GET", `/certificates/${name}`)).status, `${label}: certificate`).toBe(404);
  expect((await kv.json("GET", `/certificates/${name}/pending`)).status, `${label}: operation`).toBe(404);
  expect((await kv.json("GET", `/keys/${name}`)).status, `${label}: key`).toBe(404);
  expect((await kv.json("GET", `/secrets/${name}`)).status, `${label}: secret`).toBe(404);
}

// ---- a test CA, built here with pkijs over WebCrypto ------------------------------------------------------

/** pkijs over the runtime's WebCrypto; workerd's SubtleCrypto type adds timingSafeEqual, which pkijs never calls. */
class TestEngine extends pkijs.CryptoEngine {
  timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean {
    return crypto.subtle.timingSafeEqual(a, b);
  }
}
const ENGINE = new TestEngine({ name: "certificates-test", crypto });

interface TestCa {
  readonly der: Uint8Array;
  readonly name: pkijs.RelativeDistinguishedNames;
  readonly privateKey: CryptoKey;
}

function commonName(value: string): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: [new pkijs.AttributeTypeAndValue({ type: "2.5.4.3", value: new asn1js.Utf8String({ value }) })],
  });
}

async function signedCertificate(input: {
  issuer: pkijs.RelativeDistinguishedNames;
  subject: pkijs.RelativeDistinguishedNames;
  spki: pkijs.PublicKeyInfo;
  serial: number;
  ca: boolean;
  signer: CryptoKey;
}): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ value: input.serial });
  cert.issuer = input.issuer;
  cert.subject = input.subject;
  cert.subjectPublicKeyInfo = input.spki;
  cert.notBefore.value = new Date(Date.now() - 3_600_000);
  cert.notAfter.value = new Date(Date.now() + 90 * DAY_MS);
  const basic = new pkijs.BasicConstraints({ cA: input.ca });
  cert.extensions = [new pkijs.Extension({ extnID: "2.5.29.19", critical: true, extnValue: basic.toSchema().toBER(false), parsedValue: basic })];
  await cert.sign(input.signer, "SHA-256", ENGINE);
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

async function testCa(): Promise<TestCa> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const info = new pkijs.PublicKeyInfo();
  await info.importKey(pair.publicKey, ENGINE);
  const name = commonName("Workers Test CA");
  const der = await signedCertificate({ issuer: name, subject: name, spki: info, serial: 1, ca: true, signer: pair.privateKey });
  return { der, name, privateKey: pair.privateKey };
}

/** The CA's certificate over a CSR's subject and key (what the CA would return). */
async function signCsr(ca: TestCa, csrDer: Uint8Array, serial = 2): Promise<Uint8Array> {
  const csr = pkijs.CertificationRequest.fromBER(csrDer);
  return signedCertificate({ issuer: ca.name, subject: csr.subject, spki: csr.subjectPublicKeyInfo, serial, ca: false, signer: ca.privateKey });
}

// ---- fixtures made with OpenSSL 3.0 (external material; see the comment on each) ---------------------------

/** `openssl ecparam -name prime256v1 -genkey | openssl pkcs8 -topk8 -nocrypt` */
const FIXTURE_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgxkIiUk7KAov519i4
iT/OI1JOyOZODngJPEoN3nJ2dsehRANCAASjAKZ+mkp7tZ+yXqQ29Py64YKeIulF
ixq1A+RZPhR/y387fhuUl1TKo+wGshWRJCfDxPNbh6NZGtsXIcxTBCfa
-----END PRIVATE KEY-----
`;

/**
 * `openssl req -x509 -key fixture.key -sha256 -days 36500 -subj /CN=import.fixture.test -addext
 * subjectAltName=DNS:import.fixture.test,DNS:www.import.fixture.test -addext keyUsage=critical,digitalSignature
 * -addext extendedKeyUsage=serverAuth -addext basicConstraints=critical,CA:FALSE`
 */
const FIXTURE_CERT = `-----BEGIN CERTIFICATE-----
MIIB8DCCAZagAwIBAgIUfu0A7jkY5f0TP0+DXmbhGG9EmXAwCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTaW1wb3J0LmZpeHR1cmUudGVzdDAgFw0yNjExMjIxNDQxMDda
GA8yMTI2MTAyOTE0NDEwN1owHjEcMBoGA1UEAwwTaW1wb3J0LmZpeHR1cmUudGVz
dDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKMApn6aSnu1n7JepDb0/Lrhgp4i
6UWLGrUD5Fk+FH/Lfzt+G5SXVMqj7AayFZEkJ8PE81uHo1ka2xchzFMEJ9qjga8w
gawwHQYDVR0OBBYEFLyMm9++wRggHl5nXV1ZlnA++gVKMB8GA1UdIwQYMBaAFLyM
m9++wRggHl5nXV1ZlnA++gVKMDcGA1UdEQQwMC6CE2ltcG9ydC5maXh0dXJlLnRl
c3SCF3d3dy5pbXBvcnQuZml4dHVyZS50ZXN0MA4GA1UdDwEB/wQEAwIHgDATBgNV
HSUEDDAKBggrBgEFBQcDATAMBgNVHRMBAf8EAjAAMAoGCCqGSM49BAMCA0gAMEUC
IQClbiWBYxzC5IQtcyWECJonm5TioBWSehnzWwfRfnYSPgIgGOUGRnEu2YjW3DAM
pKRZr4rnJoZ2B05MZaOgXKdfHSc=
-----END CERTIFICATE-----
`;

/** Another P-256 key, not the certificate's. */
const OTHER_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghJqzq1qx3Ytp/XfZ
L4lzWJAn5j9THZ+BV8tTmFOugFehRANCAASacrM6zsA8F/KtRV0ycWVXrNu1Y0s+
yRSwMdLbF1M3dPrg3IQ8Ky8bvjYOFOxllrNJiLi7sawQG2jscTH5fKb1
-----END PRIVATE KEY-----
`;

const FIXTURE_PASSWORD = "fixture-pass";

/** `openssl pkcs12 -export -inkey fixture.key -in fixture.crt -passout pass:fixture-pass` (PBES2/AES-256-CBC, HMAC-SHA256 MAC). */
const FIXTURE_PFX =
  "MIIEfAIBAzCCBDIGCSqGSIb3DQEHAaCCBCMEggQfMIIEGzCCAtIGCSqGSIb3DQEHBqCCAsMwggK/AgEAMIICuAYJKoZIhvcNAQcBMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgTMeGdnldc1gICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEMfDTx+n5VqJBxSv8J93ziqAggJQ6yGlQ/ebVffqCZac3YwAnubtja5WXdIvTEfLKlQae7MygPjjV6UStr3kDtRGwRHdkDOA8bVi+axHCaj1tsk+a5mHa1wc9+XiHkZFMzW6MRPB3MKnx16DwB3WM/moWLKxDo7I7igUqIn0Dtee1A28v3M4Z/ca1XS7j5T8yruNVuJhjzwtMo1awBS9TWB6P1hdnZJ2mQ6GgA3fxjVY2v17AtKns2DsGDp63QBptRizCpMe4Fi8P6a6+j85usuUv5EDoj3D3Ep4Guhi8HJvT+rPXoNB/YREMVodbyzuI25xeyPq3KRrz700ut+SyEeEf0R9kU5krvUXw+DYVJwDfMEQRbLdqkjNsyOQH+UTsBVcmEBgh6lk+ehP6U4Zbaxw4hRKy9RH+3LQSHpUOd0bJi+umlceQdvw0/6U+MMPSBOeNpZWoNVLsD1kgF4zjq9cFC6VaKmTlPwU8vVca5+gYfPTZte+Jw9OKpRaVRmZf/50rZmCOKr1TyZ0A17zNaiaW6riIuF3DM3FPFX/VNjJMtWNEt7tBtIKP9gAJ7gEYTVVgTSk441hOIRPhwEv9L8JDVxv5IQx129E7xl84y5y9fYAlX5V/ECx0tJk16vYO2ZuQMSFjtEaK4x1WtfESqIo4sA5ulz8ACHpP6mgq6fWSsSiXvPNpSaodwHZG0G9EasuNYrrcp7RVABC/O7QH33fiS/IWacMeVP9MMDl2cR7k2bXH83aEOibaU1L/ed52YG4iM4t4XF3foUQl62KImzLarkkNW29HpHLis1l69KpMYviHDCCAUEGCSqGSIb3DQEHAaCCATIEggEuMIIBKjCCASYGCyqGSIb3DQEMCgECoIHvMIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgwJFZWgpYZbwICCAAwDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEEY4g63lvqb+hm+/h7DrsWMEgZBO+UqNXAz9k7sHAnolkiHKvLlve9lFYOFAc5YPdJ5fCB/LjjvwceHUZcjTccn66TqB41cgWEMuytcyDvslCzl3GRRCybaQbrU9Ru7dU9D4dFE2dWjKZWUsO8CdD18OKiwwroHdYrLBLAgdC0hlEQqC5IOgcXH1VzPoLQcbYzSfUhsSCeVO3rA5b6orH50NrDcxJTAjBgkqhkiG9w0BCRUxFgQUhNIC6AgNxImTSxBdlNKBjkM+SYYwQTAxMA0GCWCGSAFlAwQCAQUABCCYKmoxhQYHtl+6bbL/3WtjnmUpOsU2BJ0q1CQ3O/0XOQQILfdHwCSYougCAggA";

/** The same with `-legacy`: RC2-40 certificate bag, 3DES key bag, SHA-1 MAC (what Windows still writes). */
const FIXTURE_PFX_LEGACY =
  "MIID8gIBAzCCA7gGCSqGSIb3DQEHAaCCA6kEggOlMIIDoTCCApcGCSqGSIb3DQEHBqCCAogwggKEAgEAMIICfQYJKoZIhvcNAQcBMBwGCiqGSIb3DQEMAQYwDgQIFeNaoiIV/6ACAggAgIICUI9VowpaHHHvUI7EzwBbs1bHnczC/uVxGQ36KtHaD/EYhu7LXWG2bHN5eIHXNkv+XPWACQ3U2PJVspLIsciyVifXWuDD6pCm2QNYm+MfV0YIsuREEOZUYXv/85bN35CsR1jw5KI4Osh1VEohyC4q0g0ak6FUiKSqpSH9PM7Ie9wLL0y91h7BMcOe76f5MsAuECeDgZl/Mhnlw2kDkANISep3buVaH8m3F+YpelIvc6j5pXEJta43CXjAvLCnET66ExJ8Rwz5sRG6uwM/wURqQVqOtIVOKHjYUU4iD/Ca0cm40F3UmGzBEQTuQ6mw2Zy347RKMrT3ST4JGr8xAcqTGM898NAeZRsK5r8+6f5Sriit/ceFOljsBBwqSKl4C6w4eQWPQ31+f4njHfdc6rrpU2crwSjLBTQUc5Yw4btB6myVITeNSJBiIPvK/1czh8esi842gjG5o/1fy1hMPKGFWYDxnDTsJIeD7lIVc801fCv8ae7BoF+c0CFxC0sa4wDOTPKI7n5zlVsmEuiGgx5S9Ea2YC5IPJymrg49AKOCqC1rEJkmc45z5KmFd5ErrfyS9vbA4ISy1zS41y3Ybxv6tIt/+sdUGfkUNVtqks/j1S0E3tqiZJf1r8uWLvslY8rjFe/AZxYQRa/S0FlkNb39caY1coOdd3qYv1zV6OFMrVQ+cCxDP3+0g+OovOHhxrFAOBRPXdIPO73xC43dqAMlqGZ2f4YgkteeaBD+iURIvwEGyPzYhUbXdpMcnr4U0pN8UyxuoMk0Z0Mz9Kpp6zCkYgkwggECBgkqhkiG9w0BBwGggfQEgfEwge4wgesGCyqGSIb3DQEMCgECoIG0MIGxMBwGCiqGSIb3DQEMAQMwDgQIfrFyRbq8tE4CAggABIGQJxUrKP8x9TNkujsaDaIESohUcHAxINayBOlDvWvPZVHX0JlZH4iK92po+Tf8Dbu2d7k4GB7ejuq+RjSxlisZMUgO1pu56m9E2Mi0IxNo7G9iil9X9Q5v5GyS/rJKmuRc7CHcuDNUiANu+5zHo+0ULfHayRsJVqN8R9IlmrLEgbe6l0Rdkmqx1vAMRoCKZa7FMSUwIwYJKoZIhvcNAQkVMRYEFITSAugIDcSJk0sQXZTSgY5DPkmGMDEwITAJBgUrDgMCGgUABBQT+g8ykwhR84sVwkqrMez4TjIHHQQIGNV0EOSao3ICAggA";

const FIXTURE_DER = Buffer.from(new X509Certificate(FIXTURE_CERT).raw);

// ---- tests ------------------------------------------------------------------------------------------------

/** One vault per describe block; isolatedStorage undoes each test's writes. */
function sharedVault(prefix: string): () => KeyVaultSetup {
  let setup: KeyVaultSetup | undefined;
  beforeAll(async () => {
    setup = await keyVault(prefix);
  }, SLOW_KEYS.timeout);
  return () => {
    if (setup === undefined) throw new Error(`vault ${prefix} was not set up`);
    return setup;
  };
}

describe("create (issuer Self) and the CertificateBundle", SLOWEST_KEYS, () => {
  const shared = sharedVault("cw");

  it("202 CertificateOperation; bundle, policy, key and secret share one version; the certificate is what the policy says", async () => {
    const { kv } = shared();
    const base = kv.baseUrl;
    const res = await kv.request("POST", "/certificates/seed/create", { policy: SEED_POLICY });
    const text = await res.text();
    expect(res.status, text).toBe(202);
    const location = res.headers.get("Location") ?? "";
    const operation = JSON.parse(text) as CertificateOperation;
    expect(operation).toMatchObject({ id: `${base}/certificates/seed/pending`, issuer: { name: "Self" }, cancellation_requested: false });
    expect(["inProgress", "completed"]).toContain(operation.status);
    expect(operation.request_id).toMatch(/^[0-9a-f]{32}$/);

    const pending = expectOk(await kv.json<CertificateOperation>("GET", "/certificates/seed/pending"));
    expect(pending).toMatchObject({ id: operation.id, status: "completed", target: `${base}/certificates/seed`, request_id: operation.request_id });

    const bundle = await getCertificate(kv, "seed");
    const version = versionOf(bundle.id);
    expect(bundle.id).toBe(`${base}/certificates/seed/${version}`);
    expect(bundle.kid).toBe(`${base}/keys/seed/${version}`);
    expect(bundle.sid).toBe(`${base}/secrets/seed/${version}`);
    expect(bundle.attributes).toEqual({
      enabled: true,
      nbf: expect.any(Number),
      exp: expect.any(Number),
      created: expect.any(Number),
      updated: expect.any(Number),
      recoveryLevel: "Recoverable+Purgeable",
      recoverableDays: 90,
    });
    recent(bundle.attributes.created);
    // Azure's policy body for this request, defaults filled in (recording "can read, cancel and delete …").
    expect(bundle.policy).toEqual({
      id: `${base}/certificates/seed/policy`,
      key_props: { exportable: true, kty: "RSA", key_size: 2048, reuse_key: false },
      secret_props: { contentType: "application/x-pkcs12" },
      x509_props: {
        subject: "CN=api.myapp.com",
        sans: { dns_names: ["api.myapp.com", "*.myapp.com"] },
        ekus: TLS_EKUS,
        key_usage: ["digitalSignature", "keyEncipherment"],
        validity_months: 12,
        basic_constraints: { ca: false },
      },
      lifetime_actions: [{ trigger: { days_before_expiry: 30 }, action: { action_type: "AutoRenew" } }],
      issuer: { name: "Self" },
      attributes: { enabled: true, created: expect.any(Number), updated: expect.any(Number) },
    });
    expect(expectOk(await kv.json("GET", "/certificates/seed/policy"))).toEqual(bundle.policy);

    // The certificate, read by node:crypto: x5t is its SHA-1, and it is what the policy asked for.
    const der = b64(bundle.cer);
    expect(bundle.x5t).toBe(createHash("sha1").update(der).digest("base64url"));
    const cert = new X509Certificate(der);
    expect(cert.subject).toBe("CN=api.myapp.com");
    expect(cert.issuer).toBe("CN=api.myapp.com");
    expect(await signatureVerifies(der)).toBe(true);
    expect(cert.subjectAltName).toBe("DNS:api.myapp.com, DNS:*.myapp.com");
    // (workerd's X509Certificate segfaults on `keyUsage` and `ca`; pkijs reads the extensions instead.)
    const extensions = extensionsOf(der);
    expect([...extensions.ekus].sort()).toEqual(TLS_EKUS);
    expect(extensions.keyUsage).toEqual(["digitalSignature", "keyEncipherment"]);
    expect(extensions.ca).toBe(false);
    expect(pkijs.Certificate.fromBER(der).subjectPublicKeyInfo.algorithm.algorithmId).toBe("1.2.840.113549.1.1.1");
    const notBefore = Date.parse(cert.validFrom);
    const notAfter = Date.parse(cert.validTo);
    expect(bundle.attributes.nbf).toBe(notBefore / 1000);
    expect(bundle.attributes.exp).toBe(notAfter / 1000);
    expect(notBefore).toBeLessThanOrEqual(bundle.attributes.created * 1000);
    expect(Math.abs(notAfter - addMonths(bundle.attributes.created * 1000, 12))).toBeLessThan(DAY_MS);

    // The managed key and secret of the same version.
    const key = expectOk(await kv.json<{ key: Json & { kid: string }; managed?: boolean; attributes: Json }>("GET", "/keys/seed"));
    expect(key.key.kid).toBe(bundle.kid);
    expect(key.managed).toBe(true);
    expect(key.key.kty).toBe("RSA");
    expect((key.key.n as string).length).toBe(342);
    expect(await spkiOfJwk(key.key)).toBe(spkiOfCert(der));
    const secret = expectOk(await kv.json<{ id: string; value: string; contentType: string; managed?: boolean; kid?: string }>("GET", "/secrets/seed"));
    expect(secret.id).toBe(bundle.sid);
    expect(secret.contentType).toBe("application/x-pkcs12");
    expect(secret.managed).toBe(true);
    expect(b64(secret.value)[0]).toBe(0x30);

    // Azure: "If this is a secret backing a KV certificate, then this field specifies the corresponding key".
    expect.soft(secret.kid, "the managed secret's kid").toBe(bundle.kid);
    // Azure's 202 carries Location: the operation (…/pending?api-version=…&request_id=…).
    expect.soft(location, "Location header").toContain(`${base}/certificates/seed/pending`);
    // Azure's operation carries the CSR for the Self issuer too (recordings: {"issuer":{"name":"Self"},"csr":"MIIC…"}).
    expect.soft(operation.csr, "csr of a Self operation").toMatch(/^MII[A-Za-z0-9+/]+={0,2}$/);
  });

  it("PEM content type: the secret is the private key, then the certificate, as PEM text", async () => {
    const { kv } = shared();
    await create(kv, "pem", ecPolicy({ secret: { contentType: "application/x-pem-file" } }));
    const bundle = await getCertificate(kv, "pem");
    expect(bundle.policy?.secret_props).toEqual({ contentType: "application/x-pem-file" });
    const secret = expectOk(await kv.json<{ value: string; contentType: string }>("GET", "/secrets/pem"));
    expect(secret.contentType).toBe("application/x-pem-file");
    expect(secret.value).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(await spkiOfPkcs8(secret.value, P256)).toBe(spkiOfCert(b64(bundle.cer)));
    const body = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(secret.value)?.[1] ?? "";
    expect(body.replace(/\s+/g, "")).toBe(bundle.cer);
  });

  it("each create is a new version with a new key; versions, list items and older versions read as Azure's", async () => {
    const { kv } = shared();
    const base = kv.baseUrl;
    await create(kv, "multi", ecPolicy(), { tags: { generation: "1" } });
    const first = await getCertificate(kv, "multi");
    await create(kv, "multi", ecPolicy({ x509: { subject: "CN=second.myapp.com" } }));
    const second = await getCertificate(kv, "multi");
    expect(versionOf(second.id)).not.toBe(versionOf(first.id));
    expect(x509Of(second).subject).toBe("CN=second.myapp.com");
    expect(spkiOfCert(b64(second.cer))).not.toBe(spkiOfCert(b64(first.cer)));
    expect(first.tags).toEqual({ generation: "1" });
    expect(second.tags).toBeUndefined();

    expect((await versions(kv, "multi")).sort()).toEqual([versionOf(first.id), versionOf(second.id)].sort());
    const older = await getCertificate(kv, "multi", versionOf(first.id));
    expect(older.cer).toBe(first.cer);
    expect(older.tags).toEqual({ generation: "1" });
    expect(expectOk(await kv.json<{ key: { kid: string } }>("GET", "/keys/multi")).key.kid).toBe(second.kid);

    const list = expectOk(await kv.json<ListResult<CertificateBundle>>("GET", "/certificates"));
    const item = list.value.find((i) => i.id === `${base}/certificates/multi`);
    expect(item).toEqual({ id: `${base}/certificates/multi`, x5t: second.x5t, attributes: second.attributes });
    expectKvError(await kv.json("GET", `/certificates/multi/${"0".repeat(32)}`), 404, "CertificateNotFound");
    expectKvError(await kv.json("GET", "/certificates/never"), 404, "CertificateNotFound");
  });

  it("PATCH a version: enabled and tags; the managed key and secret follow enabled", async () => {
    const { kv } = shared();
    await create(kv, "upd", ecPolicy());
    const bundle = await getCertificate(kv, "upd");
    const version = versionOf(bundle.id);
    const off = expectOk(await kv.json<CertificateBundle>("PATCH", `/certificates/upd/${version}`, { attributes: { enabled: false }, tags: { a: "b" } }));
    expect(off.id).toBe(bundle.id);
    expect(off.attributes.enabled).toBe(false);
    expect(off.tags).toEqual({ a: "b" });
    expect(off.cer).toBe(bundle.cer);
    expect((await getCertificate(kv, "upd")).attributes.enabled).toBe(false);
    expectKvError(await kv.json("GET", "/secrets/upd"), 403, "Forbidden");
    expect(expectOk(await kv.json<{ attributes: { enabled: boolean } }>("GET", "/keys/upd")).attributes.enabled).toBe(false);

    const on = expectOk(await kv.json<CertificateBundle>("PATCH", "/certificates/upd", { attributes: { enabled: true } }));
    expect(on.attributes.enabled).toBe(true);
    expect(on.tags).toEqual({ a: "b" });
    expect((await kv.json("GET", "/secrets/upd")).status).toBe(200);
  });

  it("PATCH the policy changes only what it names, and not the existing version", async () => {
    const { kv } = shared();
    await create(kv, "pol", ecPolicy({ x509: { sans: { dns_names: ["pol.myapp.com"] } } }));
    const before = expectOk(await kv.json<Json & { x509_props: Json; key_props: Json }>("GET", "/certificates/pol/policy"));
    const patched = expectOk(await kv.json<Json & { x509_props: Json; key_props: Json }>("PATCH", "/certificates/pol/policy", { x509_props: { validity_months: 24 } }));
    expect(patched.x509_props).toEqual({ ...before.x509_props, validity_months: 24 });
    expect(patched.key_props).toEqual(before.key_props);
    expect(expectOk(await kv.json("GET", "/certificates/pol/policy"))).toEqual(patched);
    const bundle = await getCertificate(kv, "pol");
    expect(bundle.policy).toEqual(patched);
    expect(Math.abs(((bundle.attributes.exp ?? 0) - bundle.attributes.created) * 1000 - (addMonths(bundle.attributes.created * 1000, 12) - bundle.attributes.created * 1000))).toBeLessThan(DAY_MS);
  });
});

describe("bad input: 400 BadParameter and nothing created", SLOWEST_KEYS, () => {
  const shared = sharedVault("cb");
  const autoRenew = (trigger: Json) => ({ trigger, action: { action_type: "AutoRenew" } });

  const BAD_POLICIES: [string, unknown][] = [
    ["unknown kty", ecPolicy({ key: { kty: "DSA", crv: undefined } })],
    ["kty oct", { ...ecPolicy(), key_props: { kty: "oct" } }],
    ["RSA key_size 1024", { ...ecPolicy(), key_props: { kty: "RSA", key_size: 1024 } }],
    ["EC curve P-256K", ecPolicy({ key: { crv: "P-256K" } })],
    ["validity_months 0", ecPolicy({ x509: { validity_months: 0 } })],
    ["two lifetime actions", ecPolicy({ lifetime: [autoRenew({ lifetime_percentage: 80 }), { trigger: { days_before_expiry: 10 }, action: { action_type: "EmailContacts" } }] })],
    ["days_before_expiry beyond validity_months × 27", ecPolicy({ lifetime: [autoRenew({ days_before_expiry: 12 * 27 + 1 })] })],
    ["lifetime_percentage 0", ecPolicy({ lifetime: [autoRenew({ lifetime_percentage: 0 })] })],
    ["lifetime_percentage 100", ecPolicy({ lifetime: [autoRenew({ lifetime_percentage: 100 })] })],
    ["a trigger with both percentage and days", ecPolicy({ lifetime: [autoRenew({ lifetime_percentage: 80, days_before_expiry: 30 })] })],
    ["unknown action_type", ecPolicy({ lifetime: [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "Explode" } }] })],
    ["no subject and no SANs", { key_props: { kty: "EC", crv: "P-256" }, x509_props: { validity_months: 12 }, issuer: { name: "Self" } }],
    ["unknown key_usage", ecPolicy({ x509: { key_usage: ["signEverything"] } })],
    ["unknown secret contentType", ecPolicy({ secret: { contentType: "text/plain" } })],
    ["policy not an object", [ecPolicy()]],
  ];

  it("each malformed policy is refused and leaves no certificate, operation, key or secret", async () => {
    const { kv } = shared();
    for (const [index, [label, policy]] of BAD_POLICIES.entries()) {
      const name = `bad-${index}`;
      const res = await kv.json("POST", `/certificates/${name}/create`, { policy });
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
      await expectNothing(kv, name, label);
    }
    for (const [label, body] of [["no policy", {}], ["not JSON", "{policy:"]] as const) {
      const res = await kv.json("POST", "/certificates/bad-body/create", body);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
    }
    await expectNothing(kv, "bad-body", "body");
    const listed = expectOk(await kv.json<ListResult<CertificateBundle>>("GET", "/certificates?includePending=true"));
    expect(listed.value).toEqual([]);
  });

  it("days_before_expiry = validity_months x 27 is the largest Azure accepts", async () => {
    const { kv } = shared();
    await create(kv, "edge", ecPolicy({ lifetime: [autoRenew({ days_before_expiry: 12 * 27 })] }));
    expect((await getCertificate(kv, "edge")).policy?.lifetime_actions).toEqual([autoRenew({ days_before_expiry: 324 })]);
  });

  it("import refuses corrupt PEM/PFX, a wrong or missing PFX password and a key that is not the certificate's", async () => {
    const { kv } = shared();
    const pfx = Buffer.from(FIXTURE_PFX, "base64");
    const cases: [string, Json][] = [
      ["corrupt PEM", { value: "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n", policy: { secret_props: { contentType: "application/x-pem-file" } } }],
      ["PEM certificate without a key", { value: FIXTURE_CERT, policy: { secret_props: { contentType: "application/x-pem-file" } } }],
      ["PEM with another key", { value: `${OTHER_KEY}${FIXTURE_CERT}`, policy: { secret_props: { contentType: "application/x-pem-file" } } }],
      ["corrupt PFX", { value: Buffer.from(crypto.getRandomValues(new Uint8Array(600))).toString("base64"), pwd: FIXTURE_PASSWORD }],
      ["truncated PFX", { value: pfx.subarray(0, pfx.length >> 1).toString("base64"), pwd: FIXTURE_PASSWORD }],
      ["wrong PFX password", { value: FIXTURE_PFX, pwd: "not-the-password" }],
      ["PFX without its password", { value: FIXTURE_PFX }],
      ["value neither PEM nor base64", { value: "this is not a certificate!" }],
      ["no value", { pwd: FIXTURE_PASSWORD }],
    ];
    for (const [index, [label, body]] of cases.entries()) {
      const name = `imp-${index}`;
      const res = await kv.json("POST", `/certificates/${name}/import`, body);
      expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(400);
      expectKvError(res, 400, "BadParameter");
      await expectNothing(kv, name, label);
    }
  });
});

describe("import", SLOWEST_KEYS, () => {
  const shared = sharedVault("ci");

  it.each([
    { label: "PFX (AES-256, PBKDF2) with its password", body: { value: FIXTURE_PFX, pwd: FIXTURE_PASSWORD }, contentType: "application/x-pkcs12" },
    { label: "legacy PFX (RC2-40, 3DES, SHA-1 MAC)", body: { value: FIXTURE_PFX_LEGACY, pwd: FIXTURE_PASSWORD }, contentType: "application/x-pkcs12" },
    {
      label: "PEM key + certificate with contentType application/x-pem-file",
      body: { value: `${FIXTURE_KEY}${FIXTURE_CERT}`, policy: { secret_props: { contentType: "application/x-pem-file" } } },
      contentType: "application/x-pem-file",
    },
  ])("$label: 200 bundle of the certificate as given, policy derived from it", async ({ body, contentType }) => {
    const { kv } = shared();
    const res = await kv.json<CertificateBundle>("POST", "/certificates/imp/import", { ...body, tags: { source: "openssl" } });
    const bundle = expectOk(res, "import");
    expect(b64(bundle.cer).equals(FIXTURE_DER)).toBe(true);
    expect(bundle.tags).toEqual({ source: "openssl" });
    const fixture = new X509Certificate(FIXTURE_DER);
    expect(bundle.attributes.nbf).toBe(Date.parse(fixture.validFrom) / 1000);
    expect(bundle.attributes.exp).toBe(Date.parse(fixture.validTo) / 1000);
    expect(bundle.policy?.key_props).toMatchObject({ kty: "EC", crv: "P-256" });
    expect(bundle.policy?.x509_props).toMatchObject({ subject: "CN=import.fixture.test", sans: { dns_names: ["import.fixture.test", "www.import.fixture.test"] } });
    expect(bundle.policy?.secret_props).toEqual({ contentType });
    expect((bundle.policy?.issuer as { name: string }).name).toBe("Unknown");

    const version = versionOf(bundle.id);
    const key = expectOk(await kv.json<{ key: Json & { kid: string }; managed?: boolean }>("GET", "/keys/imp"));
    expect(key.key.kid).toBe(`${kv.baseUrl}/keys/imp/${version}`);
    expect(await spkiOfJwk(key.key)).toBe(spkiOfCert(FIXTURE_DER));
    const secret = expectOk(await kv.json<{ value: string; contentType: string }>("GET", "/secrets/imp"));
    expect(secret.contentType).toBe(contentType);
    if (contentType === "application/x-pem-file") {
      expect(await spkiOfPkcs8(secret.value, P256)).toBe(spkiOfCert(FIXTURE_DER));
    } else {
      // The stored PKCS#12 is not the imported one: Azure drops the import password (conformance opens it with "").
      expect(secret.value).not.toBe(body.value);
    }
  });
});

describe("issuer Unknown: pending operation, merge (201), cancel and delete", SLOWEST_KEYS, () => {
  const shared = sharedVault("cm");
  const UNKNOWN = ecPolicy({ issuer: "Unknown", x509: { subject: "CN=merge.myapp.com", sans: { dns_names: ["merge.myapp.com"] } } });

  it("create answers an inProgress operation with a CSR of the policy's subject and key; listed only with includePending", async () => {
    const { kv, vault, token } = shared();
    const base = kv.baseUrl;
    const op = await create(kv, "csr", UNKNOWN);
    expect(op).toMatchObject({ id: `${base}/certificates/csr/pending`, issuer: { name: "Unknown" }, cancellation_requested: false, status: "inProgress" });
    expect(op.request_id).toMatch(/^[0-9a-f]{32}$/);
    const csr = pkijs.CertificationRequest.fromBER(b64(op.csr));
    expect(await csr.verify(ENGINE)).toBe(true);
    expect(csr.subject.typesAndValues.map((tv) => `${tv.type}=${String(tv.value.valueBlock.value)}`)).toEqual(["2.5.4.3=merge.myapp.com"]);
    expect(expectOk(await kv.json<CertificateOperation>("GET", "/certificates/csr/pending"))).toEqual(op);
    expect(expectOk(await kv.json<{ issuer: Json }>("GET", "/certificates/csr/policy")).issuer).toEqual({ name: "Unknown" });

    // Accept: application/pkcs10 asks for the CSR alone, base64 (unguarded client: the body is not JSON).
    const raw = await vaultClient(vault, token).request("GET", "/certificates/csr/pending", undefined, { Accept: "application/pkcs10" });
    expect(raw.status).toBe(200);
    expect(new TextDecoder().decode(await raw.arrayBuffer()).replace(/\s+/g, "")).toBe(op.csr);

    const plain = expectOk(await kv.json<ListResult<CertificateBundle>>("GET", "/certificates")).value.map((i) => i.id);
    expect(plain).not.toContain(`${base}/certificates/csr`);
    const withPending = expectOk(await kv.json<ListResult<CertificateBundle>>("GET", "/certificates?includePending=true")).value.map((i) => i.id);
    expect(withPending).toContain(`${base}/certificates/csr`);

    // Azure's exact words (az CLI's keyvault tests check them).
    expect(op.status_details).toBe("Pending certificate created. Please Perform Merge to complete the request.");
  });

  it("GET of a pending certificate answers its pending version, disabled, without cer (as Azure does; the SDK reads it)", async () => {
    const { kv } = shared();
    const base = kv.baseUrl;
    await create(kv, "pend", UNKNOWN);
    // Azure (recording "can read, cancel and delete a certificate's operation"): 200 with the version, enabled
    // false, the policy and `pending: {id}`; the JS SDK's getCertificateOperation GETs this before the operation.
    const pending = await getCertificate(kv, "pend");
    expect(pending.id).toMatch(new RegExp(`^${base}/certificates/pend/[0-9a-f]{32}$`));
    expect(pending.attributes.enabled).toBe(false);
    expect(pending.cer).toBeUndefined();
    expect(pending.pending).toEqual({ id: `${base}/certificates/pend/pending` });
    expect((pending.policy?.issuer as Json | undefined)?.name).toBe("Unknown");
  });

  it("merge of a chain over another key: 400 BadParameter; of [leaf, CA] over the pending key: 201 and a usable version", async () => {
    const { kv } = shared();
    const base = kv.baseUrl;
    const op = await create(kv, "m", UNKNOWN);
    const ca = await testCa();

    const wrong = await kv.json("POST", "/certificates/m/pending/merge", { x5c: [FIXTURE_DER.toString("base64")] });
    expectKvError(wrong, 400, "BadParameter");
    expect(expectOk(await kv.json<CertificateOperation>("GET", "/certificates/m/pending")).status).toBe("inProgress");

    const leaf = await signCsr(ca, b64(op.csr));
    const res = await kv.json<CertificateBundle>("POST", "/certificates/m/pending/merge", {
      x5c: [Buffer.from(leaf).toString("base64"), Buffer.from(ca.der).toString("base64")],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const merged = res.body;
    const version = versionOf(merged.id);
    expect(merged.kid).toBe(`${base}/keys/m/${version}`);
    expect(merged.attributes.enabled).toBe(true);
    expect(b64(merged.cer).equals(Buffer.from(leaf))).toBe(true);

    // Independently: the merged certificate is the CA's, over the CSR's key.
    const cert = new X509Certificate(Buffer.from(leaf));
    expect(cert.issuer).toBe("CN=Workers Test CA");
    expect(await signatureVerifies(leaf, ca.der)).toBe(true);
    expect(cert.subject).toBe("CN=merge.myapp.com");

    const done = expectOk(await kv.json<CertificateOperation>("GET", "/certificates/m/pending"));
    expect(done).toMatchObject({ status: "completed", target: `${base}/certificates/m`, request_id: op.request_id });
    const key = expectOk(await kv.json<{ key: Json & { kid: string }; managed?: boolean }>("GET", "/keys/m"));
    expect(key.key.kid).toBe(merged.kid);
    expect(await spkiOfJwk(key.key)).toBe(spkiOfCert(leaf));
    expect(spkiOfCert(leaf)).toBe(hex(pkijs.CertificationRequest.fromBER(b64(op.csr)).subjectPublicKeyInfo.toSchema().toBER(false)));
    expect(expectOk(await kv.json<{ id: string }>("GET", "/secrets/m")).id).toBe(`${base}/secrets/m/${version}`);
  });

  it("merge accepts x5c entries that are base64 of the certificate's base64 text (what the JS and Python SDK tests send)", async () => {
    const { kv } = shared();
    const op = await create(kv, "m64", UNKNOWN);
    const leaf = Buffer.from(await signCsr(await testCa(), b64(op.csr)));
    const res = await kv.json<CertificateBundle>("POST", "/certificates/m64/pending/merge", { x5c: [Buffer.from(leaf.toString("base64")).toString("base64")] });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(b64(res.body.cer).equals(leaf)).toBe(true);
  });

  it("cancel sets cancellation_requested; delete removes the operation: then 404 PendingCertificateNotFound", async () => {
    const { kv } = shared();
    const op = await create(kv, "c", UNKNOWN);
    const cancelled = expectOk(await kv.json<CertificateOperation>("PATCH", "/certificates/c/pending", { cancellation_requested: true }));
    expect(cancelled).toMatchObject({ id: op.id, cancellation_requested: true, request_id: op.request_id });
    expect(["inProgress", "cancelled"]).toContain(cancelled.status);
    expectKvError(await kv.json("PATCH", "/certificates/c/pending", { cancellation_requested: "yes" }), 400, "BadParameter");

    const deleted = expectOk(await kv.json<CertificateOperation>("DELETE", "/certificates/c/pending"));
    expect(deleted).toMatchObject({ id: op.id, cancellation_requested: true, issuer: { name: "Unknown" } });
    const gone = expectKvError(await kv.json("GET", "/certificates/c/pending"), 404, "PendingCertificateNotFound");
    expect(gone.message).toBe("Pending certificate not found: c");
    expectKvError(await kv.json("DELETE", "/certificates/c/pending"), 404, "PendingCertificateNotFound");
  });
});

describe("RBAC", SLOWEST_KEYS, () => {
  const shared = sharedVault("cr");

  function denied(res: { status: number; body: unknown }, action: string, label: string): void {
    expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(403);
    const error = expectKvError(res, 403, "Forbidden", "ForbiddenByRbac");
    expect(error.message, label).toContain(`Action: 'Microsoft.KeyVault/vaults/${action}'`);
  }

  it("Key Vault Certificate User reads certificates and their key and secret, and may change nothing", async () => {
    const { kv: admin, vault, tenantId } = shared();
    await create(admin, "c", ecPolicy());
    const bundle = await getCertificate(admin, "c");
    const user = await memberWithRole(tenantId, vault, "Key Vault Certificate User");
    expect((await getCertificate(user, "c")).cer).toBe(bundle.cer);
    for (const path of ["/certificates", "/certificates/c/versions", "/certificates/c/policy", "/certificates/c/pending", "/keys/c", "/secrets/c", "/deletedcertificates"]) {
      expect((await user.json("GET", path)).status, path).toBe(200);
    }
    const refused: [string, string, string, unknown?][] = [
      ["POST", "/certificates/new/create", "certificates/create/action", { policy: ecPolicy() }],
      ["POST", "/certificates/new/import", "certificates/import/action", { value: FIXTURE_PFX, pwd: FIXTURE_PASSWORD }],
      ["PATCH", "/certificates/c", "certificates/update/action", { tags: { a: "b" } }],
      ["PATCH", "/certificates/c/policy", "certificates/update/action", { x509_props: { validity_months: 2 } }],
      ["DELETE", "/certificates/c", "certificates/delete"],
      ["POST", "/certificates/c/backup", "certificates/backup/action"],
    ];
    for (const [method, path, action, body] of refused) denied(await user.json(method, path, body), action, `${method} ${path}`);
    await expectNothing(admin, "new", "after the refusals");
    const after = await getCertificate(admin, "c");
    expect(after.tags).toBeUndefined();
    expect((after.policy?.x509_props as { validity_months: number }).validity_months).toBe(12);
  });

  it("Key Vault Certificates Officer does everything with certificates, but reads no secret", async () => {
    const { kv: admin, vault, tenantId } = shared();
    await create(admin, "c", ecPolicy());
    const officer = await memberWithRole(tenantId, vault, "Key Vault Certificates Officer");
    await create(officer, "o", ecPolicy());
    expectOk(await officer.json("POST", "/certificates/i/import", { value: FIXTURE_PFX, pwd: FIXTURE_PASSWORD }));
    expectOk(await officer.json("PATCH", "/certificates/c", { tags: { by: "officer" } }));
    expectOk(await officer.json("PATCH", "/certificates/c/policy", { x509_props: { validity_months: 2 } }));
    const backup = expectOk(await officer.json<{ value: string }>("POST", "/certificates/o/backup")).value;
    expectOk(await officer.json("DELETE", "/certificates/o"));
    expect((await officer.json("DELETE", "/deletedcertificates/o")).status).toBe(204);
    expectOk(await officer.json("POST", "/certificates/restore", { value: backup }));
    expectOk(await officer.json("DELETE", "/certificates/i"));
    expectOk(await officer.json("POST", "/deletedcertificates/i/recover"));
    await create(officer, "u", ecPolicy({ issuer: "Unknown" }));
    expectOk(await officer.json("PATCH", "/certificates/u/pending", { cancellation_requested: true }));
    expectOk(await officer.json("DELETE", "/certificates/u/pending"));
    denied(await officer.json("GET", "/secrets/c"), "secrets/getSecret/action", "GET secret");
  });
});

describe("soft delete, recovery, purge and backup", SLOWEST_KEYS, () => {
  const shared = sharedVault("cd");

  it("DELETE takes the managed key and secret along; recover brings all three back; purge answers 204", async () => {
    const { kv } = shared();
    const base = kv.baseUrl;
    await create(kv, "d", ecPolicy(), { tags: { t: "1" } });
    const live = await getCertificate(kv, "d");

    const deleted = expectOk(await kv.json<DeletedCertificateBundle>("DELETE", "/certificates/d"));
    expect(deleted).toMatchObject({ recoveryId: `${base}/deletedcertificates/d`, id: live.id, kid: live.kid, sid: live.sid, cer: live.cer, tags: { t: "1" } });
    recent(deleted.deletedDate);
    expect(deleted.scheduledPurgeDate - deleted.deletedDate).toBe(90 * DAY);
    expectKvError(await kv.json("GET", "/certificates/d"), 404, "CertificateNotFound");
    expectKvError(await kv.json("GET", "/keys/d"), 404, "KeyNotFound");
    expectKvError(await kv.json("GET", "/secrets/d"), 404, "SecretNotFound");
    expect(expectOk(await kv.json<DeletedCertificateBundle>("GET", "/deletedcertificates/d")).recoveryId).toBe(deleted.recoveryId);
    const listed = expectOk(await kv.json<ListResult<DeletedCertificateBundle>>("GET", "/deletedcertificates")).value;
    expect(listed.map((i) => i.recoveryId)).toEqual([deleted.recoveryId]);
    expect(listed[0]).toMatchObject({ id: `${base}/certificates/d`, x5t: live.x5t, deletedDate: deleted.deletedDate });
    // A deleted name takes no new version.
    expectKvError(await kv.json("POST", "/certificates/d/create", { policy: ecPolicy() }), 409, "Conflict");

    const recovered = expectOk(await kv.json<CertificateBundle>("POST", "/deletedcertificates/d/recover"));
    expect(recovered.id).toBe(live.id);
    expect(expectOk(await kv.json<{ key: { kid: string } }>("GET", "/keys/d")).key.kid).toBe(live.kid);
    expect(expectOk(await kv.json<{ id: string }>("GET", "/secrets/d")).id).toBe(live.sid);

    expectOk(await kv.json("DELETE", "/certificates/d"));
    const purge = await kv.request("DELETE", "/deletedcertificates/d");
    expect(purge.status).toBe(204);
    expect(await purge.text()).toBe("");
    expectKvError(await kv.json("GET", "/deletedcertificates/d"), 404, "CertificateNotFound");
    await expectNothing(kv, "d", "after purge");
    // The name, key and secret included, is free again.
    await create(kv, "d", ecPolicy());
    expect(await versions(kv, "d")).toHaveLength(1);
  });

  it("backup → delete → purge → restore brings back every version with its key and secret", async () => {
    const { kv } = shared();
    await create(kv, "b", ecPolicy());
    const v1 = await getCertificate(kv, "b");
    await create(kv, "b", ecPolicy({ x509: { subject: "CN=b2.myapp.com" } }));
    const v2 = await getCertificate(kv, "b");
    const blob = expectOk(await kv.json<{ value: string }>("POST", "/certificates/b/backup")).value;
    expect(blob).toMatch(/^[A-Za-z0-9_-]+$/);
    expectOk(await kv.json("DELETE", "/certificates/b"));
    expect((await kv.request("DELETE", "/deletedcertificates/b")).status).toBe(204);

    const restored = expectOk(await kv.json<CertificateBundle>("POST", "/certificates/restore", { value: blob }));
    expect(restored.id).toBe(v2.id);
    expect(restored.cer).toBe(v2.cer);
    expect((await getCertificate(kv, "b", versionOf(v1.id))).cer).toBe(v1.cer);
    expect(expectOk(await kv.json<{ key: { kid: string } }>("GET", "/keys/b")).key.kid).toBe(v2.kid);
    expect(expectOk(await kv.json<{ id: string }>("GET", "/secrets/b")).id).toBe(v2.sid);
    expectKvError(await kv.json("POST", "/certificates/restore", { value: blob }), 409, "Conflict");
  });
});

describe("auto-renewal by the vault's alarm", SLOWEST_KEYS, () => {
  /** A fresh vault (its clock is moved) with one 12-month self-signed certificate renewed at 80% of its life. */
  async function renewing(reuseKey: boolean) {
    const setup = await keyVault(reuseKey ? "arr" : "arn");
    const T0 = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    await setVaultClock(setup.vault, T0);
    await create(
      setup.kv,
      "auto",
      ecPolicy({ key: { reuse_key: reuseKey }, x509: { validity_months: 12 }, lifetime: [{ trigger: { lifetime_percentage: 80 }, action: { action_type: "AutoRenew" } }] }),
    );
    const first = await getCertificate(setup.kv, "auto");
    const nbf = (first.attributes.nbf ?? 0) * 1000;
    const exp = (first.attributes.exp ?? 0) * 1000;
    return { ...setup, T0, first, due: nbf + Math.floor((exp - nbf) * 0.8) };
  }

  it("AutoRenew at 80%: nothing before; past it the alarm makes a new version from the current policy, with a new key", async () => {
    const { vault, kv, first, due } = await renewing(false);
    const alarm = await vaultAlarm(vault);
    expect(alarm).not.toBeNull();
    expect(alarm ?? Infinity).toBeLessThanOrEqual(due);
    // The policy changed since the first version: the renewal is made from the policy as it is now.
    expectOk(await kv.json("PATCH", "/certificates/auto/policy", { x509_props: { subject: "CN=renewed.myapp.com", sans: { dns_names: ["renewed.myapp.com"] } } }));

    await setVaultClock(vault, due - DAY_MS);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(1);

    const T1 = due + DAY_MS;
    await setVaultClock(vault, T1);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(2);
    const renewed = await getCertificate(kv, "auto");
    expect(renewed.id).not.toBe(first.id);
    const der = b64(renewed.cer);
    expect(await signatureVerifies(der)).toBe(true);
    const cert = new X509Certificate(der);
    expect(cert.subject).toBe("CN=renewed.myapp.com");
    expect(cert.subjectAltName).toBe("DNS:renewed.myapp.com");
    expect(Date.parse(cert.validFrom)).toBeGreaterThan(due);
    expect(Date.parse(cert.validFrom)).toBeLessThanOrEqual(T1);
    expect(Math.abs(Date.parse(cert.validTo) - addMonths(T1, 12))).toBeLessThan(2 * DAY_MS);
    expect(renewed.attributes.created).toBe(Math.floor(T1 / 1000));
    // reuse_key false: a new key pair, which the managed key and secret of the new version carry.
    expect(spkiOfCert(der)).not.toBe(spkiOfCert(b64(first.cer)));
    const key = expectOk(await kv.json<{ key: Json & { kid: string } }>("GET", "/keys/auto"));
    expect(key.key.kid).toBe(renewed.kid);
    expect(await spkiOfJwk(key.key)).toBe(spkiOfCert(der));
    expect(expectOk(await kv.json<{ id: string }>("GET", "/secrets/auto")).id).toBe(renewed.sid);
    // The older version is still there, unchanged.
    expect((await getCertificate(kv, "auto", versionOf(first.id))).cer).toBe(first.cer);

    // The next renewal is 80% into the new version's life: running the alarm again now does nothing.
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(2);
  });

  it("reuse_key: the renewed version keeps the key pair", async () => {
    const { vault, kv, first, due } = await renewing(true);
    await setVaultClock(vault, due + DAY_MS);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(2);
    const renewed = await getCertificate(kv, "auto");
    expect(renewed.id).not.toBe(first.id);
    expect(renewed.cer).not.toBe(first.cer);
    expect(spkiOfCert(b64(renewed.cer))).toBe(spkiOfCert(b64(first.cer)));
  });

  it("a soft-deleted certificate is not renewed; once recovered after its due date, the next alarm renews it", async () => {
    const { vault, kv, due } = await renewing(false);
    await setVaultClock(vault, due - 10 * DAY_MS);
    expectOk(await kv.json("DELETE", "/certificates/auto"));
    await setVaultClock(vault, due + DAY_MS);
    await runDurableObjectAlarm(vaultObject(vault));
    expectOk(await kv.json("POST", "/deletedcertificates/auto/recover"));
    expect(await versions(kv, "auto")).toHaveLength(1);
    await runDurableObjectAlarm(vaultObject(vault));
    expect(await versions(kv, "auto")).toHaveLength(2);
  });
});
