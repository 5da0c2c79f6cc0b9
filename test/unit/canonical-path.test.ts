import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../worker/wire/canonical-path.ts";

describe("canonical paths (RFC 3986 section 6.2.2)", () => {
  it.each([
    ["/admin/tenants/x", "/admin/tenants/x"],
    ["/%61dmin/%74enants/x", "/admin/tenants/x"],
    ["/admin/tenant%73/x", "/admin/tenants/x"],
    ["/secrets/my%2Dsecret", "/secrets/my-secret"],
    ["/secrets/a%2eb%5F%7e", "/secrets/a.b_~"],
    ["/secrets/a%2fb", "/secrets/a%2Fb"],
    ["/secrets/a%2Fb", "/secrets/a%2Fb"],
    ["/secrets/%e2%82%ac", "/secrets/%E2%82%AC"],
    ["/secrets/a%20b", "/secrets/a%20b"],
    ["/secrets/%25", "/secrets/%25"],
    ["/secrets/%2561", "/secrets/%2561"],
  ])("%s becomes %s", (raw, canonical) => expect(canonicalPath(raw)).toBe(canonical));

  it("is idempotent", () => {
    for (const raw of ["/%61dmin/x%2fy%2D", "/secrets/%2561%7E", "/a%e2%82%ac"]) {
      const once = canonicalPath(raw);
      expect(once).not.toBeNull();
      expect(canonicalPath(once as string)).toBe(once);
    }
  });

  it.each(["/a%", "/a%2", "/a%zz", "/%g0", "/a%%41"])("refuses malformed percent-encoding: %s", (raw) => {
    expect(canonicalPath(raw)).toBeNull();
  });

  it("never brings back a dot segment", () => {
    expect(canonicalPath("/a/%2E/b")).toBeNull();
    expect(canonicalPath("/a/%2e%2E/b")).toBeNull();
    expect(canonicalPath("/a/.%2e./b")).toBe("/a/.../b");
  });
});
