"""Fixtures shared by the client tiers (python/ and az/): the server's facts, its admin API, unique names and
the two ways an application signs in (managed identity, service principal).

test/clients/run.ts starts the server and exports the facts as environment variables; running pytest without it
skips everything with the reason, rather than failing on connection errors.
"""
import os
import secrets
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional

import pytest
import requests

# Per-run tag: names stay unique even when a kept state directory is reused for a post-mortem run.
RUN = secrets.token_hex(3)


@dataclass(frozen=True)
class EdgeVault:
    """What run.ts knows about the server under test."""

    origin: str  # https://localhost:<port>: token service and admin API
    port: int
    operator_key: str
    tenant_id: str
    principal_id: str  # the managed identity, Key Vault Administrator on the dev vault
    ca_path: str  # the local CA alone; REQUESTS_CA_BUNDLE is the system roots plus it
    state_dir: str
    vault_url: str  # the premium `dev` vault
    managed_hsm_url: Optional[str]
    hsm_bridge: Optional[str]  # set only when SoftHSM2 runs behind the PKCS#11 bridge

    def vault_url_for(self, name: str) -> str:
        return f"https://{name}.vault.localhost:{self.port}"


@pytest.fixture(scope="session")
def edge() -> EdgeVault:
    env = os.environ
    if "EDGE_VAULT_ORIGIN" not in env:
        pytest.skip("no server: run the client tiers with `npm run test:clients` (test/clients/run.ts)")
    return EdgeVault(
        origin=env["EDGE_VAULT_ORIGIN"],
        port=int(env["EDGE_VAULT_PORT"]),
        operator_key=env["EDGE_VAULT_OPERATOR_KEY"],
        tenant_id=env["EDGE_VAULT_TENANT_ID"],
        principal_id=env["EDGE_VAULT_PRINCIPAL_ID"],
        ca_path=env["EDGE_VAULT_CA"],
        state_dir=env["EDGE_VAULT_STATE_DIR"],
        vault_url=env["KEYVAULT_URL"],
        managed_hsm_url=env.get("MANAGED_HSM_URL"),
        hsm_bridge=env.get("EDGE_VAULT_HSM_BRIDGE"),
    )


class AdminError(AssertionError):
    """An admin call answered other than expected; the message carries the request and the reply."""


class Admin:
    """The operator API (README "Admin API"; shapes as in scripts/dev/admin-client.ts)."""

    def __init__(self, edge: EdgeVault) -> None:
        self._edge = edge
        self._session = requests.Session()
        self._session.headers["Authorization"] = f"Bearer {edge.operator_key}"
        self._session.verify = edge.ca_path

    def call(self, method: str, path: str, expect: tuple = (200,), body: Optional[Dict[str, Any]] = None) -> Any:
        response = self._session.request(method, f"{self._edge.origin}{path}", json=body, timeout=60)
        if response.status_code not in expect:
            raise AdminError(f"{method} {path} answered {response.status_code}: {response.text[:500]}")
        return response.json() if response.content else None

    def _tenant(self, tenant_id: Optional[str]) -> str:
        return f"/admin/tenants/{tenant_id or self._edge.tenant_id}"

    def create_service_principal(self, display_name: str, tenant_id: Optional[str] = None) -> Dict[str, Any]:
        """{id, appId, clientSecret, ...}: the secret is shown this once."""
        body = {"type": "servicePrincipal", "displayName": display_name}
        return self.call("POST", f"{self._tenant(tenant_id)}/principals", (201,), body)

    def create_vault(self, name: str, tenant_id: Optional[str] = None, **settings: Any) -> Dict[str, Any]:
        """settings: softDeleteRetentionInDays, enablePurgeProtection, sku, longRunningOperations, ..."""
        return self.call("PUT", f"{self._tenant(tenant_id)}/vaults/{name}", (201,), settings)

    def delete_vault(self, name: str, tenant_id: Optional[str] = None) -> None:
        """Deletes the vault and purges it: vaults are soft-deleted, and the name is held until the purge."""
        self.call("DELETE", f"{self._tenant(tenant_id)}/vaults/{name}", (204, 404))
        self.call("POST", f"{self._tenant(tenant_id)}/deletedVaults/{name}/purge", (200, 404))

    def assign_role(self, vault: str, role: str, principal_id: str, tenant_id: Optional[str] = None) -> Dict[str, Any]:
        path = f"{self._tenant(tenant_id)}/vaults/{vault}/roleAssignments/{uuid.uuid4()}"
        return self.call("PUT", path, (200, 201), {"roleDefinitionName": role, "principalId": principal_id})


@pytest.fixture(scope="session")
def admin(edge: EdgeVault) -> Admin:
    return Admin(edge)


def make_unique_name(purpose: str) -> str:
    """A Key Vault object name (letters, digits, dashes) unique to this test and run."""
    return f"{purpose}-{RUN}-{secrets.token_hex(3)}"


@pytest.fixture(scope="session")
def unique_name() -> Callable[[str], str]:
    """Session-scoped so module fixtures can name things too; every call gives a new name."""
    return make_unique_name


def make_vault_name(purpose: str) -> str:
    """A vault name: 3-24 characters, a letter first, letters, digits and dashes; it is also a DNS label."""
    return f"{purpose[:10]}-{RUN}{secrets.token_hex(3)}".lower()


@pytest.fixture(scope="session")
def unique_vault_name() -> Callable[[str], str]:
    return make_vault_name


@pytest.fixture(scope="session")
def managed_identity_credential(edge: EdgeVault):
    """ManagedIdentityCredential as on App Service: IDENTITY_ENDPOINT + IDENTITY_HEADER from the environment."""
    from azure.identity import ManagedIdentityCredential

    return ManagedIdentityCredential()


def client_secret_credential(edge: EdgeVault, app_id: str, secret: str):
    """ClientSecretCredential against the local authority.

    azure-identity 1.13 calls the switch `instance_discovery=False` (azure/identity/_internal/msal_credentials.py,
    MsalCredential.__init__, handed to msal); later releases renamed it `disable_instance_discovery=True`, which
    1.13 would swallow into **kwargs and ignore. Instance discovery asks Microsoft Entra about the authority, which a
    local one cannot pass.
    """
    from azure.identity import ClientSecretCredential

    return ClientSecretCredential(edge.tenant_id, app_id, secret, authority=edge.origin, instance_discovery=False)


@pytest.fixture
def service_principal(edge: EdgeVault, admin: Admin, unique_name):
    """Factory: a new service principal holding `role` on `vault` (default: the dev vault), as a credential."""

    def make(role: str, vault: str = "dev"):
        principal = admin.create_service_principal(unique_name("sp"))
        if role:
            admin.assign_role(vault, role, principal["id"])
        return principal, client_secret_credential(edge, principal["appId"], principal["clientSecret"])

    return make
