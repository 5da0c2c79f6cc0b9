import { describe, expect, it } from "vitest";
import { applyPatch, newAttributes, scheduledPurge } from "../../core/domain/objects/lifecycle.ts";
import type { ObjectAttributes } from "../../core/domain/objects/attributes.ts";

const T0 = Date.UTC(2030, 0, 1, 12, 0, 0) + 789; // a fractional second, to see the flooring
const T0_S = Math.floor(T0 / 1000);

describe("newAttributes", () => {
  it("is enabled by default with created = updated = now in whole seconds", () => {
    expect(newAttributes(undefined, T0)).toStrictEqual({ enabled: true, created: T0_S, updated: T0_S });
  });

  it("takes enabled, nbf and exp from the patch", () => {
    expect(newAttributes({ enabled: false, nbf: 100, exp: 200 }, T0)).toStrictEqual({
      enabled: false,
      nbf: 100,
      exp: 200,
      created: T0_S,
      updated: T0_S,
    });
  });

  it("leaves nbf/exp absent when the patch clears them", () => {
    const attributes = newAttributes({ nbf: null, exp: null }, T0);
    expect("nbf" in attributes).toBe(false);
    expect("exp" in attributes).toBe(false);
  });
});

describe("applyPatch", () => {
  const current: ObjectAttributes = Object.freeze({ enabled: true, nbf: 1_000, exp: 2_000, created: 500, updated: 600 });

  it("without a patch only moves `updated`", () => {
    expect(applyPatch(current, undefined, T0)).toStrictEqual({ enabled: true, nbf: 1_000, exp: 2_000, created: 500, updated: T0_S });
  });

  it("keeps absent fields, sets given ones and never touches `created`", () => {
    expect(applyPatch(current, { enabled: false, exp: 3_000 }, T0)).toStrictEqual({
      enabled: false,
      nbf: 1_000,
      exp: 3_000,
      created: 500,
      updated: T0_S,
    });
  });

  it("null clears nbf and exp (PATCH semantics)", () => {
    const next = applyPatch(current, { nbf: null, exp: null }, T0);
    expect(next).toStrictEqual({ enabled: true, created: 500, updated: T0_S });
  });

  it("does not modify the attributes it was given", () => {
    applyPatch(current, { enabled: false, nbf: null }, T0);
    expect(current).toStrictEqual({ enabled: true, nbf: 1_000, exp: 2_000, created: 500, updated: 600 });
  });
});

describe("scheduledPurge", () => {
  it("is the deletion time plus the retention period, in Unix seconds", () => {
    expect(scheduledPurge({ retentionDays: 90 }, T0)).toBe(T0_S + 90 * 86_400);
    expect(scheduledPurge({ retentionDays: 7 }, T0)).toBe(T0_S + 7 * 86_400);
  });
});
