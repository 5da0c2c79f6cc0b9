import { readFileSync } from "node:fs";
import { VAULT_OPTIONS, str, type Command, type CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { FILE, NAME, TAGS, TIMES, VERSION, attributesOf, booleanOf, segment, tagsOf, versioned, waitUntilFound, waitUntilGone, writeNewFile } from "../object-options.ts";
import { secretListItemShape, secretShape } from "../shapes.ts";
import { VaultApi, vaultUrlOf } from "../vault-api.ts";

export const vaultOf = (context: CommandContext): VaultApi => {
  const session = context.session();
  return new VaultApi(session, vaultUrlOf(session, context.options as { "vault-name"?: string; "vault-url"?: string }));
};
const nameOf = (context: CommandContext): string => segment(str(context.options, "name") as string);
const MAX_RESULTS = { maxresults: { type: "string", description: "Return at most this many items." } } as const;
function maxOf(context: CommandContext): number | undefined {
  const value = str(context.options, "maxresults");
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError("--maxresults takes a positive whole number.");
  return Number(value);
}

const ENCODINGS = ["utf-8", "ascii", "base64", "hex"] as const;
function encodingOf(context: CommandContext): BufferEncoding {
  const encoding = str(context.options, "encoding") ?? "utf-8";
  if (!(ENCODINGS as readonly string[]).includes(encoding)) throw new UsageError(`--encoding: choose from ${ENCODINGS.join(", ")}.`);
  return encoding === "utf-8" ? "utf8" : (encoding as BufferEncoding);
}

export const SECRET_COMMANDS: Command[] = [
  {
    path: "secret set",
    summary: "Create a secret (if one doesn't exist) or update a secret in a vault (a new version).",
    example: "kv secret set --vault-name dev --name db-password --value 's3cr3t'",
    options: { ...VAULT_OPTIONS, ...NAME, value: { type: "string", description: "Plain text value." }, file: { type: "string", short: "f", description: "Read the value from this file." }, encoding: { type: "string", short: "e", description: "Encoding of --file: utf-8 (default), ascii, base64, hex." }, "content-type": { type: "string", description: "Content type, e.g. text/plain." }, disabled: { type: "boolean", description: "Create the version disabled." }, ...TAGS, ...TIMES },
    async run(context) {
      const value = str(context.options, "value");
      const file = str(context.options, "file");
      if ((value === undefined) === (file === undefined)) throw new UsageError("Give exactly one of --value and --file.");
      const text = file === undefined ? (value as string) : readFileSync(file).toString(encodingOf(context));
      const body = { value: text, contentType: str(context.options, "content-type"), tags: tagsOf(context.options), attributes: attributesOf(context.options, context.options.disabled === true ? false : undefined) };
      return secretShape(await vaultOf(context).call("PUT", `/secrets/${nameOf(context)}`, body));
    },
  },
  {
    path: "secret show",
    summary: "Get a specified secret from a vault.",
    example: "kv secret show --vault-name dev --name db-password --query value -o tsv",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION },
    run: async (context) => secretShape(await vaultOf(context).call("GET", versioned("secrets", context.options))),
  },
  {
    path: "secret list",
    summary: "List secrets in a vault (no values).",
    example: "kv secret list --vault-name dev --query \"[].name\" -o tsv",
    options: { ...VAULT_OPTIONS, ...MAX_RESULTS },
    run: async (context) => (await vaultOf(context).listAll("/secrets", maxOf(context))).map(secretListItemShape),
  },
  {
    path: "secret list-versions",
    summary: "List all versions of a secret.",
    example: "kv secret list-versions --vault-name dev --name db-password -o table",
    options: { ...VAULT_OPTIONS, ...NAME, ...MAX_RESULTS },
    run: async (context) => (await vaultOf(context).listAll(`/secrets/${nameOf(context)}/versions`, maxOf(context))).map(secretListItemShape),
  },
  {
    path: "secret set-attributes",
    summary: "Update a secret's attributes (enabled, expiry, content type, tags).",
    example: "kv secret set-attributes --vault-name dev --name db-password --enabled false",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, enabled: { type: "string", description: "true or false." }, "content-type": { type: "string", description: "Content type." }, ...TAGS, ...TIMES },
    async run(context) {
      const body = { contentType: str(context.options, "content-type"), tags: tagsOf(context.options), attributes: attributesOf(context.options, booleanOf(context.options, "enabled")) };
      const path = versioned("secrets", context.options) + (str(context.options, "version") === undefined ? "/" : "");
      return secretShape(await vaultOf(context).call("PATCH", path, body));
    },
  },
  {
    path: "secret delete",
    summary: "Delete a secret (soft delete: it can be recovered until purged); waits until it is deleted.",
    example: "kv secret delete --vault-name dev --name db-password",
    options: { ...VAULT_OPTIONS, ...NAME },
    async run(context) {
      const vault = vaultOf(context);
      const deleted = await vault.call("DELETE", `/secrets/${nameOf(context)}`);
      await waitUntilFound(context.session().progress, "Deleting", () => vault.call("GET", `/deletedsecrets/${nameOf(context)}`));
      return secretListItemShape(deleted);
    },
  },
  {
    path: "secret recover",
    summary: "Recover a deleted secret to its latest version; waits until it is back.",
    example: "kv secret recover --vault-name dev --name db-password",
    options: { ...VAULT_OPTIONS, ...NAME },
    async run(context) {
      const vault = vaultOf(context);
      const recovered = await vault.call("POST", `/deletedsecrets/${nameOf(context)}/recover`);
      await waitUntilGone(context.session().progress, "Recovering", () => vault.call("GET", `/deletedsecrets/${nameOf(context)}`));
      return secretListItemShape(recovered);
    },
  },
  {
    path: "secret purge",
    summary: "Permanently delete a deleted secret.",
    example: "kv secret purge --vault-name dev --name db-password",
    options: { ...VAULT_OPTIONS, ...NAME },
    run: async (context) => void (await vaultOf(context).call("DELETE", `/deletedsecrets/${nameOf(context)}`)),
  },
  {
    path: "secret show-deleted",
    summary: "Get a deleted secret.",
    example: "kv secret show-deleted --vault-name dev --name db-password",
    options: { ...VAULT_OPTIONS, ...NAME },
    run: async (context) => secretListItemShape(await vaultOf(context).call("GET", `/deletedsecrets/${nameOf(context)}`)),
  },
  {
    path: "secret list-deleted",
    summary: "List deleted secrets.",
    example: "kv secret list-deleted --vault-name dev",
    options: { ...VAULT_OPTIONS, ...MAX_RESULTS },
    run: async (context) => (await vaultOf(context).listAll("/deletedsecrets", maxOf(context))).map(secretListItemShape),
  },
  {
    path: "secret backup",
    summary: "Back up a secret (all versions) to a file, as a protected blob only this service can restore.",
    example: "kv secret backup --vault-name dev --name db-password --file db-password.bak",
    options: { ...VAULT_OPTIONS, ...NAME, ...FILE },
    async run(context) {
      const { value } = (await vaultOf(context).call("POST", `/secrets/${nameOf(context)}/backup`)) as { value: string };
      writeNewFile(str(context.options, "file") as string, Buffer.from(value, "base64url"));
      return undefined;
    },
  },
  {
    path: "secret restore",
    summary: "Restore a backed-up secret to a vault.",
    example: "kv secret restore --vault-name dev --file db-password.bak",
    options: { ...VAULT_OPTIONS, ...FILE },
    run: async (context) => secretShape(await vaultOf(context).call("POST", "/secrets/restore", { value: readFileSync(str(context.options, "file") as string).toString("base64url") })),
  },
  {
    path: "secret download",
    summary: "Download a secret's value to a file (mode 0600; an existing file is refused).",
    example: "kv secret download --vault-name dev --name tls-key --file key.txt",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...FILE, encoding: { type: "string", short: "e", description: "Encoding of the file: utf-8 (default), ascii, base64, hex." } },
    async run(context) {
      const { value } = (await vaultOf(context).call("GET", versioned("secrets", context.options))) as { value: string };
      writeNewFile(str(context.options, "file") as string, Buffer.from(value, encodingOf(context)));
      return undefined;
    },
  },
];
