import * as asn1js from "asn1js";
import { Attribute, CertificationRequest, Extension, Extensions } from "pkijs";
import type { PublicJwk } from "../keys/key-types.ts";
import { X509Error, CSR_UNREADABLE } from "./x509-error.ts";
import { OID } from "./oids.ts";
import { encodeDer, parseDerExactly } from "./der.ts";
import { decodeName, formatName, parseSubject } from "./names.ts";
import { readExtensions, requestedExtensions, type RequestedExtensions } from "./extensions.ts";
import type { ParsedSubjectAlternativeNames } from "./general-names.ts";
import type { KeyUsageName } from "./key-usage.ts";
import { pkiName, publicKeyInfo, signatureAlgorithm, signStructure } from "./to-be-signed.ts";
import { publicJwkFromSpki, resolveSigningKey, type KeyInput } from "./signing-key.ts";
import { PKI_ENGINE } from "./engine.ts";

export type CsrInput = RequestedExtensions & KeyInput & { readonly subject: string };

/**
 * A PKCS#10 request (RFC 2986) for a policy whose issuer is "Unknown" (Certificates – Create returns
 * it as the pending operation's `csr`): the subject, the subject key, and the policy's extensions in
 * one PKCS#9 extensionRequest attribute (RFC 2985 §5.4.2) — the shape of Azure's own CSRs, which hold
 * KeyUsage, ExtKeyUsage and BasicConstraints there. No SubjectKeyIdentifier: the CA chooses it.
 */
export async function createCsr(input: CsrInput): Promise<Uint8Array<ArrayBuffer>> {
  const name = parseSubject(input.subject);
  const extensions = requestedExtensions(input);
  const key = await resolveSigningKey(input);
  const algorithm = signatureAlgorithm(key);
  const request = new CertificationRequest({
    version: 0, // v1 (RFC 2986 §4.1)
    subject: pkiName(name),
    subjectPublicKeyInfo: await publicKeyInfo(key),
    attributes: [new Attribute({ type: OID.extensionRequest, values: [new Extensions({ extensions }).toSchema()] })],
  });
  const tbs = request.toSchema(true).valueBlock.value[0];
  if (tbs === undefined) throw new Error("pkijs produced no CertificationRequestInfo");
  return signStructure(tbs, algorithm, key);
}

export interface ParsedCsr {
  readonly subject: string;
  readonly publicJwk: PublicJwk;
  readonly sans: ParsedSubjectAlternativeNames;
  readonly ekus: string[];
  readonly keyUsage: KeyUsageName[];
  /** Whether the request's signature verifies with its own public key (RFC 2986 §3 proof of possession). */
  readonly signatureValid: boolean;
}

/** Reads a PKCS#10 request; its extensionRequest, if any, gives the SAN, EKU and key usage. */
export async function parseCsr(der: Uint8Array): Promise<ParsedCsr> {
  const asn = parseDerExactly(der);
  if (asn === null) throw new X509Error(CSR_UNREADABLE);
  let request: CertificationRequest;
  try {
    request = new CertificationRequest({ schema: asn });
  } catch {
    throw new X509Error(CSR_UNREADABLE);
  }
  const subject = formatName(decodeName(request.subject.toSchema()));
  const publicJwk = await publicJwkFromSpki(encodeDer(request.subjectPublicKeyInfo.toSchema()));
  const { sans, ekus, keyUsage } = readExtensions(requestedExtensionsOf(request));
  const signatureValid = await request.verify(PKI_ENGINE).catch(() => false);
  return { subject, publicJwk, sans, ekus, keyUsage, signatureValid };
}

function requestedExtensionsOf(request: CertificationRequest): Extension[] {
  const attribute = request.attributes?.find((candidate) => candidate.type === OID.extensionRequest);
  const value: unknown = attribute?.values[0];
  if (value === undefined) return [];
  if (!(value instanceof asn1js.Sequence)) throw new X509Error(CSR_UNREADABLE);
  try {
    return new Extensions({ schema: value }).extensions;
  } catch {
    throw new X509Error(CSR_UNREADABLE);
  }
}
