import type { Caller } from "../../contract/common.ts";
import { VaultError } from "../../errors/vault-error.ts";
import type { VaultConfig } from "./vault-config.ts";

/**
 * Azure's firewall denial (network-security.md troubleshooting): 403 Forbidden, innererror ForbiddenByFirewall,
 * naming the address the request came from (which the caller knows) and the vault. The rules are not named.
 */
export function forbiddenByFirewall(caller: Caller | null, address: string | null, config: VaultConfig): VaultError {
  const who = caller === null ? "anonymous" : `appid=${caller.appId};oid=${caller.objectId};iss=${config.tenantId}`;
  return new VaultError(
    "Forbidden",
    "Client address is not authorized and caller is not a trusted service.\r\n" +
      `Client address: ${address ?? "unknown"}\r\n` +
      `Caller: ${who}\r\n` +
      `Vault: ${config.name};location=edge\r\n`,
    "ForbiddenByFirewall",
  );
}
