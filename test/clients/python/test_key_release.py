"""Secure key release through azure-keyvault-keys' KeyClient, unmodified (docs/key-release.md): `create_rsa_key` and
`import_key` with `exportable=True` and a `release_policy`, `release_key` with a token of the local attestation
authority the server runs for development, and the workload's side in `cryptography` alone: the vault's JWS checked
with the certificate in its `x5c`, `key_hsm` unwrapped with the workload's private key (RSA-OAEP, then RFC 5649),
and the released key shown to be the vault's by a signature the vault makes."""
import base64
import json

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.keyvault.keys import KeyExportEncryptionAlgorithm, KeyReleasePolicy
from azure.keyvault.keys.crypto import SignatureAlgorithm
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap_with_padding

from jwk_material import digest, raw_to_der_ecdsa, rsa_jwk, rsa_private_key
from sdk_support import b64url, from_b64url, remote_crypto

CVM = [
    {"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"},
    {"claim": "x-ms-isolation-tee.x-ms-compliance-status", "equals": "azure-compliant-cvm"},
]
OAEP_HASHES = {"CKM_RSA_AES_KEY_WRAP": hashes.SHA1, "RSA_AES_KEY_WRAP_256": hashes.SHA256, "RSA_AES_KEY_WRAP_384": hashes.SHA384}


def authority(edge):
    return f"{edge.origin}/local-attestation"


def policy(edge, conditions=CVM, immutable=None):
    document = {"version": "1.0.0", "anyOf": [{"authority": authority(edge) + "/", "allOf": conditions}]}
    return KeyReleasePolicy(json.dumps(document).encode(), immutable=immutable)


class Workload:
    """A simulated confidential VM's guest: its RSA key, declared in its runtime data, receives released keys."""

    def __init__(self) -> None:
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        numbers = self.private_key.public_key().public_numbers()
        self.runtime_jwk = {
            "kty": "RSA",
            "n": b64url(numbers.n.to_bytes(256, "big")),
            "e": b64url(numbers.e.to_bytes(3, "big")),
            "kid": "TpmEphemeralEncryptionKey",
            "key_ops": ["encrypt"],
        }

    def attest(self, edge, nonce=None) -> str:
        body = {"runtimeData": {"keys": [self.runtime_jwk]}}
        if nonce is not None:
            body["nonce"] = nonce
        response = requests.post(f"{authority(edge)}/attest/SevSnpVm", json=body, verify=edge.ca_path, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def open(self, jws: str, enc: str):
        """Checks the vault's ES256 signature with x5c[0], then unwraps key_hsm; returns the payload and the key."""
        header_b64, payload_b64, signature_b64 = jws.split(".")
        header = json.loads(from_b64url(header_b64))
        certificate = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        certificate.public_key().verify(
            raw_to_der_ecdsa(from_b64url(signature_b64)), f"{header_b64}.{payload_b64}".encode(), ec.ECDSA(hashes.SHA256())
        )
        payload = json.loads(from_b64url(payload_b64))
        blob = json.loads(from_b64url(payload["response"]["key"]["key"]["key_hsm"]))
        assert blob["header"] == {"kid": "TpmEphemeralEncryptionKey", "alg": "dir", "enc": enc}
        ciphertext = from_b64url(blob["ciphertext"])
        hash_type = OAEP_HASHES[enc]
        aes = self.private_key.decrypt(ciphertext[:256], padding.OAEP(padding.MGF1(hash_type()), hash_type(), None))
        der = aes_key_unwrap_with_padding(aes, ciphertext[256:])
        return payload, serialization.load_der_private_key(der, password=None)


@pytest.mark.parametrize("enc", sorted(OAEP_HASHES))
def test_release_of_a_created_rsa_key(edge, keys_fast, credential, unique_name, enc):
    name = unique_name("release")
    key = keys_fast.create_rsa_key(name, size=2048, exportable=True, release_policy=policy(edge))
    assert key.properties.exportable is True
    assert json.loads(key.properties.release_policy.encoded_policy)["anyOf"][0]["allOf"] == CVM
    workload = Workload()
    result = keys_fast.release_key(name, workload.attest(edge, nonce="py-1"), nonce="py-1", algorithm=KeyExportEncryptionAlgorithm(enc))
    payload, released = workload.open(result.value, enc)
    assert payload["request"]["nonce"] == "py-1" and payload["request"]["kid"] == key.id
    # The released key is the vault's: a signature the vault makes verifies with it.
    data_digest = digest("RS256", b"signed by the vault")
    signature = remote_crypto(key.id, credential).sign(SignatureAlgorithm.rs256, data_digest).signature
    released.public_key().verify(signature, b"signed by the vault", padding.PKCS1v15(), hashes.SHA256())


def test_release_of_an_imported_key_by_version(edge, keys_fast, unique_name):
    name = unique_name("release-import")
    private = rsa_private_key(2048)
    key = keys_fast.import_key(name, rsa_jwk(private), exportable=True, release_policy=policy(edge, immutable=True))
    assert key.properties.release_policy.immutable is True
    workload = Workload()
    result = keys_fast.release_key(name, workload.attest(edge), version=key.properties.version)
    _, released = workload.open(result.value, "CKM_RSA_AES_KEY_WRAP")
    assert released.private_numbers() == private.private_numbers()
    # An immutable policy cannot be changed.
    with pytest.raises(HttpResponseError) as refused:
        keys_fast.update_key_properties(name, key.properties.version, release_policy=policy(edge, conditions=CVM[:1], immutable=True))
    assert refused.value.status_code == 400


def test_refusals(edge, keys_fast, unique_name):
    with pytest.raises(HttpResponseError) as no_policy:
        keys_fast.create_rsa_key(unique_name("no-policy"), size=2048, exportable=True)
    assert no_policy.value.status_code == 400 and "exportable" in str(no_policy.value.message).lower()
    name = unique_name("release-refused")
    keys_fast.create_rsa_key(name, size=2048, exportable=True, release_policy=policy(edge, [{"claim": "x-ms-attestation-type", "equals": "sgx"}]))
    with pytest.raises(HttpResponseError) as forbidden:
        keys_fast.release_key(name, Workload().attest(edge))
    assert forbidden.value.status_code == 403 and forbidden.value.error.code == "Forbidden"


def test_release_of_an_hsm_key_wrapped_in_the_token(edge, keys_fast, unique_name):
    """An RSA-HSM key imported exportable: the bridge wraps it inside SoftHSM2, and what `cryptography` unwraps is
    the very key imported (SoftHSM2 pads its PKCS#8 with zero bytes to 8, which DER reading ignores)."""
    if edge.hsm_bridge is None:
        pytest.fail("the server runs without the PKCS#11 bridge: install softhsm2 (CI does)")
    name = unique_name("release-hsm")
    private = rsa_private_key(2048)
    key = keys_fast.import_key(name, rsa_jwk(private), hardware_protected=True, exportable=True, release_policy=policy(edge))
    assert key.key_type == "RSA-HSM" and key.properties.exportable is True
    workload = Workload()
    result = keys_fast.release_key(name, workload.attest(edge))
    _, released = workload.open(result.value, "CKM_RSA_AES_KEY_WRAP")
    assert released.private_numbers() == private.private_numbers()
