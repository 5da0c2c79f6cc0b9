import type { LockoutPolicy } from "../../core/domain/identity/lockout.ts";
import type { Principal } from "../../core/domain/identity/principal.ts";
import { SignInSettingsRepository } from "../storage/sign-in-settings-repository.ts";
import { refused, type GrantOutcome, type SignInFailure, type TokenAnswer } from "../../core/domain/identity/oauth-grant.ts";
import { fail, ok, type Result } from "../../core/errors/result.ts";
import { VaultError } from "../../core/errors/vault-error.ts";
import { SignInGrantRepository } from "../storage/sign-in-grant-repository.ts";
import { TenantRepository } from "../storage/tenant-repository.ts";
import { UserRepository } from "../storage/user-repository.ts";
import { authenticate, passwordParameters, type Credentials } from "./user-authentication.ts";
import { decoyPasswordSalt, type PasswordParameters } from "../../core/crypto/password-hash.ts";
import { derivedKeyFromEnv } from "../../core/crypto/envelope/root-key.ts";
import { currentRootSecret, type RootKeySecrets } from "../../core/crypto/envelope/root-key-ring.ts";
import { enrollTotp, type TotpKeys } from "./user-totp.ts";
import type { DataKey } from "../../core/crypto/envelope/data-key.ts";
import { manageUsers, type UserOp, type UserResult } from "./user-directory.ts";
import { issueCode, redeemCode, refresh, type CodeRedemption, type CodeRequest, type GrantContext } from "./user-grants.ts";
import { DeviceCodeRepository } from "../storage/device-code-repository.ts";
import * as device from "./device-authorization.ts";
import { SignInProviderRepository } from "../storage/sign-in-provider-repository.ts";
import { manageSignInProviders, type SignInProviderOp, type SignInProviderResult } from "./sign-in-providers.ts";
import { externalSignIn, type ExternalSignInAnswer, type ExternalSignInOp } from "./external-sign-in.ts";

/** A person's sign-in on the page: name, password, TOTP code, and the authorization request it answers. */
export interface SignInRequest extends Credentials {
  readonly code: CodeRequest;
}

/** The code for the client, or why not; either way who it was (for the audit log), when known. */
export type SignInOutcome =
  | { readonly ok: true; readonly code: string; readonly userId: string }
  | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null };

export type UserGrantOp =
  | ({ readonly kind: "authorizationCode" } & CodeRedemption)
  | { readonly kind: "refreshToken"; readonly refreshToken: string; readonly clientId: string; readonly scope: string | null }
  | { readonly kind: "deviceCode"; readonly deviceCode: string; readonly clientId: string };

/** The verification page: a person signs in to approve a user code, or declines it (approve false, no password asked). */
export type DeviceApproval = { readonly userCode: string } & (({ readonly approve: true } & Credentials) | { readonly approve: false });

/** The approval's outcome, with the client that asked (for the audit log) once the code is known. */
export type DeviceApprovalOutcome =
  | { readonly ok: true; readonly userId: string | null; readonly clientId: string }
  | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null; readonly clientId: string | null };

/** What the tenant object lends: who it is and when it is now, its groups, its signer. */
export type TenantMoment = () => { readonly tenantId: string | null; readonly nowMs: number };
export type ClaimsSigner = (claims: Record<string, unknown>, lifetimeSeconds: number) => Promise<string>;

/**
 * The tenant's people (docs/sign-in.md): its users, their sign-ins, and the grants that give them tokens. Kept apart
 * from the tenant object, which delegates to it, so each stays one concept.
 */
export class TenantPeople {
  private readonly principals: TenantRepository;
  private readonly users: UserRepository;
  private readonly grants: SignInGrantRepository;
  private readonly devices: DeviceCodeRepository;
  private readonly settings: SignInSettingsRepository;
  private readonly providers: SignInProviderRepository;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly issuerOrigin: string,
    private readonly moment: TenantMoment,
    private readonly groupsOf: (principalId: string) => readonly string[],
    private readonly sign: ClaimsSigner,
    private readonly dataKey: () => Promise<DataKey>,
    /** Whose current root key the decoy salts are derived from (user-authentication.ts passwordParameters). */
    private readonly rootKeys: RootKeySecrets,
  ) {
    this.principals = new TenantRepository(storage.sql);
    this.users = new UserRepository(storage.sql);
    this.grants = new SignInGrantRepository(storage.sql);
    this.devices = new DeviceCodeRepository(storage.sql);
    this.settings = new SignInSettingsRepository(storage.sql);
    this.providers = new SignInProviderRepository(storage.sql);
  }

  async manageUsers(op: UserOp): Promise<Result<UserResult>> {
    const context = this.context();
    if (context === null) return fail(new VaultError("TenantNotFound", "The tenant was not found."));
    const { principals, users, grants, transaction } = this;
    return manageUsers({ principals, users, grants, transaction, now: context.now, totp: this.totpKeys(context.tenantId) }, op);
  }

  /** What the Worker stretches a typed password with before it asks signIn, approveDevice or enrollOwnTotp. */
  async passwordParameters(userPrincipalName: string): Promise<PasswordParameters> {
    // Derived from the current root key: a rotation changes unknown names' salts once, known users' never.
    const key = await derivedKeyFromEnv(currentRootSecret(this.rootKeys), "password-decoy-salt/v1", "hmac");
    return passwordParameters(this.users, userPrincipalName, await decoyPasswordSalt(key, userPrincipalName));
  }

  async signIn(request: SignInRequest): Promise<SignInOutcome> {
    const context = this.context();
    if (context === null) return { ok: false, failure: "InvalidCredentials", userId: null };
    const result = await authenticate(this.users, this.totpKeys(context.tenantId), request, this.settings.lockout(), context.now);
    if (!result.ok) return result;
    return { ok: true, code: await issueCode(context, result.user, request.code), userId: result.user.id };
  }

  async userGrant(op: UserGrantOp): Promise<GrantOutcome<TokenAnswer>> {
    const context = this.context();
    if (context === null) return refused("invalid_request", 90002, "Tenant not found.");
    switch (op.kind) {
      case "authorizationCode":
        return redeemCode(context, op);
      case "refreshToken":
        return refresh(context, op.refreshToken, op.clientId, op.scope);
      case "deviceCode":
        return device.pollDeviceCode(context, this.devices, op.deviceCode, op.clientId, this.moment().nowMs);
    }
  }

  async startDeviceAuthorization(clientId: string, scope: string): Promise<device.DeviceAuthorization | "busy" | null> {
    const context = this.context();
    return context === null ? null : device.startDeviceAuthorization(context, this.devices, clientId, scope);
  }

  async approveDevice(approval: DeviceApproval): Promise<DeviceApprovalOutcome> {
    const context = this.context();
    const clientId = context === null ? null : device.pendingClient(context, this.devices, approval.userCode);
    if (context === null || clientId === null) return { ok: false, failure: "InvalidUserCode", userId: null, clientId: null };
    if (!approval.approve) {
      const declined = device.settleDeviceAuthorization(context, this.devices, approval.userCode, null);
      return declined ? { ok: true, userId: null, clientId } : { ok: false, failure: "InvalidUserCode", userId: null, clientId };
    }
    const result = await authenticate(this.users, this.totpKeys(context.tenantId), approval, this.settings.lockout(), context.now);
    if (!result.ok) return { ...result, clientId };
    const settled = device.settleDeviceAuthorization(context, this.devices, approval.userCode, result.user);
    return settled ? { ok: true, userId: result.user.id, clientId } : { ok: false, failure: "InvalidUserCode", userId: result.user.id, clientId };
  }

  /**
   * Self-service TOTP enrollment (docs/sign-in.md "TOTP"): the person proves who they are as at sign-in — password,
   * and the current code when already enrolled — and gets a new secret's otpauth:// URI, once.
   */
  async enrollOwnTotp(credentials: Credentials): Promise<{ readonly ok: true; readonly otpauthUri: string; readonly userId: string } | { readonly ok: false; readonly failure: SignInFailure; readonly userId: string | null }> {
    const context = this.context();
    if (context === null) return { ok: false, failure: "InvalidCredentials", userId: null };
    const keys = this.totpKeys(context.tenantId);
    const result = await authenticate(this.users, keys, credentials, this.settings.lockout(), context.now);
    const record = result.ok ? this.users.byId(result.user.id) : null;
    if (!result.ok || record === null) return result.ok ? { ok: false, failure: "InvalidCredentials", userId: null } : result;
    return { ok: true, otpauthUri: await enrollTotp(this.users, keys, record), userId: record.user.id };
  }

  /** The tenant's lockout policy (docs/sign-in.md "Lockout"): read it, or with a policy (checked by the route) set it. */
  async lockoutPolicy(policy: LockoutPolicy | null): Promise<Result<LockoutPolicy>> {
    if (this.context() === null) return fail(new VaultError("TenantNotFound", "The tenant was not found."));
    if (policy !== null) this.settings.setLockout(policy);
    return ok(this.settings.lockout());
  }

  /** The tenant's external sign-in providers and users' linked identities (sign-in-providers.ts). */
  async manageSignInProviders(op: SignInProviderOp): Promise<Result<SignInProviderResult>> {
    const context = this.context();
    if (context === null) return fail(new VaultError("TenantNotFound", "The tenant was not found."));
    return manageSignInProviders({ repo: this.providers, users: this.users, tenantId: context.tenantId, dataKey: this.dataKey, now: context.now }, op);
  }

  /** A sign-in through an external provider (external-sign-in.ts): its state spent, then its identity mapped. */
  async externalSignIn(op: ExternalSignInOp): Promise<ExternalSignInAnswer> {
    const context = this.context();
    if (context !== null) return externalSignIn(context, this.providers, op);
    return op.kind === "spendState" ? { kind: "stateSpent", spent: false } : { kind: "signedIn", outcome: { ok: false, failure: "ProviderNotConfigured", userId: null } };
  }

  /**
   * The principal if it may use the admin API now: a tenant admin that exists and, for a person, is enabled — checked
   * on every admin request, so disabling a user ends their admin access at once, not when their token expires.
   */
  activeTenantAdmin(id: string): Principal | null {
    const principal = this.principals.findPrincipal(id)?.principal ?? null;
    if (principal === null || !principal.tenantAdmin) return null;
    return principal.type === "user" && this.users.byId(id)?.user.enabled !== true ? null : principal;
  }

  /** Inside the tenant object's transaction of a principal's deletion: the person's rows, links and sessions go with it. */
  forget(principalId: string): void {
    this.users.delete(principalId);
    this.providers.deleteLinksOf(principalId);
    this.grants.revokePrincipal(principalId);
  }

  private totpKeys(tenantId: string): TotpKeys {
    return { tenantId, dataKey: this.dataKey };
  }

  private readonly transaction = (write: () => void): void => this.storage.transactionSync(write);

  private context(): GrantContext | null {
    const { tenantId, nowMs } = this.moment();
    if (tenantId === null) return null;
    const { users, grants, groupsOf, sign, issuerOrigin, transaction } = this;
    return { users, grants, groupsOf, sign, issuerOrigin, tenantId, now: Math.floor(nowMs / 1000), transaction };
  }
}
