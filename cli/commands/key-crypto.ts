import { VAULT_OPTIONS, str, type Command, type CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { NAME, VERSION, versioned } from "../object-options.ts";
import { vaultOf } from "./secret.ts";

/**
 * The key operations, with az's options and answers: bytes in and out as standard base64 (the wire's are
 * base64url), `--data-type plaintext` for text in encrypt and out of decrypt. Signing takes a digest, as in Azure.
 */
const ALGORITHM = { algorithm: { type: "string", short: "a", required: true, description: "Algorithm, e.g. RS256, ES256, RSA-OAEP-256, A256KW." } } as const;
const VALUE = { value: { type: "string", required: true, description: "The input, base64 (or text with --data-type plaintext)." } } as const;
const DATA_TYPE = { "data-type": { type: "string", description: "base64 (default) or plaintext." } } as const;

const base64urlOf = (base64: string): string => Buffer.from(base64, "base64").toString("base64url");
const base64Of = (base64url: string): string => Buffer.from(base64url, "base64url").toString("base64");

function dataType(context: CommandContext): "base64" | "plaintext" {
  const value = str(context.options, "data-type") ?? "base64";
  if (value !== "base64" && value !== "plaintext") throw new UsageError("--data-type takes base64 or plaintext.");
  return value;
}

async function operate(context: CommandContext, operation: string, body: Record<string, unknown>): Promise<{ kid: string; value: unknown }> {
  return (await vaultOf(context).call("POST", `${versioned("keys", context.options)}/${operation}`, { alg: str(context.options, "algorithm"), ...body })) as { kid: string; value: unknown };
}

function transform(operation: "encrypt" | "decrypt" | "wrapkey" | "unwrapkey", summary: string, example: string): Command {
  const textIn = operation === "encrypt";
  const textOut = operation === "decrypt";
  return {
    path: `key ${operation === "wrapkey" ? "wrap" : operation === "unwrapkey" ? "unwrap" : operation}`,
    summary,
    example,
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...ALGORITHM, ...VALUE, ...(textIn || textOut ? DATA_TYPE : {}) },
    async run(context) {
      const input = str(context.options, "value") as string;
      const value = textIn && dataType(context) === "plaintext" ? Buffer.from(input, "utf8").toString("base64url") : base64urlOf(input);
      const answer = await operate(context, operation, { value });
      const bytes = Buffer.from(answer.value as string, "base64url");
      return { algorithm: str(context.options, "algorithm"), kid: answer.kid, result: textOut && dataType(context) === "plaintext" ? bytes.toString("utf8") : bytes.toString("base64") };
    },
  };
}

export const KEY_CRYPTO_COMMANDS: Command[] = [
  {
    path: "key sign",
    summary: "Sign a digest (base64) with a key.",
    example: "kv key sign --vault-name dev --name signing --algorithm ES256 --digest $(printf hello | openssl dgst -sha256 -binary | base64)",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...ALGORITHM, digest: { type: "string", required: true, description: "The digest, base64." } },
    async run(context) {
      const answer = await operate(context, "sign", { value: base64urlOf(str(context.options, "digest") as string) });
      return { algorithm: str(context.options, "algorithm"), kid: answer.kid, signature: base64Of(answer.value as string) };
    },
  },
  {
    path: "key verify",
    summary: "Verify a signature (base64) of a digest (base64).",
    example: "kv key verify --vault-name dev --name signing --algorithm ES256 --digest <b64> --signature <b64>",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...ALGORITHM, digest: { type: "string", required: true, description: "The digest, base64." }, signature: { type: "string", required: true, description: "The signature, base64." } },
    async run(context) {
      const answer = await operate(context, "verify", { digest: base64urlOf(str(context.options, "digest") as string), value: base64urlOf(str(context.options, "signature") as string) });
      return { algorithm: str(context.options, "algorithm"), isValid: answer.value === true };
    },
  },
  transform("encrypt", "Encrypt a value (base64, or text with --data-type plaintext).", "kv key encrypt --vault-name dev --name rsa --algorithm RSA-OAEP-256 --value hello --data-type plaintext"),
  transform("decrypt", "Decrypt a value (base64); --data-type plaintext prints the result as text.", "kv key decrypt --vault-name dev --name rsa --algorithm RSA-OAEP-256 --value <b64> --data-type plaintext"),
  transform("wrapkey", "Wrap a key (base64) with a key.", "kv key wrap --vault-name dev --name kek --algorithm RSA-OAEP-256 --value <b64>"),
  transform("unwrapkey", "Unwrap a wrapped key (base64).", "kv key unwrap --vault-name dev --name kek --algorithm RSA-OAEP-256 --value <b64>"),
];
