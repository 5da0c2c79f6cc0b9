"""A managed HSM's own administration over `az rest` (Debian's azure-cli, unmodified; docs/managed-hsm.md): its role
definitions and a role assignment at one key's scope (rbac.json), and its settings (settings.json), with the token az
gets for the managed HSM resource."""
import uuid
from urllib.parse import urlparse

import pytest

CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b"
AUTH = "providers/Microsoft.Authorization"


@pytest.fixture(scope="module")
def hsm(edge):
    if edge.managed_hsm_url is None:
        pytest.fail("the dev server made no managed HSM: it needs SoftHSM2 behind the PKCS#11 bridge (CI installs softhsm2)")
    host = urlparse(edge.managed_hsm_url).netloc
    return edge.managed_hsm_url, f"https://{host.split('.', 1)[1]}"


def test_roles_and_an_assignment_at_one_key(az_msi, hsm, edge):
    url, resource = hsm
    definitions = az_msi.rest("GET", f"{url}/{AUTH}/roleDefinitions", resource=resource).json["value"]
    assert any(d["name"] == CRYPTO_USER and d["properties"]["roleName"] == "Managed HSM Crypto User" for d in definitions)
    name = str(uuid.uuid4())
    body = {"properties": {"roleDefinitionId": f"Microsoft.KeyVault/{AUTH}/roleDefinitions/{CRYPTO_USER}", "principalId": edge.principal_id}}
    made = az_msi.rest("PUT", f"{url}/keys/az-scoped/{AUTH}/roleAssignments/{name}", body, resource=resource).json
    assert made["id"] == f"/keys/az-scoped/{AUTH}/roleAssignments/{name}" and made["properties"]["scope"] == "/keys/az-scoped"
    az_msi.rest("DELETE", f"{url}/keys/az-scoped/{AUTH}/roleAssignments/{name}", resource=resource).check()


def test_settings(az_msi, hsm):
    url, resource = hsm
    listed = az_msi.rest("GET", f"{url}/settings", resource=resource).json["settings"]
    setting = next(s for s in listed if s["name"] == "AllowKeyManagementOperationsThroughARM")
    assert setting["type"] == "boolean" and setting["value"] in ("true", "false")
    flipped = "true" if setting["value"] == "false" else "false"
    updated = az_msi.rest("PATCH", f"{url}/settings/AllowKeyManagementOperationsThroughARM", {"value": flipped}, resource=resource).json
    assert updated == {"name": "AllowKeyManagementOperationsThroughARM", "value": flipped, "type": "boolean"}
    az_msi.rest("PATCH", f"{url}/settings/AllowKeyManagementOperationsThroughARM", {"value": setting["value"]}, resource=resource).check()
