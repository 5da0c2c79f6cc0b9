/**
 * The production transport options: HTTPS with the bridge's certificate, and mTLS (`tls.clientCaFile`), where a
 * caller without a certificate from that CA never completes the handshake. Certificates are made here with the
 * openssl CLI; the bridge runs as its own process on its own token.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HEADER, hmacCredentials, responseProblem, signRequest } from "../../core/hsm/bridge-client/index.ts";
import { startBridgeProcess, type BridgeProcess } from "./support/bridge-process.ts";
import { createTokenDir, type TokenDir } from "./support/token-dir.ts";

const run = promisify(execFile);
let dir: string;
let token: TokenDir;
let bridge: BridgeProcess | undefined;
let pem: { ca: string; clientCert: string; clientKey: string; otherCert: string; otherKey: string };

async function issue(name: string, subject: string, extensions: string, issuer: string): Promise<void> {
  await run("openssl", ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, `${name}.key`), "-subj", subject, "-out", join(dir, `${name}.csr`)]);
  await writeFile(join(dir, `${name}.ext`), extensions);
  await run("openssl", ["x509", "-req", "-in", join(dir, `${name}.csr`), "-CA", join(dir, `${issuer}.crt`), "-CAkey", join(dir, `${issuer}.key`), "-CAcreateserial", "-days", "1", "-extfile", join(dir, `${name}.ext`), "-out", join(dir, `${name}.crt`)]);
}

async function selfSigned(name: string): Promise<void> {
  await run("openssl", ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", join(dir, `${name}.key`), "-subj", `/CN=${name}`, "-days", "1", "-out", join(dir, `${name}.crt`)]);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "edge-vault-bridge-tls-"));
  token = await createTokenDir(dir, "tls-tests");
  await selfSigned("ca");
  await selfSigned("other-ca");
  await issue("server", "/CN=bridge", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n", "ca");
  await issue("client", "/CN=vault", "extendedKeyUsage=clientAuth\n", "ca");
  await issue("other", "/CN=stranger", "extendedKeyUsage=clientAuth\n", "other-ca");
  const config = JSON.parse(await readFile(token.configPath, "utf8")) as Record<string, unknown>;
  await writeFile(token.configPath, JSON.stringify({ ...config, tls: { certFile: "server.crt", keyFile: "server.key", clientCaFile: "ca.crt" } }));
  const read = (name: string) => readFile(join(dir, name), "utf8");
  pem = { ca: await read("ca.crt"), clientCert: await read("client.crt"), clientKey: await read("client.key"), otherCert: await read("other.crt"), otherKey: await read("other.key") };
  bridge = await startBridgeProcess(token.configPath);
});

afterAll(async () => {
  await bridge?.stop();
  await rm(dir, { recursive: true, force: true });
});

function get(path: string, headers: Record<string, string>, identity?: { cert: string; key: string }) {
  const url = new URL(bridge?.url ?? "");
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const outgoing = request({ hostname: url.hostname, port: url.port, path, method: "GET", ca: pem.ca, headers, ...identity }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    outgoing.on("error", reject);
    outgoing.end();
  });
}

describe("TLS with client certificates (mTLS)", () => {
  it("serves HTTPS and answers a caller with a certificate from the configured CA; the answer is signed", async () => {
    expect(bridge?.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const credentials = await hmacCredentials("vault", token.hmacSecret);
    const signed = await signRequest(credentials, { method: "GET", path: "/health", body: new Uint8Array(0) }, Date.now());
    const answer = await get("/health", signed.headers, { cert: pem.clientCert, key: pem.clientKey });
    expect(answer.status).toBe(200);
    const header = (name: string) => {
      const value = answer.headers[name];
      return typeof value === "string" ? value : null;
    };
    expect(header(HEADER.signature)).not.toBeNull();
    expect(await responseProblem(credentials, signed.nonce, 200, header, new Uint8Array(answer.body), Date.now())).toBeUndefined();
  });

  it("refuses the handshake without a client certificate, or with one from another CA", async () => {
    await expect(get("/health", {})).rejects.toThrow();
    await expect(get("/health", {}, { cert: pem.otherCert, key: pem.otherKey })).rejects.toThrow();
  });
});
