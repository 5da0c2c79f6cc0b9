"""Soft delete, the deleted-secrets collection, recovery, purge, backup and restore through SecretClient's pollers,
and a service principal signing in with ClientSecretCredential."""
import json

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.secrets import SecretClient

from sdk_support import DAY, POLL, assert_recent, from_b64url


def delete_and_wait(client, name):
    poller = client.begin_delete_secret(name, **POLL)
    poller.wait()
    assert poller.status() == "finished"
    return poller.result()


def test_delete_list_get_deleted_and_recover(secrets_fast, fast_vault, unique_name):
    name = unique_name("recover")
    created = secrets_fast.set_secret(name, "keep me", tags={"state": "live"})

    deleted = delete_and_wait(secrets_fast, name)
    assert deleted.name == name
    assert deleted.recovery_id == f"{fast_vault}/deletedsecrets/{name}"
    assert deleted.properties.id == created.id
    assert_recent(deleted.deleted_date)
    # The fast vault keeps deleted objects 7 days.
    assert deleted.scheduled_purge_date - deleted.deleted_date == 7 * DAY

    with pytest.raises(ResourceNotFoundError) as gone:
        secrets_fast.get_secret(name)
    assert gone.value.error.code == "SecretNotFound"

    fetched = secrets_fast.get_deleted_secret(name)
    assert (fetched.name, fetched.recovery_id) == (name, deleted.recovery_id)
    assert fetched.properties.tags == {"state": "live"}
    assert name in [secret.name for secret in secrets_fast.list_deleted_secrets()]

    poller = secrets_fast.begin_recover_deleted_secret(name, **POLL)
    recovered = poller.result()  # the recover call's answer, before the poller waits
    assert (recovered.name, recovered.id) == (name, created.id)
    poller.wait()
    assert poller.status() == "finished"

    back = secrets_fast.get_secret(name)
    assert back.value == "keep me" and back.properties.version == created.properties.version
    with pytest.raises(ResourceNotFoundError) as not_deleted:
        secrets_fast.get_deleted_secret(name)
    assert not_deleted.value.error.code == "SecretNotFound"


def test_deleted_secrets_list_across_pages(secrets_fast, unique_name):
    names = sorted(unique_name("deleted-page") for _ in range(5))
    for name in names:
        secrets_fast.set_secret(name, "x")
        delete_and_wait(secrets_fast, name)
    pages = [list(page) for page in secrets_fast.list_deleted_secrets(max_page_size=2).by_page()]
    assert all(len(page) <= 2 for page in pages) and len(pages) >= 3
    listed = [secret for page in pages for secret in page]
    assert sorted(s.name for s in listed if s.name in names) == names  # each once, across the pages
    for secret in listed:
        assert secret.recovery_id.endswith(f"/deletedsecrets/{secret.name}")
        assert secret.deleted_date is not None and secret.scheduled_purge_date is not None


def test_purge_removes_a_deleted_secret_for_good(secrets_fast, unique_name):
    name = unique_name("purge")
    secrets_fast.set_secret(name, "short-lived")
    delete_and_wait(secrets_fast, name)

    secrets_fast.purge_deleted_secret(name)
    for read in (secrets_fast.get_deleted_secret, secrets_fast.get_secret):
        with pytest.raises(ResourceNotFoundError):
            read(name)
    assert name not in [secret.name for secret in secrets_fast.list_deleted_secrets()]
    # The name is free again.
    assert secrets_fast.set_secret(name, "reborn").value == "reborn"


def test_a_name_in_the_deleted_collection_cannot_be_set_409(secrets_fast, unique_name):
    name = unique_name("conflict")
    secrets_fast.set_secret(name, "one")
    delete_and_wait(secrets_fast, name)
    with pytest.raises(ResourceExistsError) as conflict:
        secrets_fast.set_secret(name, "two")
    assert conflict.value.status_code == 409 and conflict.value.error.code == "Conflict"


def test_backup_restores_every_version_after_purge(secrets_fast, unique_name):
    name = unique_name("backup")
    v1 = secrets_fast.set_secret(name, "version one", tags={"generation": "1"})
    v2 = secrets_fast.set_secret(name, "version two", content_type="text/plain")

    blob = secrets_fast.backup_secret(name)
    assert isinstance(blob, bytes) and len(blob) > 0
    assert b"version one" not in blob  # opaque: values never in clear text

    # Restoring over a live secret is refused.
    with pytest.raises(ResourceExistsError) as live:
        secrets_fast.restore_secret_backup(blob)
    assert live.value.status_code == 409

    delete_and_wait(secrets_fast, name)
    secrets_fast.purge_deleted_secret(name)
    restored = secrets_fast.restore_secret_backup(blob)
    assert restored.name == name
    assert restored.version in (v1.properties.version, v2.properties.version)

    latest = secrets_fast.get_secret(name)
    assert latest.value == "version two" and latest.properties.version == v2.properties.version
    assert latest.properties.content_type == "text/plain"
    older = secrets_fast.get_secret(name, v1.properties.version)
    assert older.value == "version one" and older.properties.tags == {"generation": "1"}
    versions = sorted(p.version for p in secrets_fast.list_properties_of_secret_versions(name))
    assert versions == sorted([v1.properties.version, v2.properties.version])


def test_a_backup_that_is_not_one_is_400_malformed_backup_blob(secrets_fast):
    # Azure's code for it is the phrase itself (recorded restores of malformed backup bytes).
    with pytest.raises(HttpResponseError) as refused:
        secrets_fast.restore_secret_backup(b"not a backup blob at all")
    assert refused.value.status_code == 400 and refused.value.error.code == "Malformed backup blob"


def test_client_secret_credential_reads_and_writes_as_secrets_officer(edge, service_principal, unique_name):
    principal, credential = service_principal("Key Vault Secrets Officer")
    client = SecretClient(edge.vault_url, credential)
    name = unique_name("sp-secret")
    stored = client.set_secret(name, "from a service principal")
    assert stored.id.startswith(f"{edge.vault_url}/secrets/{name}/")
    assert client.get_secret(name).value == "from a service principal"

    # The token is the tenant's, for this app: the JWT carries its tid, appid and the vault audience.
    token = credential.get_token(f"https://vault.localhost:{edge.port}/.default").token
    claims = json.loads(from_b64url(token.split(".")[1]))
    assert (claims["tid"], claims["appid"]) == (edge.tenant_id, principal["appId"])
    assert claims["aud"].rstrip("/") == f"https://vault.localhost:{edge.port}"


def test_client_secret_credential_as_secrets_user_reads_but_cannot_write(edge, secrets_dev, service_principal,
                                                                         unique_name):
    name = unique_name("sp-reader")
    secrets_dev.set_secret(name, "readable")
    _, credential = service_principal("Key Vault Secrets User")
    client = SecretClient(edge.vault_url, credential)
    assert client.get_secret(name).value == "readable"
    with pytest.raises(HttpResponseError) as refused:
        client.set_secret(name, "overwrite")
    assert refused.value.status_code == 403 and refused.value.error.code == "Forbidden"


def test_client_secret_credential_without_a_role_is_403(edge, service_principal, unique_name):
    _, credential = service_principal("")
    with pytest.raises(HttpResponseError) as refused:
        SecretClient(edge.vault_url, credential).get_secret(unique_name("anything"))
    assert refused.value.status_code == 403 and refused.value.error.code == "Forbidden"
