/**
 * The one error of the X.509 layer. Its message is written for the client (the certificates API maps
 * it to 400 BadParameter); detail that could help an attacker — which of a PFX's checks failed, what
 * the decrypted bytes looked like — never goes into it (docs/decisions.md §6.4).
 */
export class X509Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = "X509Error";
  }
}

/**
 * Azure's own wording for content it cannot read (Certificates – Import, BadParameter), so clients
 * that match on it keep working: the PKCS#12 text is quoted in Azure-Samples troubleshooting for
 * `az keyvault certificate import` of a PFX with the wrong password; the PEM text in the Key Vault
 * certificate FAQ (MicrosoftDocs azure-docs, key-vault/certificates/faq.yml).
 */
export const PKCS12_UNREADABLE =
  "The specified PKCS#12 X.509 certificate content can not be read. Please check if certificate is in valid PKCS#12 format.";
export const PEM_UNEXPECTED_FORMAT =
  "The specified PEM X.509 certificate content is in an unexpected format. Please check if certificate is in valid PEM format.";
export const CERTIFICATE_UNREADABLE = "The certificate is not a valid DER-encoded X.509 certificate.";
export const CSR_UNREADABLE = "The certificate signing request is not a valid DER-encoded PKCS#10 request.";
export const SECP256K1_REFUSED =
  "Keys on curve P-256K (secp256k1) cannot be used for certificates. Supported curves are [P-256, P-384, P-521]";

/** Runs `operation`; anything it throws other than an X509Error becomes X509Error(message). */
export async function orX509Error<T>(message: string, operation: () => Promise<T> | T): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof X509Error) throw error;
    throw new X509Error(message);
  }
}
