import { randomBytes } from "node:crypto";
import { readFile, rm } from "node:fs/promises";
import { CA_EXTENSIONS, SERVER_EXTENSIONS, renderOpensslConfig } from "./openssl-config.ts";
import { opensslOrThrow } from "./openssl.ts";
import { isUsableCa, parseCertificate, serverCertificateProblem } from "./certificate-checks.ts";
import { fileExists, readTextIfExists, writeFileAtomic } from "./files.ts";
import type { FileOutcome } from "./reporter.ts";
import type { StateLayout } from "./state-layout.ts";

const CA_VALIDITY_DAYS = 3650;
/** Apple platforms and Chromium reject leaf certificates valid for longer than 825 days. */
const SERVER_VALIDITY_DAYS = 825;

export interface CertificateOutcome {
  readonly ca: FileOutcome;
  readonly server: FileOutcome;
  /** Set when an existing server certificate was replaced, saying why. */
  readonly serverReason?: string;
}

/** Creates (or reuses) the local CA and the server certificate it signs. */
export async function ensureCertificates(layout: StateLayout): Promise<CertificateOutcome> {
  await writeFileAtomic(layout.opensslConfig, renderOpensslConfig());
  const ca = await ensureCa(layout);
  const server = await ensureServerCertificate(layout, ca !== "reused");
  return { ca, server: server.outcome, ...(server.reason === undefined ? {} : { serverReason: server.reason }) };
}

async function ensureCa(layout: StateLayout): Promise<FileOutcome> {
  const existing = await readTextIfExists(layout.caCert);
  const hasKey = await fileExists(layout.caKey);
  const certificate = existing === undefined ? undefined : parseCertificate(existing);
  if (certificate !== undefined && hasKey && isUsableCa(certificate)) return "reused";

  await writePrivateKey(layout.caKey);
  await opensslOrThrow([
    "req", "-x509", "-new", "-sha256",
    "-config", layout.opensslConfig,
    "-extensions", CA_EXTENSIONS,
    "-subj", "/CN=edge-vault local development CA",
    "-key", layout.caKey,
    "-days", String(CA_VALIDITY_DAYS),
    "-set_serial", randomSerial(),
    "-out", layout.caCert,
  ]);
  return existing === undefined ? "created" : "regenerated";
}

async function ensureServerCertificate(
  layout: StateLayout,
  caChanged: boolean,
): Promise<{ outcome: FileOutcome; reason?: string }> {
  const existing = await readTextIfExists(layout.serverCert);
  const reason = await serverReplacementReason(layout, existing, caChanged);
  if (reason === undefined) return { outcome: "reused" };

  await writePrivateKey(layout.serverKey);
  await opensslOrThrow([
    "req", "-new", "-sha256",
    "-config", layout.opensslConfig,
    "-subj", "/CN=localhost",
    "-key", layout.serverKey,
    "-out", layout.serverCsr,
  ]);
  try {
    await opensslOrThrow([
      "x509", "-req", "-sha256",
      "-in", layout.serverCsr,
      "-CA", layout.caCert,
      "-CAkey", layout.caKey,
      "-set_serial", randomSerial(),
      "-days", String(SERVER_VALIDITY_DAYS),
      "-extfile", layout.opensslConfig,
      "-extensions", SERVER_EXTENSIONS,
      "-out", layout.serverCert,
    ]);
  } finally {
    await rm(layout.serverCsr, { force: true });
  }
  return existing === undefined ? { outcome: "created" } : { outcome: "regenerated", reason };
}

async function serverReplacementReason(
  layout: StateLayout,
  existing: string | undefined,
  caChanged: boolean,
): Promise<string | undefined> {
  if (existing === undefined) return "missing";
  if (!(await fileExists(layout.serverKey))) return "its key is missing";
  if (caChanged) return "the CA was regenerated";
  const server = parseCertificate(existing);
  const ca = parseCertificate(await readFile(layout.caCert, "utf8"));
  if (server === undefined || ca === undefined) return "unreadable";
  return serverCertificateProblem(server, ca);
}

/** EC P-256: small, fast, and accepted by every client the vault serves. Keys are readable by the owner only. */
async function writePrivateKey(path: string): Promise<void> {
  const pem = await opensslOrThrow(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
  await writeFileAtomic(path, pem, 0o600);
}

/** Random positive 127-bit serial: a reissued certificate must not repeat a serial the CA already used. */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return `0x${bytes.toString("hex")}`;
}
