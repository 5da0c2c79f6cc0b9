import { DurableObject } from "cloudflare:workers";
import { tenantDataKeyOwner } from "../../core/crypto/envelope/aad.ts";
import type { JWK } from "jose";
import { VaultError } from "../../core/errors/vault-error.ts";
import { credentialMatches, hashCredential, identityHeader, newCredentialSecret } from "../../core/crypto/credential-hash.ts";
import { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { rootKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { newSigningKey, openSigner, type TokenSigner } from "../../core/crypto/token-signer.ts";
import { systemClock, toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { CreatedPrincipal, IssuedToken, Principal, PrincipalType, TenantInfo } from "../../core/domain/identity/principal.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { issuerFor } from "../../core/domain/identity/issuer.ts";
import { migrate } from "../storage/migrate.ts";
import { TENANT_MIGRATIONS } from "../storage/migrations.ts";
import { TenantRepository } from "../storage/tenant-repository.ts";
import { ThrottleRepository } from "../storage/throttle-repository.ts";
import { AZURE_VAULT_LIMITS, resolveLimits, tenantDefaults, type ThrottleBucket, type ThrottleLimits, type ThrottleOverrides } from "../../core/domain/throttle/throttle-limits.ts";
import { leaseGrant } from "../../core/domain/throttle/throttle-lease.ts";
import type { WindowCount } from "../../core/domain/throttle/throttle-window.ts";
import { GroupRepository } from "../storage/group-repository.ts";
import { PrincipalSecretRepository } from "../storage/principal-secret-repository.ts";
import { manageSecrets, secretAccepted, type SecretOp, type SecretResult } from "./principal-secrets.ts";
import { groupsClaim, manageGroups, type GroupOp, type GroupResult } from "./tenant-groups.ts";
import { RoleDefinitionRepository } from "../storage/role-definition-repository.ts";
import { manageRoleDefinitions, type RoleDefinitionOp, type RoleDefinitionResult } from "./tenant-role-definitions.ts";

/** Access tokens live an hour, like Entra's default for client credentials. */
const TOKEN_LIFETIME_SECONDS = 3600;

/** One generic message for every credential failure: which part was wrong is nobody's business. */
const invalidClient = (): VaultError => new VaultError("InvalidClient", "The client credentials are invalid.");

/**
 * One Durable Object per tenant: the tenant's principals and their hashed credentials, its
 * token-signing keys (private parts sealed), and the names of its vaults. It is the token service.
 */
export class TenantObject extends DurableObject<Env> {
  clock: Clock = systemClock;

  private readonly repo: TenantRepository;
  private readonly throttle: ThrottleRepository;
  private readonly groups: GroupRepository;
  private readonly secrets: PrincipalSecretRepository;
  private readonly roleDefinitions: RoleDefinitionRepository;
  /** Units granted to this tenant's vaults per bucket in the current window (mirrors storage). */
  private leased = new Map<ThrottleBucket, WindowCount>();
  private info: TenantInfo | null = null;
  private wrappedDek: Uint8Array | null = null;
  private signerPromise: Promise<TokenSigner> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.repo = new TenantRepository(ctx.storage.sql);
    this.throttle = new ThrottleRepository(ctx.storage.sql, "tenant");
    this.groups = new GroupRepository(ctx.storage.sql);
    this.secrets = new PrincipalSecretRepository(ctx.storage.sql);
    this.roleDefinitions = new RoleDefinitionRepository(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, TENANT_MIGRATIONS);
      this.load();
    });
  }

  /**
   * Tenant-wide throttling (Azure: five times the per-vault limit across the subscription's vaults):
   * grants a vault capacity in `bucket` for the window starting at `window` (Unix seconds, the vault's
   * clock). A window older than the one being counted is charged to the current one.
   */
  async leaseThrottle(bucket: ThrottleBucket, window: number, cost: number): Promise<number> {
    const count = this.leased.get(bucket);
    const current = count !== undefined && count.windowStart >= window ? count : { windowStart: window, used: 0 };
    const grant = leaseGrant(this.currentThrottleLimits()[bucket], current.used, cost);
    if (grant === 0) return 0;
    const next = { windowStart: current.windowStart, used: current.used + grant };
    this.throttle.save(bucket, next);
    this.leased.set(bucket, next);
    return grant;
  }

  async throttleLimits(): Promise<ThrottleLimits> {
    return this.currentThrottleLimits();
  }

  private currentThrottleLimits(): ThrottleLimits {
    return resolveLimits(tenantDefaults(AZURE_VAULT_LIMITS), this.throttle.overrides());
  }

  /** A SaaS operator's tier for this tenant: overrides of the defaults, or null to return to them. */
  async setThrottleLimits(overrides: ThrottleOverrides | null): Promise<Result<ThrottleLimits>> {
    if (this.info === null) return fail(tenantNotFound());
    this.throttle.setOverrides(overrides);
    return ok(this.currentThrottleLimits());
  }

  /** Takes the registry's record as is, so both report the same creation time. */
  async create(info: TenantInfo): Promise<Result<TenantInfo>> {
    const id = info.id;
    if (this.info !== null) return fail(new VaultError("Conflict", `Tenant ${id} already exists.`));
    const root = await rootKeyFromEnv(this.env.ROOT_KEY);
    const { dataKey, wrapped } = await DataKey.create(root, tenantDataKeyOwner(id));
    const signingKey = await newSigningKey(dataKey, id);
    if (this.info !== null) return fail(new VaultError("Conflict", `Tenant ${id} already exists.`));
    this.ctx.storage.transactionSync(() => {
      this.repo.insert(info, wrapped);
      this.repo.insertSigningKey(signingKey.kid, signingKey.publicJwk, signingKey.sealedPrivateJwk, info.created);
    });
    this.load();
    return ok(info);
  }

  async describe(): Promise<TenantInfo | null> {
    return this.info;
  }

  async destroy(): Promise<void> {
    await this.ctx.storage.deleteAll();
    // A later request for this id must find an empty, migrated schema, not missing tables.
    migrate(this.ctx.storage, TENANT_MIGRATIONS);
    this.info = null;
    this.wrappedDek = null;
    this.signerPromise = null;
    this.leased = new Map();
  }

  async createPrincipal(type: PrincipalType, displayName: string, tenantAdmin: boolean): Promise<Result<CreatedPrincipal>> {
    const tenant = this.info;
    if (tenant === null) return fail(tenantNotFound());
    const secret = newCredentialSecret();
    const principal: Principal = {
      id: crypto.randomUUID(),
      appId: crypto.randomUUID(),
      type,
      displayName,
      tenantAdmin,
      created: toUnixSeconds(this.clock.now()),
    };
    this.repo.insertPrincipal(principal, await hashCredential(secret));
    const credential = type === "managedIdentity" ? identityHeader(tenant.id, principal.id, secret) : secret;
    return ok({ principal, credential });
  }

  async listPrincipals(): Promise<Principal[]> {
    return this.repo.principals();
  }

  async getPrincipal(id: string): Promise<Principal | null> {
    return this.repo.findPrincipal(id)?.principal ?? null;
  }

  /** Deletes the principal; returns the tenant's vaults so the caller can revoke its role assignments. */
  async deletePrincipal(id: string): Promise<Result<string[]>> {
    const found = this.repo.findPrincipal(id);
    if (found === null || found.principal.id !== id) return fail(new VaultError("PrincipalNotFound", `Principal ${id} was not found.`));
    this.ctx.storage.transactionSync(() => {
      this.repo.deletePrincipal(id);
      this.groups.removePrincipal(id);
      this.secrets.deleteAllOf(id);
    });
    return ok(this.repo.vaults());
  }

  /** A service principal's client secrets (docs/access-control.md "Client secrets"). */
  async manageSecrets(principalId: string, op: SecretOp): Promise<Result<SecretResult>> {
    const found = this.repo.findPrincipal(principalId);
    if (found === null || found.principal.id !== principalId || found.principal.type !== "servicePrincipal") {
      return fail(new VaultError("PrincipalNotFound", `Service principal ${principalId} was not found.`));
    }
    return manageSecrets(this.secrets, principalId, toUnixSeconds(this.clock.now()), op);
  }

  /** The tenant's groups (docs/access-control.md "Groups"); membership travels in tokens' `groups` claim. */
  async manageGroups(op: GroupOp): Promise<Result<GroupResult>> {
    if (this.info === null) return fail(tenantNotFound());
    return manageGroups(this.groups, (id) => this.repo.findPrincipal(id)?.principal.id === id, toUnixSeconds(this.clock.now()), op);
  }

  /** The tenant's custom roles for its vaults (docs/access-control.md "Custom roles"). */
  async manageRoleDefinitions(op: RoleDefinitionOp): Promise<Result<RoleDefinitionResult>> {
    if (this.info === null) return fail(tenantNotFound());
    return manageRoleDefinitions(this.roleDefinitions, toUnixSeconds(this.clock.now()), op);
  }

  async addVault(name: string): Promise<void> {
    this.repo.addVault(name, toUnixSeconds(this.clock.now()));
  }

  async removeVault(name: string): Promise<void> {
    this.repo.removeVault(name);
  }

  async listVaults(): Promise<string[]> {
    return this.repo.vaults();
  }

  /** Public keys that verify this tenant's tokens (published as JWKS). */
  async jwks(): Promise<JWK[]> {
    return this.repo.signingKeys().map((k) => JSON.parse(k.publicJwk) as JWK);
  }

  /**
   * Issues an access token for `resource` to a principal that proves its credential: a service
   * principal's client secret (looked up by client id) or a managed identity's header secret (by
   * object id). Every failure looks the same to the caller.
   */
  async issueToken(request: {
    via: "clientSecret" | "identityHeader";
    principal: string;
    secret: string;
    resource: string;
  }): Promise<Result<IssuedToken>> {
    const tenant = this.info;
    if (tenant === null) return fail(invalidClient());
    const found = this.repo.findPrincipal(request.principal);
    const expected = request.via === "clientSecret" ? found?.principal.appId : found?.principal.id;
    const type: PrincipalType = request.via === "clientSecret" ? "servicePrincipal" : "managedIdentity";
    const now = toUnixSeconds(this.clock.now());
    const matches =
      found !== null &&
      (request.via === "clientSecret"
        ? await secretAccepted(this.secrets, found.principal.id, found.credentialHash, request.secret, now)
        : await credentialMatches(request.secret, found.credentialHash));
    if (found === null || !matches || expected !== request.principal || found.principal.type !== type) return fail(invalidClient());
    return ok(await this.sign(tenant, found.principal, request.resource));
  }

  /** Issues a token without a credential: only for the operator-designated local default identity. */
  async issueTokenForLocalIdentity(principalId: string, resource: string): Promise<Result<IssuedToken>> {
    const tenant = this.info;
    const found = this.repo.findPrincipal(principalId);
    if (tenant === null || found === null) return fail(invalidClient());
    return ok(await this.sign(tenant, found.principal, resource));
  }

  private async sign(tenant: TenantInfo, principal: Principal, resource: string): Promise<IssuedToken> {
    const signer = await this.signer(tenant);
    const now = toUnixSeconds(this.clock.now());
    const accessToken = await signer.sign(
      {
        iss: issuerFor(this.env.ISSUER_ORIGIN, tenant.id),
        aud: resource,
        sub: principal.id,
        oid: principal.id,
        tid: tenant.id,
        appid: principal.appId,
        azp: principal.appId,
        idtyp: "app",
        ver: "2.0",
        ...(principal.tenantAdmin ? { roles: ["TenantAdmin"] } : {}),
        ...groupsClaim(this.groups.groupsOf(principal.id)),
        // Entra marks managed-identity tokens with the identity's resource id (`xms_mirid`).
        ...(principal.type === "managedIdentity"
          ? { xms_mirid: `/tenants/${tenant.id}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${principal.id}` }
          : {}),
      },
      now,
      TOKEN_LIFETIME_SECONDS,
    );
    return { accessToken, expiresOn: now + TOKEN_LIFETIME_SECONDS, expiresIn: TOKEN_LIFETIME_SECONDS, resource, clientId: principal.appId };
  }

  private signer(tenant: TenantInfo): Promise<TokenSigner> {
    if (this.signerPromise === null) {
      const wrapped = this.wrappedDek;
      const newest = this.repo.signingKeys()[0];
      if (wrapped === null || newest === undefined) return Promise.reject(new Error("tenant has no signing key"));
      this.signerPromise = rootKeyFromEnv(this.env.ROOT_KEY)
        .then((root) => DataKey.unwrap(root, tenantDataKeyOwner(tenant.id), wrapped))
        .then((dataKey) => openSigner(dataKey, tenant.id, newest));
      this.signerPromise.catch(() => (this.signerPromise = null));
    }
    return this.signerPromise;
  }

  private load(): void {
    const loaded = this.repo.load();
    this.info = loaded?.info ?? null;
    this.wrappedDek = loaded?.wrappedDek ?? null;
    this.leased = this.throttle.counts();
  }
}

const tenantNotFound = (): VaultError => new VaultError("TenantNotFound", "The tenant was not found.");
