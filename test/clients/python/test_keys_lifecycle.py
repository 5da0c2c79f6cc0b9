"""KeyClient beyond creation: import of keys `cryptography` made, rotation and its policy, backup and restore,
soft delete, recovery and purge through the pollers, and random bytes."""
import os

import pytest
from azure.core.exceptions import HttpResponseError, ResourceExistsError, ResourceNotFoundError
from azure.keyvault.keys import JsonWebKey, KeyClient, KeyRotationLifetimeAction, KeyRotationPolicy
from cryptography.hazmat.primitives.asymmetric import ec, padding

from jwk_material import digest, ec_jwk, hash_of, public_key_of, raw_to_der_ecdsa, rsa_jwk, rsa_private_key, to_int
from sdk_support import DAY, POLL, assert_recent, remote_crypto


def delete_and_wait(client, name):
    poller = client.begin_delete_key(name, **POLL)
    poller.wait()
    return poller.result()


def test_import_an_rsa_key_releasing_only_its_public_half(keys_fast, credential, unique_name):
    private_key = rsa_private_key(2048)
    name = unique_name("import-rsa")
    key = keys_fast.import_key(name, rsa_jwk(private_key), tags={"origin": "cryptography"})
    assert key.key_type == "RSA" and key.properties.tags == {"origin": "cryptography"}
    assert to_int(key.key.n) == private_key.public_key().public_numbers().n
    assert key.key.d is None and key.key.p is None
    # The vault signs with the imported private half: the signature verifies under the local public key.
    data_digest = digest("RS256", b"imported")
    signature = remote_crypto(key.id, credential).sign("RS256", data_digest).signature
    private_key.public_key().verify(signature, b"imported", padding.PKCS1v15(), hash_of("RS256"))


def test_import_an_ec_key_and_sign_with_it(keys_fast, credential, unique_name):
    private_key = ec.generate_private_key(ec.SECP384R1())
    name = unique_name("import-ec")
    key = keys_fast.import_key(name, ec_jwk(private_key))
    assert (key.key_type, key.key.crv) == ("EC", "P-384") and key.key.d is None
    assert public_key_of(key.key).public_numbers() == private_key.public_key().public_numbers()
    signature = remote_crypto(key.id, credential).sign("ES384", digest("ES384", b"payload")).signature
    private_key.public_key().verify(raw_to_der_ecdsa(signature), b"payload", ec.ECDSA(hash_of("ES384")))


def test_import_an_oct_key_never_returned_and_over_an_existing_name(keys_fast, unique_name):
    name = unique_name("import-oct")
    first = keys_fast.import_key(name, JsonWebKey(kty="oct", k=os.urandom(32)))
    assert first.key_type == "oct" and first.key.k is None
    second = keys_fast.import_key(name, JsonWebKey(kty="oct", k=os.urandom(16)))
    assert second.properties.version != first.properties.version  # a new version of the same key
    assert sorted(p.version for p in keys_fast.list_properties_of_key_versions(name)) == sorted(
        [first.properties.version, second.properties.version])


def test_rotate_makes_a_new_version_of_the_same_kind(keys_fast, unique_name):
    name = unique_name("rotate")
    original = keys_fast.create_ec_key(name, curve="P-384")
    rotated = keys_fast.rotate_key(name)
    assert rotated.name == name and rotated.properties.version != original.properties.version
    assert (rotated.key_type, rotated.key.crv) == ("EC", "P-384") and rotated.key.x != original.key.x
    public_key_of(rotated.key)
    assert keys_fast.get_key(name).id == rotated.id
    rsa = keys_fast.create_rsa_key(unique_name("rotate-rsa"), size=3072)
    assert public_key_of(keys_fast.rotate_key(rsa.name).key).key_size == 3072


def test_rotation_policy_default_update_and_expiry_of_rotated_versions(keys_fast, fast_vault, unique_name):
    name = unique_name("policy")
    keys_fast.create_ec_key(name)
    default = keys_fast.get_key_rotation_policy(name)
    assert [(a.action, a.time_before_expiry) for a in default.lifetime_actions] == [("Notify", "P30D")]
    assert default.expires_in is None

    policy = KeyRotationPolicy(expires_in="P90D",
                               lifetime_actions=[KeyRotationLifetimeAction("Rotate", time_after_create="P30D")])
    updated = keys_fast.update_key_rotation_policy(name, policy)
    assert updated.id == f"{fast_vault}/keys/{name}/rotationpolicy"
    # Azure keeps its default Notify next to the actions set (its recordings of PUT rotationpolicy show both).
    actions = sorted((a.action, a.time_after_create, a.time_before_expiry) for a in updated.lifetime_actions)
    assert actions == [("Notify", None, "P30D"), ("Rotate", "P30D", None)]
    assert updated.expires_in == "P90D"
    assert_recent(updated.created_on)

    fetched = keys_fast.get_key_rotation_policy(name)
    assert fetched.id == updated.id and fetched.expires_in == "P90D"
    rotated = keys_fast.rotate_key(name)
    assert rotated.properties.expires_on - rotated.properties.created_on == 90 * DAY


def test_delete_get_deleted_recover_and_purge(keys_fast, fast_vault, unique_name):
    name = unique_name("delete")
    created = keys_fast.create_ec_key(name, tags={"state": "live"})
    deleted = delete_and_wait(keys_fast, name)
    assert deleted.name == name and deleted.id == created.id
    assert deleted.recovery_id == f"{fast_vault}/deletedkeys/{name}"
    assert deleted.scheduled_purge_date - deleted.deleted_date == 7 * DAY
    with pytest.raises(ResourceNotFoundError):
        keys_fast.get_key(name)
    assert keys_fast.get_deleted_key(name).properties.tags == {"state": "live"}
    assert name in [key.name for key in keys_fast.list_deleted_keys()]

    poller = keys_fast.begin_recover_deleted_key(name, **POLL)
    poller.wait()
    assert poller.result().id == created.id and keys_fast.get_key(name).key.x == created.key.x

    delete_and_wait(keys_fast, name)
    keys_fast.purge_deleted_key(name)
    for read in (keys_fast.get_deleted_key, keys_fast.get_key):
        with pytest.raises(ResourceNotFoundError):
            read(name)


def test_backup_restores_every_version_after_purge(keys_fast, credential, unique_name):
    name = unique_name("backup")
    v1 = keys_fast.create_ec_key(name)
    v2 = keys_fast.create_ec_key(name, curve="P-521")
    blob = keys_fast.backup_key(name)
    with pytest.raises(ResourceExistsError):
        keys_fast.restore_key_backup(blob)  # over a live key: 409

    delete_and_wait(keys_fast, name)
    keys_fast.purge_deleted_key(name)
    restored = keys_fast.restore_key_backup(blob)
    assert restored.name == name and restored.id == v2.id and restored.key.x == v2.key.x
    assert keys_fast.get_key(name, v1.properties.version).key.x == v1.key.x
    # The private halves came back too: the restored version signs, and the signature checks out.
    signature = remote_crypto(v1.id, credential).sign("ES256", digest("ES256", b"after restore")).signature
    public_key_of(v1.key).verify(raw_to_der_ecdsa(signature), b"after restore", ec.ECDSA(hash_of("ES256")))


@pytest.mark.parametrize("count", [1, 32, 128])
def test_random_bytes(keys_fast, count):
    data = keys_fast.get_random_bytes(count)
    assert isinstance(data, bytes) and len(data) == count


def test_random_bytes_do_not_repeat_and_are_bounded(keys_fast, edge, credential):
    first, second = keys_fast.get_random_bytes(32), keys_fast.get_random_bytes(32)
    assert first != second and any(first)
    with pytest.raises(HttpResponseError) as refused:
        keys_fast.get_random_bytes(129)
    assert refused.value.status_code == 400 and refused.value.error.code == "BadParameter"
    if edge.managed_hsm_url is not None:
        assert len(KeyClient(edge.managed_hsm_url, credential).get_random_bytes(64)) == 64
