import { DurableObject } from "cloudflare:workers";
import type { JWK } from "jose";
import { VaultError } from "../../core/errors/vault-error.ts";
import { credentialMatches, hashCredential, identityHeader, newCredentialSecret } from "../../core/crypto/credential-hash.ts";
import { moveTenantRootKey, newTenantDataKey, type TenantWrappedKey } from "./tenant-root-key.ts";
import type { RootKeyMoveResult } from "../../core/contract/root-keys.ts";
import { newSigningKey } from "../../core/crypto/token-signer.ts";
import { systemClock, toUnixSeconds, type Clock } from "../../core/domain/clock.ts";
import type { CreatedPrincipal, IssuedToken, Principal, PrincipalType, TenantInfo } from "../../core/domain/identity/principal.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { accessTokenClaims } from "../../core/domain/identity/access-token-claims.ts";
import { migrate } from "../storage/migrate.ts";
import { TENANT_MIGRATIONS } from "../storage/migrations.ts";
import { TenantRepository } from "../storage/tenant-repository.ts";
import { ThrottleRepository } from "../storage/throttle-repository.ts";
import type { ThrottleBucket, ThrottleLimits, ThrottleOverrides } from "../../core/domain/throttle/throttle-limits.ts";
import { TenantThrottle } from "./tenant-throttle.ts";
import { GroupRepository } from "../storage/group-repository.ts";
import { PrincipalSecretRepository } from "../storage/principal-secret-repository.ts";
import { manageSecrets, secretAccepted, type SecretOp, type SecretResult } from "./principal-secrets.ts";
import { manageGroups, type GroupOp, type GroupResult } from "./tenant-groups.ts";
import * as assertions from "./client-assertions.ts";
import { PolicyAssignmentRepository } from "../storage/policy-assignment-repository.ts";
import type { PolicyAssignment } from "../../core/domain/policy/policy-assignment.ts";
import { managePolicies, type TenantPolicyOp, type TenantPolicyResult } from "./tenant-policies.ts";
import { RoleDefinitionRepository } from "../storage/role-definition-repository.ts";
import { manageRoleDefinitions, type RoleDefinitionOp, type RoleDefinitionResult } from "./tenant-role-definitions.ts";
import { manageTrustedIssuers, type TrustedIssuerOp, type TrustedIssuerResult } from "./trusted-issuers.ts";
import { TenantSigner } from "./tenant-signer.ts";
import { principalOf } from "./principal-lookup.ts";
import { TenantPeople, type DeviceApproval, type DeviceApprovalOutcome, type SignInOutcome, type SignInRequest, type UserGrantOp } from "./tenant-people.ts";
import type { LockoutPolicy } from "../../core/domain/identity/lockout.ts";
import type { UserOp, UserResult } from "./user-directory.ts";
import type { GrantOutcome, TokenAnswer } from "../../core/domain/identity/oauth-grant.ts";

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
  private readonly throttle: TenantThrottle;
  private readonly groups: GroupRepository;
  private readonly secrets: PrincipalSecretRepository;
  private readonly credentials: assertions.AssertionStores;
  private readonly policies: PolicyAssignmentRepository;
  private readonly roleDefinitions: RoleDefinitionRepository;
  private info: TenantInfo | null = null;
  private wrappedDek: TenantWrappedKey | null = null;
  private readonly signer: TenantSigner;
  /** Users, sign-in and the grants for people (docs/sign-in.md); its methods are this object's, by delegation. */
  private readonly people: TenantPeople;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.repo = new TenantRepository(ctx.storage.sql);
    this.throttle = new TenantThrottle(new ThrottleRepository(ctx.storage.sql, "tenant"));
    this.groups = new GroupRepository(ctx.storage.sql);
    this.secrets = new PrincipalSecretRepository(ctx.storage.sql);
    this.credentials = assertions.assertionStores(ctx.storage.sql);
    this.policies = new PolicyAssignmentRepository(ctx.storage.sql, "tenant");
    this.roleDefinitions = new RoleDefinitionRepository(ctx.storage.sql);
    this.signer = new TenantSigner(env);
    this.people = new TenantPeople(ctx.storage, env.ISSUER_ORIGIN, () => ({ tenantId: this.info?.id ?? null, nowMs: this.clock.now() }), (id) => this.groups.groupsOf(id), (claims, lifetime) => this.openSigner(this.info?.id ?? "").then((s) => s.sign(claims, toUnixSeconds(this.clock.now()), lifetime)), () => this.signer.dataKey(this.info?.id ?? "", this.wrappedDek), env);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage, TENANT_MIGRATIONS);
      this.load();
    });
  }

  /** Tenant-wide throttling: capacity granted to a vault (tenant-throttle.ts). */
  async leaseThrottle(bucket: ThrottleBucket, window: number, cost: number): Promise<number> {
    return this.throttle.lease(bucket, window, cost);
  }

  async throttleLimits(): Promise<ThrottleLimits> {
    return this.throttle.limits();
  }

  async setThrottleLimits(overrides: ThrottleOverrides | null): Promise<Result<ThrottleLimits>> {
    return this.info === null ? fail(tenantNotFound()) : ok(this.throttle.setOverrides(overrides));
  }

  /** Takes the registry's record as is, so both report the same creation time. */
  async create(info: TenantInfo): Promise<Result<TenantInfo>> {
    const id = info.id;
    if (this.info !== null) return fail(new VaultError("Conflict", `Tenant ${id} already exists.`));
    const { dataKey, key } = await newTenantDataKey(this.env, id);
    const signingKey = await newSigningKey(dataKey, id);
    if (this.info !== null) return fail(new VaultError("Conflict", `Tenant ${id} already exists.`));
    this.ctx.storage.transactionSync(() => {
      this.repo.insert(info, key);
      this.repo.insertSigningKey(signingKey.kid, signingKey.publicJwk, signingKey.sealedPrivateJwk, info.created);
    });
    this.load();
    return ok(info);
  }

  /** Root-key rotation (docs/root-key-rotation.md): the data key re-wrapped under the newest root key version. */
  async moveRootKey(): Promise<RootKeyMoveResult> {
    const held = () => (this.info === null || this.wrappedDek === null ? null : { tenantId: this.info.id, key: this.wrappedDek });
    return moveTenantRootKey(this.env, { held, store: (key) => (this.repo.setDataKey(key), (this.wrappedDek = key)) });
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
    this.signer.forget();
    this.throttle.reload();
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
    const found = principalOf(this.repo, id, "any");
    if (!found.ok) return found;
    this.ctx.storage.transactionSync(() => {
      this.repo.deletePrincipal(id);
      this.groups.removePrincipal(id);
      this.secrets.deleteAllOf(id);
      this.credentials.federated.deleteAllOf(id);
      this.credentials.certificates.deleteAllOf(id);
      this.people.forget(id);
    });
    return ok(this.repo.vaults());
  }

  /** A service principal's client secrets (docs/access-control.md "Client secrets"). */
  async manageSecrets(principalId: string, op: SecretOp): Promise<Result<SecretResult>> {
    const found = principalOf(this.repo, principalId, "servicePrincipal");
    if (!found.ok) return found;
    return manageSecrets(this.secrets, principalId, toUnixSeconds(this.clock.now()), op);
  }

  /** A principal's federated identity credentials (docs/access-control.md "Workload identity federation"). */
  async manageFederatedCredentials(principalId: string, op: assertions.FederatedOp): Promise<Result<assertions.FederatedResult>> {
    const found = principalOf(this.repo, principalId, "workload");
    if (!found.ok) return found;
    return assertions.manageFederatedCredentials(this.credentials.federated, principalId, toUnixSeconds(this.clock.now()), op);
  }

  /** A service principal's certificate credentials (docs/access-control.md "Certificate credentials"). */
  async manageCertificates(principalId: string, op: assertions.CertificateOp): Promise<Result<assertions.CertificateResult>> {
    const found = principalOf(this.repo, principalId, "servicePrincipal");
    if (!found.ok) return found;
    return assertions.manageCertificates(this.credentials.certificates, principalId, toUnixSeconds(this.clock.now()), op);
  }

  /** Client credentials by client assertion (client-assertions.ts): the client, by client id, must accept it, once. */
  async issueTokenForAssertion(clientId: string, proof: assertions.AssertionProof, resource: string): Promise<Result<IssuedToken>> {
    const found = this.repo.findPrincipal(clientId)?.principal;
    const principal = found?.appId === clientId && found.type !== "user" ? found : null;
    if (this.info === null || !(await assertions.acceptClientAssertion(this.credentials, this.info.id, clientId, principal, proof, toUnixSeconds(this.clock.now())))) return fail(invalidClient());
    return principal === null ? fail(invalidClient()) : ok(await this.sign(this.info, principal, resource));
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

  /** The tenant's vault policy assignments (docs/vault-policies.md); a change answers with the vaults to push it to. */
  async managePolicies(op: TenantPolicyOp): Promise<Result<TenantPolicyResult>> {
    if (this.info === null) return fail(tenantNotFound());
    return managePolicies(this.policies, () => this.repo.vaults(), op);
  }

  /** The tenant's trusted external issuers (docs/access-control.md "Trusted external issuers"). */
  async manageTrustedIssuers(op: TrustedIssuerOp): Promise<Result<TrustedIssuerResult>> {
    if (this.info === null) return fail(tenantNotFound());
    return manageTrustedIssuers(this.ctx.storage, (id) => this.repo.findPrincipal(id) !== null || this.groups.get(id) !== null, toUnixSeconds(this.clock.now()), op);
  }

  /**
   * Records a new vault of the tenant and answers the tenant's policy assignments as of that moment, in one step: an
   * assignment set or removed later is pushed to this vault (it is in the list now), one set earlier is in the answer,
   * so none falls between (docs/vault-policies.md).
   */
  async addVault(name: string): Promise<PolicyAssignment[]> {
    this.repo.addVault(name, toUnixSeconds(this.clock.now()));
    return this.policies.all();
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
   * Issues an access token for `resource` to a principal that proves its credential: a service principal's client
   * secret (looked up by client id) or a managed identity's header secret (by object id). Every failure looks the same.
   */
  async issueToken(request: { via: "clientSecret" | "identityHeader"; principal: string; secret: string; resource: string }): Promise<Result<IssuedToken>> {
    const tenant = this.info;
    if (tenant === null) return fail(invalidClient());
    const found = this.repo.findPrincipal(request.principal);
    const expected = request.via === "clientSecret" ? found?.principal.appId : found?.principal.id;
    const type: PrincipalType = request.via === "clientSecret" ? "servicePrincipal" : "managedIdentity";
    const now = toUnixSeconds(this.clock.now());
    const matches = found !== null && (request.via === "clientSecret"
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

  // People (docs/sign-in.md): RPC reaches only methods of the class, so each is one here, delegating.
  async manageUsers(op: UserOp): Promise<Result<UserResult>> { return this.people.manageUsers(op); }
  async signIn(request: SignInRequest): Promise<SignInOutcome> { return this.people.signIn(request); }
  async userGrant(op: UserGrantOp): Promise<GrantOutcome<TokenAnswer>> { return this.people.userGrant(op); }
  async startDeviceAuthorization(clientId: string, scope: string): ReturnType<TenantPeople["startDeviceAuthorization"]> { return this.people.startDeviceAuthorization(clientId, scope); }
  async approveDevice(approval: DeviceApproval): Promise<DeviceApprovalOutcome> { return this.people.approveDevice(approval); }
  async lockoutPolicy(policy: LockoutPolicy | null): Promise<Result<LockoutPolicy>> { return this.people.lockoutPolicy(policy); }
  async activeTenantAdmin(id: string): Promise<Principal | null> { return this.people.activeTenantAdmin(id); }
  async passwordParameters(userPrincipalName: string): ReturnType<TenantPeople["passwordParameters"]> { return this.people.passwordParameters(userPrincipalName); }
  async enrollOwnTotp(credentials: Parameters<TenantPeople["enrollOwnTotp"]>[0]): ReturnType<TenantPeople["enrollOwnTotp"]> { return this.people.enrollOwnTotp(credentials); }
  async manageSignInProviders(op: Parameters<TenantPeople["manageSignInProviders"]>[0]): ReturnType<TenantPeople["manageSignInProviders"]> { return this.people.manageSignInProviders(op); }
  async externalSignIn(op: Parameters<TenantPeople["externalSignIn"]>[0]): ReturnType<TenantPeople["externalSignIn"]> { return this.people.externalSignIn(op); }

  private async sign(tenant: TenantInfo, principal: Principal, resource: string): Promise<IssuedToken> {
    const [signer, now] = [await this.openSigner(tenant.id), toUnixSeconds(this.clock.now())];
    const accessToken = await signer.sign(accessTokenClaims(this.env.ISSUER_ORIGIN, tenant.id, principal, resource, this.groups.groupsOf(principal.id)), now, TOKEN_LIFETIME_SECONDS);
    return { accessToken, expiresOn: now + TOKEN_LIFETIME_SECONDS, expiresIn: TOKEN_LIFETIME_SECONDS, resource, clientId: principal.appId };
  }

  private openSigner(tenantId: string) {
    return this.signer.open(tenantId, this.wrappedDek, this.repo.signingKeys()[0]);
  }

  private load(): void {
    const loaded = this.repo.load();
    this.info = loaded?.info ?? null;
    this.wrappedDek = loaded?.dataKey ?? null;
    this.throttle.reload();
  }
}

const tenantNotFound = (): VaultError => new VaultError("TenantNotFound", "The tenant was not found.");
