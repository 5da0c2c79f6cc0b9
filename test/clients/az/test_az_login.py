"""Signing az in against the server's token service, and the tokens az then holds.

The server plays three Azure parts here: the managed-identity endpoint (Cloud Shell style), the Entra authority
(discovery + client credentials) and, for `az login` only, ARM's `GET /subscriptions` (an empty list).
"""
import os

import requests

from az_support import sp_login


def account(profile):
    return profile.run("account", "show").json


def verified_claims(edge, token: str, audience: str):
    """The token's claims, its ES256 signature checked against the tenant's published JWKS (as a vault would)."""
    import jwt  # PyJWT, an azure-cli dependency (python3-jwt)

    keys = requests.get(f"{edge.origin}/{edge.tenant_id}/discovery/v2.0/keys", verify=edge.ca_path, timeout=30).json()
    kid = jwt.get_unverified_header(token)["kid"]
    jwk = next(k for k in keys["keys"] if k["kid"] == kid)
    key = jwt.PyJWK(jwk, algorithm="ES256").key
    return jwt.decode(token, key, algorithms=["ES256"], audience=audience)


def test_identity_login_is_a_tenant_level_managed_identity_account(az_msi, edge):
    # What `az login --identity` printed: one tenant-level account, named as az names a system-assigned identity
    # (azure/cli/core/_profile.py, login_with_managed_identity: the tenant comes from the token's `tid`).
    [entry] = az_msi.login
    assert entry["tenantId"] == edge.tenant_id
    assert entry["user"] == {"assignedIdentityInfo": "MSI", "name": "systemAssignedIdentity", "type": "servicePrincipal"}
    shown = account(az_msi)
    assert shown["environmentName"] == "edgevault" and shown["tenantId"] == edge.tenant_id and shown["isDefault"]


def test_identity_token_for_the_vault_resource_is_the_dev_identitys(az_msi, edge):
    # az fetches a fresh MSI token per resource; the vault accepts audience = https://vault.localhost:<port>.
    resource = az_msi.vault_resource
    got = az_msi.run("account", "get-access-token", "--resource", resource).json
    assert got["tenant"] == edge.tenant_id and got["tokenType"] == "Bearer"
    claims = verified_claims(edge, got["accessToken"], resource)
    assert claims["tid"] == edge.tenant_id
    assert claims["oid"] == edge.principal_id
    assert claims["iss"] == f"{edge.origin}/{edge.tenant_id}/v2.0"


def test_service_principal_login_and_token(az_sp, edge):
    profile, principal = az_sp
    [entry] = profile.login
    assert entry["tenantId"] == edge.tenant_id
    assert entry["user"] == {"name": principal["appId"], "type": "servicePrincipal"}
    # The token comes from MSAL's cache or the tenant's token endpoint (client credentials, scope <resource>/.default).
    got = profile.run("account", "get-access-token", "--resource", profile.vault_resource).json
    claims = verified_claims(edge, got["accessToken"], profile.vault_resource)
    assert (claims["appid"], claims["oid"], claims["tid"]) == (principal["appId"], principal["id"], edge.tenant_id)


def test_service_principal_with_a_wrong_secret_is_refused(az_fresh, az_sp, edge):
    _, principal = az_sp
    profile = az_fresh()
    result = sp_login(profile, edge.tenant_id, principal["appId"], "not-the-secret")
    # The token endpoint's 401 invalid_client reaches the user as its error_description (auth/util.py, check_result).
    assert result.rc == 1, result.out
    assert "The client credentials are invalid." in result.err
    assert profile.run("account", "list").json == []


def test_service_principal_without_a_role_signs_in_but_is_forbidden(az_fresh, admin, az_vault, edge):
    # Signing in needs no role (nothing is checked until a vault sees the token); the vault's RBAC then refuses.
    principal = admin.create_service_principal("az-no-role")
    profile = az_fresh()
    sp_login(profile, edge.tenant_id, principal["appId"], principal["clientSecret"]).check()
    reason, error = profile.rest("GET", f"{az_vault[1]}/secrets/anything").rest_error()
    assert reason == "Forbidden"
    assert error["code"] == "Forbidden" and error["innererror"]["code"] == "ForbiddenByRbac"


# App Service's 2017-09-01 managed-identity protocol: az 2.45 uses it whenever APPSETTING_WEBSITE_SITE_NAME is set
# (msrestazure/azure_active_directory.py, get_msi_token_webapp): GET {MSI_ENDPOINT}/?…&api-version=2017-09-01 with
# header `secret`, answered with expires_on as "MM/DD/YYYY HH:MM:SS +00:00".
def test_identity_login_app_service_2017_style(az_fresh, edge):
    # On App Service, MSI_SECRET and IDENTITY_HEADER carry the same value; the dev identity's header stands in.
    header = os.environ["IDENTITY_HEADER"]
    profile = az_fresh(APPSETTING_WEBSITE_SITE_NAME="edge-vault-az", MSI_ENDPOINT=f"{edge.origin}/msi/token",
                       MSI_SECRET=header)
    result = profile.run("login", "--identity", "--allow-no-subscriptions")
    assert result.rc == 0, result.err[-800:]
    assert result.json[0]["tenantId"] == edge.tenant_id
