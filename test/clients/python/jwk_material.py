"""Bridges between the SDK's JsonWebKey (binary members as bytes, Key Vault curve names) and `cryptography`'s keys,
so an independent library checks what the server produced and the server is handed keys it did not make."""
from functools import lru_cache

from azure.keyvault.keys import JsonWebKey
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

# Key Vault's curve names → cryptography's curves.
CURVES = {"P-256": ec.SECP256R1, "P-384": ec.SECP384R1, "P-521": ec.SECP521R1, "P-256K": ec.SECP256K1}
VAULT_CURVE = {curve.name: name for name, curve in CURVES.items()}
# Every Azure signature algorithm hashes with SHA-2 of its number (RFC 7518 §3.1).
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def hash_of(algorithm: str) -> hashes.HashAlgorithm:
    return HASHES[algorithm[2:5]]()


def digest(algorithm: str, data: bytes) -> bytes:
    """What Azure's sign/verify take: the digest of the data, computed by the caller (Keys - Sign)."""
    h = hashes.Hash(hash_of(algorithm))
    h.update(data)
    return h.finalize()


def to_int(data: bytes) -> int:
    return int.from_bytes(data, "big")


def to_bytes(value: int, length: int = 0) -> bytes:
    return value.to_bytes(max(length, (value.bit_length() + 7) // 8), "big")


def public_key_of(jwk: JsonWebKey):
    """The public key of a key bundle; cryptography refuses a malformed modulus or an off-curve point."""
    kty = jwk.kty.replace("-HSM", "")
    if kty == "RSA":
        return rsa.RSAPublicNumbers(to_int(jwk.e), to_int(jwk.n)).public_key()
    if kty == "EC":
        return ec.EllipticCurvePublicNumbers(to_int(jwk.x), to_int(jwk.y), CURVES[jwk.crv]()).public_key()
    raise ValueError(f"no public key for kty {jwk.kty}")


def rsa_jwk(private_key: rsa.RSAPrivateKey) -> JsonWebKey:
    numbers = private_key.private_numbers()
    size = (private_key.key_size + 7) // 8
    return JsonWebKey(
        kty="RSA", n=to_bytes(numbers.public_numbers.n, size), e=to_bytes(numbers.public_numbers.e),
        d=to_bytes(numbers.d, size), p=to_bytes(numbers.p), q=to_bytes(numbers.q),
        dp=to_bytes(numbers.dmp1), dq=to_bytes(numbers.dmq1), qi=to_bytes(numbers.iqmp))


def ec_jwk(private_key: ec.EllipticCurvePrivateKey) -> JsonWebKey:
    numbers = private_key.private_numbers()
    size = (private_key.curve.key_size + 7) // 8
    return JsonWebKey(
        kty="EC", crv=VAULT_CURVE[private_key.curve.name], x=to_bytes(numbers.public_numbers.x, size),
        y=to_bytes(numbers.public_numbers.y, size), d=to_bytes(numbers.private_value, size))


@lru_cache(maxsize=None)
def rsa_private_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """One key per size per session: generation is the slow part, and tests import it under their own names."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def raw_to_der_ecdsa(signature: bytes) -> bytes:
    """Azure's ES* signatures are JWS's r||s (RFC 7518 §3.4); cryptography verifies DER."""
    half = len(signature) // 2
    return encode_dss_signature(to_int(signature[:half]), to_int(signature[half:]))


def der_to_raw_ecdsa(der: bytes, curve_bytes: int) -> bytes:
    r, s = decode_dss_signature(der)
    return to_bytes(r, curve_bytes) + to_bytes(s, curve_bytes)
