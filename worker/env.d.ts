/**
 * Bindings of the Worker (wrangler.toml). Written to match `wrangler types` output for these
 * bindings; secrets (ROOT_KEY, OPERATOR_KEY) come from `.dev.vars` locally and `wrangler secret` in production.
 */
interface Env {
  VAULT: DurableObjectNamespace<import("../durable-objects/vault/vault-object.ts").VaultObject>;
  TENANT: DurableObjectNamespace<import("../durable-objects/tenant/tenant-object.ts").TenantObject>;
  REGISTRY: DurableObjectNamespace<import("../durable-objects/registry/registry-object.ts").RegistryObject>;
  /** Base64 of 32 random bytes; every stored secret depends on it. */
  ROOT_KEY: string;
  /** Further root key versions, `version:base64` entries from 2 up; the highest is current (docs/root-key-rotation.md). */
  ROOT_KEYS?: string;
  /** Bootstrap operator credential for the control-plane API. */
  OPERATOR_KEY: string;
  /** Origin of the token service, e.g. "https://localhost:8443". */
  ISSUER_ORIGIN: string;
  /** "true" enables credential-less IMDS / Cloud Shell token endpoints (local development only). */
  LOCAL_IMDS: string;
  /** The PKCS#11 bridge (wasm-hsm/README.md); all three set, or premium vaults refuse -HSM key types. */
  HSM_BRIDGE_URL?: string;
  HSM_BRIDGE_KEY_ID?: string;
  /** HMAC secret shared with the bridge (base64url, ≥ 32 bytes): `wrangler secret put` in production. */
  HSM_BRIDGE_SECRET?: string;
  /** Per-call deadline in milliseconds (default 10 000). */
  HSM_BRIDGE_TIMEOUT_MS?: string;
  /** Deadline of key-making calls in milliseconds (default 30 000: RSA-4096 generation takes seconds). */
  HSM_BRIDGE_KEYGEN_TIMEOUT_MS?: string;
  /** "channel" (default: one WebSocket per vault object, docs/hsm-channel.md) or "http" (a signed request per call). */
  HSM_BRIDGE_TRANSPORT?: string;
  /** attributes.hsmPlatform of new HSM keys: "2" (FIPS 140-3 L3, the default), "1", or "0" for a software token. */
  HSM_PLATFORM?: string;
  /**
   * "true" lets webhooks target private, link-local, loopback and unique-local addresses and local names
   * (durable-objects/domain/webhook-target.ts). Default "false"; LOCAL_IMDS=true implies it (local development).
   */
  WEBHOOK_ALLOW_PRIVATE_TARGETS?: string;
  /** DNS-over-HTTPS JSON endpoint that resolves webhook hosts before each delivery (default https://cloudflare-dns.com/dns-query). */
  WEBHOOK_DNS_RESOLVER?: string;
  /**
   * Attestation authorities whose tokens may release keys (URLs, space- or comma-separated; default none). Their
   * OIDC discovery documents and key sets are fetched by the vault objects (docs/key-release.md, "Trust").
   */
  ATTESTATION_AUTHORITIES?: string;
  /**
   * External OIDC issuers whose tokens a principal's federated identity credentials may accept at the token endpoint
   * (URLs, https only, space- or comma-separated; default none; docs/access-control.md "Workload identity federation").
   * The local OIDC issuer `{ISSUER_ORIGIN}/local-oidc` (served under LOCAL_IMDS) is trusted only when listed.
   */
  FEDERATED_TOKEN_ISSUERS?: string;
  /** "true" serves the local attestation authority at {ISSUER_ORIGIN}/local-attestation; LOCAL_IMDS=true implies it. */
  LOCAL_ATTESTATION?: string;
  /** Where managed HSM full backups are kept (docs/managed-hsm.md "Where backups go"); optional. */
  BACKUPS?: R2Bucket;
  /** The Azure-Blob-style origins whose container URIs map to BACKUPS (space- or comma-separated; default none). */
  BACKUP_BLOB_ENDPOINTS?: string;
  /** "true" exposes GET /_bench/echo, the baseline `npm run bench` compares against. Never set in production. */
  BENCH_ECHO?: string;
}
