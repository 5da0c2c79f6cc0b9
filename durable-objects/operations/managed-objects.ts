import { VaultError } from "../../core/errors/vault-error.ts";
import { nameKey } from "../../core/domain/objects/ids.ts";
import type { ObjectKind } from "../../core/domain/objects/versioned-object.ts";
import type { ObjectStore } from "./vault-context.ts";

/**
 * A certificate's key and secret are managed (`managed: true`): they change only with the certificate.
 * Azure refuses the direct operation with 403 Forbidden, innererror SecretManagedByKeyVault
 * (SetSecret on a certificate's secret: "Operation "set" is not allowed as this object's lifetime is
 * managed by Key Vault.", hashicorp/terraform-provider-azurerm#5659), KeyManagedByKeyVault for keys.
 */
export function assertNotManaged(ctx: ObjectStore, kind: "secret" | "key", name: string, operation: string): void {
  if (ctx.objects.versionWithState(kind, nameKey(name), undefined)?.latest.managed !== true) return;
  throw new VaultError(
    "Forbidden",
    `Operation "${operation}" is not allowed as this object's lifetime is managed by Key Vault.`,
    kind === "secret" ? "SecretManagedByKeyVault" : "KeyManagedByKeyVault",
  );
}

/** A certificate cannot take a name its managed key or secret would share with an ordinary one. */
export function assertFreeForCertificate(ctx: ObjectStore, name: string): void {
  for (const kind of ["key", "secret"] as const satisfies readonly ObjectKind[]) {
    const found = ctx.objects.versionWithState(kind, nameKey(name), undefined);
    if (found !== null && !found.latest.managed) {
      throw new VaultError("Conflict", `A ${kind} named ${found.state.name} already exists in this vault and is not managed by a certificate.`);
    }
  }
}
