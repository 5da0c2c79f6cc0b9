import { X509Certificate } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkServerIdentity } from "node:tls";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureCaBundle, SYSTEM_CA_BUNDLE } from "../../../scripts/dev/ca-bundle.ts";
import { ensureCertificates } from "../../../scripts/dev/certificates.ts";
import { opensslOrThrow } from "../../../scripts/dev/openssl.ts";
import { SERVER_EXTENSIONS } from "../../../scripts/dev/openssl-config.ts";
import { stateLayout, type StateLayout } from "../../../scripts/dev/state-layout.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

let dir: string;
let layout: StateLayout;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-certs-"));
  layout = stateLayout(dir, join(dir, "state"));
  await mkdir(layout.stateDir);
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function certificate(path: string): Promise<X509Certificate> {
  return new X509Certificate(await readFile(path, "utf8"));
}

function validityDays(cert: X509Certificate): number {
  return (new Date(cert.validTo).getTime() - new Date(cert.validFrom).getTime()) / DAY_MS;
}

describe("ensureCertificates", () => {
  it("creates an EC P-256 CA and a server certificate for every local vault host", async () => {
    expect(await ensureCertificates(layout)).toEqual({ ca: "created", server: "created" });
    const ca = await certificate(layout.caCert);
    const server = await certificate(layout.serverCert);

    expect(ca.ca).toBe(true);
    expect(ca.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: "prime256v1" });
    expect(validityDays(ca)).toBeCloseTo(3650, 0);
    expect(ca.toLegacyObject().ext_key_usage).toBeUndefined();

    expect(server.ca).toBe(false);
    expect(server.publicKey.asymmetricKeyDetails).toMatchObject({ namedCurve: "prime256v1" });
    expect(validityDays(server)).toBeLessThanOrEqual(825);
    expect(server.keyUsage).toContain(SERVER_AUTH);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.subjectAltName?.split(", ")).toEqual([
      "DNS:*.vault.localhost",
      "DNS:*.managedhsm.localhost",
      "DNS:localhost",
      "IP Address:127.0.0.1",
      "IP Address:0:0:0:0:0:0:0:1",
    ]);
    // The check Node's TLS client runs on every connection.
    const peer = server.toLegacyObject();
    for (const host of ["kv1.vault.localhost", "hsm1.managedhsm.localhost", "localhost", "127.0.0.1", "::1"]) {
      expect(checkServerIdentity(host, peer), host).toBeUndefined();
    }
    expect(checkServerIdentity("other.localhost", peer)).toBeInstanceOf(Error);
    expect(checkServerIdentity("a.b.vault.localhost", peer)).toBeInstanceOf(Error);
  });

  it("keeps private keys readable by the owner only", async () => {
    await ensureCertificates(layout);
    for (const key of [layout.caKey, layout.serverKey]) {
      expect((await stat(key)).mode & 0o777).toBe(0o600);
    }
  });

  it("passes OpenSSL's strict chain verification", async () => {
    await ensureCertificates(layout);
    const output = await opensslOrThrow(["verify", "-x509_strict", "-purpose", "sslserver", "-CAfile", layout.caCert, layout.serverCert]);
    expect(output).toContain(": OK");
  });

  it("reuses both certificates on the next run", async () => {
    await ensureCertificates(layout);
    const before = [await readFile(layout.caCert, "utf8"), await readFile(layout.serverCert, "utf8")];
    expect(await ensureCertificates(layout)).toEqual({ ca: "reused", server: "reused" });
    expect([await readFile(layout.caCert, "utf8"), await readFile(layout.serverCert, "utf8")]).toEqual(before);
  });

  it("reissues a server certificate that expires within 30 days, keeping the CA", async () => {
    await ensureCertificates(layout);
    const caBefore = await readFile(layout.caCert, "utf8");
    // Replace the server certificate with a short-lived one from the same CA.
    await opensslOrThrow(["req", "-new", "-config", layout.opensslConfig, "-subj", "/CN=localhost", "-key", layout.serverKey, "-out", layout.serverCsr]);
    await opensslOrThrow([
      "x509", "-req", "-in", layout.serverCsr, "-CA", layout.caCert, "-CAkey", layout.caKey, "-days", "10",
      "-set_serial", "0x1234", "-extfile", layout.opensslConfig, "-extensions", SERVER_EXTENSIONS, "-out", layout.serverCert,
    ]);
    expect(validityDays(await certificate(layout.serverCert))).toBeCloseTo(10, 0);

    expect(await ensureCertificates(layout)).toEqual({ ca: "reused", server: "regenerated", serverReason: "expires within 30 days" });
    expect(await readFile(layout.caCert, "utf8")).toBe(caBefore);
    expect(validityDays(await certificate(layout.serverCert))).toBeCloseTo(825, 0);
  });

  it("reissues a server certificate from an older SAN list, naming the host it missed", async () => {
    await ensureCertificates(layout);
    // As certificates from before managed HSMs were: no *.managedhsm.localhost.
    const older = join(dir, "older-san.cnf");
    await writeFile(older, `[older]\nsubjectAltName = DNS:*.vault.localhost, DNS:localhost, IP:127.0.0.1, IP:::1\n`);
    await opensslOrThrow(["req", "-new", "-config", layout.opensslConfig, "-subj", "/CN=localhost", "-key", layout.serverKey, "-out", layout.serverCsr]);
    await opensslOrThrow([
      "x509", "-req", "-in", layout.serverCsr, "-CA", layout.caCert, "-CAkey", layout.caKey, "-days", "100",
      "-set_serial", "0x1235", "-extfile", older, "-extensions", "older", "-out", layout.serverCert,
    ]);

    expect(await ensureCertificates(layout)).toEqual({
      ca: "reused",
      server: "regenerated",
      serverReason: "does not cover dev.managedhsm.localhost",
    });
    expect(checkServerIdentity("devhsm.managedhsm.localhost", (await certificate(layout.serverCert)).toLegacyObject())).toBeUndefined();
  });

  it("reissues the server certificate when the CA is replaced", async () => {
    await ensureCertificates(layout);
    await rm(layout.caCert);
    expect(await ensureCertificates(layout)).toEqual({ ca: "created", server: "regenerated", serverReason: "the CA was regenerated" });
    expect((await certificate(layout.serverCert)).checkIssued(await certificate(layout.caCert))).toBe(true);
  });
});

describe("ensureCaBundle", () => {
  it("appends the local CA to the system roots and rewrites only on change", async () => {
    await ensureCertificates(layout);
    expect(await ensureCaBundle(layout)).toBe("created");
    const bundle = await readFile(layout.caBundle, "utf8");
    const ca = await readFile(layout.caCert, "utf8");
    expect(bundle.endsWith(ca)).toBe(true);
    const system = await readFile(SYSTEM_CA_BUNDLE, "utf8").catch(() => "");
    expect(bundle.length).toBeGreaterThanOrEqual(system.length + ca.length);
    expect(await ensureCaBundle(layout)).toBe("reused");

    await rm(layout.caCert);
    await ensureCertificates(layout);
    expect(await ensureCaBundle(layout)).toBe("updated");
    expect((await readFile(layout.caBundle, "utf8")).endsWith(await readFile(layout.caCert, "utf8"))).toBe(true);
  });
});
