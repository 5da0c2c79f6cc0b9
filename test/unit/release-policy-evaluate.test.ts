import { describe, expect, it } from "vitest";
import { evaluateReleasePolicy } from "../../core/domain/release-policy/evaluate-policy.ts";
import { parseReleasePolicy } from "../../core/domain/release-policy/parse-policy.ts";
import { boundNonceClaims } from "../../core/domain/release-policy/nonce-binding.ts";

/**
 * The release policy grammar against token claims: a table of policies x claim sets, every operator, both condition
 * forms, missing claims, type mismatches and deep nesting. Evaluation is total: every row answers, none throws.
 */
const MAA = "https://sharedeus.eus.attest.azure.net";
const OTHER = "https://other.example/attest";

const policy = (conditions: unknown[], combinator: "allOf" | "anyOf" = "allOf", authority = `${MAA}/`) =>
  parseReleasePolicy(JSON.stringify({ version: "1.0.0", anyOf: [{ authority, [combinator]: conditions }] }));

/** A confidential VM's claims as Microsoft Azure Attestation writes them (nested TEE facts, numbers, booleans). */
const CVM = {
  iss: MAA,
  "x-ms-attestation-type": "azurevm",
  "x-ms-compliance-status": "azure-compliant-cvm",
  "x-ms-isolation-tee": {
    "x-ms-attestation-type": "sevsnpvm",
    "x-ms-sevsnpvm-is-debuggable": false,
    "x-ms-sevsnpvm-bootloader-svn": 3,
    "x-ms-sevsnpvm-snpfw-svn": "8",
    details: { deeper: { deepest: "yes" } },
  },
  "sdk-test": true,
  count: 5,
  label: "Prod",
  list: ["a", "b"],
  nothing: null,
  "dotted.name": "literal",
};

type Row = readonly [name: string, conditions: unknown[], claims: unknown, allowed: boolean];

const ROWS: readonly Row[] = [
  // equals: strings, booleans, numbers, and Key Vault's string spelling of booleans and numbers.
  ["equals string", [{ claim: "x-ms-attestation-type", equals: "azurevm" }], CVM, true],
  ["equals string is case-sensitive", [{ claim: "label", equals: "prod" }], CVM, false],
  ["equals nested claim", [{ claim: "x-ms-isolation-tee.x-ms-attestation-type", equals: "sevsnpvm" }], CVM, true],
  ["equals boolean", [{ claim: "sdk-test", equals: true }], CVM, true],
  ["equals 'true' string meets true", [{ claim: "sdk-test", equals: "true" }], CVM, true],
  ["equals 'TRUE' string meets true", [{ claim: "sdk-test", equals: "TRUE" }], CVM, true],
  ["equals 'false' string misses true", [{ claim: "sdk-test", equals: "false" }], CVM, false],
  ["equals number", [{ claim: "count", equals: 5 }], CVM, true],
  ["equals '5' meets 5", [{ claim: "count", equals: "5" }], CVM, true],
  ["equals 5 meets '8'? no", [{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-snpfw-svn", equals: 5 }], CVM, false],
  ["equals 8 meets '8'", [{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-snpfw-svn", equals: 8 }], CVM, true],
  ["equals mismatch: 'yes' vs boolean", [{ claim: "sdk-test", equals: "yes" }], CVM, false],
  ["equals mismatch: boolean vs number", [{ claim: "count", equals: true }], CVM, false],
  ["equals mismatch: array claim", [{ claim: "list", equals: "a" }], CVM, false],
  ["equals mismatch: object claim", [{ claim: "x-ms-isolation-tee", equals: "sevsnpvm" }], CVM, false],
  ["equals mismatch: null claim", [{ claim: "nothing", equals: "null" }], CVM, false],
  ["equals missing claim", [{ claim: "absent", equals: "x" }], CVM, false],
  ["equals missing nested claim", [{ claim: "x-ms-isolation-tee.absent", equals: "x" }], CVM, false],
  ["equals path through a non-object", [{ claim: "label.length", equals: 4 }], CVM, false],
  ["claim with a dot read literally first", [{ claim: "dotted.name", equals: "literal" }], CVM, true],
  ["four levels deep", [{ claim: "x-ms-isolation-tee.details.deeper.deepest", equals: "yes" }], CVM, true],
  ["prototype members are not claims", [{ claim: "constructor", exists: true }], CVM, false],
  ["__proto__ is not a claim", [{ claim: "__proto__.toString", exists: true }], CVM, false],
  // notEquals: present and different; missing or mismatched never satisfies.
  ["notEquals different", [{ claim: "label", notEquals: "Test" }], CVM, true],
  ["notEquals same", [{ claim: "label", notEquals: "Prod" }], CVM, false],
  ["notEquals 'true' vs true", [{ claim: "sdk-test", notEquals: "true" }], CVM, false],
  ["notEquals false vs true", [{ claim: "sdk-test", notEquals: false }], CVM, true],
  ["notEquals missing claim", [{ claim: "absent", notEquals: "x" }], CVM, false],
  ["notEquals type mismatch", [{ claim: "x-ms-isolation-tee", notEquals: "x" }], CVM, false],
  // Ordering: numbers, numeric strings on either side; anything else fails.
  ["less", [{ claim: "count", less: 6 }], CVM, true],
  ["less equal value", [{ claim: "count", less: 5 }], CVM, false],
  ["lessOrEquals", [{ claim: "count", lessOrEquals: 5 }], CVM, true],
  ["greater", [{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-bootloader-svn", greater: 2 }], CVM, true],
  ["greater fails", [{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-bootloader-svn", greater: 3 }], CVM, false],
  ["greaterOrEquals numeric string claim", [{ claim: "x-ms-isolation-tee.x-ms-sevsnpvm-snpfw-svn", greaterOrEquals: 8 }], CVM, true],
  ["greaterOrEquals numeric string policy", [{ claim: "count", greaterOrEquals: "4.5" }], CVM, true],
  ["ordering on a string claim", [{ claim: "label", greater: 1 }], CVM, false],
  ["ordering on a boolean claim", [{ claim: "sdk-test", less: 2 }], CVM, false],
  ["ordering on a missing claim", [{ claim: "absent", lessOrEquals: 2 }], CVM, false],
  // exists, including Key Vault's string spelling.
  ["exists true, present", [{ claim: "label", exists: true }], CVM, true],
  ["exists true, present but null", [{ claim: "nothing", exists: true }], CVM, true],
  ["exists true, missing", [{ claim: "absent", exists: true }], CVM, false],
  ["exists false, missing", [{ claim: "absent", exists: false }], CVM, true],
  ["exists false, present", [{ claim: "label", exists: false }], CVM, false],
  ["exists 'true'", [{ claim: "label", exists: "true" }], CVM, true],
  // Azure's example form {claim, condition, value}, as the JS SDK's live tests write it.
  ["condition form equals", [{ claim: "sdk-test", condition: "equals", value: "true" }], CVM, true],
  ["condition form greater", [{ claim: "count", condition: "greater", value: 10 }], CVM, false],
  ["condition form exists false", [{ claim: "absent", condition: "exists", value: false }], CVM, true],
  // Combinators and nesting.
  ["allOf all met", [{ claim: "label", equals: "Prod" }, { claim: "count", equals: 5 }], CVM, true],
  ["allOf one missing", [{ claim: "label", equals: "Prod" }, { claim: "absent", equals: 5 }], CVM, false],
  ["nested anyOf in allOf", [{ claim: "label", equals: "Prod" }, { anyOf: [{ claim: "absent", exists: true }, { claim: "count", less: 9 }] }], CVM, true],
  ["nested anyOf none met", [{ anyOf: [{ claim: "absent", exists: true }, { claim: "count", less: 1 }] }], CVM, false],
  [
    "eight levels of groups",
    [{ allOf: [{ anyOf: [{ allOf: [{ anyOf: [{ allOf: [{ anyOf: [{ allOf: [{ claim: "x-ms-isolation-tee.details.deeper.deepest", equals: "yes" }] }] }] }] }] }] }] }],
    CVM,
    true,
  ],
  // Claim sets that are not what a token holds.
  ["claims not an object", [{ claim: "label", exists: false }], "a string", true],
  ["claims null", [{ claim: "label", equals: "Prod" }], null, false],
  ["claims an array", [{ claim: "0", exists: true }], ["x"], false],
];

describe("release policy evaluation: policies x claim sets", () => {
  it.each(ROWS)("%s", (_name, conditions, claims, allowed) => {
    const decision = evaluateReleasePolicy(policy(conditions), MAA, claims);
    expect(decision.allowed).toBe(allowed);
    if (!allowed) expect(decision.reason).not.toBe("");
  });

  it.each(ROWS)("anyOf of the same: %s", (_name, conditions, claims, allowed) => {
    // One condition: anyOf and allOf agree.
    if (conditions.length !== 1) return;
    expect(evaluateReleasePolicy(policy(conditions, "anyOf"), MAA, claims).allowed).toBe(allowed);
  });
});

describe("authorities", () => {
  it("a rule applies only to tokens of its authority, with or without a trailing slash", () => {
    const p = policy([{ claim: "label", equals: "Prod" }]);
    expect(evaluateReleasePolicy(p, MAA, CVM).allowed).toBe(true);
    expect(evaluateReleasePolicy(p, `${MAA}/`, CVM).allowed).toBe(true);
    expect(evaluateReleasePolicy(p, "HTTPS://SHAREDEUS.EUS.ATTEST.AZURE.NET", CVM).allowed).toBe(true);
    const other = evaluateReleasePolicy(p, OTHER, CVM);
    expect(other.allowed).toBe(false);
    expect(other.reason).toContain("no rule for authority");
  });

  it("with several authorities, the rules of the token's own authority decide", () => {
    const p = parseReleasePolicy(
      JSON.stringify({
        anyOf: [
          { authority: OTHER, allOf: [{ claim: "label", equals: "Prod" }] },
          { authority: MAA, allOf: [{ claim: "label", equals: "Test" }] },
        ],
      }),
    );
    expect(evaluateReleasePolicy(p, OTHER, CVM).allowed).toBe(true);
    expect(evaluateReleasePolicy(p, MAA, CVM).allowed).toBe(false);
  });

  it("an issuer that is not a URL matches nothing", () => {
    expect(evaluateReleasePolicy(policy([{ claim: "label", exists: true }]), "not a url", CVM).allowed).toBe(false);
  });
});

describe("totality", () => {
  it("hostile claim shapes answer, never throw", () => {
    const cyclic: Record<string, unknown> = { label: "Prod" };
    cyclic.self = cyclic;
    const getter = Object.defineProperty({}, "label", { get: () => { throw new Error("boom"); }, enumerable: true });
    const p = policy([{ claim: "self.self.self.label", equals: "Prod" }]);
    expect(evaluateReleasePolicy(p, MAA, cyclic).allowed).toBe(true);
    expect(evaluateReleasePolicy(policy([{ claim: "label", equals: "Prod" }]), MAA, getter)).toEqual({ allowed: false, reason: expect.any(String) });
    expect(evaluateReleasePolicy(policy([{ claim: "big", equals: 1 }]), MAA, { big: 10n }).allowed).toBe(false);
  });
});

describe("nonce binding", () => {
  it("a policy binds the nonce when a condition names a nonce claim of the token's authority", () => {
    const p = policy([{ claim: "x-ms-runtime.client-payload.nonce", exists: true }, { claim: "label", exists: true }]);
    expect(boundNonceClaims(p, MAA)).toEqual(["x-ms-runtime.client-payload.nonce"]);
    expect(boundNonceClaims(p, OTHER)).toEqual([]);
    expect(boundNonceClaims(policy([{ claim: "nonces", exists: true }]), MAA)).toEqual([]);
  });
});
