import { VAULT_OPTIONS, str, type Command } from "../command.ts";
import { ServiceError } from "../errors.ts";
import { segment } from "../object-options.ts";
import { jsonArgument } from "./key.ts";
import { vaultOf } from "./secret.ts";

interface Contact {
  readonly email?: string;
  readonly name?: string;
  readonly phone?: string;
}

const EMAIL = { email: { type: "string", required: true, description: "Contact's email address." } } as const;
const ISSUER = { "issuer-name": { type: "string", required: true, description: "Issuer name." } } as const;

/** The vault's certificate contacts (one list, PUT whole, as Azure's API has it). */
async function contacts(vault: ReturnType<typeof vaultOf>): Promise<Contact[]> {
  try {
    return ((await vault.call("GET", "/certificates/contacts")) as { contacts?: Contact[] }).contacts ?? [];
  } catch (error) {
    if (error instanceof ServiceError && error.status === 404) return [];
    throw error;
  }
}

export const CERTIFICATE_SETTINGS_COMMANDS: Command[] = [
  {
    path: "certificate contact add",
    summary: "Add a contact for the vault's certificate notifications.",
    example: "kv certificate contact add --vault-name dev --email ops@example.com --name Ops",
    options: { ...VAULT_OPTIONS, ...EMAIL, name: { type: "string", description: "Contact's name." }, phone: { type: "string", description: "Contact's phone." } },
    async run(context) {
      const vault = vaultOf(context);
      const existing = (await contacts(vault)).filter((c) => c.email !== str(context.options, "email"));
      const added: Contact = { email: str(context.options, "email"), name: str(context.options, "name"), phone: str(context.options, "phone") };
      return vault.call("PUT", "/certificates/contacts", { contacts: [...existing, added] });
    },
  },
  { path: "certificate contact list", summary: "List the vault's certificate contacts.", example: "kv certificate contact list --vault-name dev", options: { ...VAULT_OPTIONS }, run: async (c) => ({ contactList: await contacts(vaultOf(c)) }) },
  {
    path: "certificate contact delete",
    summary: "Remove a certificate contact.",
    example: "kv certificate contact delete --vault-name dev --email ops@example.com",
    options: { ...VAULT_OPTIONS, ...EMAIL },
    async run(context) {
      const vault = vaultOf(context);
      const remaining = (await contacts(vault)).filter((c) => c.email !== str(context.options, "email"));
      return remaining.length === 0 ? vault.call("DELETE", "/certificates/contacts") : vault.call("PUT", "/certificates/contacts", { contacts: remaining });
    },
  },
  {
    path: "certificate issuer create",
    summary: "Create or update a certificate issuer (a CA provider's account).",
    example: "kv certificate issuer create --vault-name dev --issuer-name digicert --provider-name DigiCert --account-id 123",
    options: {
      ...VAULT_OPTIONS,
      ...ISSUER,
      "provider-name": { type: "string", required: true, description: "The provider, e.g. DigiCert or GlobalSign." },
      "account-id": { type: "string", description: "Account id at the provider." },
      password: { type: "string", description: "Account password at the provider." },
      "organization-id": { type: "string", description: "Organization id." },
      admins: { type: "string", description: "Administrators as JSON (or @file): [{\"email\":…,\"firstName\":…,\"lastName\":…}]." },
    },
    async run(context) {
      const o = context.options;
      const account = str(o, "account-id") === undefined && str(o, "password") === undefined ? undefined : { account_id: str(o, "account-id"), pwd: str(o, "password") };
      const admins = str(o, "admins");
      const organization = str(o, "organization-id") === undefined && admins === undefined ? undefined : { id: str(o, "organization-id"), admin_details: admins === undefined ? undefined : jsonArgument(admins) };
      return vaultOf(context).call("PUT", `/certificates/issuers/${segment(str(o, "issuer-name") as string)}`, { provider: str(o, "provider-name"), credentials: account, org_details: organization });
    },
  },
  { path: "certificate issuer show", summary: "Show a certificate issuer.", example: "kv certificate issuer show --vault-name dev --issuer-name digicert", options: { ...VAULT_OPTIONS, ...ISSUER }, run: async (c) => vaultOf(c).call("GET", `/certificates/issuers/${segment(str(c.options, "issuer-name") as string)}`) },
  { path: "certificate issuer list", summary: "List certificate issuers.", example: "kv certificate issuer list --vault-name dev", options: { ...VAULT_OPTIONS }, run: async (c) => vaultOf(c).listAll("/certificates/issuers") },
  { path: "certificate issuer delete", summary: "Delete a certificate issuer.", example: "kv certificate issuer delete --vault-name dev --issuer-name digicert", options: { ...VAULT_OPTIONS, ...ISSUER }, run: async (c) => vaultOf(c).call("DELETE", `/certificates/issuers/${segment(str(c.options, "issuer-name") as string)}`) },
];
