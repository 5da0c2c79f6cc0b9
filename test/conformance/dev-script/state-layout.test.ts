import { describe, expect, it } from "vitest";
import { stateLayout } from "../../../scripts/dev/state-layout.ts";

describe("stateLayout", () => {
  it("puts the developer's vars at the project root, where wrangler reads them", () => {
    const layout = stateLayout("/project", "/project/.dev");
    expect(layout.devVars).toBe("/project/.dev.vars");
    expect(layout.devVarsReadByWrangler).toBe(true);
    expect(layout.caCert).toBe("/project/.dev/ca.pem");
    expect(layout.wranglerState).toBe("/project/.dev/wrangler-state");
  });

  it("keeps any other state dir's vars inside it, away from the developer's files", () => {
    const layout = stateLayout("/project", "/tmp/run-1");
    expect(layout.devVars).toBe("/tmp/run-1/dev.vars");
    expect(layout.devVarsReadByWrangler).toBe(false);
    expect(layout.envFile).toBe("/tmp/run-1/env");
  });
});
