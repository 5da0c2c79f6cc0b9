/**
 * Issuer "Unknown" with the official CertificateClient: beginCreateCertificate leaves a pending operation with a
 * CSR; OpenSSL verifies the CSR (self-signature, subject, SANs), a test CA made by OpenSSL signs it, and
 * mergeCertificate sends the CA's chain back (201). The merged certificate is then checked with node:crypto and
 * OpenSSL against that CA. Also: the pending certificate as Azure shows it, includePending listing, and
 * cancelling and deleting an operation (azure-sdk-for-js CRUD.spec "can read, cancel and delete a certificate's
 * operation"; Azure answers 404 PendingCertificateNotFound once it is deleted).
 */
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManagedIdentityCredential } from "@azure/identity";
import { CertificateClient, type CertificateClientOptions, type CertificatePolicy } from "@azure/keyvault-certificates";
import { KeyClient } from "@azure/keyvault-keys";
import { SecretClient } from "@azure/keyvault-secrets";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devServerFacts } from "./support/dev-server-facts.ts";
import { VERSION_PATTERN } from "./support/identifiers.ts";
import { publicKeyOf } from "./support/jwk.ts";
import { collect, POLL, SLOW } from "./support/keys.ts";
import { uniqueName } from "./support/names.ts";
import { RequestLog } from "./support/request-log.ts";
import { expectRestError } from "./support/rest-error.ts";

type AdditionalPolicy = NonNullable<CertificateClientOptions["additionalPolicies"]>[number];

/**
 * The JS SDK exposes a pending certificate's CSR only through getCertificateOperation, which first GETs the
 * certificate (tested on its own below). To test the CSR and the merge apart from that call, this recorder
 * keeps the CSR of each 202 answer to create, through the pipeline's extension point; no request or
 * response is changed.
 */
const csrOfCreate = new Map<string, Uint8Array>();
const csrRecorder: AdditionalPolicy = {
  position: "perCall",
  policy: {
    name: "conformanceCsrRecorder",
    sendRequest: async (request, next) => {
      const response = await next(request);
      const created = /^\/certificates\/([^/]+)\/create$/.exec(new URL(request.url).pathname);
      if (request.method === "POST" && created !== null && response.status === 202 && typeof response.bodyAsText === "string") {
        const body = JSON.parse(response.bodyAsText) as { csr?: string };
        if (body.csr !== undefined) csrOfCreate.set(decodeURIComponent(created[1] ?? ""), Buffer.from(body.csr, "base64"));
      }
      return response;
    },
  },
};

const facts = devServerFacts();
const credential = new ManagedIdentityCredential();
const log = new RequestLog();
const client = new CertificateClient(facts.vaultUrl, credential, { additionalPolicies: [log.policy, csrRecorder] });
const keys = new KeyClient(facts.vaultUrl, credential);
const secrets = new SecretClient(facts.vaultUrl, credential);

const UNKNOWN: CertificatePolicy = {
  issuerName: "Unknown",
  subject: "CN=merge.myapp.com",
  subjectAlternativeNames: { dnsNames: ["merge.myapp.com", "www.merge.myapp.com"] },
  keyType: "RSA",
  keySize: 2048,
  certificateTransparency: false,
  validityInMonths: 12,
};

let dir = "";
let caKeyPath = "";
let caCertPath = "";
let caDer: Buffer;

function openssl(args: readonly string[], input?: Uint8Array | string): { status: number; stdout: string; stderr: string } {
  const run = spawnSync("openssl", args, { input, encoding: "utf8", cwd: dir });
  return { status: run.status ?? -1, stdout: run.stdout, stderr: run.stderr };
}

function opensslOk(args: readonly string[], input?: Uint8Array | string): string {
  const run = openssl(args, input);
  expect(run.status, `openssl ${args.join(" ")}: ${run.stderr}`).toBe(0);
  return run.stdout;
}

function pem(der: Uint8Array, label: string): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function spki(key: KeyObject): string {
  return key.export({ type: "spki", format: "der" }).toString("hex");
}

/** The test CA: an EC P-256 root OpenSSL makes, with CA basic constraints and keyCertSign. */
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cert-merge-"));
  caKeyPath = join(dir, "ca.key");
  caCertPath = join(dir, "ca.crt");
  opensslOk([
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
    "-keyout", caKeyPath, "-out", caCertPath, "-subj", "/CN=Conformance Test CA", "-days", "30",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  caDer = Buffer.from(new X509Certificate(readFileSync(caCertPath)).raw);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What OpenSSL reads from a DER CSR: whether its self-signature verifies, and its text. */
function inspectCsr(csr: Uint8Array): { verified: boolean; subject: string; text: string; publicKey: KeyObject } {
  const path = join(dir, `${uniqueName("csr")}.pem`);
  writeFileSync(path, pem(csr, "CERTIFICATE REQUEST"));
  const verify = openssl(["req", "-in", path, "-noout", "-verify"]);
  const subject = opensslOk(["req", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253"]).trim();
  const text = opensslOk(["req", "-in", path, "-noout", "-text"]);
  const publicKey = createPublicKey(opensslOk(["req", "-in", path, "-noout", "-pubkey"]));
  return { verified: verify.status === 0 && /verify OK/i.test(verify.stdout + verify.stderr), subject, text, publicKey };
}

/** The test CA signs the CSR as `openssl x509 -req` does, keeping the extensions it requests. */
function signCsr(csr: Uint8Array): Buffer {
  const csrPath = join(dir, `${uniqueName("req")}.pem`);
  const outPath = join(dir, `${uniqueName("leaf")}.crt`);
  writeFileSync(csrPath, pem(csr, "CERTIFICATE REQUEST"));
  opensslOk([
    "x509", "-req", "-in", csrPath, "-CA", caCertPath, "-CAkey", caKeyPath, "-set_serial", `0x${Date.now().toString(16)}`,
    "-days", "90", "-sha256", "-copy_extensions", "copyall", "-out", outPath,
  ]);
  return Buffer.from(new X509Certificate(readFileSync(outPath)).raw);
}

/** Starts a certificate with issuer Unknown; returns the CSR its 202 answer carried. */
async function startPending(name: string, policy: CertificatePolicy = UNKNOWN): Promise<Uint8Array> {
  const poller = await client.beginCreateCertificate(name, policy, POLL);
  // The operation waits for a merge; the SDK's poller would poll forever, so an application stops it here.
  poller.stopPolling();
  expect(poller.isDone()).toBe(false);
  const csr = csrOfCreate.get(name);
  expect(csr, "the 202 answer to create carries a CSR").toBeInstanceOf(Uint8Array);
  return csr ?? new Uint8Array();
}

describe("issuer Unknown: CSR, CA signature, merge", () => {
  it("the CSR verifies and carries the policy's subject, SANs and key", { timeout: SLOW }, async () => {
    const name = uniqueName("csr");
    const csr = await startPending(name);
    const inspected = inspectCsr(csr);
    expect(inspected.verified).toBe(true);
    expect(inspected.subject).toBe("subject=CN=merge.myapp.com");
    expect(inspected.text).toMatch(/X509v3 Subject Alternative Name:[^\n]*\n\s*DNS:merge\.myapp\.com, DNS:www\.merge\.myapp\.com/);
    expect(inspected.text).toContain("TLS Web Server Authentication");
    expect(inspected.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(inspected.text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
  });

  it("mergeCertificate with [leaf, CA] answers 201 and completes a usable certificate", { timeout: SLOW }, async () => {
    const name = uniqueName("merge");
    const csr = await startPending(name);
    const csrKey = inspectCsr(csr).publicKey;
    const leafDer = signCsr(csr);

    const { result: merged, requests } = await log.during(() => client.mergeCertificate(name, [leafDer, caDer]));
    const mergeCall = requests.find((r) => r.method === "POST" && r.path === `/certificates/${name}/pending/merge`);
    expect(mergeCall?.status).toBe(201);
    expect(merged.name).toBe(name);
    expect(merged.properties.version).toMatch(VERSION_PATTERN);
    expect(Buffer.from(merged.cer ?? []).equals(leafDer)).toBe(true);
    expect(merged.policy?.issuerName).toBe("Unknown");

    // Independently: the leaf is the CA's, on the CSR's key, with the requested subject and SANs.
    const leaf = new X509Certificate(Buffer.from(merged.cer ?? []));
    const ca = new X509Certificate(caDer);
    expect(leaf.checkIssued(ca)).toBe(true);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.subject).toBe("CN=merge.myapp.com");
    expect(leaf.subjectAltName).toBe("DNS:merge.myapp.com, DNS:www.merge.myapp.com");
    expect(spki(leaf.publicKey)).toBe(spki(csrKey));
    expect(opensslOk(["verify", "-CAfile", caCertPath], pem(leafDer, "CERTIFICATE")).trim()).toBe("stdin: OK");

    // The operation is completed and points at the certificate.
    const operation = (await client.getCertificateOperation(name)).getOperationState().certificateOperation;
    expect(operation?.status).toBe("completed");
    expect(operation?.target).toBe(`${facts.vaultUrl}/certificates/${name}`);

    // The version is readable, with its managed key (the CSR's) and secret (key + the merged chain).
    const version = merged.properties.version ?? "";
    const read = await client.getCertificate(name);
    expect(read.properties.version).toBe(version);
    expect(read.properties.enabled).toBe(true);
    const key = await keys.getKey(name);
    expect(key.properties.version).toBe(version);
    expect(key.properties.managed).toBe(true);
    expect(spki(publicKeyOf(key.key))).toBe(spki(csrKey));
    const secret = await secrets.getSecret(name);
    expect(secret.properties.version).toBe(version);
    expect(secret.properties.contentType).toBe("application/x-pkcs12");
    const pfxPath = join(dir, `${name}.p12`);
    writeFileSync(pfxPath, Buffer.from(secret.value ?? "", "base64"));
    const opened = opensslOk(["pkcs12", "-in", pfxPath, "-passin", "pass:", "-nodes"]);
    const privateKey = createPrivateKey(/-----BEGIN PRIVATE KEY-----[\s\S]*?-----END PRIVATE KEY-----/.exec(opened)?.[0] ?? "");
    expect(spki(createPublicKey(privateKey))).toBe(spki(csrKey));
    const chain = [...opened.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g)].map((m) => Buffer.from(new X509Certificate(m[0]).raw));
    expect(chain.map((c) => c.toString("hex")).sort()).toEqual([leafDer.toString("hex"), caDer.toString("hex")].sort());
  });

  it("the JS SDK's own merge test sends the base64 text's bytes; Azure takes that too", { timeout: SLOW }, async () => {
    // azure-sdk-for-js mergeAndImport.spec: mergeCertificate(name, [Buffer.from(base64Crt)]), i.e. x5c holds
    // base64 of the PEM body's characters, and Azure merges it.
    const name = uniqueName("merge-b64");
    const leafDer = signCsr(await startPending(name));
    const merged = await client.mergeCertificate(name, [Buffer.from(leafDer.toString("base64"))]);
    expect(Buffer.from(merged.cer ?? []).equals(leafDer)).toBe(true);
  });

  it("refuses a chain whose leaf is not on the pending key with 400 BadParameter; the operation stays", { timeout: SLOW }, async () => {
    const name = uniqueName("merge-wrong");
    const csr = await startPending(name);
    const foreignLeaf = signCsr(await startPending(uniqueName("merge-other")));
    await expectRestError(client.mergeCertificate(name, [foreignLeaf, caDer]), { statusCode: 400, code: "BadParameter" });
    // Nothing changed: the right chain still merges.
    const merged = await client.mergeCertificate(name, [signCsr(csr), caDer]);
    expect(merged.properties.enabled).toBe(true);
  });
});

describe("the pending certificate", () => {
  it("reads as Azure shows it: a disabled version without a certificate, the policy, the CSR", { timeout: SLOW }, async () => {
    const name = uniqueName("pending-read");
    const csr = await startPending(name);
    // Azure answers GET /certificates/{name} for a pending certificate with its version (enabled: false, no cer),
    // and the SDK's getCertificateOperation reads it before the operation.
    const pending = await client.getCertificate(name);
    expect(pending.properties.version).toMatch(VERSION_PATTERN);
    expect(pending.properties.enabled).toBe(false);
    expect(pending.cer).toBeUndefined();
    expect(pending.policy?.issuerName).toBe("Unknown");
    expect(pending.policy?.subject).toBe("CN=merge.myapp.com");
    expect((await client.getCertificatePolicy(name)).issuerName).toBe("Unknown");

    const operation = (await client.getCertificateOperation(name)).getOperationState().certificateOperation;
    expect(operation?.status).toBe("inProgress");
    expect(Buffer.from(operation?.csr ?? []).equals(Buffer.from(csr))).toBe(true);

    // The version it will have once merged is the pending one.
    const merged = await client.mergeCertificate(name, [signCsr(csr), caDer]);
    expect(merged.properties.version).toBe(pending.properties.version);
  });

  it("is listed only with includePending", { timeout: SLOW }, async () => {
    const name = uniqueName("pending-list");
    await startPending(name);
    const plain = (await collect(client.listPropertiesOfCertificates())).map((p) => p.name);
    expect(plain).not.toContain(name);
    const withPending = (await collect(client.listPropertiesOfCertificates({ includePending: true }))).map((p) => p.name);
    expect(withPending).toContain(name);
  });
});

describe("cancelling and deleting an operation", () => {
  it("cancelOperation requests cancellation; deleteCertificateOperation removes it (404 PendingCertificateNotFound)", { timeout: SLOW }, async () => {
    const name = uniqueName("cancel");
    const poller = await client.beginCreateCertificate(name, UNKNOWN, POLL);
    poller.stopPolling();
    // PATCH …/pending {cancellation_requested: true}, as the SDK's pollers send it.
    const { requests } = await log.during(() => poller.cancelOperation());
    expect(requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([`PATCH /certificates/${name}/pending 200`]);
    expect(poller.getOperationState().isCancelled).toBe(true);

    const deleted = await client.deleteCertificateOperation(name);
    expect(deleted.cancellationRequested).toBe(true);
    expect(deleted.issuerName).toBe("Unknown");
    expect(deleted.csr).toBeInstanceOf(Uint8Array);

    const failure = await expectRestError(client.getCertificateOperation(name), { statusCode: 404, code: "PendingCertificateNotFound" });
    expect(failure.message).toBe(`Pending certificate not found: ${name}`);
  });
});
