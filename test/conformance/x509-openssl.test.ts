/**
 * The X.509 layer run in plain Node and judged by OpenSSL: the `openssl` CLI parses, prints and
 * verifies what we write (certificates, CSRs, PFX, PEM), Node's X509Certificate reads it, and Node's
 * TLS stack serves a handshake from our PFX. In the other direction, OpenSSL makes fresh keys, chains
 * and PFX files (modern and -legacy) for us to read. Needs no dev server (the tier's global setup starts
 * one anyway) — only the `openssl` binary, which .ci/run installs.
 */
import { execFileSync } from "node:child_process";
import { X509Certificate, createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type Server } from "node:tls";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import type { EcPrivateJwk, PrivateJwk, RsaPrivateJwk } from "../../core/crypto/keys/key-types.ts";
import {
  certificateMatchesKey,
  createCsr,
  issueSelfSigned,
  parseCertificate,
  parseCsr,
  pkcs8FromPrivateJwk,
  privateJwkFromPkcs8,
  readPem,
  readPfx,
  verifyChain,
  writePem,
  writePfx,
} from "../../core/crypto/x509/index.ts";

const dir = mkdtempSync(join(tmpdir(), "x509-openssl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(name: string, content?: string | Uint8Array): string {
  const path = join(dir, `${counter++}-${name}`);
  if (content !== undefined) writeFileSync(path, content);
  return path;
}

/** Runs the OpenSSL CLI; stdout and stderr together (OpenSSL 3 prints verify results on stderr). */
function openssl(...args: string[]): string {
  return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function opensslAll(...args: string[]): string {
  return execFileSync("sh", ["-c", 'openssl "$@" 2>&1', "openssl", ...args], { encoding: "utf8" });
}

function pem(label: string, der: Uint8Array): string {
  const lines = Buffer.from(der).toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

function pemToDer(text: string, label = "CERTIFICATE"): Uint8Array {
  const body = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(text)?.[1];
  if (body === undefined) throw new Error(`no ${label} block`);
  return new Uint8Array(Buffer.from(body.replace(/\s+/g, ""), "base64"));
}

/**
 * Keys made by Node (OpenSSL), as the vault's JWKs. (The vault's own generate-key.ts uses workerd's
 * global WebCrypto types, which this Node-typed tier does not compile against.)
 */
async function generateRsa(bits: number): Promise<RsaPrivateJwk> {
  const jwk = generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ format: "jwk" });
  const { n, e, d, p, q, dp, dq, qi } = jwk;
  if (!n || !e || !d || !p || !q || !dp || !dq || !qi) throw new Error("Node exported an incomplete RSA key");
  return { kty: "RSA", n, e, d, p, q, dp, dq, qi };
}

function generateEc(crv: "P-256" | "P-384" | "P-521"): EcPrivateJwk {
  const jwk = generateKeyPairSync("ec", { namedCurve: crv }).privateKey.export({ format: "jwk" });
  const { x, y, d } = jwk;
  if (!x || !y || !d) throw new Error("Node exported an incomplete EC key");
  return { kty: "EC", crv, x, y, d };
}

function jwkOf(keyPem: string): Record<string, unknown> {
  return createPrivateKey(keyPem).export({ format: "jwk" }) as Record<string, unknown>;
}

const POLICY = {
  subject: "CN=api.myapp.com, O=Contoso, OU=IT, L=Redmond, ST=WA, C=US, E=admin@myapp.com",
  sans: {
    dnsNames: ["api.myapp.com", "*.api.myapp.com"],
    emails: ["ops@myapp.com"],
    upns: ["svc@contoso.com"],
    uris: ["https://myapp.com/id"],
    ipAddresses: ["10.1.2.3", "2001:db8::7"],
  },
  keyUsage: ["digitalSignature", "keyEncipherment"],
};

const KEYS: [string, string, () => Promise<PrivateJwk>][] = [
  ["RSA-2048", "sha256WithRSAEncryption", () => generateRsa(2048)],
  ["EC P-256", "ecdsa-with-SHA256", async () => generateEc("P-256")],
  ["EC P-384", "ecdsa-with-SHA384", async () => generateEc("P-384")],
  ["EC P-521", "ecdsa-with-SHA512", async () => generateEc("P-521")],
];

describe("self-signed certificates, read by OpenSSL and Node", () => {
  for (const [label, algorithm, makeKey] of KEYS) {
    it(`${label}: openssl x509 -text shows the policy, openssl verify accepts it, Node matches it to its key`, async () => {
      const jwk = await makeKey();
      const notBefore = new Date(Date.now() - 60_000);
      const der = await issueSelfSigned({ ...POLICY, notBefore, notAfter: new Date(notBefore.getTime() + 90 * 86_400_000), privateJwk: jwk });
      const certPath = file("cert.pem", pem("CERTIFICATE", der));
      const text = openssl("x509", "-in", certPath, "-noout", "-text");
      expect(text).toContain(`Signature Algorithm: ${algorithm}`);
      expect(text).toMatch(/Version: 3 \(0x2\)/);
      expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment/);
      expect(text).toMatch(/X509v3 Extended Key Usage:\s+TLS Web Server Authentication, TLS Web Client Authentication/);
      expect(text).toMatch(/X509v3 Basic Constraints:\s+CA:FALSE/);
      expect(text).toContain(
        "DNS:api.myapp.com, DNS:*.api.myapp.com, email:ops@myapp.com, othername: UPN::svc@contoso.com, URI:https://myapp.com/id, IP Address:10.1.2.3, IP Address:2001:DB8:0:0:0:0:0:7",
      );
      const ski = /X509v3 Subject Key Identifier:\s+([0-9A-F:]+)/.exec(text)?.[1];
      const aki = /X509v3 Authority Key Identifier:\s+(?:keyid:)?([0-9A-F:]+)/.exec(text)?.[1];
      expect(ski).toBeDefined();
      expect(aki).toBe(ski);
      // RFC 2253 prints the last RDN first, so it reads like the policy's subject: our DER order is right.
      expect(openssl("x509", "-in", certPath, "-noout", "-subject", "-nameopt", "RFC2253").trim()).toBe(
        "subject=CN=api.myapp.com,O=Contoso,OU=IT,L=Redmond,ST=WA,C=US,emailAddress=admin@myapp.com",
      );
      expect(opensslAll("verify", "-CAfile", certPath, certPath)).toContain(": OK");

      const node = new X509Certificate(der);
      expect(node.verify(node.publicKey)).toBe(true);
      expect(node.keyUsage).toStrictEqual(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]);
      const pkcs8 = await pkcs8FromPrivateJwk(jwk);
      expect(node.checkPrivateKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" }))).toBe(true);
      const parsed = await parseCertificate(der);
      expect(parsed.serialNumber).toBe(node.serialNumber);
      expect(Buffer.from(parsed.x5t, "base64url").toString("hex")).toBe(node.fingerprint.replace(/:/g, "").toLowerCase());
    }, 60_000);
  }
});

describe("CSR → CA-signed certificate → merge checks", () => {
  it("openssl req -verify accepts our CSR; OpenSSL signs it; verifyChain and certificateMatchesKey accept the result", async () => {
    const caKey = file("ca-key.pem");
    const caCert = file("ca-cert.pem");
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", caKey, "-out", caCert, "-days", "30", "-subj", "/O=Edge Vault Tests/CN=Merge CA", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign");
    for (const [label, , makeKey] of KEYS) {
      const jwk = await makeKey();
      if (jwk.kty === "oct") throw new Error("unexpected key");
      const csr = await createCsr({ subject: "CN=pending.myapp.com, O=Contoso", sans: { dnsNames: ["pending.myapp.com"] }, keyUsage: ["digitalSignature"], privateJwk: jwk });
      const csrPath = file("req.pem", pem("CERTIFICATE REQUEST", csr));
      expect(opensslAll("req", "-in", csrPath, "-noout", "-verify"), label).toMatch(/verify OK/);
      const requestText = openssl("req", "-in", csrPath, "-noout", "-text");
      expect(requestText).toContain("Requested Extensions:");
      expect(requestText).toMatch(/X509v3 Subject Alternative Name:\s+DNS:pending.myapp.com/);
      expect(requestText).toContain("Subject: O = Contoso, CN = pending.myapp.com");

      const leafPath = file("leaf.pem");
      openssl("x509", "-req", "-in", csrPath, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial", "-days", "10", "-copy_extensions", "copyall", "-out", leafPath);
      const leaf = pemToDer(readFileSync(leafPath, "utf8"));
      const ca = pemToDer(readFileSync(caCert, "utf8"));
      expect(await verifyChain(leaf, [ca]), label).toBe(true);
      const publicJwk = jwk.kty === "RSA" ? { kty: "RSA" as const, n: jwk.n, e: jwk.e } : { kty: "EC" as const, crv: jwk.crv, x: jwk.x, y: jwk.y };
      expect(await certificateMatchesKey(leaf, publicJwk)).toBe(true);
      const parsed = await parseCertificate(leaf);
      expect(parsed.subject).toBe("CN=pending.myapp.com, O=Contoso");
      expect(parsed.issuer).toBe("CN=Merge CA, O=Edge Vault Tests");
      expect(parsed.sans.dnsNames).toStrictEqual(["pending.myapp.com"]);
      expect((await parseCsr(csr)).signatureValid).toBe(true);
    }
  }, 120_000);
});

describe("PFX we write, read by OpenSSL and served by Node's TLS", () => {
  it("openssl pkcs12 reads it with an empty or a real password and finds PBES2 / AES-256 / HMAC-SHA256", async () => {
    const jwk = generateEc("P-256");
    const der = await issueSelfSigned({ subject: "CN=pfx.myapp.com", notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), privateJwk: jwk });
    const pkcs8 = await pkcs8FromPrivateJwk(jwk);
    for (const password of [undefined, "pässwörd 1"]) {
      const pfxPath = file("out.pfx", await writePfx([der], pkcs8, password));
      const pass = `pass:${password ?? ""}`;
      const info = opensslAll("pkcs12", "-in", pfxPath, "-info", "-noout", "-passin", pass);
      expect(info).toContain("MAC: sha256, Iteration 2048");
      expect(info).toContain("PBES2, PBKDF2, AES-256-CBC, Iteration 2048, PRF hmacWithSHA256");
      expect(info).not.toMatch(/error|invalid/i);
      const out = openssl("pkcs12", "-in", pfxPath, "-nodes", "-passin", pass);
      expect(Buffer.from(pemToDer(out)).equals(Buffer.from(der))).toBe(true);
      expect(jwkOf(out)).toStrictEqual({ ...jwk });
      expect(() => openssl("pkcs12", "-in", pfxPath, "-nodes", "-passin", "pass:wrong")).toThrow();
    }
  });

  for (const [label, , makeKey] of KEYS.slice(0, 2)) {
    it(`${label}: a TLS server runs on our PFX (empty password) and a client that trusts our certificate connects`, async () => {
      const jwk = await makeKey();
      const der = await issueSelfSigned({
        subject: "CN=localhost",
        sans: { dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] },
        keyUsage: ["digitalSignature", "keyEncipherment"],
        notBefore: new Date(Date.now() - 60_000),
        notAfter: new Date(Date.now() + 86_400_000),
        privateJwk: jwk,
      });
      const pfx = await writePfx([der], await pkcs8FromPrivateJwk(jwk));
      const server: Server = createServer({ pfx: Buffer.from(pfx), passphrase: "" }, (socket) => socket.end("hello"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const { port } = server.address() as AddressInfo;
        const reply = await new Promise<string>((resolve, reject) => {
          const socket = connect({ host: "127.0.0.1", port, servername: "localhost", ca: pem("CERTIFICATE", der) }, () => {
            let data = "";
            socket.on("data", (chunk: Buffer) => (data += chunk.toString()));
            socket.on("end", () => resolve(data));
          });
          socket.on("error", reject);
        });
        expect(reply).toBe("hello");
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    }, 60_000);
  }
});

describe("what OpenSSL writes, read by us", () => {
  it("fresh PFX files, default and -legacy, with a chain and a random password", async () => {
    const caKey = file("ca-key.pem");
    const caCert = file("ca.pem");
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-384", "-nodes", "-keyout", caKey, "-out", caCert, "-days", "30", "-subj", "/CN=Fresh CA", "-addext", "basicConstraints=critical,CA:TRUE");
    const leafKey = file("leaf-key.pem");
    const leafCsr = file("leaf.csr");
    const leafCert = file("leaf.pem");
    openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", leafKey, "-out", leafCsr, "-subj", "/CN=fresh.myapp.com");
    openssl("x509", "-req", "-in", leafCsr, "-CA", caCert, "-CAkey", caKey, "-CAcreateserial", "-days", "10", "-out", leafCert);
    const password = randomBytes(9).toString("base64");
    for (const legacy of [false, true]) {
      const pfxPath = file("fresh.pfx");
      openssl("pkcs12", "-export", ...(legacy ? ["-legacy"] : []), "-in", leafCert, "-inkey", leafKey, "-certfile", caCert, "-passout", `pass:${password}`, "-out", pfxPath);
      const pfx = await readPfx(new Uint8Array(readFileSync(pfxPath)), password);
      expect(pfx.certificates.map((cert) => Buffer.from(cert).toString("hex"))).toStrictEqual(
        [leafCert, caCert].map((path) => Buffer.from(pemToDer(readFileSync(path, "utf8"))).toString("hex")),
      );
      expect(await privateJwkFromPkcs8(pfx.privateKeyPkcs8)).toStrictEqual(jwkOf(readFileSync(leafKey, "utf8")));
      expect(await verifyChain(pfx.certificates[0] ?? new Uint8Array(), pfx.certificates.slice(1))).toBe(true);
    }
  });

  it("PEM we write is read by openssl x509, pkey and verify; OpenSSL's -nodes output is read by us", async () => {
    const jwk = await generateRsa(2048);
    const der = await issueSelfSigned({ subject: "CN=pem.myapp.com", notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), privateJwk: jwk });
    const pkcs8 = await pkcs8FromPrivateJwk(jwk);
    const text = writePem([der], pkcs8);
    const path = file("bundle.pem", text);
    expect(openssl("x509", "-in", path, "-noout", "-subject").trim()).toBe("subject=CN = pem.myapp.com");
    expect(jwkOf(openssl("pkey", "-in", path))).toStrictEqual({ ...jwk });
    expect(opensslAll("verify", "-CAfile", path, path)).toContain(": OK");
    // Round trip through OpenSSL's own PFX and its -nodes PEM (with "Bag Attributes" text around blocks).
    const pfxPath = file("via-openssl.pfx");
    openssl("pkcs12", "-export", "-in", path, "-inkey", path, "-passout", "pass:x", "-out", pfxPath);
    const nodesPem = openssl("pkcs12", "-in", pfxPath, "-nodes", "-passin", "pass:x");
    expect(nodesPem).toContain("Bag Attributes");
    const back = readPem(nodesPem);
    expect(back.certificates.map((cert) => Buffer.from(cert).toString("hex"))).toStrictEqual([Buffer.from(der).toString("hex")]);
    expect(await privateJwkFromPkcs8(back.privateKeyPkcs8 ?? new Uint8Array())).toStrictEqual(jwk);
  }, 60_000);
});
