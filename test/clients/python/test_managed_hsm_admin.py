"""A managed HSM's own administration through azure-keyvault-administration 4.3 (Debian), unmodified
(docs/managed-hsm.md): KeyVaultAccessControlClient (built-in and custom role definitions, role assignments at "/",
"/keys" and one key, and the grant they make, proven with a second identity) and KeyVaultSettingsClient, against the
dev server's `devhsm`."""
import uuid

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.administration import (
    KeyVaultAccessControlClient,
    KeyVaultDataAction,
    KeyVaultPermission,
    KeyVaultRoleScope,
    KeyVaultSettingsClient,
)
from azure.keyvault.keys import KeyClient

CRYPTO_USER = "21dbd100-6940-42c2-9190-5d6cb909625b"


@pytest.fixture(scope="module")
def access(hsm_url, credential):
    return KeyVaultAccessControlClient(hsm_url, credential)


def test_built_in_roles_as_azure_lists_them(access):
    roles = {r.name: r for r in access.list_role_definitions(KeyVaultRoleScope.GLOBAL)}
    user = roles[CRYPTO_USER]
    assert user.role_name == "Managed HSM Crypto User" and user.role_type == "AKVBuiltInRole"
    assert user.id == f"Microsoft.KeyVault/providers/Microsoft.Authorization/roleDefinitions/{CRYPTO_USER}"
    assert KeyVaultDataAction.SIGN_HSM_KEY in user.permissions[0].data_actions
    assert user.assignable_scopes == [KeyVaultRoleScope.GLOBAL]
    assert access.get_role_definition(KeyVaultRoleScope.GLOBAL, CRYPTO_USER).role_name == "Managed HSM Crypto User"


def test_a_custom_role_assigned_on_one_key_grants_on_that_key_only(access, hsm_url, credential, service_principal, unique_name):
    owner_credential = credential
    name = unique_name("scoped")
    other_name = unique_name("elsewhere")
    owner_keys = KeyClient(hsm_url, owner_credential)
    owner_keys.create_ec_key(name, curve="P-256")
    owner_keys.create_ec_key(other_name, curve="P-256")

    role_id = str(uuid.uuid4())
    definition = access.set_role_definition(
        KeyVaultRoleScope.GLOBAL,
        name=role_id,
        role_name=f"reader {role_id[:8]}",
        description="reads one key",
        permissions=[KeyVaultPermission(data_actions=[KeyVaultDataAction.READ_HSM_KEY])],
    )
    assert definition.role_type == "CustomRole" and definition.name == role_id

    principal, credential = service_principal("", vault="devhsm")
    scope = f"/keys/{name}"
    assignment = access.create_role_assignment(scope, definition.id, principal["id"])
    assert assignment.properties.scope == scope and assignment.properties.principal_id == principal["id"]
    assert access.get_role_assignment(scope, assignment.name).role_assignment_id == f"{scope}/providers/Microsoft.Authorization/roleAssignments/{assignment.name}"
    assert assignment.name in {a.name for a in access.list_role_assignments(KeyVaultRoleScope.GLOBAL)}

    scoped = KeyClient(hsm_url, credential)
    assert scoped.get_key(name).name == name
    with pytest.raises(HttpResponseError) as denied:
        scoped.get_key(other_name)
    assert denied.value.status_code == 403 and denied.value.error.code == "Forbidden"

    access.delete_role_assignment(scope, assignment.name)
    with pytest.raises(ResourceNotFoundError):
        access.get_role_assignment(scope, assignment.name)
    access.delete_role_definition(KeyVaultRoleScope.GLOBAL, role_id)
    with pytest.raises(ResourceNotFoundError):
        access.get_role_definition(KeyVaultRoleScope.GLOBAL, role_id)


def test_settings(hsm_url, credential):
    settings = KeyVaultSettingsClient(hsm_url, credential)
    listed = {s.name: s for s in settings.list_settings()}
    assert "AllowKeyManagementOperationsThroughARM" in listed
    assert listed["AllowKeyManagementOperationsThroughARM"].type == "boolean"
    updated = settings.update_setting("AllowKeyManagementOperationsThroughARM", "true")
    assert updated.value == "true"
    assert settings.get_setting("AllowKeyManagementOperationsThroughARM").value == "true"
    # Values are case-sensitive, as Azure's are (the SDK's own test: str(True) fails).
    with pytest.raises(HttpResponseError) as refused:
        settings.update_setting("AllowKeyManagementOperationsThroughARM", str(False))
    assert refused.value.status_code == 400
    assert settings.update_setting("AllowKeyManagementOperationsThroughARM", "false").value == "false"
