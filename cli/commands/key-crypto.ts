import { VAULT_OPTIONS, str, type Command, type CommandContext, type OptionSpec } from "../command.ts";
import { UsageError } from "../errors.ts";
import { NAME, VERSION, versioned } from "../object-options.ts";
import { vaultOf } from "./secret.ts";

/**
 * The key operations, with az's options and answers: bytes in and out as standard base64 (the wire's are
 * base64url), `--data-type plaintext` for text in encrypt and out of decrypt, and AES's iv, aad and tag in hex
 * (azure-cli keyvault/custom.py encrypt_key/decrypt_key and _transformers.py transform_key_encryption_output).
 * Signing takes a digest, as in Azure. az has no wrap/unwrap; ours take and print what encrypt does.
 */
const ALGORITHM = { algorithm: { type: "string", short: "a", required: true, description: "Algorithm, e.g. RS256, ES256, RSA-OAEP-256, A256GCM, A256KW." } } as const;
const DATA_TYPE = { "data-type": { type: "string", description: "base64 (default) or plaintext." } } as const;
const IV = { iv: { type: "string", description: "Initialization vector, hex (AES-CBC and AES-CBCPAD; AES-GCM makes its own)." } } as const;
const AAD = { aad: { type: "string", description: "Additional authenticated data, hex (AES-GCM)." } } as const;
const TAG = { tag: { type: "string", description: "Authentication tag from encrypt, hex (AES-GCM)." } } as const;
const valueOption = (description: string) => ({ value: { type: "string", required: true, description } }) as const;

const base64urlOf = (base64: string): string => Buffer.from(base64, "base64").toString("base64url");
const base64Of = (base64url: string): string => Buffer.from(base64url, "base64url").toString("base64");

function dataType(context: CommandContext): "base64" | "plaintext" {
  const value = str(context.options, "data-type") ?? "base64";
  if (value !== "base64" && value !== "plaintext") throw new UsageError("--data-type takes base64 or plaintext.");
  return value;
}

/** The hex options present, as the wire's base64url fields. */
function hexFields(context: CommandContext, names: readonly ("iv" | "aad" | "tag")[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of names) {
    const hex = str(context.options, name);
    if (hex === undefined) continue;
    if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new UsageError(`--${name} takes hex, e.g. 101112131415161718191a1b1c1d1e1f.`);
    fields[name] = Buffer.from(hex, "hex").toString("base64url");
  }
  return fields;
}

const hexOrNull = (base64url: unknown): string | null => (typeof base64url === "string" ? Buffer.from(base64url, "base64url").toString("hex") : null);

interface Answer {
  readonly kid: string;
  readonly value: unknown;
  readonly iv?: string;
  readonly tag?: string;
  readonly aad?: string;
}

async function operate(context: CommandContext, operation: string, body: Record<string, unknown>): Promise<Answer> {
  return (await vaultOf(context).call("POST", `${versioned("keys", context.options)}/${operation}`, { alg: str(context.options, "algorithm"), ...body })) as Answer;
}

type Transform = "encrypt" | "decrypt" | "wrapkey" | "unwrapkey";
const PATHS: Record<Transform, string> = { encrypt: "key encrypt", decrypt: "key decrypt", wrapkey: "key wrap", unwrapkey: "key unwrap" };
const HEX_INPUTS: Record<Transform, readonly ("iv" | "aad" | "tag")[]> = { encrypt: ["iv", "aad"], decrypt: ["iv", "aad", "tag"], wrapkey: [], unwrapkey: [] };
const HEX_OPTIONS: Record<Transform, Record<string, OptionSpec>> = { encrypt: { ...IV, ...AAD }, decrypt: { ...IV, ...AAD, ...TAG }, wrapkey: {}, unwrapkey: {} };

function transform(operation: Transform, summary: string, valueDescription: string, example: string): Command {
  const textIn = operation === "encrypt";
  const textOut = operation === "decrypt";
  return {
    path: PATHS[operation],
    summary,
    example,
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...ALGORITHM, ...valueOption(valueDescription), ...(textIn || textOut ? DATA_TYPE : {}), ...HEX_OPTIONS[operation] },
    async run(context) {
      const input = str(context.options, "value") as string;
      const value = textIn && dataType(context) === "plaintext" ? Buffer.from(input, "utf8").toString("base64url") : base64urlOf(input);
      const answer = await operate(context, operation, { value, ...hexFields(context, HEX_INPUTS[operation]) });
      const bytes = Buffer.from(answer.value as string, "base64url");
      const result = textOut && dataType(context) === "plaintext" ? bytes.toString("utf8") : bytes.toString("base64");
      const algorithm = str(context.options, "algorithm");
      if (!textIn) return { algorithm, kid: answer.kid, result };
      // az's encrypt shows what decrypt will need: the iv the service made, the tag and the aad (null when none).
      return { aad: hexOrNull(answer.aad), algorithm, iv: hexOrNull(answer.iv), kid: answer.kid, result, tag: hexOrNull(answer.tag) };
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
  transform("encrypt", "Encrypt a value (base64, or text with --data-type plaintext); AES's iv, tag and aad are printed in hex.", "The value to encrypt, base64 (or text with --data-type plaintext).", "kv key encrypt --vault-name dev --name rsa --algorithm RSA-OAEP-256 --value hello --data-type plaintext"),
  transform("decrypt", "Decrypt a value (base64); --data-type plaintext prints the result as text.", "The value to decrypt, base64 (the result of kv key encrypt).", "kv key decrypt --vault-name dev --name aes --algorithm A256GCM --value <b64> --iv <hex> --tag <hex> --data-type plaintext"),
  transform("wrapkey", "Wrap a key (base64) with a key encryption key.", "The key to wrap, base64.", "kv key wrap --vault-name dev --name kek --algorithm RSA-OAEP-256 --value $(openssl rand -base64 32)"),
  transform("unwrapkey", "Unwrap a wrapped key (base64).", "The wrapped key, base64 (the result of kv key wrap).", "kv key unwrap --vault-name dev --name kek --algorithm RSA-OAEP-256 --value <b64>"),
];
