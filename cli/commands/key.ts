import { createPrivateKey, createPublicKey, type JsonWebKey } from "node:crypto";
import { readFileSync } from "node:fs";
import { VAULT_OPTIONS, flag, list, str, type Command, type CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { FILE, NAME, TAGS, TIMES, VERSION, attributesOf, booleanOf, segment, tagsOf, versioned, waitUntilFound, waitUntilGone, writeNewFile } from "../object-options.ts";
import { keyListItemShape, keyShape } from "../shapes.ts";
import { vaultOf } from "./secret.ts";

const keyName = (context: CommandContext): string => segment(str(context.options, "name") as string);
const OPS = { ops: { type: "string", multiple: true, description: "Permitted operation (encrypt, decrypt, sign, verify, wrapKey, unwrapKey, import, export); repeat for more." } } as const;

/** A PEM private key as the JWK Key Vault imports (RFC 7517, base64url fields as node:crypto exports them). */
function jwkFromPem(context: CommandContext): JsonWebKey {
  const file = str(context.options, "pem-file") as string;
  const passphrase = str(context.options, "pem-password");
  const key = createPrivateKey({ key: readFileSync(file), ...(passphrase === undefined ? {} : { passphrase }) });
  if (key.asymmetricKeyType !== "rsa" && key.asymmetricKeyType !== "ec") throw new UsageError(`${file}: only RSA and EC private keys can be imported from PEM.`);
  return key.export({ format: "jwk" });
}

export const KEY_COMMANDS: Command[] = [
  {
    path: "key create",
    summary: "Create a key (a new version if it exists).",
    example: "kv key create --vault-name dev --name signing --kty EC --curve P-256",
    options: {
      ...VAULT_OPTIONS,
      ...NAME,
      kty: { type: "string", description: "RSA (default), RSA-HSM, EC, EC-HSM, oct, oct-HSM." },
      size: { type: "string", description: "RSA key size (2048, 3072, 4096) or oct size (128, 192, 256)." },
      curve: { type: "string", description: "EC curve: P-256, P-256K, P-384, P-521." },
      protection: { type: "string", description: "software (default) or hsm (adds -HSM to --kty)." },
      disabled: { type: "boolean", description: "Create the version disabled." },
      ...OPS,
      ...TAGS,
      ...TIMES,
    },
    async run(context) {
      const o = context.options;
      const base = str(o, "kty") ?? "RSA";
      const kty = str(o, "protection") === "hsm" && !base.endsWith("-HSM") ? `${base}-HSM` : base;
      const ops = list(o, "ops");
      const body = { kty, key_size: str(o, "size") === undefined ? undefined : Number(str(o, "size")), crv: str(o, "curve"), key_ops: ops.length === 0 ? undefined : ops, tags: tagsOf(o), attributes: attributesOf(o, flag(o, "disabled") ? false : undefined) };
      return keyShape(await vaultOf(context).call("POST", `/keys/${keyName(context)}/create`, body));
    },
  },
  {
    path: "key import",
    summary: "Import a private key from a PEM file.",
    example: "kv key import --vault-name dev --name imported --pem-file key.pem",
    options: { ...VAULT_OPTIONS, ...NAME, "pem-file": { type: "string", required: true, description: "PEM file of the private key." }, "pem-password": { type: "string", description: "Password of an encrypted PEM." }, protection: { type: "string", description: "software (default) or hsm." }, disabled: { type: "boolean", description: "Import the version disabled." }, ...OPS, ...TAGS, ...TIMES },
    async run(context) {
      const o = context.options;
      const ops = list(o, "ops");
      const key = { ...jwkFromPem(context), ...(ops.length === 0 ? {} : { key_ops: ops }) };
      const body = { key, hsm: str(o, "protection") === "hsm", tags: tagsOf(o), attributes: attributesOf(o, flag(o, "disabled") ? false : undefined) };
      return keyShape(await vaultOf(context).call("PUT", `/keys/${keyName(context)}`, body));
    },
  },
  { path: "key show", summary: "Get a key's attributes and public part.", example: "kv key show --vault-name dev --name signing --query key.kid -o tsv", options: { ...VAULT_OPTIONS, ...NAME, ...VERSION }, run: async (c) => keyShape(await vaultOf(c).call("GET", versioned("keys", c.options))) },
  { path: "key list", summary: "List keys.", example: "kv key list --vault-name dev -o table", options: { ...VAULT_OPTIONS }, run: async (c) => (await vaultOf(c).listAll("/keys")).map(keyListItemShape) },
  { path: "key list-versions", summary: "List a key's versions.", example: "kv key list-versions --vault-name dev --name signing", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => (await vaultOf(c).listAll(`/keys/${keyName(c)}/versions`)).map(keyListItemShape) },
  {
    path: "key set-attributes",
    summary: "Update a key's attributes.",
    example: "kv key set-attributes --vault-name dev --name signing --enabled false",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, enabled: { type: "string", description: "true or false." }, ...OPS, ...TAGS, ...TIMES },
    async run(context) {
      const ops = list(context.options, "ops");
      const body = { key_ops: ops.length === 0 ? undefined : ops, tags: tagsOf(context.options), attributes: attributesOf(context.options, booleanOf(context.options, "enabled")) };
      const path = versioned("keys", context.options) + (str(context.options, "version") === undefined ? "/" : "");
      return keyShape(await vaultOf(context).call("PATCH", path, body));
    },
  },
  { path: "key rotate", summary: "Rotate a key now (a new version under its rotation policy).", example: "kv key rotate --vault-name dev --name signing", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => keyShape(await vaultOf(c).call("POST", `/keys/${keyName(c)}/rotate`)) },
  { path: "key rotation-policy show", summary: "Show a key's rotation policy.", example: "kv key rotation-policy show --vault-name dev --name signing", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => vaultOf(c).call("GET", `/keys/${keyName(c)}/rotationpolicy`) },
  {
    path: "key rotation-policy update",
    summary: "Set a key's rotation policy from JSON (--value @file or inline).",
    example: "kv key rotation-policy update --vault-name dev --name signing --value @policy.json",
    options: { ...VAULT_OPTIONS, ...NAME, value: { type: "string", required: true, description: "The policy JSON, or @file." } },
    run: async (c) => vaultOf(c).call("PUT", `/keys/${keyName(c)}/rotationpolicy`, jsonArgument(str(c.options, "value") as string)),
  },
  {
    path: "key delete",
    summary: "Delete a key (soft delete); waits until it is deleted.",
    example: "kv key delete --vault-name dev --name signing",
    options: { ...VAULT_OPTIONS, ...NAME },
    async run(context) {
      const vault = vaultOf(context);
      const deleted = await vault.call("DELETE", `/keys/${keyName(context)}`);
      await waitUntilFound(context.session().progress, "Deleting", () => vault.call("GET", `/deletedkeys/${keyName(context)}`));
      return keyListItemShape(deleted);
    },
  },
  {
    path: "key recover",
    summary: "Recover a deleted key; waits until it is back.",
    example: "kv key recover --vault-name dev --name signing",
    options: { ...VAULT_OPTIONS, ...NAME },
    async run(context) {
      const vault = vaultOf(context);
      const recovered = await vault.call("POST", `/deletedkeys/${keyName(context)}/recover`);
      await waitUntilGone(context.session().progress, "Recovering", () => vault.call("GET", `/deletedkeys/${keyName(context)}`));
      return keyShape(recovered);
    },
  },
  { path: "key purge", summary: "Permanently delete a deleted key.", example: "kv key purge --vault-name dev --name signing", options: { ...VAULT_OPTIONS, ...NAME }, run: async (c) => void (await vaultOf(c).call("DELETE", `/deletedkeys/${keyName(c)}`)) },
  {
    path: "key download",
    summary: "Download a key's public part as PEM (default) or DER.",
    example: "kv key download --vault-name dev --name signing --file signing.pub.pem",
    options: { ...VAULT_OPTIONS, ...NAME, ...VERSION, ...FILE, encoding: { type: "string", short: "e", description: "PEM (default) or DER." } },
    async run(context) {
      const encoding = str(context.options, "encoding") ?? "PEM";
      if (encoding !== "PEM" && encoding !== "DER") throw new UsageError("--encoding takes PEM or DER.");
      const { key } = (await vaultOf(context).call("GET", versioned("keys", context.options))) as { key: JsonWebKey & { kty: string } };
      if (!key.kty.startsWith("RSA") && !key.kty.startsWith("EC")) throw new UsageError(`A ${key.kty} key has no public part to download.`);
      const publicKey = createPublicKey({ key: { ...key, kty: key.kty.replace("-HSM", "") }, format: "jwk" });
      writeNewFile(str(context.options, "file") as string, encoding === "PEM" ? (publicKey.export({ type: "spki", format: "pem" }) as string) : publicKey.export({ type: "spki", format: "der" }));
      return undefined;
    },
  },
  {
    path: "key backup",
    summary: "Back up a key to a file (a protected blob only this service can restore).",
    example: "kv key backup --vault-name dev --name signing --file signing.bak",
    options: { ...VAULT_OPTIONS, ...NAME, ...FILE },
    async run(context) {
      const { value } = (await vaultOf(context).call("POST", `/keys/${keyName(context)}/backup`)) as { value: string };
      writeNewFile(str(context.options, "file") as string, Buffer.from(value, "base64url"));
      return undefined;
    },
  },
  { path: "key restore", summary: "Restore a backed-up key.", example: "kv key restore --vault-name dev --file signing.bak", options: { ...VAULT_OPTIONS, ...FILE }, run: async (c) => keyShape(await vaultOf(c).call("POST", "/keys/restore", { value: readFileSync(str(c.options, "file") as string).toString("base64url") })) },
];

/** az's `@file` convention for JSON arguments. */
export function jsonArgument(value: string): unknown {
  const text = value.startsWith("@") ? readFileSync(value.slice(1), "utf8") : value;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`Not JSON: ${(error as Error).message}`);
  }
}
