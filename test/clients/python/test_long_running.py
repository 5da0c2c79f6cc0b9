"""Long-running operations as Azure runs them, on the `dev` vault (its default `longRunningOperations: "azure"`).

Azure's delete and recover complete asynchronously: right after `DELETE /secrets/{name}` the deleted secret is not
found yet, and right after a recover the secret is not found yet. The SDKs' pollers are built on exactly that
(azure/keyvault/secrets/_shared/_polling.py, DeleteRecoverPollingMethod: "Key Vault will respond 404 to GET requests
for the deleted resource; when it responds 2xx, ... its deletion is complete"). Certificate creation answers
202 with an operation `inProgress` that completes later (Certificates - Create Certificate).

These tests keep the pollers' default intervals (2 s for delete and recover, 5 s for certificate creation): they are
about the life cycle an application sees, timing included.
"""
import pytest
from azure.core.exceptions import HttpResponseError
from azure.keyvault.certificates import CertificatePolicy, KeyVaultCertificate

from sdk_support import WireTrace


def create_secret(client, name):
    client.set_secret(name, "long-running")


def create_key(client, name):
    client.create_ec_key(name)


def create_certificate(client, name):
    policy = CertificatePolicy(issuer_name="Self", subject="CN=lro.python.test", key_type="EC", key_curve_name="P-256")
    # Waited on, then read: the create poller is the subject of test_certificate_create_is_in_progress_..., not here.
    client.begin_create_certificate(name, policy, _polling_interval=0.2).wait()
    client.get_certificate(name)


# kind: (client fixture, create, begin_delete, begin_recover, live path, deleted path, the kind's 404 code)
KINDS = {
    "secret": ("secrets_dev", create_secret, "begin_delete_secret", "begin_recover_deleted_secret",
               "/secrets/{}", "/deletedsecrets/{}", "SecretNotFound"),
    "key": ("keys_dev", create_key, "begin_delete_key", "begin_recover_deleted_key",
            "/keys/{}", "/deletedkeys/{}", "KeyNotFound"),
    "certificate": ("certs_dev", create_certificate, "begin_delete_certificate", "begin_recover_deleted_certificate",
                    "/certificates/{}", "/deletedcertificates/{}", "CertificateNotFound"),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_delete_then_recover_complete_after_the_call(kind, request, raw_dev, unique_name):
    fixture, create, begin_delete, begin_recover, live_path, deleted_path, not_found = KINDS[kind]
    client = request.getfixturevalue(fixture)
    name = unique_name(f"lro-{kind}")
    create(client, name)
    live, deleted = live_path.format(name), deleted_path.format(name)

    # Delete: the object leaves the live collection at once, and is not in the deleted one yet.
    trace = WireTrace()
    poller = getattr(client, begin_delete)(name, raw_response_hook=trace)
    assert raw_dev.error_code("GET", deleted) == (404, not_found), f"GET {deleted} right after the delete"
    assert raw_dev.error_code("GET", live)[0] == 404
    assert poller.status() == "polling"  # soft delete is on: the poller has work to do
    poller.wait()
    assert poller.status() == "finished"
    # The poller's first GET goes out as wait() starts, well within the operation: 404, then (2 s on) 200.
    polls = trace.statuses("GET", deleted)
    assert polls[:1] == [404] and polls[-1] == 200 and set(polls[:-1]) == {404}, trace.calls
    assert poller.result().name == name

    # Recover: the object leaves the deleted collection at once, and is not live yet.
    trace = WireTrace()
    poller = getattr(client, begin_recover)(name, raw_response_hook=trace)
    assert raw_dev.error_code("GET", live) == (404, not_found), f"GET {live} right after the recover"
    assert raw_dev.error_code("GET", deleted)[0] == 404
    poller.wait()
    assert poller.status() == "finished"
    polls = trace.statuses("GET", live)
    assert polls[:1] == [404] and polls[-1] == 200 and set(polls[:-1]) == {404}, trace.calls
    assert raw_dev.call("GET", live)[0] == 200


def test_certificate_create_is_in_progress_then_the_poller_returns_the_certificate(certs_dev, edge, unique_name):
    name = unique_name("lro-create")
    trace = WireTrace()
    poller = certs_dev.begin_create_certificate(name, CertificatePolicy.get_default(), raw_response_hook=trace)
    # Azure answers 202 Accepted with the operation `inProgress`; the poller then polls .../pending.
    assert trace.statuses("POST", f"/certificates/{name}/create") == [202]
    assert poller.status() == "inprogress"
    assert not poller.done()

    certificate = poller.result()
    # azure-keyvault-certificates 4.7 _polling.py CreateCertificatePoller: `_resource` is set only in `run()`, which
    # azure-core's LROPoller never starts for an operation already finished when it is created; so a create that
    # answered `completed` at once yields None here. Azure never does that.
    assert isinstance(certificate, KeyVaultCertificate), f"poller.result() was {certificate!r}; calls {trace.calls}"
    assert certificate.name == name and certificate.cer
    assert certificate.policy is not None and certificate.policy.issuer_name == "Self"
    pending = trace.statuses("GET", f"/certificates/{name}/pending")
    assert pending and all(status == 200 for status in pending)
    operation = certs_dev.get_certificate_operation(name)
    assert operation.status.lower() == "completed"
    assert operation.target == f"{edge.vault_url}/certificates/{name}"


def test_writes_during_a_delete_get_azures_in_progress_conflicts(secrets_dev, unique_name):
    """While a delete is in progress the name is in neither collection: a new version, a purge and a recover are
    409 Conflict with inner error ObjectIsBeingDeleted (azure-sdk-for-cpp key_client_delete_test_live.cpp, the JS
    SDKs' recorded purges during a delete, azure-sdk-for-net#31581)."""
    name = unique_name("lro-conflict")
    secrets_dev.set_secret(name, "value")
    poller = secrets_dev.begin_delete_secret(name)
    for attempt in (lambda: secrets_dev.set_secret(name, "again"), lambda: secrets_dev.purge_deleted_secret(name),
                    lambda: secrets_dev.begin_recover_deleted_secret(name)):
        with pytest.raises(HttpResponseError) as conflict:
            attempt()
        assert conflict.value.status_code == 409 and conflict.value.error.code == "Conflict"
        assert conflict.value.error.innererror.get("code") == "ObjectIsBeingDeleted"
    poller.wait()
    secrets_dev.purge_deleted_secret(name)  # once the delete is done, purge goes through
