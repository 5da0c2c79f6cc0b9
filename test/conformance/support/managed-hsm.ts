/** Managed HSMs of the suite's dev tenant, and their security-domain holders (docs/managed-hsm.md). */
import { generateKeyPairSync } from "node:crypto";
import { bytesToBase64, bytesToBase64Url } from "../../../core/crypto/bytes.ts";
import type { RsaPrivateJwk } from "../../../core/crypto/keys/key-types.ts";
import { issueSelfSigned } from "../../../core/crypto/x509/issue.ts";
import { adminClient } from "./admin.ts";
import { devServerFacts } from "./dev-server-facts.ts";

export interface Holder {
  readonly certificate: Uint8Array;
  readonly privateJwk: RsaPrivateJwk;
  /** The public key as the security-domain download takes it: RSA in a self-signed certificate, with its thumbprint. */
  readonly jwk: Record<string, unknown>;
}

/** A security-domain holder: an RSA key and its self-signed certificate, as `az keyvault security-domain download` takes. */
export async function holder(n: number): Promise<Holder> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const privateJwk = privateKey.export({ format: "jwk" }) as unknown as RsaPrivateJwk;
  const certificate = await issueSelfSigned({
    privateJwk,
    subject: `CN=holder ${n}`,
    notBefore: new Date(Date.UTC(2026, 0, 1)),
    notAfter: new Date(Date.UTC(2036, 0, 1)),
    keyUsage: ["keyEncipherment"],
    ekus: [],
  });
  const sha256 = bytesToBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", certificate)));
  return { certificate, privateJwk, jwk: { kty: "RSA", alg: "RSA-OAEP-256", n: privateJwk.n, e: privateJwk.e, x5c: [bytesToBase64(certificate)], "x5t#S256": sha256 } };
}

/** A managed HSM of the dev tenant, the dev identity its initial administrator and holding `roles`; answers its URL. */
export async function makeManagedHsm(name: string, roles: readonly string[]): Promise<string> {
  const facts = devServerFacts();
  const admin = adminClient(facts);
  await admin.createVault(facts.tenantId, name, { softDeleteRetentionInDays: 7, enablePurgeProtection: false, sku: "managedHSM", initialAdminObjectIds: [facts.principalId] });
  for (const role of roles) await admin.assignRole(facts.tenantId, name, crypto.randomUUID(), role, facts.principalId);
  return `https://${name}.managedhsm.localhost:${facts.port}`;
}
