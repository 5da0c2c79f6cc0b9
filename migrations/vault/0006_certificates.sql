-- Certificates (GitHub issue 4). A certificate version is a row of object_versions with kind 'certificate'
-- (props: the DER certificate and its public facts as JSON; sealed_value empty: nothing secret), beside a
-- managed key and a managed secret of the same name and version (managed = 1).

-- One policy per certificate name: what the next version is made from (CertificatePolicy, JSON).
CREATE TABLE certificate_policies (
  name_key TEXT PRIMARY KEY,
  policy TEXT NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL,
  -- When the policy's AutoRenew/EmailContacts lifetime action next falls due for the current version.
  next_action_at INTEGER
);
CREATE INDEX certificate_policies_by_next_action ON certificate_policies (next_action_at) WHERE next_action_at IS NOT NULL;

-- The pending (or last finished) certificate operation of a name: status, CSR, and the key waiting for a merge.
CREATE TABLE certificate_operations (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  operation TEXT NOT NULL,
  -- ciphertext: the pending version's private JWK under the vault data key,
  -- AAD "v1|{tenant}|{vault}|certificate-pending|{name_key}|{request_id}"; empty once finished
  sealed_pending_key BLOB NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);

-- The vault's certificate contacts (SetCertificateContacts): one JSON list.
CREATE TABLE certificate_contacts (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  contacts TEXT NOT NULL
);

-- Certificate issuers (SetCertificateIssuer). Credentials are sealed and never returned.
CREATE TABLE certificate_issuers (
  name_key TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  provider TEXT NOT NULL,
  account_id TEXT,
  -- ciphertext: the issuer account password under the vault data key, AAD "issuer-credentials|{tenant}|{vault}|{name_key}"
  sealed_password BLOB,
  org_details TEXT,
  enabled INTEGER NOT NULL,
  created INTEGER NOT NULL,
  updated INTEGER NOT NULL
);
