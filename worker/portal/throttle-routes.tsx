import { Hono } from "hono";
import { THROTTLE_BUCKETS, WINDOW_SECONDS, type ThrottleBucket } from "../../core/domain/throttle/throttle-limits.ts";
import { newestRecords } from "./audit-records.ts";
import type { PortalEnv } from "./portal-env.ts";
import { page } from "./render.tsx";
import { adminApi } from "./upstream.ts";
import { UsageChart } from "./views/usage-chart.tsx";

/**
 * A vault's use of its throttle limits, window by window (10 s, Azure's), over the last five minutes. No API reports
 * usage, so it is counted from the vault's audit log (a public API; one record per request), each operation charged to
 * its bucket by name — unweighted, so key transactions on large or HSM keys count as one each here.
 */
export const throttleRoutes = new Hono<PortalEnv>({ strict: false });

const WINDOWS = 30;

function bucketOf(operation: string): ThrottleBucket {
  if (/^Key(Create|Import|Rotate)/.test(operation)) return "keyCreate";
  if (operation.startsWith("Key")) return "keys";
  if (/^Secret(Set|Restore)/.test(operation)) return "secretCreate";
  return "secrets";
}

throttleRoutes.get("/t/:tenant/vaults/:vault/throttling", async (c) => {
  const { tenant, vault } = c.req.param();
  const nowMs = Date.now();
  const firstMs = (Math.floor(nowMs / 1000 / WINDOW_SECONDS) - WINDOWS + 1) * WINDOW_SECONDS * 1000;
  const [limits, log] = await Promise.all([
    adminApi(c, "GET", `/tenants/${tenant}/vaults/${vault}/settings`),
    newestRecords(c, { vault }, { from: new Date(firstMs).toISOString().replace(/\.\d+Z$/, "Z") }),
  ]);
  const vaultLimits = (limits.body as { throttleLimits?: Record<string, number> } | null)?.throttleLimits ?? {};
  const counts = Object.fromEntries(THROTTLE_BUCKETS.map((b) => [b, new Array<number>(WINDOWS).fill(0)])) as Record<ThrottleBucket, number[]>;
  for (const record of log.records) {
    const index = Math.floor((Date.parse(record.time) - firstMs) / (WINDOW_SECONDS * 1000));
    if (index >= 0 && index < WINDOWS) counts[bucketOf(record.operationName)][index]! += 1;
  }
  const starts = Array.from({ length: WINDOWS }, (_, i) => new Date(firstMs + i * WINDOW_SECONDS * 1000).toISOString());
  return page(
    c,
    `Throttling of ${vault}`,
    <>
      {limits.ok ? null : <p class="notice error" role="alert">{limits.message}</p>}
      {log.error === undefined ? null : <p class="notice error" role="alert">{log.error}</p>}
      <p>Requests per 10-second window over the last five minutes, from the vault's audit log (at most its newest 50 records), against the vault's limits.</p>
      {THROTTLE_BUCKETS.map((bucket) => (
        <UsageChart series={{ bucket, limit: vaultLimits[bucket] ?? 0, counts: counts[bucket], starts }} />
      ))}
    </>,
    { tenantId: tenant, vaultName: vault },
  );
});
