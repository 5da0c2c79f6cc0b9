"""azure-keyvault-keys' KeyClient, unmodified: creation of every key type and size (material checked by
`cryptography`, which refuses a malformed modulus or an off-curve point), versions, listing across pages, updates
and Azure's errors. HSM key types run on the `dev` vault, and only when SoftHSM2 runs behind the bridge."""
import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.keys import KeyClient, KeyOperation
from azure.keyvault.keys.crypto import EncryptionAlgorithm, SignatureAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding

from jwk_material import digest, public_key_of, raw_to_der_ecdsa
from sdk_support import assert_recent, remote_crypto

RSA_DEFAULT_OPS = {"encrypt", "decrypt", "sign", "verify", "wrapKey", "unwrapKey"}
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


def check_fresh(key, name, vault_url, retention_days):
    assert key.name == name and key.properties.name == name
    assert key.id == f"{vault_url}/keys/{name}/{key.properties.version}"
    assert key.key.kid == key.id
    assert key.properties.enabled is True
    assert_recent(key.properties.created_on)
    # Azure's names: 90 days of retention is "Recoverable", fewer (the fast vault's 7) "CustomizedRecoverable".
    level = "Recoverable+Purgeable" if retention_days == 90 else "CustomizedRecoverable+Purgeable"
    assert key.properties.recovery_level == level
    assert key.properties.recoverable_days == retention_days
    # Only the public half, if any, is ever released.
    for member in PRIVATE_MEMBERS:
        assert getattr(key.key, member, None) is None, member


@pytest.mark.parametrize("size", [2048, 3072, 4096])
def test_create_rsa_key_of_each_size(keys_fast, fast_vault, unique_name, size):
    name = unique_name(f"rsa-{size}")
    key = keys_fast.create_rsa_key(name, size=size)
    check_fresh(key, name, fast_vault, 7)
    assert key.key_type == "RSA"
    assert set(key.key_operations) == RSA_DEFAULT_OPS
    assert len(key.key.n) == size // 8 and key.key.n[0] & 0x80  # full-size modulus
    assert key.key.e == b"\x01\x00\x01"
    assert public_key_of(key.key).key_size == size


@pytest.mark.parametrize("curve", ["P-256", "P-384", "P-521", "P-256K"])
def test_create_ec_key_on_each_curve(keys_fast, fast_vault, unique_name, curve):
    name = unique_name(f"ec-{curve.lower()}")
    key = keys_fast.create_ec_key(name, curve=curve)
    check_fresh(key, name, fast_vault, 7)
    assert (key.key_type, key.key.crv) == ("EC", curve)
    assert set(key.key_operations) == {"sign", "verify"}
    size = {"P-256": 32, "P-384": 48, "P-521": 66, "P-256K": 32}[curve]
    assert len(key.key.x) == size and len(key.key.y) == size
    public_key_of(key.key)  # on the curve


@pytest.mark.parametrize("size, algorithm", [(128, "A128GCM"), (192, "A192GCM"), (256, "A256GCM")])
def test_create_oct_key_whose_material_never_leaves(keys_fast, fast_vault, credential, unique_name, size, algorithm):
    name = unique_name(f"oct-{size}")
    key = keys_fast.create_oct_key(name, size=size)
    check_fresh(key, name, fast_vault, 7)
    assert key.key_type == "oct" and key.key.k is None
    # Usable as sized: AES-GCM of the matching width round-trips through the service.
    crypto = remote_crypto(key.id, credential)
    sealed = crypto.encrypt(EncryptionAlgorithm(algorithm), b"forty bytes of plaintext, more or less..")
    opened = crypto.decrypt(EncryptionAlgorithm(algorithm), sealed.ciphertext, iv=sealed.iv,
                            authentication_tag=sealed.tag)
    assert opened.plaintext == b"forty bytes of plaintext, more or less.."


HSM_CASES = [("RSA-HSM", {"size": 2048}), ("EC-HSM", {"curve": "P-384"}), ("oct-HSM", {"size": 256})]


@pytest.mark.parametrize("kty, options", HSM_CASES, ids=[case[0] for case in HSM_CASES])
def test_create_hsm_key_on_the_premium_dev_vault(keys_dev, edge, credential, unique_name, kty, options):
    if edge.hsm_bridge is None:
        pytest.skip("HSM key types need SoftHSM2 behind the PKCS#11 bridge; softhsm2 is not installed")
    name = unique_name(kty.lower())
    create = {"RSA-HSM": keys_dev.create_rsa_key, "EC-HSM": keys_dev.create_ec_key, "oct-HSM": keys_dev.create_oct_key}
    key = create[kty](name, hardware_protected=True, **options)
    check_fresh(key, name, edge.vault_url, 90)
    assert key.key_type == kty
    crypto = remote_crypto(key.id, credential)
    if kty == "oct-HSM":
        sealed = crypto.encrypt(EncryptionAlgorithm.a256_gcm, b"in the token")
        assert crypto.decrypt(EncryptionAlgorithm.a256_gcm, sealed.ciphertext, iv=sealed.iv,
                              authentication_tag=sealed.tag).plaintext == b"in the token"
        return
    # The token signs; cryptography verifies under the public key the vault released.
    algorithm = "PS256" if kty == "RSA-HSM" else "ES384"
    signature = crypto.sign(SignatureAlgorithm(algorithm), digest(algorithm, b"hsm")).signature
    public_key = public_key_of(key.key)
    if kty == "RSA-HSM":
        public_key.verify(signature, b"hsm", padding.PSS(padding.MGF1(hashes.SHA256()), 32), hashes.SHA256())
    else:
        public_key.verify(raw_to_der_ecdsa(signature), b"hsm", ec.ECDSA(hashes.SHA384()))


def test_managed_hsm_creates_and_uses_hsm_keys(edge, credential, unique_name):
    if edge.managed_hsm_url is None:
        pytest.skip("the managed HSM needs SoftHSM2 behind the PKCS#11 bridge; softhsm2 is not installed")
    client = KeyClient(edge.managed_hsm_url, credential)
    key = client.create_ec_key(unique_name("mhsm-ec"), curve="P-256", hardware_protected=True)
    assert key.key_type == "EC-HSM" and key.id.startswith(f"{edge.managed_hsm_url}/keys/")
    signature = remote_crypto(key.id, credential).sign(SignatureAlgorithm.es256, digest("ES256", b"mhsm")).signature
    public_key_of(key.key).verify(raw_to_der_ecdsa(signature), b"mhsm", ec.ECDSA(hashes.SHA256()))
    # A managed HSM holds HSM keys only; Azure's takes the software type as its -HSM one (recorded Managed HSM
    # responses: {"kty":"RSA"} answers "RSA-HSM"), which is what create_ec_key sends without hardware_protected.
    assert client.create_ec_key(unique_name("mhsm-soft"), curve="P-256").key_type == "EC-HSM"


def test_create_with_operations_attributes_and_tags(keys_fast, unique_name):
    name = unique_name("options")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    key = keys_fast.create_key(name, "EC", key_operations=[KeyOperation.sign],
                               not_before=now - datetime.timedelta(minutes=1),
                               expires_on=now + datetime.timedelta(days=30), tags={"a": "1", "b": "2"})
    assert key.key_operations == ["sign"]
    assert key.properties.not_before == now - datetime.timedelta(minutes=1)
    assert key.properties.expires_on == now + datetime.timedelta(days=30)
    assert key.properties.tags == {"a": "1", "b": "2"}


def test_versions_get_and_list(keys_fast, fast_vault, unique_name):
    name = unique_name("versions")
    versions = [keys_fast.create_ec_key(name).properties.version for _ in range(4)]
    assert len(set(versions)) == 4
    assert keys_fast.get_key(name).properties.version == versions[-1]
    older = keys_fast.get_key(name, versions[0])
    assert older.id == f"{fast_vault}/keys/{name}/{versions[0]}"
    pages = [list(page) for page in keys_fast.list_properties_of_key_versions(name, max_page_size=3).by_page()]
    assert len(pages) >= 2 and all(len(page) <= 3 for page in pages)
    assert sorted(p.version for page in pages for p in page) == sorted(versions)


def test_list_keys_across_pages_without_material(keys_fast, fast_vault, unique_name):
    names = sorted(unique_name("list") for _ in range(5))
    for name in names:
        keys_fast.create_ec_key(name)
    pages = [list(page) for page in keys_fast.list_properties_of_keys(max_page_size=2).by_page()]
    assert len(pages) >= 3 and all(len(page) <= 2 for page in pages)
    listed = [p for page in pages for p in page if p.name in names]
    assert sorted(p.name for p in listed) == names
    for properties in listed:
        assert properties.id == f"{fast_vault}/keys/{properties.name}" and properties.version is None


def test_update_properties_of_one_version(keys_fast, unique_name):
    name = unique_name("update")
    first = keys_fast.create_ec_key(name)
    second = keys_fast.create_ec_key(name)
    expires = datetime.datetime(2040, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    updated = keys_fast.update_key_properties(name, first.properties.version, enabled=False, expires_on=expires,
                                              tags={"state": "old"}, key_operations=["verify"])
    assert updated.id == first.id
    assert updated.properties.enabled is False and updated.properties.expires_on == expires
    assert updated.properties.tags == {"state": "old"} and updated.key_operations == ["verify"]
    # The other version is untouched; no version means the latest.
    assert keys_fast.get_key(name).properties.enabled is True
    latest = keys_fast.update_key_properties(name, tags={"state": "new"})
    assert latest.id == second.id and latest.properties.tags == {"state": "new"}


def test_errors_are_azures(keys_fast, unique_name):
    with pytest.raises(ResourceNotFoundError) as missing:
        keys_fast.get_key(unique_name("missing"))
    assert missing.value.error.code == "KeyNotFound"
    name = unique_name("no-version")
    keys_fast.create_ec_key(name)
    with pytest.raises(ResourceNotFoundError) as no_version:
        keys_fast.get_key(name, "0" * 32)
    assert no_version.value.error.code == "KeyNotFound"
    with pytest.raises(HttpResponseError) as small:
        keys_fast.create_rsa_key(unique_name("rsa-1024"), size=1024)
    assert small.value.status_code == 400 and small.value.error.code == "BadParameter"
    with pytest.raises(ResourceNotFoundError) as never_deleted:
        keys_fast.get_deleted_key(unique_name("never-deleted"))
    assert never_deleted.value.error.code == "KeyNotFound"
