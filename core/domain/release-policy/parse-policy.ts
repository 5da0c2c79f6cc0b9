import { badParameter, type VaultError } from "../../errors/vault-error.ts";
import { canonicalAuthority } from "./authority.ts";
import {
  isPolicyOperator,
  POLICY_OPERATORS,
  type AuthorityRule,
  type Combinator,
  type PolicyNode,
  type PolicyOperator,
  type PolicyValue,
  type ReleasePolicy,
} from "./policy-types.ts";

/** Grammar versions accepted: Azure's documents write "1.0.0", its JS SDK tests "1.0"; absent means 1.0.0. */
const VERSIONS = ["1.0.0", "1.0"] as const;
/** Groups inside groups, below an authority rule. Deeper policies are refused, never evaluated. */
export const MAX_POLICY_DEPTH = 8;
/** Conditions and groups in one policy, all rules together. */
export const MAX_POLICY_NODES = 256;
export const MAX_CLAIM_LENGTH = 256;
export const MAX_VALUE_LENGTH = 1024;

type Json = Record<string, unknown>;

const invalid = (reason: string): VaultError => badParameter(`The release policy is not valid: ${reason}`);

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function onlyMembers(value: Json, allowed: readonly string[], where: string): void {
  const extra = Object.keys(value).find((name) => !allowed.includes(name));
  if (extra !== undefined) throw invalid(`${where} has an unknown member '${extra}'.`);
}

/** Exactly one of allOf/anyOf, a non-empty array. */
function combinatorOf(value: Json, where: string): { combinator: Combinator; items: unknown[] } {
  const present = (["allOf", "anyOf"] as const).filter((name) => value[name] !== undefined);
  if (present.length !== 1) throw invalid(`${where} must have exactly one of 'allOf' or 'anyOf'.`);
  const combinator = present[0] as Combinator;
  const items = value[combinator];
  if (!Array.isArray(items) || items.length === 0) throw invalid(`${where}.${combinator} must be a non-empty array.`);
  return { combinator, items };
}

/** Numeric strings are numbers written as JSON writes them (RFC 8259 §6); Key Vault stores values as strings. */
export const NUMERIC_STRING = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

function conditionValue(operator: PolicyOperator, value: unknown, where: string): PolicyValue {
  if (operator === "exists") {
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    throw invalid(`${where}: 'exists' takes true or false.`);
  }
  if (operator === "equals" || operator === "notEquals") {
    if (typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value))) return value;
    if (typeof value === "string" && value.length <= MAX_VALUE_LENGTH) return value;
    throw invalid(`${where}: '${operator}' takes a string, number or boolean (strings up to ${MAX_VALUE_LENGTH} characters).`);
  }
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && NUMERIC_STRING.test(value)) return value;
  throw invalid(`${where}: '${operator}' takes a number.`);
}

function parseCondition(value: Json, where: string): PolicyNode {
  const claim = value.claim;
  if (typeof claim !== "string" || claim === "" || claim.length > MAX_CLAIM_LENGTH) {
    throw invalid(`${where}.claim must be a claim name of 1–${MAX_CLAIM_LENGTH} characters.`);
  }
  if (value.condition !== undefined) {
    // Azure's own example form: {claim, condition: "equals", value}.
    onlyMembers(value, ["claim", "condition", "value"], where);
    if (!isPolicyOperator(value.condition)) throw invalid(`${where}.condition must be one of: ${POLICY_OPERATORS.join(", ")}.`);
    if (!("value" in value)) throw invalid(`${where} has a condition but no value.`);
    return { kind: "condition", claim, operator: value.condition, value: conditionValue(value.condition, value.value, where) };
  }
  const operators = Object.keys(value).filter((name) => name !== "claim");
  const operator = operators[0];
  if (operators.length !== 1 || !isPolicyOperator(operator)) {
    throw invalid(`${where} must have exactly one operator: ${POLICY_OPERATORS.join(", ")}.`);
  }
  return { kind: "condition", claim, operator, value: conditionValue(operator, value[operator], where) };
}

class NodeBudget {
  used = 0;
  spend(where: string): void {
    this.used += 1;
    if (this.used > MAX_POLICY_NODES) throw invalid(`more than ${MAX_POLICY_NODES} conditions (at ${where}).`);
  }
}

function parseNodes(items: unknown[], where: string, depth: number, budget: NodeBudget): PolicyNode[] {
  return items.map((item, index) => {
    const at = `${where}[${index}]`;
    budget.spend(at);
    if (!isObject(item)) throw invalid(`${at} must be an object.`);
    if (item.claim !== undefined) return parseCondition(item, at);
    if (depth >= MAX_POLICY_DEPTH) throw invalid(`${at} nests groups deeper than ${MAX_POLICY_DEPTH} levels.`);
    onlyMembers(item, ["allOf", "anyOf"], at);
    const { combinator, items: members } = combinatorOf(item, at);
    return { kind: "group", combinator, members: parseNodes(members, `${at}.${combinator}`, depth + 1, budget) };
  });
}

function parseRule(value: unknown, index: number, budget: NodeBudget): AuthorityRule {
  const where = `anyOf[${index}]`;
  if (!isObject(value)) throw invalid(`${where} must be an object.`);
  onlyMembers(value, ["authority", "allOf", "anyOf"], where);
  const authority = value.authority;
  if (typeof authority !== "string" || canonicalAuthority(authority) === null) {
    throw invalid(`${where}.authority must be the URL (https) of an attestation authority.`);
  }
  const { combinator, items } = combinatorOf(value, where);
  return { authority, combinator, members: parseNodes(items, `${where}.${combinator}`, 1, budget) };
}

/**
 * A policy from its JSON text, or 400 BadParameter naming what is wrong ("A malformed policy is a 400 with the
 * reason"). The grammar always starts with `anyOf` over authorities; unknown members are refused rather than
 * ignored, so a condition the vault would not enforce cannot be written.
 */
export function parseReleasePolicy(text: string): ReleasePolicy {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid("it is not JSON.");
  }
  if (!isObject(value)) throw invalid("it must be a JSON object.");
  onlyMembers(value, ["version", "anyOf"], "the policy");
  const version = value.version ?? "1.0.0";
  if (typeof version !== "string" || !(VERSIONS as readonly string[]).includes(version)) {
    throw invalid(`version must be one of: ${VERSIONS.join(", ")}.`);
  }
  const rules = value.anyOf;
  if (!Array.isArray(rules) || rules.length === 0) throw invalid("it must start with 'anyOf', a non-empty array of authorities.");
  const budget = new NodeBudget();
  return { version, rules: rules.map((rule, index) => parseRule(rule, index, budget)) };
}
