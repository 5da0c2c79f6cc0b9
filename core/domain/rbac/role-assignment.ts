/** A role granted to a principal at a vault's scope (Azure RBAC role assignment). */
export interface RoleAssignment {
  readonly id: string;
  readonly principalId: string;
  readonly roleDefinitionId: string;
  /** "/" = the whole vault (the only scope this release assigns). */
  readonly scope: string;
  /** Unix seconds. */
  readonly created: number;
}
