"""Keys over `az rest`: create, read, and cryptography checked outside the server (a signature verified and a
ciphertext made with the public key alone, by the `cryptography` package az itself depends on)."""
import hashlib
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed, encode_dss_signature

from az_support import b64url, unb64url


def unique(purpose: str) -> str:
    return f"az-{purpose}-{secrets.token_hex(4)}"


def test_ec_key_signs_a_digest_that_verifies_locally_and_remotely(az_msi, az_vault):
    _, vault = az_vault
    name = unique("ec")
    created = az_msi.rest("POST", f"{vault}/keys/{name}/create", {"kty": "EC", "crv": "P-256", "key_ops": ["sign", "verify"]}).json
    jwk = created["key"]
    assert jwk["kid"].startswith(f"{vault}/keys/{name}/") and (jwk["kty"], jwk["crv"]) == ("EC", "P-256")
    assert "d" not in jwk  # never the private part
    assert az_msi.rest("GET", f"{vault}/keys/{name}").json["key"]["kid"] == jwk["kid"]

    # Azure signs a digest, not a message (Keys - Sign): ES256 over SHA-256, raw r‖s in base64url.
    digest = hashlib.sha256(b"signed through az rest").digest()
    signed = az_msi.rest("POST", f"{jwk['kid']}/sign", {"alg": "ES256", "value": b64url(digest)}).json
    assert signed["kid"] == jwk["kid"]
    raw = unb64url(signed["value"])
    assert len(raw) == 64
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(unb64url(jwk["x"]), "big"), int.from_bytes(unb64url(jwk["y"]), "big"), ec.SECP256R1()
    ).public_key()
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public.verify(der, digest, ec.ECDSA(Prehashed(hashes.SHA256())))  # raises if the signature is wrong

    verified = az_msi.rest("POST", f"{jwk['kid']}/verify",
                           {"alg": "ES256", "digest": b64url(digest), "value": signed["value"]}).json
    assert verified == {"value": True}


def test_rsa_key_decrypts_what_its_public_key_encrypted(az_msi, az_vault):
    _, vault = az_vault
    name = unique("rsa")
    jwk = az_msi.rest("POST", f"{vault}/keys/{name}/create", {"kty": "RSA", "key_size": 2048}).json["key"]
    assert jwk["kty"] == "RSA" and len(unb64url(jwk["n"])) == 256
    public = rsa.RSAPublicNumbers(int.from_bytes(unb64url(jwk["e"]), "big"),
                                  int.from_bytes(unb64url(jwk["n"]), "big")).public_key()
    plaintext = secrets.token_bytes(32)
    # RSA-OAEP-256 is OAEP with SHA-256 for both the hash and MGF1 (docs/client-contract.md §5).
    ciphertext = public.encrypt(plaintext, padding.OAEP(mgf=padding.MGF1(hashes.SHA256()), algorithm=hashes.SHA256(), label=None))
    # An empty version segment means the latest version: the request the SDKs send when no version is named
    # (docs/client-contract.md §5).
    decrypted = az_msi.rest("POST", f"{vault}/keys/{name}//decrypt", {"alg": "RSA-OAEP-256", "value": b64url(ciphertext)}).json
    assert unb64url(decrypted["value"]) == plaintext
    assert decrypted["kid"] == jwk["kid"]


def test_unknown_key_operation_algorithm_is_a_bad_parameter(az_msi, az_vault):
    _, vault = az_vault
    name = unique("badalg")
    jwk = az_msi.rest("POST", f"{vault}/keys/{name}/create", {"kty": "EC", "crv": "P-256"}).json["key"]
    reason, error = az_msi.rest("POST", f"{jwk['kid']}/sign", {"alg": "ES257", "value": b64url(bytes(32))}).rest_error()
    assert reason == "Bad Request"
    assert error["code"] == "BadParameter"
