-- Edge reads (issue 20, docs/edge-reads.md). `edge_cache` 1: the vault grants the Worker short leases to serve
-- immutable reads (a secret version, a key version's public key, published JWKS) without a call to this object.
-- `public_jwks` 1: the published key sets (GET /keys/{name}/jwks, /.well-known/…) are served without a token.
ALTER TABLE vault ADD COLUMN edge_cache INTEGER NOT NULL DEFAULT 0;
ALTER TABLE vault ADD COLUMN public_jwks INTEGER NOT NULL DEFAULT 0;
-- Unix milliseconds up to which leases may be outstanding (durable-objects/vault/edge-leases.ts): written ahead of the
-- leases it covers, so an object that restarts still waits out every lease granted before it stopped.
ALTER TABLE vault ADD COLUMN edge_lease_horizon INTEGER NOT NULL DEFAULT 0;
