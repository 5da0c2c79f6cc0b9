/**
 * The vault policy rules (core/domain/policy): each built-in definition's condition at its boundary, as Azure's
 * policyRule states it (github.com/Azure/azure-policy, built-in-policies/policyDefinitions/Key Vault), the effects
 * each allows, and the assignment body's normalization.
 */
import { describe, expect, it } from "vitest";
import { policyAssignmentInput } from "../../core/domain/policy/policy-assignment-input.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { POLICY_DEFINITIONS, findPolicyDefinition } from "../../core/domain/policy/policy-definitions.ts";
import { violations } from "../../core/domain/policy/policy-evaluation.ts";
import { spanInMonths, type PolicySubject } from "../../core/domain/policy/policy-subject.ts";

const DAY = 86_400;
const NOW = 1_900_000_000;
const ID = (guid: string) => `/providers/Microsoft.Authorization/policyDefinitions/${guid}`;

function assignment(guid: string, effect: string, params: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): PolicyAssignment {
  const parameters = Object.fromEntries([["effect", { value: effect }], ...Object.entries(params).map(([k, v]) => [k, { value: v }])]);
  return policyAssignmentInput("vault", "a", { properties: { policyDefinitionId: ID(guid), parameters, ...extra } }, NOW);
}

const judge = (a: PolicyAssignment, subject: PolicySubject) => violations([a], subject, NOW).map((v) => v.effect);
const secret = (exp?: number): PolicySubject => ({ kind: "secret", name: "s", ...(exp === undefined ? {} : { exp }), created: NOW });
const key = (extra: Partial<Extract<PolicySubject, { kind: "key" }>> = {}): PolicySubject => ({ kind: "key", name: "k", kty: "RSA", keySize: 2048, created: NOW, scheduledRotation: null, ...extra });

describe("the built-in definitions", () => {
  it("keep Azure's ids and effects; the rotation rule is Audit-only", () => {
    expect(POLICY_DEFINITIONS.map((d) => d.name)).toHaveLength(11);
    expect(new Set(POLICY_DEFINITIONS.map((d) => d.name)).size).toBe(11);
    expect(findPolicyDefinition(ID("d8cf8476-a2ec-4916-896e-992351803c44"))?.effects).toEqual(["Audit", "Disabled"]);
    expect(findPolicyDefinition(ID("98728C90-32C7-4049-8429-847DC0F4FE37"))?.displayName).toBe("Key Vault secrets should have an expiration date");
    expect(findPolicyDefinition("98728c90-32c7-4049-8429-847dc0f4fe37")).toBeNull();
  });

  it("secret expiry, maximum validity and days before expiration at their boundaries", () => {
    const expiry = assignment("98728c90-32c7-4049-8429-847dc0f4fe37", "Deny");
    expect([judge(expiry, secret()), judge(expiry, secret(NOW + DAY))]).toEqual([["Deny"], []]);
    const max = assignment("342e8053-e12e-4c44-be01-c3c2f318400f", "Audit", { maximumValidityInDays: 30 });
    expect([judge(max, secret(NOW + 30 * DAY)), judge(max, secret(NOW + 30 * DAY + 1)), judge(max, secret())]).toEqual([[], ["Audit"], ["Audit"]]);
    const left = assignment("b0eb591a-5e70-4534-a8bf-04b9c489584a", "Deny", { minimumDaysBeforeExpiration: 10 });
    expect([judge(left, secret(NOW + 10 * DAY)), judge(left, secret(NOW + 10 * DAY - 1)), judge(left, secret())]).toEqual([[], ["Deny"], []]);
  });

  it("key type, RSA size, curve, expiry and rotation", () => {
    const types = assignment("75c4f823-d65c-4f29-a733-01d0077fdbcb", "Deny", { allowedKeyTypes: ["EC"] });
    expect([judge(types, key()), judge(types, key({ kty: "EC", crv: "P-256" }))]).toEqual([["Deny"], []]);
    const size = assignment("82067dbb-e53b-4e06-b631-546d197452d9", "Deny", { minimumRSAKeySize: 3072 });
    expect([judge(size, key()), judge(size, key({ keySize: 3072 })), judge(size, key({ kty: "EC", crv: "P-256", keySize: undefined }))]).toEqual([["Deny"], [], []]);
    // A BYOK import's size is unknown until its blob is unwrapped: not refused for want of it.
    expect(judge(size, key({ keySize: undefined }))).toEqual([]);
    const curves = assignment("ff25f3c8-b739-4538-9d07-3d6d25cfb255", "Deny", { allowedECNames: ["P-256"] });
    expect([judge(curves, key({ kty: "EC-HSM", crv: "P-521" })), judge(curves, key({ kty: "EC", crv: "P-256" })), judge(curves, key())]).toEqual([["Deny"], [], []]);
    const rotation = assignment("d8cf8476-a2ec-4916-896e-992351803c44", "Audit", { maximumDaysToRotate: 90 });
    expect([judge(rotation, key()), judge(rotation, key({ scheduledRotation: NOW + 90 * DAY })), judge(rotation, key({ scheduledRotation: NOW + 91 * DAY }))]).toEqual([
      ["Audit"],
      [],
      ["Audit"],
    ]);
  });

  it("certificates and the firewall", () => {
    const validity = assignment("0a075868-4c26-42ef-914c-5bc007359560", "deny");
    expect(validity.effect).toBe("Deny");
    expect(validity.parameters).toEqual({ maximumValidityInMonths: 12 });
    const cert = (validityMonths: number, issuer = "Self"): PolicySubject => ({ kind: "certificate", name: "c", validityMonths, issuer });
    expect([judge(validity, cert(12)), judge(validity, cert(13))]).toEqual([[], ["Deny"]]);
    const issuers = assignment("8e826246-c976-48f6-b03e-619bb92b3d82", "Audit", { allowedCAs: ["self", "OurCA"] });
    expect([judge(issuers, cert(1)), judge(issuers, cert(1, "Unknown"))]).toEqual([[], ["Audit"]]);
    const firewall = assignment("55615ac9-af46-4a59-874e-391cc3dfb490", "Deny");
    expect([judge(firewall, { kind: "vault", name: "v", firewallEnabled: false }), judge(firewall, { kind: "vault", name: "v", firewallEnabled: true })]).toEqual([["Deny"], []]);
    // A rule of another kind never applies.
    expect(judge(firewall, secret())).toEqual([]);
  });

  it("Disabled judges nothing; DoNotEnforce turns Deny into Audit", () => {
    expect(judge(assignment("98728c90-32c7-4049-8429-847dc0f4fe37", "Disabled"), secret())).toEqual([]);
    expect(judge(assignment("98728c90-32c7-4049-8429-847dc0f4fe37", "Deny", {}, { enforcementMode: "DoNotEnforce" }), secret())).toEqual(["Audit"]);
  });
});

describe("spanInMonths", () => {
  const at = (iso: string) => Date.parse(iso) / 1000;
  it("counts a part month as one, but not the backdating of notBefore", () => {
    expect(spanInMonths(at("2026-01-15T00:00:00Z"), at("2027-01-15T00:00:00Z"))).toBe(12);
    expect(spanInMonths(at("2026-01-14T23:50:00Z"), at("2027-01-15T00:00:00Z"))).toBe(12);
    expect(spanInMonths(at("2026-01-15T00:00:00Z"), at("2027-01-17T00:00:00Z"))).toBe(13);
    expect(spanInMonths(at("2026-01-15T00:00:00Z"), at("2028-01-15T00:00:00Z"))).toBe(24);
  });
});
