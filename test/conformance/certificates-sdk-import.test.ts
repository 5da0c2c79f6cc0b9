/**
 * importCertificate with the official CertificateClient, of material OpenSSL made: a PKCS#12 with a password
 * (OpenSSL 3's AES/PBKDF2 and the legacy RC2/3DES form Windows still writes), a PEM file (key + certificate) with
 * policy contentType application/x-pem-file, an EC key, and the value of another certificate's secret (the
 * azure-sdk-for-js mergeAndImport.spec round trip). The stored certificate must be the imported one byte for byte,
 * the managed key its key, and the managed secret must open with Azure's empty password (the import password is
 * not kept) or be the PEM text.
 */
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { CertificateClient } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { VERSION_PATTERN } from "./support/identifiers.ts";
import { publicKeyOf } from "./support/jwk.ts";
import { POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { expectRestError } from "./support/rest-error.ts";

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const client = new CertificateClient(facts.vaultUrl, credential);
const keys = new KeyClient(facts.vaultUrl, credential);
const secrets = new SecretClient(facts.vaultUrl, credential);

const PASSWORD = "Imp0rt-Passw0rd!";

let dir = "";

function opensslOk(args: readonly string[]): string {
  const run = spawnSync("openssl", args, { encoding: "utf8", cwd: dir });
  expect(run.status, `openssl ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

function spki(key: KeyObject): string {
  return key.export({ type: "spki", format: "der" }).toString("hex");
}

interface Material {
  /** PKCS#8 PEM. */
  readonly keyPem: string;
  readonly certPem: string;
  readonly der: Buffer;
  readonly publicKey: KeyObject;
}

/** A self-signed certificate and its key, made by OpenSSL. */
function makeCertificate(tag: string, keyArgs: readonly string[], subject: string, san: string): Material {
  const keyPath = join(dir, `${tag}.key`);
  const certPath = join(dir, `${tag}.crt`);
  opensslOk(["req", "-x509", "-newkey", ...keyArgs, "-nodes", "-keyout", keyPath, "-out", certPath, "-subj", subject, "-days", "365", "-addext", `subjectAltName=${san}`]);
  const certPem = readFileSync(certPath, "utf8");
  const x509 = new X509Certificate(certPem);
  return { keyPem: readFileSync(keyPath, "utf8"), certPem, der: Buffer.from(x509.raw), publicKey: x509.publicKey };
}

/** `openssl pkcs12 -export` of the material with a password; `legacy` for RC2-40/3DES with a SHA-1 MAC. */
function pkcs12(tag: string, material: Material, password: string, legacy = false): Buffer {
  const keyPath = join(dir, `${tag}-export.key`);
  const certPath = join(dir, `${tag}-export.crt`);
  const outPath = join(dir, `${tag}.pfx`);
  writeFileSync(keyPath, material.keyPem);
  writeFileSync(certPath, material.certPem);
  opensslOk(["pkcs12", "-export", ...(legacy ? ["-legacy"] : []), "-inkey", keyPath, "-in", certPath, "-passout", `pass:${password}`, "-out", outPath]);
  return readFileSync(outPath);
}

/** The managed secret's PKCS#12, opened by OpenSSL with the empty password: its key and certificates. */
function openSecretPfx(base64: string): { privateKey: KeyObject; certificates: Buffer[] } {
  const path = join(dir, `${uniqueName("secret")}.p12`);
  writeFileSync(path, Buffer.from(base64, "base64"));
  const out = opensslOk(["pkcs12", "-in", path, "-passin", "pass:", "-nodes"]);
  const keyPem = /-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(out)?.[0] ?? "";
  const certificates = [...out.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => Buffer.from(new X509Certificate(m[0]).raw));
  return { privateKey: createPrivateKey(keyPem), certificates };
}

let rsa: Material;
let ec: Material;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cert-import-"));
  rsa = makeCertificate("rsa", ["rsa:2048"], "/CN=imported.myapp.com", "DNS:imported.myapp.com,DNS:alt.myapp.com");
  ec = makeCertificate("ec", ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"], "/CN=imported-ec.myapp.com", "DNS:imported-ec.myapp.com");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The imported version: the certificate as given, its key as the managed key, all under one version. */
async function expectImported(name: string, material: Material, imported: { cer?: Uint8Array; properties: { version?: string } }) {
  const version = imported.properties.version ?? "";
  expect(version).toMatch(VERSION_PATTERN);
  expect(Buffer.from(imported.cer ?? []).equals(material.der)).toBe(true);
  const key = await keys.getKey(name);
  expect(key.properties.version).toBe(version);
  expect(key.properties.managed).toBe(true);
  expect(spki(publicKeyOf(key.key))).toBe(spki(material.publicKey));
  const secret = await secrets.getSecret(name);
  expect(secret.properties.version).toBe(version);
  expect(secret.properties.managed).toBe(true);
  return secret;
}

describe("importCertificate", () => {
  it.each([
    { label: "OpenSSL 3 PKCS#12 (AES-256, PBKDF2)", legacy: false },
    { label: "legacy PKCS#12 (RC2-40 certificates, 3DES key, SHA-1 MAC)", legacy: true },
  ])("imports a password-protected $label; the secret opens with the empty password", { timeout: SLOW }, async ({ legacy }) => {
    const name = uniqueName(legacy ? "pfx-legacy" : "pfx");
    const pfx = pkcs12(name, rsa, PASSWORD, legacy);
    const imported = await client.importCertificate(name, pfx, { password: PASSWORD, tags: { source: "openssl" } });
    expect(imported.name).toBe(name);
    expect(imported.properties.enabled).toBe(true);
    expect(imported.properties.tags).toEqual({ source: "openssl" });
    // Azure derives the policy from the certificate; an imported certificate's issuer is "Unknown".
    expect(imported.policy).toMatchObject({
      subject: "CN=imported.myapp.com",
      subjectAlternativeNames: { dnsNames: ["imported.myapp.com", "alt.myapp.com"] },
      keyType: "RSA",
      keySize: 2048,
      contentType: "application/x-pkcs12",
      issuerName: "Unknown",
    });
    const x509 = new X509Certificate(rsa.der);
    expect(imported.properties.notBefore?.getTime()).toBe(new Date(x509.validFrom).getTime());
    expect(imported.properties.expiresOn?.getTime()).toBe(new Date(x509.validTo).getTime());

    const secret = await expectImported(name, rsa, imported);
    expect(secret.properties.contentType).toBe("application/x-pkcs12");
    const opened = openSecretPfx(secret.value ?? "");
    expect(spki(createPublicKey(opened.privateKey))).toBe(spki(rsa.publicKey));
    expect(opened.certificates.map((c) => c.toString("hex"))).toEqual([rsa.der.toString("hex")]);
  });

  it("refuses a PKCS#12 with the wrong password, or none, with 400 BadParameter and stores nothing", async () => {
    const name = uniqueName("pfx-wrong");
    const pfx = pkcs12(name, rsa, PASSWORD);
    await expectRestError(client.importCertificate(name, pfx, { password: "not-it" }), { statusCode: 400, code: "BadParameter" });
    await expectRestError(client.importCertificate(name, pfx), { statusCode: 400, code: "BadParameter" });
    await expectRestError(client.getCertificate(name), { statusCode: 404, code: "CertificateNotFound" });
    await expectRestError(keys.getKey(name), { statusCode: 404, code: "KeyNotFound" });
  });

  it("imports PEM (key + certificate) with contentType application/x-pem-file; the secret is PEM", { timeout: SLOW }, async () => {
    const name = uniqueName("pem");
    const imported = await client.importCertificate(name, Buffer.from(`${ec.keyPem}${ec.certPem}`), {
      policy: { contentType: "application/x-pem-file" },
    });
    expect(imported.policy).toMatchObject({ subject: "CN=imported-ec.myapp.com", keyType: "EC", keyCurveName: "P-256", contentType: "application/x-pem-file" });
    const secret = await expectImported(name, ec, imported);
    expect(secret.properties.contentType).toBe("application/x-pem-file");
    const value = secret.value ?? "";
    expect(spki(createPublicKey(createPrivateKey(value)))).toBe(spki(ec.publicKey));
    expect(Buffer.from(new X509Certificate(value.slice(value.indexOf("-----BEGIN CERTIFICATE-----"))).raw).equals(ec.der)).toBe(true);
  });

  it("refuses PEM without a private key, or with another key, with 400 BadParameter", async () => {
    const name = uniqueName("pem-bad");
    const pemPolicy = { policy: { contentType: "application/x-pem-file" as const } };
    await expectRestError(client.importCertificate(name, Buffer.from(ec.certPem), pemPolicy), { statusCode: 400, code: "BadParameter" });
    await expectRestError(client.importCertificate(name, Buffer.from(`${rsa.keyPem}${ec.certPem}`), pemPolicy), { statusCode: 400, code: "BadParameter" });
    await expectRestError(client.getCertificate(name), { statusCode: 404, code: "CertificateNotFound" });
  });

  it("imports another certificate's secret value, as PFX bytes and as base64 text (azure-sdk-for-js round trips)", { timeout: SLOW }, async () => {
    const source = uniqueName("import-source");
    const poller = await client.beginCreateCertificate(source, { issuerName: "Self", subject: "CN=MyCert" }, POLL);
    const created = await poller.pollUntilDone();
    const value = (await secrets.getSecret(source)).value ?? "";

    // "can import a certificate from a certificate's non base64 secret value": the PFX bytes.
    const fromBytes = await client.importCertificate(uniqueName("import-bytes"), Buffer.from(value, "base64"));
    expect(Buffer.from(fromBytes.cer ?? []).equals(Buffer.from(created.cer ?? []))).toBe(true);
    // "… from a certificate's base64 secret value": the base64 text, sent as is under the PEM content type.
    const fromText = await client.importCertificate(uniqueName("import-text"), Buffer.from(value), { policy: { contentType: "application/x-pem-file" } });
    expect(Buffer.from(fromText.cer ?? []).equals(Buffer.from(created.cer ?? []))).toBe(true);
  });
});

