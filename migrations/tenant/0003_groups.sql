-- Groups of a tenant's principals (issue 17, docs/access-control.md "Groups"): a role assignment or access to a
-- group applies to its members, who carry the group's id in their tokens' `groups` claim, as Entra's do.
CREATE TABLE groups (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  created INTEGER NOT NULL
);
CREATE TABLE group_members (
  group_id TEXT NOT NULL REFERENCES groups (id),
  principal_id TEXT NOT NULL,
  PRIMARY KEY (group_id, principal_id)
) WITHOUT ROWID;
CREATE INDEX group_members_by_principal ON group_members (principal_id);
