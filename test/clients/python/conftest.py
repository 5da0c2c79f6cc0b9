"""Fixtures of the Python SDK tier: the vaults and the SDK clients on them.

Two vaults:
- `dev` (KEYVAULT_URL): premium, 90 days of soft delete, long-running operations as Azure runs them (delete, recover
  and certificate creation complete about a second after the call). The life-cycle tests use it.
- a `fast` vault made for this session with `"longRunningOperations": "immediate"` (delete and recover complete at
  once, certificate creation by the first poll), for the bulk of the tests, whose pollers would otherwise each wait
  out that second; and with raised throttle limits, since this tier creates far more than Azure's 20 keys per 10 s
  in a burst.
"""
import pytest
from azure.keyvault.certificates import CertificateClient
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient

from sdk_support import RawVault


@pytest.fixture(scope="session")
def credential(managed_identity_credential):
    return managed_identity_credential


@pytest.fixture(scope="session")
def hsm_url(edge):
    """The dev server's managed HSM; no silent skip: CI installs softhsm2, and the server makes it whenever the bridge runs."""
    if edge.managed_hsm_url is None:
        pytest.fail("the dev server made no managed HSM: it needs SoftHSM2 behind the PKCS#11 bridge (CI installs softhsm2)")
    return edge.managed_hsm_url


@pytest.fixture(scope="session")
def fast_vault(edge, admin, unique_vault_name):
    """URL of a premium vault that completes long-running operations at once; the managed identity administers it."""
    name = unique_vault_name("pyfast")
    admin.create_vault(name, sku="premium", softDeleteRetentionInDays=7, longRunningOperations="immediate")
    admin.assign_role(name, "Key Vault Administrator", edge.principal_id)
    # Units per 10 s by bucket (README "Throttling"), for this vault and the tenant all vaults share: generous, so
    # no test waits out a Retry-After. The dev vault keeps Azure's limits.
    # The operational settings take the long-running mode too (the PUT's body is where a vault is born with it).
    limits = {"keyCreate": 2000, "keys": 40000, "secretCreate": 3000, "secrets": 40000}
    settings = {"throttleLimits": limits, "longRunningOperations": "immediate"}
    admin.call("PATCH", f"/admin/tenants/{edge.tenant_id}/vaults/{name}/settings", (200,), settings)
    admin.call("PUT", f"/admin/tenants/{edge.tenant_id}/throttleLimits", (200,), limits)
    yield edge.vault_url_for(name)
    admin.delete_vault(name)


@pytest.fixture(scope="session")
def secrets_dev(edge, credential):
    return SecretClient(edge.vault_url, credential)


@pytest.fixture(scope="session")
def secrets_fast(fast_vault, credential):
    return SecretClient(fast_vault, credential)


@pytest.fixture(scope="session")
def keys_dev(edge, credential):
    return KeyClient(edge.vault_url, credential)


@pytest.fixture(scope="session")
def keys_fast(fast_vault, credential):
    return KeyClient(fast_vault, credential)


@pytest.fixture(scope="session")
def certs_dev(edge, credential):
    return CertificateClient(edge.vault_url, credential)


@pytest.fixture(scope="session")
def certs_fast(fast_vault, credential):
    return CertificateClient(fast_vault, credential)


@pytest.fixture(scope="session")
def raw_dev(edge, credential):
    return RawVault(edge.vault_url, credential)


@pytest.fixture(scope="session")
def raw_fast(fast_vault, credential):
    return RawVault(fast_vault, credential)
