import { Hono } from "hono";
import type { PortalEnv } from "./portal-env.ts";
import { page } from "./render.tsx";
import { adminApi } from "./upstream.ts";
import { UsageChart, UsageTable, type UsageReport } from "./views/usage-chart.tsx";

/**
 * A vault's use of its throttle limits, window by window, from the admin API's usage report
 * (`GET /admin/tenants/{t}/vaults/{v}/usage`): the units the vault's throttle admitted per bucket and 10-second window,
 * weighted as they are charged, over the last 60 windows, against the vault's limits. Read with the signed-in
 * person's token like every other page: tenant admins see it, others see the API's refusal.
 */
export const throttleRoutes = new Hono<PortalEnv>({ strict: false });

throttleRoutes.get("/t/:tenant/vaults/:vault/throttling", async (c) => {
  const { tenant, vault } = c.req.param();
  const answer = await adminApi(c, "GET", `/tenants/${tenant}/vaults/${vault}/usage`);
  const report = answer.ok ? (answer.body as UsageReport) : null;
  return page(
    c,
    `Throttling of ${vault}`,
    report === null ? (
      <p class="notice error" role="alert">{answer.message}</p>
    ) : (
      <>
        <p>
          Units each bucket admitted per {report.windowSeconds}-second window, {report.from} to {report.to} (the last window is
          in progress), against the vault's limits. Key transactions count their weight (an RSA-4096 or HSM key more than one);
          refused requests are not counted.
        </p>
        {report.buckets.map((series) => (
          <UsageChart series={series} report={report} />
        ))}
        <UsageTable report={report} />
      </>
    ),
    { tenantId: tenant, vaultName: vault },
  );
});
