/** A tenant's groups and their members (tenant migration 0003). All SQL for them lives here. */
export interface Group {
  readonly id: string;
  readonly displayName: string;
  /** Unix seconds. */
  readonly created: number;
}

type GroupRow = { id: string; display_name: string; created: number };

const toGroup = (row: GroupRow): Group => ({ id: row.id, displayName: row.display_name, created: row.created });

export class GroupRepository {
  constructor(private readonly sql: SqlStorage) {}

  create(group: Group): void {
    this.sql.exec("INSERT INTO groups (id, display_name, created) VALUES (?, ?, ?)", group.id, group.displayName, group.created);
  }

  all(): Group[] {
    return this.sql.exec<GroupRow>("SELECT id, display_name, created FROM groups ORDER BY created, id").toArray().map(toGroup);
  }

  get(id: string): Group | null {
    const row = this.sql.exec<GroupRow>("SELECT id, display_name, created FROM groups WHERE id = ?", id).toArray()[0];
    return row === undefined ? null : toGroup(row);
  }

  delete(id: string): boolean {
    this.sql.exec("DELETE FROM group_members WHERE group_id = ?", id);
    return this.sql.exec("DELETE FROM groups WHERE id = ?", id).rowsWritten > 0;
  }

  addMember(groupId: string, principalId: string): void {
    this.sql.exec("INSERT OR IGNORE INTO group_members (group_id, principal_id) VALUES (?, ?)", groupId, principalId);
  }

  removeMember(groupId: string, principalId: string): boolean {
    return this.sql.exec("DELETE FROM group_members WHERE group_id = ? AND principal_id = ?", groupId, principalId).rowsWritten > 0;
  }

  members(groupId: string): string[] {
    return this.sql.exec<{ p: string }>("SELECT principal_id AS p FROM group_members WHERE group_id = ? ORDER BY principal_id", groupId).toArray().map((r) => r.p);
  }

  /** The groups a principal belongs to, by id; a principal deleted leaves its memberships with removePrincipal. */
  groupsOf(principalId: string): string[] {
    return this.sql.exec<{ g: string }>("SELECT group_id AS g FROM group_members WHERE principal_id = ? ORDER BY group_id", principalId).toArray().map((r) => r.g);
  }

  removePrincipal(principalId: string): void {
    this.sql.exec("DELETE FROM group_members WHERE principal_id = ?", principalId);
  }
}
