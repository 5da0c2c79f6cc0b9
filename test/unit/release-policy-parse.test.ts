import { describe, expect, it } from "vitest";
import { MAX_POLICY_DEPTH, MAX_POLICY_NODES, parseReleasePolicy } from "../../core/domain/release-policy/parse-policy.ts";
import { VaultError } from "../../core/errors/vault-error.ts";

const AUTHORITY = "https://sharedeus.eus.attest.azure.net/";
const rule = (conditions: unknown, extra: Record<string, unknown> = {}) => ({ authority: AUTHORITY, allOf: conditions, ...extra });
const text = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function refusal(value: unknown): string {
  try {
    parseReleasePolicy(text(value));
  } catch (err) {
    expect(err).toBeInstanceOf(VaultError);
    expect((err as VaultError).code).toBe("BadParameter");
    return (err as VaultError).message;
  }
  throw new Error("the policy was accepted");
}

const nested = (depth: number): unknown => (depth === 0 ? { claim: "c", exists: true } : { anyOf: [nested(depth - 1)] });

describe("release policy grammar", () => {
  it("accepts both condition forms, both versions and no version", () => {
    const p = parseReleasePolicy(text({ version: "1.0", anyOf: [rule([{ claim: "a", condition: "equals", value: "true" }, { claim: "b", greater: 3 }])] }));
    expect(p.rules[0]?.members).toEqual([
      { kind: "condition", claim: "a", operator: "equals", value: "true" },
      { kind: "condition", claim: "b", operator: "greater", value: 3 },
    ]);
    expect(parseReleasePolicy(text({ anyOf: [rule([{ claim: "a", exists: "false" }])] })).rules[0]?.members[0]).toMatchObject({ value: false });
    expect(parseReleasePolicy(text({ version: "1.0.0", anyOf: [{ authority: AUTHORITY, anyOf: [{ claim: "a", equals: 1 }] }] })).version).toBe("1.0.0");
  });

  it(`accepts nesting to ${MAX_POLICY_DEPTH} levels and refuses deeper`, () => {
    expect(() => parseReleasePolicy(text({ anyOf: [rule([nested(MAX_POLICY_DEPTH - 1)])] }))).not.toThrow();
    expect(refusal({ anyOf: [rule([nested(MAX_POLICY_DEPTH)])] })).toMatch(/deeper than/);
  });

  it.each([
    ["not JSON", "{", /not JSON/],
    ["an array", [], /JSON object/],
    ["no anyOf", { version: "1.0.0" }, /start with 'anyOf'/],
    ["allOf at the top", { allOf: [rule([{ claim: "a", exists: true }])] }, /unknown member 'allOf'/],
    ["empty anyOf", { anyOf: [] }, /non-empty/],
    ["unknown version", { version: "2.0", anyOf: [rule([{ claim: "a", exists: true }])] }, /version/],
    ["rule without authority", { anyOf: [{ allOf: [{ claim: "a", exists: true }] }] }, /authority/],
    ["authority not a URL", { anyOf: [{ authority: "sharedeus", allOf: [{ claim: "a", exists: true }] }] }, /authority/],
    ["authority with a query", { anyOf: [{ authority: "https://a.example/?x=1", allOf: [{ claim: "a", exists: true }] }] }, /authority/],
    ["rule with both allOf and anyOf", { anyOf: [rule([{ claim: "a", exists: true }], { anyOf: [{ claim: "b", exists: true }] })] }, /exactly one/],
    ["rule with empty allOf", { anyOf: [rule([])] }, /non-empty/],
    ["unknown rule member", { anyOf: [rule([{ claim: "a", exists: true }], { note: "x" })] }, /unknown member 'note'/],
    ["condition without operator", { anyOf: [rule([{ claim: "a" }])] }, /exactly one operator/],
    ["condition with two operators", { anyOf: [rule([{ claim: "a", equals: 1, notEquals: 2 }])] }, /exactly one operator/],
    ["unknown operator", { anyOf: [rule([{ claim: "a", matches: "x" }])] }, /exactly one operator/],
    ["unknown condition name", { anyOf: [rule([{ claim: "a", condition: "like", value: "x" }])] }, /condition must be one of/],
    ["condition form without value", { anyOf: [rule([{ claim: "a", condition: "equals" }])] }, /no value/],
    ["empty claim", { anyOf: [rule([{ claim: "", equals: "x" }])] }, /claim name/],
    ["claim not a string", { anyOf: [rule([{ claim: 5, equals: "x" }])] }, /claim name/],
    ["equals an object", { anyOf: [rule([{ claim: "a", equals: { b: 1 } }])] }, /string, number or boolean/],
    ["equals null", { anyOf: [rule([{ claim: "a", equals: null }])] }, /string, number or boolean/],
    ["greater a word", { anyOf: [rule([{ claim: "a", greater: "many" }])] }, /takes a number/],
    ["less a boolean", { anyOf: [rule([{ claim: "a", less: true }])] }, /takes a number/],
    ["exists a number", { anyOf: [rule([{ claim: "a", exists: 1 }])] }, /true or false/],
    ["group with a claim and allOf", { anyOf: [rule([{ claim: "a", allOf: [{ claim: "b", exists: true }] }])] }, /exactly one operator/],
    ["group member not an object", { anyOf: [rule(["a"])] }, /must be an object/],
  ])("refuses %s with the reason", (_name, value, reason) => {
    expect(refusal(value)).toMatch(reason);
  });

  it(`refuses more than ${MAX_POLICY_NODES} conditions`, () => {
    const many = Array.from({ length: MAX_POLICY_NODES + 1 }, (_, i) => ({ claim: `c${i}`, exists: true }));
    expect(refusal({ anyOf: [rule(many)] })).toMatch(/more than/);
  });
});
