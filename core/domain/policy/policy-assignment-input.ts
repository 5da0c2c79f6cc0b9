import { badParameter } from "../../errors/vault-error.ts";
import type { PolicyAssignment, PolicyScope } from "./policy-assignment.ts";
import { findPolicyDefinition, type ParameterSpec, type ParameterValue, type PolicyEffect } from "./policy-definitions.ts";

/** Azure Policy: an assignment's name is at most 64 characters below a management group (policy assignment structure). */
export const MAX_ASSIGNMENT_NAME = 64;
/** Azure Policy: displayName at most 128 characters. */
export const MAX_DISPLAY_NAME = 128;
/** Azure refuses these in an assignment name (ARM naming rules for Microsoft.Authorization/policyAssignments). */
const FORBIDDEN_NAME = /[<>*%&:\\?.+/#\u0000-\u001f\u007f]/;

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

export function assertAssignmentName(name: string): string {
  if (name === "" || name.length > MAX_ASSIGNMENT_NAME || FORBIDDEN_NAME.test(name) || name.endsWith(" ")) {
    throw badParameter(`The policy assignment name '${name.slice(0, MAX_ASSIGNMENT_NAME)}' is invalid: 1 to ${MAX_ASSIGNMENT_NAME} characters, none of <>*%&:\\?.+/# or control characters, not ending in a space.`);
  }
  return name;
}

function effectOf(raw: unknown, allowed: readonly PolicyEffect[]): PolicyEffect {
  if (raw === undefined) return "Audit";
  // Some built-ins list lower-case spellings too ("audit", "deny"); one canonical form is kept.
  const match = typeof raw === "string" ? allowed.find((e) => e.toLowerCase() === raw.toLowerCase()) : undefined;
  if (match === undefined) throw badParameter(`The parameter 'effect' must be one of ${allowed.map((e) => `'${e}'`).join(", ")} for this policy definition.`);
  return match;
}

function parameterValue(name: string, spec: ParameterSpec, raw: unknown): ParameterValue {
  if (raw === undefined) {
    if (spec.defaultValue === undefined) throw badParameter(`The policy definition requires the parameter '${name}'.`);
    return spec.defaultValue;
  }
  if (spec.type === "Integer") {
    if (typeof raw !== "number" || !Number.isInteger(raw) || raw < spec.min || raw > spec.max) {
      throw badParameter(`The parameter '${name}' must be an integer from ${spec.min} to ${spec.max}.`);
    }
    if (spec.allowedValues !== undefined && !spec.allowedValues.includes(raw)) {
      throw badParameter(`The parameter '${name}' must be one of ${spec.allowedValues.join(", ")}.`);
    }
    return raw;
  }
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 32 || !raw.every((v) => typeof v === "string" && v !== "" && v.length <= 128)) {
    throw badParameter(`The parameter '${name}' must be a non-empty array of up to 32 non-empty strings.`);
  }
  const values = raw as string[];
  const allowed = spec.allowedValues;
  if (allowed !== undefined) {
    const wrong = values.find((v) => !allowed.includes(v));
    if (wrong !== undefined) throw badParameter(`The parameter '${name}' does not allow '${wrong}'; allowed: ${allowed.join(", ")}.`);
  }
  return [...new Set(values)];
}

/**
 * Azure's PUT policyAssignments body, `{properties: {policyDefinitionId, parameters: {name: {value}}, displayName?,
 * description?, enforcementMode?}}`, checked whole: an unknown definition, parameter or property is a 400, as is a
 * value outside the definition's allowed values.
 */
export function policyAssignmentInput(scope: PolicyScope, name: string, body: Json, now: number): PolicyAssignment {
  assertAssignmentName(name);
  const extra = Object.keys(body).filter((k) => k !== "properties" && k !== "name");
  if (extra.length > 0) throw badParameter(`Unknown member '${extra[0]}' in the policy assignment.`);
  const props = body.properties;
  if (!isObject(props)) throw badParameter("The policy assignment needs 'properties'.");
  const unknown = Object.keys(props).find((k) => !["policyDefinitionId", "parameters", "displayName", "description", "enforcementMode"].includes(k));
  if (unknown !== undefined) throw badParameter(`Unknown property '${unknown}' in the policy assignment.`);
  if (typeof props.policyDefinitionId !== "string") throw badParameter("'properties.policyDefinitionId' must be a string.");
  const definition = findPolicyDefinition(props.policyDefinitionId);
  if (definition === null) throw badParameter(`The policy definition '${props.policyDefinitionId.slice(0, 200)}' could not be found.`);
  const displayName = props.displayName;
  if (displayName !== undefined && (typeof displayName !== "string" || displayName.length > MAX_DISPLAY_NAME)) {
    throw badParameter(`'properties.displayName' must be a string of at most ${MAX_DISPLAY_NAME} characters.`);
  }
  if (props.description !== undefined && (typeof props.description !== "string" || props.description.length > 512)) {
    throw badParameter("'properties.description' must be a string of at most 512 characters.");
  }
  const mode = props.enforcementMode ?? "Default";
  if (mode !== "Default" && mode !== "DoNotEnforce") throw badParameter("'properties.enforcementMode' must be 'Default' or 'DoNotEnforce'.");

  const given = props.parameters ?? {};
  if (!isObject(given)) throw badParameter("'properties.parameters' must be an object of {name: {value}}.");
  const raw: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(given)) {
    if (key !== "effect" && definition.parameters[key] === undefined) {
      throw badParameter(`The policy parameter '${key}' does not exist in the policy definition '${definition.name}'.`);
    }
    if (!isObject(entry) || !("value" in entry) || Object.keys(entry).length !== 1) throw badParameter(`The policy parameter '${key}' must be {"value": …}.`);
    raw[key] = entry.value;
  }
  const parameters = Object.fromEntries(Object.entries(definition.parameters).map(([key, spec]) => [key, parameterValue(key, spec, raw[key])]));
  return {
    scope,
    name,
    definition: definition.name,
    ...(displayName === undefined || displayName === "" ? {} : { displayName }),
    ...(typeof props.description === "string" && props.description !== "" ? { description: props.description } : {}),
    effect: effectOf(raw.effect, definition.effects),
    parameters,
    enforcementMode: mode,
    created: now,
  };
}
