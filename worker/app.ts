import { Hono, type MiddlewareHandler } from "hono";
import type { AppEnv } from "./app-env.ts";
import { VaultError } from "../core/errors/vault-error.ts";
import { toErrorResponse } from "./errors/to-response.ts";
import { adminAuth } from "./middleware/admin-auth.ts";
import { apiVersion } from "./middleware/api-version.ts";
import { challengeAuth } from "./middleware/challenge-auth.ts";
import { managedHsmScope } from "./middleware/managed-hsm-scope.ts";
import { resolveVault } from "./middleware/resolve-vault.ts";
import { cors } from "./middleware/cors.ts";
import { firewall } from "./middleware/firewall.ts";
import { responseHeaders } from "./middleware/response-headers.ts";
import { auditTrail } from "./middleware/audit-trail.ts";
import { conditionalRead } from "./middleware/conditional-read.ts";
import { controlPlaneAudit } from "./middleware/control-plane-audit.ts";
import { adminTenantRoutes } from "./routes/admin-tenants.ts";
import { adminGroupRoutes } from "./routes/admin-groups.ts";
import { adminRoleDefinitionRoutes } from "./routes/admin-role-definitions.ts";
import { adminPrincipalSecretRoutes } from "./routes/admin-principal-secrets.ts";
import { adminFederatedCredentialRoutes } from "./routes/admin-federated-credentials.ts";
import { adminTrustedIssuerRoutes } from "./routes/admin-trusted-issuers.ts";
import { adminPrincipalCertificateRoutes } from "./routes/admin-principal-certificates.ts";
import { localOidcIssuerRoutes } from "./routes/local-oidc-issuer.ts";
import { adminVaultRoutes } from "./routes/admin-vaults.ts";
import { adminDeletedVaultRoutes } from "./routes/admin-deleted-vaults.ts";
import { adminRootKeyRoutes } from "./routes/admin-root-keys.ts";
import { adminOperationalSettingsRoutes } from "./routes/admin-operational-settings.ts";
import { adminEventSubscriptionRoutes } from "./routes/admin-event-subscriptions.ts";
import { adminAuditLogRoutes } from "./routes/admin-audit-log.ts";
import { adminPolicyAssignmentRoutes } from "./routes/admin-policy-assignments.ts";
import { adminVaultSnapshotRoutes } from "./routes/admin-vault-snapshots.ts";
import { adminUserRoutes } from "./routes/admin-users.ts";
import { adminSignInProviderRoutes } from "./routes/admin-sign-in-providers.ts";
import { oidcExternalSignInRoutes } from "./routes/oidc-external-sign-in.ts";
import { localOidcSignInRoutes } from "./routes/local-oidc-sign-in.ts";
import { oidcSignInRoutes } from "./routes/oidc-sign-in.ts";
import { oidcDeviceRoutes } from "./routes/oidc-device.ts";
import { oidcSignOutRoutes } from "./routes/oidc-sign-out.ts";
import { selfServiceTotpRoutes } from "./routes/self-service-totp.ts";
import { benchRoutes } from "./routes/bench.ts";
import { deletedSecretRoutes } from "./routes/deleted-secrets.ts";
import { managedIdentityRoutes } from "./routes/managed-identity.ts";
import { oidcRoutes } from "./routes/oidc.ts";
import { adfsDiscoveryRoutes } from "./routes/adfs-discovery.ts";
import { secretRoutes } from "./routes/secrets.ts";
import { keyRoutes } from "./routes/keys.ts";
import { keyOperationRoutes } from "./routes/key-operations.ts";
import { keyReleaseRoutes } from "./routes/key-release.ts";
import { attestationAuthorityRoutes } from "./routes/attestation-authority.ts";
import { deletedKeyRoutes } from "./routes/deleted-keys.ts";
import { auditLogRoutes } from "./routes/audit-log.ts";
import { certificateIssuerRoutes } from "./routes/certificate-issuers.ts";
import { certificateRoutes } from "./routes/certificates.ts";
import { deletedCertificateRoutes } from "./routes/deleted-certificates.ts";
import { edgeBatchGetRoutes } from "./routes/edge-batch-get.ts";
import { hsmRbacRoutes } from "./routes/hsm-rbac.ts";
import { hsmSettingsRoutes } from "./routes/hsm-settings.ts";
import { hsmSecurityDomainRoutes } from "./routes/hsm-security-domain.ts";
import { hsmBackupRoutes } from "./routes/hsm-backup.ts";
import { publishedKeySetCaching, publishedKeySetRoutes, servedWithoutToken } from "./routes/published-key-sets.ts";
import { vaultRoutingPath } from "./wire/vault-path.ts";
import { RememberedRoutes } from "./wire/remembered-routes.ts";

const notFound = (): Response => toErrorResponse(new VaultError("NotFound", "The requested resource was not found."));

/**
 * Middleware the published key sets skip: JOSE libraries send neither an api-version nor a token, and the vault object
 * decides whether a set is served (routes/published-key-sets.ts).
 */
function unlessServedWithoutToken(middleware: MiddlewareHandler<AppEnv>): MiddlewareHandler<AppEnv> {
  // Awaited, not returned: workerd reports a rejected promise returned from an async function as unhandled.
  return async (c, next) => {
    if (servedWithoutToken(c)) return await next();
    return await middleware(c, next);
  };
}

/**
 * The data plane, served on vault and managed HSM hosts. Middleware order is the request path of docs/decisions.md §1:
 * request id → host → vault → CORS (a browser's preflight is answered there, without a token) → what a managed HSM
 * serves → audit trail → conditional read (ETag, 304) → api-version → challenge/auth → firewall (before any body is
 * read) → route (which declares its permission and operation). The vault is resolved before api-version so a bad version is audited too. The published key sets skip api-version and challenge; their caching headers are set outside the
 * response headers' `no-cache`, which they replace.
 */
export const vaultApp = new Hono<AppEnv>({ getPath: vaultRoutingPath, router: new RememberedRoutes() });
vaultApp.use("*", publishedKeySetCaching);
vaultApp.use(
  "*",
  responseHeaders,
  resolveVault,
  cors,
  managedHsmScope,
  auditTrail,
  conditionalRead,
  unlessServedWithoutToken(apiVersion),
  unlessServedWithoutToken(challengeAuth),
  firewall,
);
vaultApp.route("/", secretRoutes);
vaultApp.route("/", deletedSecretRoutes);
// A managed HSM's administration; its RBAC paths first: /keys/providers/… would otherwise be a key named "providers".
vaultApp.route("/", hsmRbacRoutes);
vaultApp.route("/", hsmSettingsRoutes);
vaultApp.route("/", hsmSecurityDomainRoutes);
vaultApp.route("/", hsmBackupRoutes);
// Before the keys: /keys/{name}/jwks would otherwise be GET /keys/{name}/{version} with the version "jwks".
vaultApp.route("/", publishedKeySetRoutes);
// Before the keys too: GET /keys/{name}/attestation would otherwise be GetKey of version "attestation".
vaultApp.route("/", keyReleaseRoutes);
vaultApp.route("/", keyRoutes);
vaultApp.route("/", keyOperationRoutes);
vaultApp.route("/", deletedKeyRoutes);
vaultApp.route("/", auditLogRoutes);
// Contacts and issuers first: their paths would otherwise match /certificates/{name}.
vaultApp.route("/", certificateIssuerRoutes);
vaultApp.route("/", certificateRoutes);
vaultApp.route("/", deletedCertificateRoutes);
vaultApp.route("/", edgeBatchGetRoutes);
vaultApp.notFound(notFound);
vaultApp.onError((err) => toErrorResponse(err));

/** Everything else: the token service (OIDC, managed identity) and the control-plane API. */
export const identityApp = new Hono<AppEnv>({ strict: false, router: new RememberedRoutes() });
identityApp.use("*", responseHeaders);
identityApp.get("/healthz", (c) => c.json({ status: "ok" }));
// `az login` lists subscriptions after signing in; there are none here (docs/client-contract.md §3).
identityApp.get("/subscriptions", (c) => c.json({ value: [] }));
identityApp.route("/", managedIdentityRoutes);
identityApp.route("/", benchRoutes);
identityApp.use("/admin/*", controlPlaneAudit, adminAuth);
identityApp.route("/admin", adminTenantRoutes);
identityApp.route("/admin", adminGroupRoutes);
identityApp.route("/admin", adminRoleDefinitionRoutes);
identityApp.route("/admin", adminPrincipalSecretRoutes);
identityApp.route("/admin", adminFederatedCredentialRoutes);
identityApp.route("/admin", adminPrincipalCertificateRoutes);
identityApp.route("/admin", adminVaultRoutes);
identityApp.route("/admin", adminDeletedVaultRoutes);
identityApp.route("/admin", adminOperationalSettingsRoutes);
identityApp.route("/admin", adminEventSubscriptionRoutes);
identityApp.route("/admin", adminAuditLogRoutes);
identityApp.route("/admin", adminPolicyAssignmentRoutes);
identityApp.route("/admin", adminTrustedIssuerRoutes);
identityApp.route("/admin", adminVaultSnapshotRoutes);
identityApp.route("/admin", adminUserRoutes);
identityApp.route("/admin", adminSignInProviderRoutes);
identityApp.route("/admin", adminRootKeyRoutes);
identityApp.route("/", attestationAuthorityRoutes);
identityApp.route("/", localOidcIssuerRoutes);
identityApp.route("/", localOidcSignInRoutes);
identityApp.route("/", adfsDiscoveryRoutes);
identityApp.route("/", oidcRoutes);
identityApp.route("/", oidcSignInRoutes);
identityApp.route("/", oidcExternalSignInRoutes);
identityApp.route("/", oidcDeviceRoutes);
identityApp.route("/", oidcSignOutRoutes);
identityApp.route("/", selfServiceTotpRoutes);
identityApp.notFound(notFound);
identityApp.onError((err) => toErrorResponse(err));
