import { describe, expect, it } from "vitest";
import { identityApp } from "../../worker/app.ts";
import { ADMIN_OPERATIONS } from "../../worker/wire/control-plane-operations.ts";

/**
 * Every control-plane route is registered from its descriptor (middleware/admin-access.ts decides access there), so
 * a route added any other way — with no access rule — fails here.
 */
describe("admin routes and their descriptors", () => {
  const served = new Set(
    identityApp.routes.filter((r) => r.path.startsWith("/admin/") && r.method !== "ALL").map((r) => `${r.method} ${r.path}`),
  );
  const described = new Set(Object.values(ADMIN_OPERATIONS).map((o) => `${o.method} /admin${o.path}`));

  it("every served admin route has a descriptor", () => {
    expect([...served].filter((route) => !described.has(route))).toStrictEqual([]);
  });

  it("every descriptor is served", () => {
    expect([...described].filter((route) => !served.has(route))).toStrictEqual([]);
  });

  it("each route is registered with its access check before its handler", () => {
    for (const route of served) {
      const handlers = identityApp.routes.filter((r) => `${r.method} ${r.path}` === route);
      expect(handlers.length, route).toBe(2);
    }
  });
});
