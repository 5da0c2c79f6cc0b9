"""Certificates the vault did not issue itself: issuer `Unknown` (a CSR, signed by a CA `cryptography` makes, merged
back), and PEM and PKCS#12 imports built with `cryptography`."""
import base64
import datetime

import pytest
from azure.core.exceptions import HttpResponseError
from azure.keyvault.certificates import CertificateContentType, CertificatePolicy
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from jwk_material import public_key_of, rsa_private_key

DER = serialization.Encoding.DER
SPKI = (DER, serialization.PublicFormat.SubjectPublicKeyInfo)
NOW = datetime.datetime.utcnow()


def name_of(common_name):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


@pytest.fixture(scope="module")
def test_ca():
    """An EC P-256 root with CA basic constraints and keyCertSign."""
    key = ec.generate_private_key(ec.SECP256R1())
    ca_name = name_of("Python Tier Test CA")
    cert = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(minutes=5)).not_valid_after(NOW + datetime.timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def sign_csr(ca, csr, days=90):
    """The CA signs the CSR as `openssl x509 -req -copy_extensions copyall` would."""
    ca_key, ca_cert = ca
    builder = (x509.CertificateBuilder().subject_name(csr.subject).issuer_name(ca_cert.subject)
               .public_key(csr.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(NOW - datetime.timedelta(minutes=1))
               .not_valid_after(NOW + datetime.timedelta(days=days)))
    for extension in csr.extensions:
        builder = builder.add_extension(extension.value, extension.critical)
    return builder.sign(ca_key, hashes.SHA256())


def self_signed(key, common_name):
    return (x509.CertificateBuilder().subject_name(name_of(common_name)).issuer_name(name_of(common_name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(NOW - datetime.timedelta(minutes=1)).not_valid_after(NOW + datetime.timedelta(days=60))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(common_name)]), critical=False)
            .sign(key, hashes.SHA256()))


def test_unknown_issuer_csr_signed_by_a_ca_then_merged(certs_fast, fast_vault, credential, test_ca, unique_name):
    name = unique_name("merge")
    policy = CertificatePolicy(issuer_name="Unknown", subject="CN=merge.python.test",
                               san_dns_names=["merge.python.test", "www.merge.python.test"], key_type="RSA",
                               key_size=2048, validity_in_months=12)
    poller = certs_fast.begin_create_certificate(name, policy)
    # The operation waits for a merge; the SDK's poller stops at once for issuer Unknown
    # (azure/keyvault/certificates/_polling.py CreateCertificatePoller.finished).
    assert poller.status() == "inprogress"
    operation = certs_fast.get_certificate_operation(name)
    assert operation.status == "inProgress" and operation.issuer_name == "Unknown"

    csr = x509.load_der_x509_csr(bytes(operation.csr))
    assert csr.is_signature_valid
    assert csr.subject.rfc4514_string() == "CN=merge.python.test"
    sans = csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(x509.DNSName)
    assert sorted(sans) == ["merge.python.test", "www.merge.python.test"]
    assert csr.public_key().key_size == 2048
    # Azure shows the pending version: disabled, without a certificate yet, with the policy.
    pending = certs_fast.get_certificate(name)
    assert pending.properties.enabled is False and not pending.cer and pending.policy.issuer_name == "Unknown"

    leaf = sign_csr(test_ca, csr)
    merged = certs_fast.merge_certificate(name, [leaf.public_bytes(DER), test_ca[1].public_bytes(DER)])
    assert bytes(merged.cer) == leaf.public_bytes(DER)
    assert certs_fast.get_certificate_operation(name).status == "completed"
    got = certs_fast.get_certificate(name)
    assert bytes(got.cer) == leaf.public_bytes(DER) and got.properties.enabled is True
    assert got.properties.version == pending.properties.version  # the pending version, completed
    # The managed key is the one the CSR was made for.
    key = KeyClient(fast_vault, credential).get_key(name)
    assert public_key_of(key.key).public_bytes(*SPKI) == csr.public_key().public_bytes(*SPKI)
    # The managed secret holds the private key and the whole chain.
    secret = SecretClient(fast_vault, credential).get_secret(name)
    private_key, certificate, chain = pkcs12.load_key_and_certificates(base64.b64decode(secret.value), None)
    assert certificate.public_bytes(DER) == leaf.public_bytes(DER)
    assert [c.public_bytes(DER) for c in chain] == [test_ca[1].public_bytes(DER)]
    assert private_key.public_key().public_bytes(*SPKI) == leaf.public_key().public_bytes(*SPKI)


def test_merge_of_a_certificate_for_another_key_is_400(certs_fast, test_ca, unique_name):
    name = unique_name("merge-wrong")
    policy = CertificatePolicy(issuer_name="Unknown", subject="CN=wrong.python.test", key_type="EC",
                               key_curve_name="P-256")
    certs_fast.begin_create_certificate(name, policy)
    other = ec.generate_private_key(ec.SECP256R1())
    csr = x509.CertificateSigningRequestBuilder().subject_name(name_of("wrong.python.test"))
    csr = csr.sign(other, hashes.SHA256())
    with pytest.raises(HttpResponseError) as refused:
        certs_fast.merge_certificate(name, [sign_csr(test_ca, csr).public_bytes(DER)])
    assert refused.value.status_code == 400 and refused.value.error.code == "BadParameter"
    assert certs_fast.get_certificate_operation(name).status == "inProgress"  # the operation stays


def pfx_legacy(password):
    """What Windows and older OpenSSL export: 3DES for the key and certificates, SHA-1 MAC."""
    return (serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(2048)
            .key_cert_algorithm(pkcs12.PBES.PBESv1SHA1And3KeyTripleDESCBC).hmac_hash(hashes.SHA1()).build(password))


@pytest.mark.parametrize("encryption", ["modern", "legacy"])
def test_import_pkcs12(certs_fast, fast_vault, credential, unique_name, encryption):
    key = rsa_private_key(2048)
    cert = self_signed(key, "pfx.python.test")
    protection = serialization.BestAvailableEncryption(b"s3cret") if encryption == "modern" else pfx_legacy(b"s3cret")
    pfx = pkcs12.serialize_key_and_certificates(b"imported", key, cert, None, protection)
    name = unique_name("import-pfx")
    imported = certs_fast.import_certificate(name, pfx, password="s3cret", tags={"source": "pfx"})
    assert bytes(imported.cer) == cert.public_bytes(DER)
    assert imported.properties.tags == {"source": "pfx"}
    assert imported.policy.content_type == CertificateContentType.pkcs12
    assert imported.policy.subject == "CN=pfx.python.test"
    assert imported.properties.x509_thumbprint == cert.fingerprint(hashes.SHA1())
    # The secret is the PKCS#12 again, under Azure's empty password; the key is the imported one.
    secret = SecretClient(fast_vault, credential).get_secret(name)
    private_key, leaf, _ = pkcs12.load_key_and_certificates(base64.b64decode(secret.value), None)
    assert leaf.public_bytes(DER) == cert.public_bytes(DER)
    assert private_key.private_numbers() == key.private_numbers()


def test_import_pkcs12_with_a_wrong_password_is_400_and_stores_nothing(certs_fast, unique_name):
    key = rsa_private_key(2048)
    pfx = pkcs12.serialize_key_and_certificates(b"x", key, self_signed(key, "wrong.python.test"), None,
                                                serialization.BestAvailableEncryption(b"right"))
    name = unique_name("import-wrong")
    with pytest.raises(HttpResponseError) as refused:
        certs_fast.import_certificate(name, pfx, password="wrong")
    assert refused.value.status_code == 400 and refused.value.error.code == "BadParameter"
    assert [p for p in certs_fast.list_properties_of_certificates() if p.name == name] == []


def test_import_pem_key_and_certificate(certs_fast, fast_vault, credential, unique_name):
    key = ec.generate_private_key(ec.SECP384R1())
    cert = self_signed(key, "pem.python.test")
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    pem += cert.public_bytes(serialization.Encoding.PEM)
    name = unique_name("import-pem")
    # Python sends base64 of the PEM text (CertificateClient.import_certificate b64encodes certificate_bytes).
    pem_policy = CertificatePolicy(content_type=CertificateContentType.pem)
    imported = certs_fast.import_certificate(name, pem, policy=pem_policy)
    assert bytes(imported.cer) == cert.public_bytes(DER)
    assert imported.policy.content_type == CertificateContentType.pem
    assert (imported.policy.key_type, imported.policy.key_curve_name) == ("EC", "P-384")
    secret = SecretClient(fast_vault, credential).get_secret(name)
    assert secret.properties.content_type == CertificateContentType.pem
    stored = serialization.load_pem_private_key(secret.value.encode(), None)
    assert stored.private_numbers() == key.private_numbers()
    assert x509.load_pem_x509_certificate(secret.value.encode()).public_bytes(DER) == cert.public_bytes(DER)
    key_bundle = KeyClient(fast_vault, credential).get_key(name)
    assert public_key_of(key_bundle.key).public_numbers() == key.public_key().public_numbers()


def test_import_pem_without_a_private_key_is_400(certs_fast, unique_name):
    key = ec.generate_private_key(ec.SECP256R1())
    pem = self_signed(key, "nokey.python.test").public_bytes(serialization.Encoding.PEM)
    with pytest.raises(HttpResponseError) as refused:
        certs_fast.import_certificate(unique_name("import-nokey"), pem,
                                      policy=CertificatePolicy(content_type=CertificateContentType.pem))
    assert refused.value.status_code == 400 and refused.value.error.code == "BadParameter"
