import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { VAULT_OPTIONS, flag, str, type Command, type CommandContext } from "../command.ts";
import { CliError, UsageError } from "../errors.ts";
import { FILE, NAME, TAGS, VERSION, attributesOf, segment, tagsOf, versioned, writeNewFile } from "../object-options.ts";
import { certificateListItemShape, certificateOperationShape, certificateShape } from "../shapes.ts";
import { policyToWire } from "../certificate-policy.ts";
import { jsonArgument } from "./key.ts";
import { vaultOf } from "./secret.ts";

const certName = (context: CommandContext): string => segment(str(context.options, "name") as string);
/** Issuance completes shortly after the call (docs/long-running-operations.md); a CA's merge can take a person days. */
const POLL_INTERVAL_MS = 1000;
const POLL_LIMIT = 120;

/** az keyvault certificate get-default-policy: a self-signed RSA-2048 certificate, PKCS#12, a year, renewed at 80%. */
export const DEFAULT_POLICY = {
  issuerParameters: { name: "Self" },
  keyProperties: { exportable: true, keySize: 2048, keyType: "RSA", reuseKey: true },
  lifetimeActions: [{ action: { actionType: "AutoRenew" }, trigger: { daysBeforeExpiry: 90 } }],
  secretProperties: { contentType: "application/x-pkcs12" },
  x509CertificateProperties: { keyUsage: ["cRLSign", "dataEncipherment", "digitalSignature", "keyEncipherment", "keyAgreement", "keyCertSign"], subject: "CN=CLIGetDefaultPolicy", validityInMonths: 12 },
};

/** Every certificate of a PEM file (or the one of a DER file) as base64 DER, leaf first. */
function certificatesOf(file: string): string[] {
  const data = readFileSync(file);
  const text = data.toString("utf8");
  if (!text.includes("-----BEGIN CERTIFICATE-----")) return [new X509Certificate(data).raw.toString("base64")];
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/g)].map((m) => (m[1] as string).replace(/\s+/g, ""));
}

const pemOf = (derBase64: string): string => `-----BEGIN CERTIFICATE-----\n${(derBase64.match(/.{1,64}/g) ?? []).join("\n")}\n-----END CERTIFICATE-----\n`;

export const CERTIFICATE_COMMANDS: Command[] = [
  {
    path: "certificate get-default-policy",
    summary: "Print the default policy (a self-signed certificate), to edit and pass to create --policy @file.",
    example: "kv certificate get-default-policy > policy.json",
    options: {},
    run: async () => DEFAULT_POLICY,
  },
  {
    path: "certificate create",
    summary: "Create a certificate from a policy and wait for its issuance (progress on a terminal).",
    example: "kv certificate create --vault-name dev --name web --policy @policy.json",
    options: { ...VAULT_OPTIONS, ...NAME, policy: { type: "string", short: "p", required: true, description: "The policy JSON, or @file (see get-default-policy)." }, disabled: { type: "boolean", description: "Create it disabled." }, ...TAGS },
    async run(context) {
      const vault = vaultOf(context);
      const body = { policy: policyToWire(jsonArgument(str(context.options, "policy") as string)), tags: tagsOf(context.options), attributes: attributesOf(context.options, flag(context.options, "disabled") ? false : undefined) };
      // The wire's CertificateOperation names its issuer `issuer` (certificates.json); az's model, issuerParameters.
      let operation = (await vault.call("POST", `/certificates/${certName(context)}/create`, body)) as { status?: string; issuer?: { name?: string } };
      const progress = context.session().progress;
      // A CA's certificate ("Unknown" issuer) waits for `pending merge`, so there is nothing to wait for here
      // (azure-cli create_certificate returns the pending operation at once for it too).
      for (let polls = 0; operation.status === "inProgress" && operation.issuer?.name?.toLowerCase() !== "unknown"; polls++) {
        if (polls >= POLL_LIMIT) throw new CliError("The certificate is still being issued; see kv certificate pending show.");
        await progress.wait(`Creating certificate '${str(context.options, "name")}'`, POLL_INTERVAL_MS);
        operation = (await vault.call("GET", `/certificates/${certName(context)}/pending`)) as typeof operation;
      }
      progress.done();
      if (operation.status === "inProgress") return certificateOperationShape(operation);
      if (operation.status !== "completed") throw new CliError(`Certificate creation ended ${operation.status}: ${JSON.stringify(operation)}`);
      return certificateShape(await vault.call("GET", `/certificates/${certName(context)}`));
    },
  },
  {
    path: "certificate import",
    summary: "Import a certificate with its private key (PEM or PFX file).",
    example: "kv certificate import --vault-name dev --name web --file web.pfx --password \"$PFX_PASSWORD\"",
    options: { ...VAULT_OPTIONS, ...NAME, ...FILE, password: { type: "string", description: "Password of a PFX." }, policy: { type: "string", short: "p", description: "A policy for the certificate's renewal and key (JSON, or @file)." }, disabled: { type: "boolean", description: "Import it disabled." }, ...TAGS },
    async run(context) {
      const data = readFileSync(str(context.options, "file") as string);
      const pem = data.toString("utf8").includes("-----BEGIN");
      const contentType = pem ? "application/x-pem-file" : "application/x-pkcs12";
      const given = str(context.options, "policy");
      const policy = (given === undefined ? {} : policyToWire(jsonArgument(given))) as Record<string, unknown>;
      const body = {
        // az sends PEM as text with Windows line ends made Unix (azure-cli keyvault/custom.py import_certificate).
        value: pem ? data.toString("utf8").replaceAll("\r\n", "\n") : data.toString("base64"),
        pwd: str(context.options, "password"),
        // The wire's policy is snake_case (certificates.json): the file's type rides in secret_props, as az sets it.
        policy: { ...policy, secret_props: { ...(policy.secret_props as Record<string, unknown> | undefined), contentType } },
        tags: tagsOf(context.options),
        attributes: attributesOf(context.options, flag(context.options, "disabled") ? false : undefined),
      };
      return certificateShape(await vaultOf(context).call("POST", `/certificates/${certName(context)}/import`, body));
    },
  },
  { path: "certificate show", summary: "Get a certificate.", example: "kv certificate show --vault-name dev --name web --query x509ThumbprintHex -o tsv", options: { ...VAULT_OPTIONS, ...NAME, ...VERSION }, run: async (c) => certificateShape(await vaultOf(c).call("GET", versioned("certificates", c.options))) },
  { path: "certificate list", summary: "List certificates.", example: "kv certificate list --vault-name dev -o table", options: { ...VAULT_OPTIONS }, run: async (c) => (await vaultOf(c).listAll("/certificates")).map(certificateListItemShape) },
  {
    path: "certificate download",
    summary: "Download a certificate's public part (PEM by default, or DER); the private key is in the secret of the same name.",
    example: "kv certificate download --vault-name dev --name web --file web.crt",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...FILE, encoding: { type: "string", short: "e", description: "PEM (default) or DER." } },
    async run(context) {
      const encoding = str(context.options, "encoding") ?? "PEM";
      if (encoding !== "PEM" && encoding !== "DER") throw new UsageError("--encoding takes PEM or DER.");
      const { cer } = (await vaultOf(context).call("GET", versioned("certificates", context.options))) as { cer?: string };
      if (cer === undefined) throw new CliError("The certificate has no issued version yet (see kv certificate pending show).");
      const der = Buffer.from(cer, "base64url");
      writeNewFile(str(context.options, "file") as string, encoding === "DER" ? der : pemOf(der.toString("base64")));
      return undefined;
    },
  },
  { path: "certificate pending show", summary: "Show a certificate's pending operation (status, CSR in base64 DER).", example: "kv certificate pending show --vault-name dev --name web --query csr -o tsv", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => certificateOperationShape(await vaultOf(c).call("GET", `/certificates/${certName(c)}/pending`)) },
  {
    path: "certificate pending merge",
    summary: "Merge the certificate (and chain) a CA signed from the pending CSR.",
    example: "kv certificate pending merge --vault-name dev --name web --file signed-chain.pem",
    options: { ...VAULT_OPTIONS, ...NAME, ...FILE, disabled: { type: "boolean", description: "Merge it disabled." }, ...TAGS },
    run: async (c) => {
      const body = { x5c: certificatesOf(str(c.options, "file") as string), tags: tagsOf(c.options), attributes: attributesOf(c.options, flag(c.options, "disabled") ? false : undefined) };
      return certificateShape(await vaultOf(c).call("POST", `/certificates/${certName(c)}/pending/merge`, body));
    },
  },
  { path: "certificate pending delete", summary: "Cancel and delete a pending operation.", example: "kv certificate pending delete --vault-name dev --name web", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => certificateOperationShape(await vaultOf(c).call("DELETE", `/certificates/${certName(c)}/pending`)) },
];
