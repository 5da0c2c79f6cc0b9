/** Who is using the control plane: the bootstrap operator, or a tenant admin confined to its tenant. */
export type AdminCaller =
  | { readonly kind: "operator" }
  | { readonly kind: "tenantAdmin"; readonly tenantId: string; readonly objectId: string; readonly appId: string };
