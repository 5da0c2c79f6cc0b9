"""Fixtures of the az tier: a registered cloud, and az signed in two ways (managed identity, service principal).

Each profile is its own AZURE_CONFIG_DIR under one temporary directory, removed at the end of the session (it holds
tokens and a client secret). `edge`, `admin` and the name helpers come from test/clients/conftest.py.
"""
import itertools
import json
import os
import secrets
import shutil
import tempfile

import pytest

from az_support import CLOUD, AzProfile, cloud_config, sp_login

_serial = itertools.count()


@pytest.fixture(scope="session")
def az_root():
    root = tempfile.mkdtemp(prefix="edge-vault-az-")
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def az_vault(edge, admin, unique_vault_name):
    """(name, url) of this tier's own vault: premium, long-running operations as Azure runs them (the default), so
    az's polling is exercised, and no other tier's traffic counts against its throttle window."""
    name = unique_vault_name("az")
    admin.create_vault(name, sku="premium", softDeleteRetentionInDays=7)
    admin.assign_role(name, "Key Vault Administrator", edge.principal_id)
    yield name, edge.vault_url_for(name)
    admin.delete_vault(name)


@pytest.fixture(scope="session")
def az_cloud(edge, az_root) -> AzProfile:
    """A config directory with the server registered as the active cloud, nobody signed in; others clone it."""
    if not os.access("/usr/bin/az", os.X_OK):
        pytest.skip("azure-cli is not installed (/usr/bin/az): sudo apt-get install azure-cli")
    base = AzProfile(os.path.join(az_root, "cloud"), f"https://vault.localhost:{edge.port}")
    config = cloud_config(edge.origin, edge.port, edge.tenant_id)
    base.run("cloud", "register", "--name", CLOUD, "--cloud-config", json.dumps(config)).check()
    base.run("cloud", "set", "--name", CLOUD).check()
    return base


@pytest.fixture
def az_fresh(az_cloud, az_root):
    """Factory: a new profile with the cloud registered and no account, for tests that sign in themselves."""

    def make(**env: str) -> AzProfile:
        return az_cloud.clone(os.path.join(az_root, f"fresh-{next(_serial)}"), env)

    return make


@pytest.fixture(scope="session")
def az_msi(edge, az_cloud, az_root) -> AzProfile:
    """`az login --identity` through MSI_ENDPOINT, Cloud Shell style: az 2.45 signs managed identities in with
    msrestazure, which POSTs `resource=` with `Metadata: true` to MSI_ENDPOINT when it is set and the process is not
    on App Service (msrestazure/azure_active_directory.py, get_msi_token). The alternative, IMDS, is hard-wired to
    http://169.254.169.254 (same file, _ImdsTokenProvider), which no local server can take.
    --allow-no-subscriptions: the server has no subscriptions, so the account is tenant-level, as in Azure for an
    identity with data-plane roles only."""
    profile = az_cloud.clone(os.path.join(az_root, "msi"), {"MSI_ENDPOINT": f"{edge.origin}/msi/token"})
    profile.login = profile.run("login", "--identity", "--allow-no-subscriptions").json
    return profile


@pytest.fixture(scope="session")
def az_sp(edge, admin, az_vault, az_cloud, az_root):
    """(profile, principal): a service principal made through the admin API, Key Vault Administrator on the az
    vault, signed in with `az login --service-principal` (client credentials through MSAL)."""
    principal = admin.create_service_principal(f"az-sp-{secrets.token_hex(4)}")
    admin.assign_role(az_vault[0], "Key Vault Administrator", principal["id"])
    profile = az_cloud.clone(os.path.join(az_root, "sp"))
    result = sp_login(profile, edge.tenant_id, principal["appId"], principal["clientSecret"])
    assert result.rc == 0, (
        "az login --service-principal failed. It needs the ADFS-shaped discovery document "
        f"GET {edge.origin}/adfs/{edge.tenant_id}/adfs/.well-known/openid-configuration "
        f"(worker/routes/arm-adfs-discovery.ts, registered in worker/app.ts).\n{result.err[-2000:]}"
    )
    profile.login = result.json
    return profile, principal

