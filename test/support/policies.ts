/** Helpers of the vault policy tests (test/api/vault-policies-*.test.ts; docs/vault-policies.md). */
import { expect } from "vitest";
import { admin, type VaultClient } from "./fixture.ts";

export const DEF = "/providers/Microsoft.Authorization/policyDefinitions/";
export const SECRET_EXPIRY = `${DEF}98728c90-32c7-4049-8429-847dc0f4fe37`;
export const SECRET_MAX_VALIDITY = `${DEF}342e8053-e12e-4c44-be01-c3c2f318400f`;
export const SECRET_DAYS_BEFORE_EXPIRY = `${DEF}b0eb591a-5e70-4534-a8bf-04b9c489584a`;
export const KEY_EXPIRY = `${DEF}152b15f7-8e1f-4c1f-ab71-8c010ba5dbc0`;
export const KEY_TYPES = `${DEF}75c4f823-d65c-4f29-a733-01d0077fdbcb`;
export const RSA_MIN = `${DEF}82067dbb-e53b-4e06-b631-546d197452d9`;
export const EC_CURVES = `${DEF}ff25f3c8-b739-4538-9d07-3d6d25cfb255`;
export const KEY_ROTATION = `${DEF}d8cf8476-a2ec-4916-896e-992351803c44`;
export const CERT_VALIDITY = `${DEF}0a075868-4c26-42ef-914c-5bc007359560`;
export const CERT_ISSUERS = `${DEF}8e826246-c976-48f6-b03e-619bb92b3d82`;
export const FIREWALL = `${DEF}55615ac9-af46-4a59-874e-391cc3dfb490`;

export const SLOW = { timeout: 120_000 } as const;
export const DAY = 86_400;
export const now = () => Math.floor(Date.now() / 1000);

export interface ErrorBody {
  error: { code: string; message: string; innererror?: { code: string } };
}
export interface PolicyStateRow {
  objectKind: string;
  objectName: string;
  objectVersion?: string;
  policyAssignmentName: string;
  policyAssignmentScope: string;
  policyDefinitionId: string;
  policyDefinitionAction: string;
  complianceState: string;
  complianceReason: string;
  resourceType: string;
}

export type Params = Record<string, unknown>;
export const body = (policyDefinitionId: string, effect: string | undefined, params: Params = {}, extra: Params = {}) => ({
  properties: {
    policyDefinitionId,
    parameters: { ...(effect === undefined ? {} : { effect: { value: effect } }), ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }])) },
    ...extra,
  },
});

export async function assignVault(tenantId: string, vault: string, name: string, definition: string, effect: string, params: Params = {}): Promise<void> {
  const put = await admin("PUT", `/tenants/${tenantId}/vaults/${vault}/policyAssignments/${name}`, body(definition, effect, params));
  expect(put.status, await put.clone().text()).toBe(201);
}

export async function states(tenantId: string, vault: string): Promise<PolicyStateRow[]> {
  const res = await admin("GET", `/tenants/${tenantId}/vaults/${vault}/policyStates`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { value: PolicyStateRow[] }).value;
}

export async function expectDenied(res: { status: number; body: unknown }, assignment: string): Promise<void> {
  const error = (res.body as ErrorBody).error;
  expect([res.status, error.code, error.innererror?.code], JSON.stringify(res.body)).toEqual([403, "Forbidden", "ForbiddenByPolicy"]);
  expect(error.message).toContain(assignment);
  expect(error.message).toContain("was disallowed by policy");
}

export async function versions(kv: VaultClient, collection: string, name: string): Promise<number> {
  const res = await kv.json<{ value: unknown[] }>("GET", `/${collection}/${name}/versions`);
  return res.status === 404 ? 0 : res.body.value.length;
}

export interface AuditRow {
  resultCode: string;
  httpStatusCode: number;
  resultDescription?: string;
  object: { name: string } | null;
}

export async function auditRecords(kv: VaultClient, operation: string): Promise<AuditRow[]> {
  const res = await kv.json<{ value: AuditRow[] }>("GET", `/auditlog?operation=${operation}`);
  expect(res.status).toBe(200);
  return res.body.value;
}
