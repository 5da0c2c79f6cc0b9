import { describe, expect, it } from "vitest";
import { setupVault } from "../support/fixture.ts";

describe("smoke", () => {
  it("sets and gets a secret", async () => {
    const { kv } = await setupVault("smoke1");
    const set = await kv.json<{ id: string; value: string }>("PUT", "/secrets/s1", { value: "hello" });
    expect(set.status).toBe(200);
    expect(set.body.id).toMatch(/^https:\/\/smoke1\.vault\.localhost:8443\/secrets\/s1\/[0-9a-f]{32}$/);
    const got = await kv.json<{ value: string }>("GET", "/secrets/s1/");
    expect(got.status).toBe(200);
    expect(got.body.value).toBe("hello");
  });
});
