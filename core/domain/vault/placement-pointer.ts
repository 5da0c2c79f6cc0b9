import type { VaultConfig } from "./vault-config.ts";
import type { VaultPlacement } from "./placement.ts";

/**
 * What the vault object of a name in the default (unrestricted) namespace answers when asked where that vault is
 * (docs/placement.md): it is the vault; or it holds the pointer to the jurisdiction the vault was made in (a name
 * and a jurisdiction, never any of the vault's data); or neither, and there is no such vault.
 */
export type VaultLocation =
  | { readonly kind: "vault"; readonly config: VaultConfig }
  | { readonly kind: "pointer"; readonly placement: VaultPlacement }
  | null;
