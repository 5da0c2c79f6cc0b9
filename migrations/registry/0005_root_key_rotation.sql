-- Root-key rotation (issue 18, docs/root-key-rotation.md). `root_key_sweeps`: each sweep the operator started, the
-- newest being the one that runs; `target` is the root key version it moves everything to, `hsm_keks` whether premium
-- vaults also get a new HSM key-encryption key. `root_key_holders`: every tenant and vault name the registry knows,
-- the root key version it last reported for its data key (NULL: not asked yet; 0: it holds none), the sweep it last
-- completed, its last failure and when to try it again (Unix ms). `retired_root_keys`: versions retired through the
-- admin API, refused from then on. No secrets here.
CREATE TABLE root_key_sweeps (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  target INTEGER NOT NULL,
  hsm_keks INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER
);

CREATE TABLE root_key_holders (
  kind TEXT NOT NULL CHECK (kind IN ('tenant', 'vault')),
  name_key TEXT NOT NULL,
  root_version INTEGER,
  swept INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  retry_at INTEGER,
  PRIMARY KEY (kind, name_key)
);

CREATE TABLE retired_root_keys (
  version INTEGER PRIMARY KEY,
  retired_at INTEGER NOT NULL
);
