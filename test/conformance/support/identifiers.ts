/** Escapes a literal for use inside a RegExp. */
function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `https://dev.vault.localhost:<port>/secrets/<name>/<32 hex>`: the id every SDK parses back into its parts. */
export function secretVersionIdPattern(vaultUrl: string, name: string): RegExp {
  return new RegExp(`^${literal(vaultUrl)}/secrets/${literal(name)}/[0-9a-f]{32}$`);
}

/** `https://dev.vault.localhost:<port>/keys/<name>/<32 hex>`. */
export function keyVersionIdPattern(vaultUrl: string, name: string): RegExp {
  return new RegExp(`^${literal(vaultUrl)}/keys/${literal(name)}/[0-9a-f]{32}$`);
}

export const VERSION_PATTERN = /^[0-9a-f]{32}$/;
