import { createHash, createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { CliError } from "../errors.ts";

/** Assertions live briefly: the token service only needs them for the one request. */
const ASSERTION_LIFETIME_SECONDS = 600;

/**
 * A client assertion signed with the service principal's certificate (`private_key_jwt`, RFC 7523), the shape Entra
 * and ClientCertificateCredential use: RS256 with the certificate's SHA-1 thumbprint in `x5t`, `iss` = `sub` = the
 * client id, `aud` = the token endpoint, a fresh `jti` (the token service refuses replays). The PEM file holds the
 * private key and the certificate, as `az login --service-principal --certificate` expects.
 */
export function certificateAssertion(pemFile: string, clientId: string, audience: string): string {
  const pem = readFileSync(pemFile, "utf8");
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  if (certificatePem === undefined) throw new CliError(`${pemFile} holds no certificate (PEM with the private key and the certificate expected).`);
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== "rsa") throw new CliError(`${pemFile}: certificate credentials are RSA keys (RS256 assertions).`);
  const thumbprint = createHash("sha1").update(new X509Certificate(certificatePem).raw).digest("base64url");
  const now = Math.floor(Date.now() / 1000);
  const header = { alg: "RS256", typ: "JWT", x5t: thumbprint };
  const claims = { aud: audience, iss: clientId, sub: clientId, jti: randomUUID(), nbf: now, iat: now, exp: now + ASSERTION_LIFETIME_SECONDS };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  return `${signingInput}.${sign("sha256", Buffer.from(signingInput), key).toString("base64url")}`;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
