import type { PolicyState } from "../../core/contract/vault-policies.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { definitionByName, policyDefinitionId } from "../../core/domain/policy/policy-definitions.ts";
import { policyAssignmentId, policyScopePath } from "../../core/domain/policy/policy-evaluation.ts";

/**
 * Azure Policy's assignment resource (Policy Assignments – Get): `{id, type, name, properties: {displayName,
 * description, policyDefinitionId, scope, parameters: {name: {value}}, enforcementMode}, systemData}`.
 */
export function policyAssignmentJson(a: PolicyAssignment, tenantId: string, vault: string) {
  const scope = policyScopePath(a, tenantId, vault);
  const parameters = Object.fromEntries([["effect", { value: a.effect }], ...Object.entries(a.parameters).map(([k, v]) => [k, { value: v }])]);
  return {
    id: policyAssignmentId(scope, a.name),
    type: "Microsoft.Authorization/policyAssignments",
    name: a.name,
    properties: {
      ...(a.displayName === undefined ? {} : { displayName: a.displayName }),
      ...(a.description === undefined ? {} : { description: a.description }),
      policyDefinitionId: policyDefinitionId({ name: a.definition }),
      scope,
      parameters,
      enforcementMode: a.enforcementMode,
    },
    systemData: { createdAt: new Date(a.created * 1000).toISOString() },
  };
}

const RESOURCE_TYPES: Record<PolicyState["objectKind"], string> = {
  secret: "Microsoft.KeyVault.Data/vaults/secrets",
  key: "Microsoft.KeyVault.Data/vaults/keys",
  certificate: "Microsoft.KeyVault.Data/vaults/certificates",
  vault: "Microsoft.KeyVault/vaults",
};

const COLLECTIONS: Record<PolicyState["objectKind"], string> = { secret: "secrets", key: "keys", certificate: "certificates", vault: "" };

/**
 * A row of the compliance report, with Azure Policy Insights' PolicyState names (timestamp, resourceId,
 * resourceType, policyAssignment*, policyDefinition*, complianceState) and the object's kind, name and version and
 * the reason beside them. `resourceId` is the object's identifier as the data plane names it.
 */
export function policyStateJson(state: PolicyState, evaluatedAt: number, vaultUri: string, tenantId: string, vault: string) {
  const definition = definitionByName(state.assignment.definition);
  const base = vaultUri.replace(/\/$/, "");
  const path = state.objectKind === "vault" ? "" : `/${COLLECTIONS[state.objectKind]}/${state.objectName}${state.objectVersion === undefined ? "" : `/${state.objectVersion}`}`;
  const scope = policyScopePath(state.assignment, tenantId, vault);
  return {
    timestamp: new Date(evaluatedAt * 1000).toISOString(),
    resourceId: `${base}${path}`,
    resourceType: RESOURCE_TYPES[state.objectKind],
    objectKind: state.objectKind,
    objectName: state.objectName,
    ...(state.objectVersion === undefined ? {} : { objectVersion: state.objectVersion }),
    policyAssignmentId: policyAssignmentId(scope, state.assignment.name),
    policyAssignmentName: state.assignment.name,
    policyAssignmentScope: scope,
    policyDefinitionId: policyDefinitionId({ name: state.assignment.definition }),
    policyDefinitionName: state.assignment.definition,
    policyDefinitionDisplayName: definition?.displayName ?? state.assignment.definition,
    // Azure reports the effect lower-case here ("audit", "deny").
    policyDefinitionAction: state.effect.toLowerCase(),
    complianceState: "NonCompliant",
    complianceReason: state.reason,
  };
}
