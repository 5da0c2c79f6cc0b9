"""CryptographyClient encrypt, decrypt, wrap and unwrap with every RSA and AES algorithm, each result checked by
`cryptography` with the key material the test imported.

Built from a key id, the SDK encrypts and wraps RSA locally with the fetched public key, and the service decrypts.
For oct keys the SDK from a key id must not be used: the vault never returns `k`, and azure-keyvault-keys 4.8
then builds its local provider around a *random* key (crypto/_internal/symmetric_key.py, SymmetricKey.__init__:
`if not key_bytes: ... key_bytes = os.urandom(key_size)`), claiming AES-CBCPAD and AES-KW support locally, so it
would encrypt under a key the vault does not hold, against Azure's Managed HSM too. The tests send those
operations to the vault (`remote_crypto`), which is what the SDK means to do.
"""
import os

import pytest
from azure.keyvault.keys import JsonWebKey
from azure.keyvault.keys.crypto import CryptographyClient, EncryptionAlgorithm, KeyWrapAlgorithm
from cryptography.hazmat.primitives import hashes, padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap

from jwk_material import rsa_jwk, rsa_private_key
from sdk_support import b64url, from_b64url, remote_crypto

RSA_ALGORITHMS = ["RSA1_5", "RSA-OAEP", "RSA-OAEP-256"]
AES_OPS = ["encrypt", "decrypt", "wrapKey", "unwrapKey"]


def rsa_padding(algorithm):
    if algorithm == "RSA1_5":
        return padding.PKCS1v15()
    digest = hashes.SHA1() if algorithm == "RSA-OAEP" else hashes.SHA256()
    return padding.OAEP(mgf=padding.MGF1(digest), algorithm=digest, label=None)


@pytest.fixture(scope="module")
def rsa_key(keys_fast, unique_name):
    private_key = rsa_private_key(2048)
    return keys_fast.import_key(unique_name("enc-rsa"), rsa_jwk(private_key)), private_key


@pytest.fixture(scope="module")
def aes_keys(keys_fast, unique_name):
    """One imported AES key per size, its material known to the test."""
    keys = {}
    for size in (128, 192, 256):
        material = os.urandom(size // 8)
        jwk = JsonWebKey(kty="oct", k=material, key_ops=AES_OPS)
        keys[size] = (keys_fast.import_key(unique_name(f"aes-{size}"), jwk), material)
    return keys


@pytest.mark.parametrize("algorithm", RSA_ALGORITHMS)
def test_rsa_encrypt_in_the_sdk_decrypt_in_the_vault_and_independently(rsa_key, credential, algorithm):
    key, private_key = rsa_key
    plaintext = os.urandom(32)
    sealed = CryptographyClient(key.id, credential).encrypt(EncryptionAlgorithm(algorithm), plaintext)
    assert private_key.decrypt(sealed.ciphertext, rsa_padding(algorithm)) == plaintext
    opened = remote_crypto(key.id, credential).decrypt(EncryptionAlgorithm(algorithm), sealed.ciphertext)
    assert opened.plaintext == plaintext


@pytest.mark.parametrize("algorithm", RSA_ALGORITHMS)
def test_rsa_encrypt_in_the_vault_decrypt_independently(rsa_key, credential, algorithm):
    key, private_key = rsa_key
    plaintext = os.urandom(40)
    remote = remote_crypto(key.id, credential)
    sealed = remote.encrypt(EncryptionAlgorithm(algorithm), plaintext)
    assert sealed.algorithm == algorithm and len(sealed.ciphertext) == 256
    assert private_key.decrypt(sealed.ciphertext, rsa_padding(algorithm)) == plaintext
    # And what cryptography encrypted, the vault decrypts.
    ours = private_key.public_key().encrypt(plaintext, rsa_padding(algorithm))
    assert remote.decrypt(EncryptionAlgorithm(algorithm), ours).plaintext == plaintext


@pytest.mark.parametrize("algorithm", RSA_ALGORITHMS)
def test_rsa_wrap_and_unwrap_both_ways(rsa_key, credential, algorithm):
    key, private_key = rsa_key
    cek = os.urandom(32)
    remote = remote_crypto(key.id, credential)
    wrapped = remote.wrap_key(KeyWrapAlgorithm(algorithm), cek)
    assert wrapped.algorithm == algorithm
    assert private_key.decrypt(wrapped.encrypted_key, rsa_padding(algorithm)) == cek
    assert remote.unwrap_key(KeyWrapAlgorithm(algorithm), wrapped.encrypted_key).key == cek
    local = CryptographyClient(key.id, credential).wrap_key(KeyWrapAlgorithm(algorithm), cek)
    assert remote.unwrap_key(KeyWrapAlgorithm(algorithm), local.encrypted_key).key == cek


def test_rsa_generated_key_round_trips_every_algorithm(keys_fast, credential, unique_name):
    key = keys_fast.create_rsa_key(unique_name("enc-generated"), size=2048)
    remote = remote_crypto(key.id, credential)
    for algorithm in RSA_ALGORITHMS:
        sealed = remote.encrypt(EncryptionAlgorithm(algorithm), b"generated in the vault")
        assert remote.decrypt(EncryptionAlgorithm(algorithm), sealed.ciphertext).plaintext == b"generated in the vault"


@pytest.mark.parametrize("size", [128, 192, 256])
def test_aes_gcm_both_ways(aes_keys, credential, size):
    key, material = aes_keys[size]
    algorithm = EncryptionAlgorithm(f"A{size}GCM")
    remote = remote_crypto(key.id, credential)
    plaintext, aad = os.urandom(61), os.urandom(20)
    sealed = remote.encrypt(algorithm, plaintext, additional_authenticated_data=aad)
    # The vault picks the IV (12 octets) and returns a 16-octet tag.
    assert len(sealed.ciphertext) == len(plaintext) and len(sealed.iv) == 12 and len(sealed.tag) == 16
    assert AESGCM(material).decrypt(sealed.iv, sealed.ciphertext + sealed.tag, aad) == plaintext
    opened = remote.decrypt(algorithm, sealed.ciphertext, iv=sealed.iv, authentication_tag=sealed.tag,
                            additional_authenticated_data=aad)
    assert opened.plaintext == plaintext
    assert remote.encrypt(algorithm, plaintext).iv != sealed.iv  # a fresh IV every time

    iv = os.urandom(12)
    ours = AESGCM(material).encrypt(iv, plaintext, b"header")
    opened = remote.decrypt(algorithm, ours[:-16], iv=iv, authentication_tag=ours[-16:],
                            additional_authenticated_data=b"header")
    assert opened.plaintext == plaintext


def cbc(material, iv, data, padded, encrypt=True):
    cipher = Cipher(algorithms.AES(material), modes.CBC(iv))
    if encrypt:
        if padded:
            padder = sym_padding.PKCS7(128).padder()
            data = padder.update(data) + padder.finalize()
        context = cipher.encryptor()
        return context.update(data) + context.finalize()
    context = cipher.decryptor()
    out = context.update(data) + context.finalize()
    if padded:
        unpadder = sym_padding.PKCS7(128).unpadder()
        out = unpadder.update(out) + unpadder.finalize()
    return out


CBC_CASES = [(size, padded) for size in (128, 192, 256) for padded in (False, True)]


@pytest.mark.parametrize("size, padded", CBC_CASES, ids=[f"A{s}CBC{'PAD' if p else ''}" for s, p in CBC_CASES])
def test_aes_cbc_with_the_callers_iv_both_ways(aes_keys, credential, size, padded):
    key, material = aes_keys[size]
    algorithm = EncryptionAlgorithm(f"A{size}CBC{'PAD' if padded else ''}")
    remote = remote_crypto(key.id, credential)
    # A*CBC takes whole blocks only; A*CBCPAD pads with PKCS#7, a full block when already aligned.
    for plaintext in ([os.urandom(21), os.urandom(32), os.urandom(1)] if padded else [os.urandom(32), os.urandom(16)]):
        iv = os.urandom(16)
        sealed = remote.encrypt(algorithm, plaintext, iv=iv)
        assert sealed.ciphertext == cbc(material, iv, plaintext, padded)  # byte for byte
        assert remote.decrypt(algorithm, sealed.ciphertext, iv=iv).plaintext == plaintext
        ours = cbc(material, iv, plaintext[::-1], padded)
        assert remote.decrypt(algorithm, ours, iv=iv).plaintext == plaintext[::-1]


@pytest.mark.parametrize("size", [128, 256])
def test_aes_cbcpad_without_an_iv_the_vault_makes_one(aes_keys, raw_fast, size):
    """The SDK documents that "for remote cryptography, Key Vault will generate an IV" (CryptographyClient.encrypt),
    yet refuses to send CBC without one (crypto/_client.py `_validate_arguments`: "iv is a required parameter for
    encryption with AES-CBC algorithms"), so the wire behaviour is asserted over raw HTTP."""
    key, material = aes_keys[size]
    plaintext = os.urandom(20)
    answer = raw_fast.ok("POST", f"{key.id}/encrypt", {"alg": f"A{size}CBCPAD", "value": b64url(plaintext)})
    iv = from_b64url(answer["iv"])
    assert len(iv) == 16
    assert cbc(material, iv, from_b64url(answer["value"]), True, encrypt=False) == plaintext


@pytest.mark.parametrize("size", [128, 192, 256])
def test_aes_key_wrap_matches_rfc_3394_both_ways(aes_keys, credential, size):
    key, material = aes_keys[size]
    algorithm = KeyWrapAlgorithm(f"A{size}KW")
    remote = remote_crypto(key.id, credential)
    for length in (16, 24, 32, 40):
        cek = os.urandom(length)
        wrapped = remote.wrap_key(algorithm, cek)
        assert wrapped.algorithm == algorithm
        assert wrapped.encrypted_key == aes_key_wrap(material, cek)  # deterministic: the RFC's output exactly
        assert remote.unwrap_key(algorithm, wrapped.encrypted_key).key == cek
        assert aes_key_unwrap(material, wrapped.encrypted_key) == cek
    cek = os.urandom(32)
    assert remote.unwrap_key(algorithm, aes_key_wrap(material, cek)).key == cek
