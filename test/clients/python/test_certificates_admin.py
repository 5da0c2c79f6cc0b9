"""CertificateClient's vault-level objects and life cycle: contacts, issuers, soft delete, recovery and purge through
the pollers (with the managed key and secret following), backup and restore, and pending operations."""
import pytest
from azure.core.exceptions import ResourceExistsError, ResourceNotFoundError
from azure.keyvault.certificates import AdministratorContact, CertificateContact, CertificatePolicy
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient

from sdk_support import DAY, POLL, assert_recent

EC_POLICY = CertificatePolicy(issuer_name="Self", subject="CN=admin.python.test", key_type="EC", key_curve_name="P-256")


def create(client, name, policy=EC_POLICY):
    """Waited on, then read (see test_certificates.create)."""
    client.begin_create_certificate(name, policy, **POLL).wait()
    return client.get_certificate(name)


def delete_and_wait(client, name):
    poller = client.begin_delete_certificate(name, **POLL)
    poller.wait()
    return poller.result()


def test_contacts_set_get_delete(certs_fast):
    contacts = [CertificateContact(email="a@python.test", name="a", phone="111111111111"),
                CertificateContact(email="b@python.test", name="b", phone="222222222222")]
    as_tuples = lambda items: [(c.email, c.name, c.phone) for c in items]  # noqa: E731
    assert as_tuples(certs_fast.set_contacts(contacts)) == as_tuples(contacts)
    assert as_tuples(certs_fast.get_contacts()) == as_tuples(contacts)
    assert as_tuples(certs_fast.delete_contacts()) == as_tuples(contacts)  # the answer is what was deleted
    with pytest.raises(ResourceNotFoundError) as gone:
        certs_fast.get_contacts()
    assert gone.value.error.code == "ContactsNotFound"


def test_issuers_create_get_update_list_delete(certs_fast, fast_vault, unique_name):
    name = unique_name("issuer")
    admin = AdministratorContact(first_name="John", last_name="Doe", email="admin@python.test", phone="4255555555")
    created = certs_fast.create_issuer(name, "Test", account_id="keyvaultuser", password="issuer-password",
                                       organization_id="org-1", admin_contacts=[admin])
    assert created.name == name and created.id == f"{fast_vault}/certificates/issuers/{name}"
    assert (created.provider, created.account_id, created.organization_id) == ("Test", "keyvaultuser", "org-1")
    assert created.password is None  # never returned
    assert [(c.first_name, c.last_name, c.email, c.phone) for c in created.admin_contacts] == [
        ("John", "Doe", "admin@python.test", "4255555555")]
    assert created.enabled is True
    assert_recent(created.created_on)
    assert certs_fast.get_issuer(name).account_id == "keyvaultuser"

    updated = certs_fast.update_issuer(name, account_id="keyvaultuser2", provider="OneCertV2-PublicCA", enabled=False)
    assert (updated.account_id, updated.provider, updated.enabled) == ("keyvaultuser2", "OneCertV2-PublicCA", False)
    assert len(updated.admin_contacts) == 1  # untouched by an update that does not name them
    listed = [i for i in certs_fast.list_properties_of_issuers() if i.name == name]
    assert [(i.id, i.provider) for i in listed] == [(created.id, "OneCertV2-PublicCA")]

    deleted = certs_fast.delete_issuer(name)
    assert deleted.id == created.id and deleted.account_id == "keyvaultuser2"
    with pytest.raises(ResourceNotFoundError) as gone:
        certs_fast.get_issuer(name)
    assert gone.value.error.code == "CertificateIssuerNotFound"


def test_delete_recover_purge_with_the_managed_key_and_secret(certs_fast, fast_vault, credential, unique_name):
    name = unique_name("delete")
    created = create(certs_fast, name)
    keys, secrets = KeyClient(fast_vault, credential), SecretClient(fast_vault, credential)

    deleted = delete_and_wait(certs_fast, name)
    assert deleted.name == name and deleted.recovery_id == f"{fast_vault}/deletedcertificates/{name}"
    assert deleted.scheduled_purge_date - deleted.deleted_on == 7 * DAY
    assert bytes(deleted.cer) == bytes(created.cer)
    # The managed key and secret went with it.
    for read in (certs_fast.get_certificate, keys.get_key, secrets.get_secret):
        with pytest.raises(ResourceNotFoundError):
            read(name)
    assert bytes(certs_fast.get_deleted_certificate(name).cer) == bytes(created.cer)
    assert name in [c.name for c in certs_fast.list_deleted_certificates()]

    poller = certs_fast.begin_recover_deleted_certificate(name, **POLL)
    poller.wait()
    assert poller.result().id == created.id
    assert certs_fast.get_certificate(name).id == created.id
    assert keys.get_key(name).id == created.key_id and secrets.get_secret(name).id == created.secret_id

    delete_and_wait(certs_fast, name)
    certs_fast.purge_deleted_certificate(name)
    for read in (certs_fast.get_deleted_certificate, certs_fast.get_certificate):
        with pytest.raises(ResourceNotFoundError):
            read(name)
    assert create(certs_fast, name).name == name  # the name can be used again


def test_backup_restores_every_version_after_purge(certs_fast, fast_vault, credential, unique_name):
    name = unique_name("backup")
    first, second = create(certs_fast, name), create(certs_fast, name)
    blob = certs_fast.backup_certificate(name)
    assert isinstance(blob, bytes) and len(blob) > 0
    with pytest.raises(ResourceExistsError):
        certs_fast.restore_certificate_backup(blob)  # over a live certificate: 409

    delete_and_wait(certs_fast, name)
    certs_fast.purge_deleted_certificate(name)
    restored = certs_fast.restore_certificate_backup(blob)
    assert restored.name == name and restored.id == second.id and bytes(restored.cer) == bytes(second.cer)
    assert bytes(certs_fast.get_certificate_version(name, first.properties.version).cer) == bytes(first.cer)
    assert sorted(p.version for p in certs_fast.list_properties_of_certificate_versions(name)) == sorted(
        [first.properties.version, second.properties.version])
    # The key and the secret came back with it.
    assert KeyClient(fast_vault, credential).get_key(name).id == second.key_id
    assert SecretClient(fast_vault, credential).get_secret(name).id == second.secret_id


def test_a_pending_operation_can_be_cancelled_and_deleted(certs_fast, unique_name):
    name = unique_name("cancel")
    pending = CertificatePolicy(issuer_name="Unknown", subject="CN=cancel.python.test", key_type="EC")
    certs_fast.begin_create_certificate(name, pending)
    cancelled = certs_fast.cancel_certificate_operation(name)
    assert cancelled.cancellation_requested is True
    deleted = certs_fast.delete_certificate_operation(name)
    assert deleted.name == name
    with pytest.raises(ResourceNotFoundError) as gone:
        certs_fast.get_certificate_operation(name)
    assert gone.value.error.code == "PendingCertificateNotFound"
