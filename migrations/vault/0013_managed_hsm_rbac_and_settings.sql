-- Managed HSM local RBAC and settings (issue 15, docs/managed-hsm.md). `role_assignments` keeps every assignment;
-- on a managed HSM its `scope` is "/", "/keys" or "/keys/{name}" and its role is a Managed HSM role, built in
-- (core/domain/rbac/managed-hsm-roles.ts) or one of the custom roles below.
CREATE TABLE hsm_role_definitions (
  name TEXT PRIMARY KEY,              -- the role's GUID, lower-cased
  role_name TEXT NOT NULL,
  description TEXT NOT NULL,
  permissions TEXT NOT NULL,          -- JSON: [{actions, notActions, dataActions, notDataActions}]
  assignable_scopes TEXT NOT NULL,    -- JSON: ["/"] or ["/keys"]
  created INTEGER NOT NULL
);
-- The HSM's settings that differ from their defaults (settings.json; values "true" / "false").
CREATE TABLE hsm_settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
-- Before this migration a managed HSM was assigned Key Vault roles through the admin API. Each becomes the Managed
-- HSM roles that grant the same on keys: Administrator → HSM Administrator (keeping the assignment's id) + Crypto
-- Officer + Crypto User; Crypto Officer → Crypto Officer + Crypto User; Crypto User → Crypto User; Crypto Service
-- Encryption User and Release User → their HSM namesakes; Reader and Auditor (ours) → Crypto Auditor + Audit Reader.
-- Secret and certificate roles grant nothing on an HSM and are dropped. New ids are random GUIDs.
CREATE TABLE legacy_role_map (old TEXT NOT NULL, new TEXT NOT NULL, keeps_id INTEGER NOT NULL);
INSERT INTO legacy_role_map VALUES
  ('00482a5a-887f-4fb3-b363-3b7fe8e74483', 'a290e904-7015-4bba-90c8-60543313cdb4', 1),
  ('00482a5a-887f-4fb3-b363-3b7fe8e74483', '515eb02d-2335-4d2d-92f2-b1cbdf9c3778', 0),
  ('00482a5a-887f-4fb3-b363-3b7fe8e74483', '21dbd100-6940-42c2-9190-5d6cb909625b', 0),
  ('14b46e9e-c2b7-41b4-b07b-48a6ebf60603', '515eb02d-2335-4d2d-92f2-b1cbdf9c3778', 1),
  ('14b46e9e-c2b7-41b4-b07b-48a6ebf60603', '21dbd100-6940-42c2-9190-5d6cb909625b', 0),
  ('12338af0-0e69-4776-bea7-57ae8d297424', '21dbd100-6940-42c2-9190-5d6cb909625b', 1),
  ('e147488a-f6f5-4113-8e2d-b22465e65bf6', '33413926-3206-4cdd-b39a-83574fe37a17', 1),
  ('08bbd89e-9f13-488c-ac41-acfcb10c90ab', '21dbd100-6940-42c2-9190-5d6cb909625c', 1),
  ('21090545-7ca7-4776-b22c-e363652d74d2', '2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 1),
  ('21090545-7ca7-4776-b22c-e363652d74d2', '51013eda-ffbe-4d29-be0f-5d7ec88f84a3', 0),
  ('39bac55f-2a97-45c6-9e3c-65722c6a1879', '2c18b078-7c48-4d3a-af88-5a3a1b3f82b3', 1),
  ('39bac55f-2a97-45c6-9e3c-65722c6a1879', '51013eda-ffbe-4d29-be0f-5d7ec88f84a3', 0);
INSERT INTO role_assignments (id, principal_id, role_definition_id, scope, created)
  SELECT
    lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) ||
      '-8' || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
    a.principal_id, m.new, a.scope, a.created
  FROM role_assignments a JOIN legacy_role_map m ON m.old = a.role_definition_id AND m.keeps_id = 0
  WHERE (SELECT sku FROM vault) = 'managedHSM';
UPDATE role_assignments
  SET role_definition_id = (SELECT m.new FROM legacy_role_map m WHERE m.old = role_assignments.role_definition_id AND m.keeps_id = 1)
  WHERE (SELECT sku FROM vault) = 'managedHSM'
    AND role_definition_id IN (SELECT old FROM legacy_role_map WHERE keeps_id = 1);
DELETE FROM role_assignments
  WHERE (SELECT sku FROM vault) = 'managedHSM'
    AND role_definition_id NOT IN (SELECT new FROM legacy_role_map)
    AND role_definition_id NOT IN (SELECT name FROM hsm_role_definitions);
DROP TABLE legacy_role_map;
