"""CryptographyClient sign and verify with every RSA and EC algorithm.

Azure signs a digest (Keys - Sign): the test hashes locally, the vault signs, and `cryptography` verifies the
signature independently. Built from a key id, the SDK verifies RS*/PS*/ES* itself with the public key it fetched
(the SDK's verify); `remote_crypto` sends verify to the vault, so the service's verify is checked too.
"""
import os

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.keys.crypto import CryptographyClient, SignatureAlgorithm
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, padding, utils

from jwk_material import (
    CURVES, der_to_raw_ecdsa, digest, ec_jwk, hash_of, public_key_of, raw_to_der_ecdsa, rsa_jwk, rsa_private_key)
from sdk_support import remote_crypto

RSA_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]
EC_CASES = [("ES256", "P-256", 32), ("ES384", "P-384", 48), ("ES512", "P-521", 66), ("ES256K", "P-256K", 32)]


def rsa_padding(algorithm):
    """PKCS#1 v1.5, or PSS with MGF1 of the same hash and a salt as long as the hash (what Key Vault uses)."""
    if algorithm.startswith("PS"):
        return padding.PSS(mgf=padding.MGF1(hash_of(algorithm)), salt_length=hash_of(algorithm).digest_size)
    return padding.PKCS1v15()


def flipped(data: bytes, index: int = 0) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1:]


@pytest.fixture(scope="module")
def rsa_keys(keys_fast, unique_name):
    """A key the vault generated, and one imported from `cryptography` whose private half the test holds."""
    generated = keys_fast.create_rsa_key(unique_name("sign-rsa"), size=2048)
    private_key = rsa_private_key(2048)
    imported = keys_fast.import_key(unique_name("sign-rsa-import"), rsa_jwk(private_key))
    return generated, imported, private_key


@pytest.fixture(scope="module")
def ec_keys(keys_fast, unique_name):
    return {curve: keys_fast.create_ec_key(unique_name(f"sign-{curve.lower()}"), curve=curve)
            for _, curve, _ in EC_CASES}


@pytest.mark.parametrize("algorithm", RSA_ALGORITHMS)
def test_rsa_sign_remotely_verify_independently_and_with_the_sdk(rsa_keys, credential, algorithm):
    generated, _, _ = rsa_keys
    data = os.urandom(300)
    client = CryptographyClient(generated.id, credential)
    signed = client.sign(SignatureAlgorithm(algorithm), digest(algorithm, data))
    assert signed.key_id == generated.id and signed.algorithm == algorithm
    assert len(signed.signature) == 256

    public_key = public_key_of(generated.key)
    public_key.verify(signed.signature, data, rsa_padding(algorithm), hash_of(algorithm))
    with pytest.raises(InvalidSignature):  # cryptography is really checking
        public_key.verify(signed.signature, os.urandom(300), rsa_padding(algorithm), hash_of(algorithm))

    # The SDK's verify (local, with the fetched public key) and the service's.
    assert client.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), signed.signature).is_valid
    remote = remote_crypto(generated.id, credential)
    assert remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), signed.signature).is_valid
    tampered = flipped(signed.signature, 100)
    assert not remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), tampered).is_valid
    assert not remote.verify(SignatureAlgorithm(algorithm), flipped(digest(algorithm, data)), signed.signature).is_valid


@pytest.mark.parametrize("algorithm", RSA_ALGORITHMS)
def test_rsa_imported_key_signs_as_cryptography_does_and_verifies_its_signatures(rsa_keys, credential, algorithm):
    _, imported, private_key = rsa_keys
    data = os.urandom(200)
    remote = remote_crypto(imported.id, credential)
    signed = remote.sign(SignatureAlgorithm(algorithm), digest(algorithm, data))
    private_key.public_key().verify(signed.signature, data, rsa_padding(algorithm), hash_of(algorithm))
    ours = private_key.sign(digest(algorithm, data), rsa_padding(algorithm), utils.Prehashed(hash_of(algorithm)))
    if algorithm.startswith("RS"):
        # PKCS#1 v1.5 is deterministic: byte for byte what OpenSSL makes with the same key.
        assert signed.signature == ours
    # The service verifies a signature it did not make, and refuses it altered.
    assert remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), ours).is_valid
    assert not remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), flipped(ours, 7)).is_valid


@pytest.mark.parametrize("algorithm, curve, size", EC_CASES, ids=[case[0] for case in EC_CASES])
def test_ec_sign_remotely_as_raw_r_s_verify_independently_and_with_the_sdk(ec_keys, credential, algorithm, curve, size):
    key = ec_keys[curve]
    data = os.urandom(100)
    client = CryptographyClient(key.id, credential)
    signed = client.sign(SignatureAlgorithm(algorithm), digest(algorithm, data))
    # JWS's r||s (RFC 7518 §3.4), each as long as the curve's order.
    assert len(signed.signature) == 2 * size
    public_key = public_key_of(key.key)
    public_key.verify(raw_to_der_ecdsa(signed.signature), data, ec.ECDSA(hash_of(algorithm)))
    with pytest.raises(InvalidSignature):
        public_key.verify(raw_to_der_ecdsa(signed.signature), data + b"!", ec.ECDSA(hash_of(algorithm)))

    assert client.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), signed.signature).is_valid
    remote = remote_crypto(key.id, credential)
    assert remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), signed.signature).is_valid


@pytest.mark.parametrize("algorithm, curve, size", EC_CASES, ids=[case[0] for case in EC_CASES])
def test_ec_service_verifies_a_signature_cryptography_made(keys_fast, credential, unique_name, algorithm, curve, size):
    private_key = ec.generate_private_key(CURVES[curve]())
    key = keys_fast.import_key(unique_name(f"verify-{curve.lower()}"), ec_jwk(private_key))
    data = os.urandom(64)
    der = private_key.sign(digest(algorithm, data), ec.ECDSA(utils.Prehashed(hash_of(algorithm))))
    signature = der_to_raw_ecdsa(der, size)
    remote = remote_crypto(key.id, credential)
    assert remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), signature).is_valid
    assert not remote.verify(SignatureAlgorithm(algorithm), digest(algorithm, data), flipped(signature, 5)).is_valid
    # And the vault signs with the imported half: cryptography verifies.
    signed = remote.sign(SignatureAlgorithm(algorithm), digest(algorithm, data)).signature
    private_key.public_key().verify(raw_to_der_ecdsa(signed), data, ec.ECDSA(hash_of(algorithm)))


def test_sign_errors_are_azures(keys_fast, ec_keys, credential, unique_name):
    key = ec_keys["P-256"]
    with pytest.raises(HttpResponseError) as wrong_length:
        remote_crypto(key.id, credential).sign(SignatureAlgorithm.es256, os.urandom(20))
    assert wrong_length.value.status_code == 400 and wrong_length.value.error.code == "BadParameter"

    disabled = keys_fast.create_ec_key(unique_name("disabled"), enabled=False)
    with pytest.raises(HttpResponseError) as forbidden:
        remote_crypto(disabled.id, credential).sign(SignatureAlgorithm.es256, os.urandom(32))
    assert forbidden.value.status_code == 403 and forbidden.value.error.code == "Forbidden"

    missing = key.id.replace(key.name, unique_name("missing"))
    with pytest.raises(ResourceNotFoundError) as not_found:
        remote_crypto(missing, credential).sign(SignatureAlgorithm.es256, os.urandom(32))
    assert not_found.value.error.code == "KeyNotFound"
