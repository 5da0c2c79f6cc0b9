import type { Caller } from "../core/contract/common.ts";
import type { VaultConfig } from "../core/domain/vault/vault-config.ts";
import type { AdminCaller } from "./auth/admin-caller.ts";

/** Typed Hono context: bindings plus what middleware puts on the request. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The api-version the client sent, echoed in nextLinks. */
    apiVersion: string;
    /** The vault addressed by the host name. */
    vault: VaultConfig;
    /** `https://{vault host}` as the client addressed it, port included: ids are built from it. */
    vaultBaseUrl: string;
    /** `https://vault.{domain}[:port]`: the token audience and challenge resource. */
    vaultResource: string;
    /** The authenticated caller (verified bearer token). */
    caller: Caller;
    /** The audit operation name of the route's declared operation, or of the control-plane operation (admin routes). */
    operation: string;
    /** Wall-clock milliseconds when the request arrived (audit duration). */
    receivedAtMs: number;
    /** Set once the vault object has written this request's audit record. */
    audited: boolean;
    /** The tenant a control-plane route acts on (its decoded `:tenantId`, or the tenant it creates), for the audit record. */
    auditTenantId: string;
    /** The vault a control-plane route acts on (its decoded `:name`), for the audit record. */
    auditVault: string;
    /** Control-plane caller (admin routes only). */
    admin: AdminCaller;
  };
}
