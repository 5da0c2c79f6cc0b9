import { describe, expect, it } from "vitest";
import { identityApp } from "../../worker/app.ts";
import { controlPlaneOperation, controlPlaneTarget } from "../../worker/wire/control-plane-operations.ts";

describe("control-plane audit operation names", () => {
  // Every admin route the app serves, with its parameters filled in, has a name in the table.
  const adminRoutes = identityApp.routes.filter((r) => r.path.startsWith("/admin/") && r.method !== "ALL");

  it("the app serves admin routes", () => expect(adminRoutes.length).toBeGreaterThan(20));

  it.each(adminRoutes.map((r) => [r.method, r.path]))("%s %s has an operation name", (method, path) => {
    const concrete = path.replace(/^\/admin/, "").replace(/:[^/]+/g, "x1");
    expect(controlPlaneOperation(method, concrete)).not.toBe("Unknown");
  });

  it("names what a route does; paths no route serves are Unknown", () => {
    expect(controlPlaneOperation("PUT", "/tenants/t/vaults/v/roleAssignments/a")).toBe("RoleAssignmentPut");
    expect(controlPlaneOperation("DELETE", "/tenants/t/vaults/v")).toBe("VaultDelete");
    expect(controlPlaneOperation("POST", "/tenants/t/vaults/v")).toBe("Unknown");
    expect(controlPlaneOperation("GET", "/nothing")).toBe("Unknown");
  });

  it("reads the tenant and vault from the path, bounded", () => {
    expect(controlPlaneTarget("/tenants/abc/vaults/MyVault/settings")).toEqual({ tenantId: "abc", vault: "myvault" });
    expect(controlPlaneTarget("/tenants")).toEqual({ tenantId: null, vault: null });
    expect(controlPlaneTarget(`/tenants/${"a".repeat(500)}`).tenantId).toHaveLength(64);
  });
});
