import { createHash, X509Certificate } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic } from "./files.ts";
import { httpsJson } from "./https-json.ts";
import { opensslOrThrow } from "./openssl.ts";

/**
 * `npm run dev` activates its `devhsm` the way an administrator activates a new managed HSM (docs/managed-hsm.md
 * "Security domain"): three holders' RSA keys and self-signed certificates, and a download of the security domain
 * split 2 of 3 among them. Everything is kept under `.dev/security-domain/` (keys 0600): with it, and
 * `az keyvault security-domain restore-blob` or core/crypto/security-domain/restore-blob.ts, the domain can be
 * uploaded into another managed HSM. Nothing happens when the HSM is active already.
 */
const HOLDERS = 3;
const REQUIRED = 2;
const API_VERSION = "7.5";

export interface HsmActivation {
  readonly hsmUrl: string;
  readonly origin: string;
  readonly identityHeader: string;
  readonly ca: string;
  readonly dir: string;
}

export type ActivationOutcome = "active" | "activated";

async function token(a: HsmActivation): Promise<string> {
  const resource = `https://${new URL(a.hsmUrl).host.split(".").slice(1).join(".")}`;
  const answer = await httpsJson({
    url: `${a.origin}/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(resource)}`,
    ca: a.ca,
    headers: { "x-identity-header": a.identityHeader },
  });
  const accessToken = (answer.json as { access_token?: unknown } | undefined)?.access_token;
  if (answer.status !== 200 || typeof accessToken !== "string") throw new Error(`no token for ${resource}: ${answer.status} ${answer.text}`);
  return accessToken;
}

/** One holder: its key (PEM, 0600) and self-signed certificate, made with openssl, and the JWK a download sends. */
async function holder(dir: string, n: number): Promise<Record<string, unknown>> {
  const keyPath = join(dir, `holder-${n}-key.pem`);
  const certPath = join(dir, `holder-${n}.pem`);
  await opensslOrThrow(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", keyPath]);
  await chmod(keyPath, 0o600);
  await opensslOrThrow(["req", "-new", "-x509", "-key", keyPath, "-out", certPath, "-days", "3650", "-subj", `/CN=devhsm security domain holder ${n}`]);
  const certificate = new X509Certificate(await readFile(certPath));
  const { n: modulus, e } = certificate.publicKey.export({ format: "jwk" });
  return {
    kty: "RSA",
    alg: "RSA-OAEP-256",
    key_ops: ["verify", "encrypt", "wrapKey"],
    n: modulus,
    e,
    x5c: [certificate.raw.toString("base64")],
    "x5t#S256": createHash("sha256").update(certificate.raw).digest("base64url"),
  };
}

export async function ensureHsmActivated(a: HsmActivation): Promise<ActivationOutcome> {
  const authorization = `Bearer ${await token(a)}`;
  const probe = await httpsJson({ url: `${a.hsmUrl}/keys?api-version=${API_VERSION}&maxresults=1`, ca: a.ca, headers: { authorization } });
  if (probe.status !== 409) return "active";
  await mkdir(a.dir, { recursive: true, mode: 0o700 });
  const certificates = [];
  for (let n = 1; n <= HOLDERS; n++) certificates.push(await holder(a.dir, n));
  const download = await httpsJson({
    url: `${a.hsmUrl}/securitydomain/download?api-version=${API_VERSION}`,
    method: "POST",
    ca: a.ca,
    headers: { authorization },
    body: { certificates, required: REQUIRED },
    timeoutMs: 30_000,
  });
  const value = (download.json as { value?: unknown } | undefined)?.value;
  if (download.status !== 202 || typeof value !== "string") throw new Error(`security domain download answered ${download.status}: ${download.text}`);
  await writeFileAtomic(join(a.dir, "securitydomain.json"), value, 0o600);
  await untilSettled(a, authorization);
  return "activated";
}

/** The download settles after the vault's long-running-operation delay (about a second): wait for it. */
async function untilSettled(a: HsmActivation, authorization: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const status = await httpsJson({ url: `${a.hsmUrl}/securitydomain/download/pending?api-version=${API_VERSION}`, ca: a.ca, headers: { authorization } });
    if ((status.json as { status?: unknown } | undefined)?.status === "Success") return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error("the security domain download of the dev managed HSM did not settle");
}
