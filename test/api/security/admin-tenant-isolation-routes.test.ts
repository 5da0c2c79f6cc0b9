import { TENANT_ROUTES, describeRouteIsolation } from "../../support/admin-route-isolation.ts";
import { failOnlyOnTrulyUnhandledRejections } from "../../support/rejections.ts";

failOnlyOnTrulyUnhandledRejections();

/** The second half of the tenant routes (the first: admin-tenant-isolation.test.ts, which says why they are split). */
describeRouteIsolation(TENANT_ROUTES.slice(Math.ceil(TENANT_ROUTES.length / 2)));
