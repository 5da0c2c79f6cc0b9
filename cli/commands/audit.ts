import { flag, str, type Command } from "../command.ts";
import { UsageError } from "../errors.ts";
import { AdminApi, VaultApi, vaultUrlOf } from "../vault-api.ts";
import { VAULT_OPTIONS } from "../command.ts";

interface AuditEvent {
  readonly time: string;
  readonly requestId: string;
  readonly operationName: string;
}

/** Reading the log is itself audited (worker/routes/audit-log.ts); a tail would otherwise echo its own polls. */
const AUDIT_READS = new Set(["AuditLogQuery", "AuditLogExport", "ControlPlaneAuditLogQuery"]);

export const AUDIT_COMMANDS: Command[] = [
  {
    path: "audit tail",
    summary: "Follow a vault's audit log (or with --admin the tenant's control-plane log), one JSON record per line.",
    example: "kv audit tail --vault-name dev --since 2026-01-01T00:00:00Z",
    options: {
      ...VAULT_OPTIONS,
      admin: { type: "boolean", description: "Follow the control-plane audit log of the profile's tenant instead." },
      since: { type: "string", description: "Start at this ISO 8601 time (default: now)." },
      operation: { type: "string", description: "Only this operation, e.g. SecretGet." },
      "object-name": { type: "string", description: "Only records about this secret, key or certificate (vault log)." },
      result: { type: "string", description: "Only success, failure, or one result code (Forbidden, Throttled, …)." },
      interval: { type: "string", description: "Seconds between polls (default 2)." },
      "max-events": { type: "string", description: "Stop after this many records." },
      "include-audit-reads": { type: "boolean", description: "Also show reads of the audit log (the tail's own polls among them)." },
    },
    async run(context) {
      const session = context.session();
      const o = context.options;
      const interval = Number(str(o, "interval") ?? "2");
      const maxEvents = str(o, "max-events") === undefined ? Infinity : Number(str(o, "max-events"));
      if (!(interval > 0) || !(maxEvents > 0)) throw new UsageError("--interval and --max-events take positive numbers.");
      const filters = Object.fromEntries(
        [["operation", "operation"], ["object-name", "objectName"], ["result", "result"]].flatMap(([option, parameter]) => (str(o, option as string) === undefined ? [] : [[parameter as string, str(o, option as string) as string]])),
      );
      const fetchFrom = (from: string): Promise<unknown[]> => {
        if (flag(o, "admin")) {
          const api = new AdminApi(session);
          return api.listAll(`/tenants/${encodeURIComponent(api.tenant(undefined))}/auditLog`, { ...filters, from });
        }
        return new VaultApi(session, vaultUrlOf(session, o as { "vault-name"?: string; "vault-url"?: string })).listAll("/auditlog", undefined, { ...filters, from });
      };
      let from = str(o, "since") ?? new Date().toISOString();
      let printed = 0;
      let seen = new Set<string>();
      for (;;) {
        for (const event of (await fetchFrom(from)) as AuditEvent[]) {
          const key = `${event.time} ${event.requestId} ${event.operationName}`;
          if (seen.has(key)) continue;
          // Records come in time order; only those at the newest time can come again from the next poll.
          if (event.time !== from) seen = new Set();
          seen.add(key);
          from = event.time;
          if (!flag(o, "include-audit-reads") && AUDIT_READS.has(event.operationName)) continue;
          process.stdout.write(`${JSON.stringify(event)}\n`);
          if (++printed >= maxEvents) return undefined;
        }
        await new Promise((resolve) => setTimeout(resolve, interval * 1000));
      }
    },
  },
];
