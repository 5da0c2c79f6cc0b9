"""azure-keyvault-certificates' CertificateClient, unmodified: self-signed issuance (the certificate parsed and
checked by `cryptography`, with its managed key and secret), policies, versions, listing and property updates."""
import base64
import datetime

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.keyvault.certificates import (
    CertificateContentType, CertificatePolicy, KeyVaultCertificate, LifetimeAction, CertificatePolicyAction)
from azure.keyvault.keys import KeyClient
from azure.keyvault.secrets import SecretClient
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from jwk_material import public_key_of
from sdk_support import POLL, assert_recent

SPKI = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def create(client, name, policy, **kwargs):
    """A certificate, for tests about something else: waited on, then read, so they do not also depend on what the
    create poller returns (the first test here and test_long_running.py are about that)."""
    client.begin_create_certificate(name, policy, **POLL, **kwargs).wait()
    return client.get_certificate(name)


def test_create_with_the_default_policy_returns_the_certificate(certs_dev, edge, credential, unique_name):
    name = unique_name("default")
    poller = certs_dev.begin_create_certificate(name, CertificatePolicy.get_default(), **POLL)
    certificate = poller.result()
    assert isinstance(certificate, KeyVaultCertificate), f"poller.result() returned {certificate!r}"
    assert certificate.name == name and certificate.policy is not None and certificate.properties is not None
    version = certificate.properties.version
    assert certificate.id == f"{edge.vault_url}/certificates/{name}/{version}"
    assert certificate.key_id == f"{edge.vault_url}/keys/{name}/{version}"
    assert certificate.secret_id == f"{edge.vault_url}/secrets/{name}/{version}"
    assert certificate.properties.enabled is True
    assert_recent(certificate.properties.created_on)

    cert = x509.load_der_x509_certificate(bytes(certificate.cer))
    # x5t is the SHA-1 thumbprint of the DER certificate.
    assert certificate.properties.x509_thumbprint == cert.fingerprint(hashes.SHA1())
    assert cert.subject.rfc4514_string() == "CN=DefaultPolicy" and cert.issuer == cert.subject
    # Self-signed: the signature verifies under its own key (cryptography 38 has no verify_directly_issued_by).
    cert.public_key().verify(cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(),
                             cert.signature_hash_algorithm)
    assert cert.public_key().key_size == 2048
    # Valid from about now for Azure's default 12 months; the bundle's nbf/exp are the certificate's.
    created = certificate.properties.created_on
    not_before = cert.not_valid_before.replace(tzinfo=datetime.timezone.utc)
    not_after = cert.not_valid_after.replace(tzinfo=datetime.timezone.utc)
    assert datetime.timedelta(0) <= created - not_before < datetime.timedelta(minutes=15)
    assert 360 <= (not_after - not_before).days <= 366
    assert certificate.properties.not_before == not_before and certificate.properties.expires_on == not_after
    ekus = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert set(ekus) == {ExtendedKeyUsageOID.SERVER_AUTH, ExtendedKeyUsageOID.CLIENT_AUTH}

    # The managed key and secret of the same version hold that certificate's key pair.
    key = KeyClient(edge.vault_url, credential).get_key(name)
    assert key.id == certificate.key_id and key.properties.managed is True
    assert public_key_of(key.key).public_bytes(*SPKI) == cert.public_key().public_bytes(*SPKI)
    secret = SecretClient(edge.vault_url, credential).get_secret(name)
    assert secret.id == certificate.secret_id and secret.properties.managed is True
    assert secret.properties.content_type == CertificateContentType.pkcs12
    private_key, leaf, _ = pkcs12.load_key_and_certificates(base64.b64decode(secret.value), None)
    assert leaf.public_bytes(serialization.Encoding.DER) == certificate.cer
    assert private_key.public_key().public_bytes(*SPKI) == cert.public_key().public_bytes(*SPKI)


def test_the_default_policy_reads_back_with_azures_defaults(certs_fast, unique_name):
    name = unique_name("default-policy")
    create(certs_fast, name, CertificatePolicy.get_default())
    policy = certs_fast.get_certificate_policy(name)
    assert (policy.issuer_name, policy.subject) == ("Self", "CN=DefaultPolicy")
    assert (policy.key_type, policy.key_size, policy.exportable, policy.reuse_key) == ("RSA", 2048, True, False)
    assert policy.content_type == CertificateContentType.pkcs12
    assert policy.validity_in_months == 12
    assert sorted(policy.key_usage) == ["digitalSignature", "keyEncipherment"]
    assert sorted(policy.enhanced_key_usage) == ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"]
    actions = [(a.action, a.lifetime_percentage, a.days_before_expiry) for a in policy.lifetime_actions]
    assert actions == [(CertificatePolicyAction.auto_renew, 80, None)]


@pytest.mark.parametrize("key_type, curve, size", [("EC", "P-384", None), ("RSA", None, 3072)])
def test_create_with_a_custom_policy_and_pem_content(certs_fast, fast_vault, credential, unique_name,
                                                     key_type, curve, size):
    name = unique_name("custom")
    policy = CertificatePolicy(
        issuer_name="Self", subject="CN=custom.python.test, O=Contoso, C=US", san_dns_names=["custom.python.test"],
        san_emails=["ops@python.test"], key_type=key_type, key_curve_name=curve, key_size=size,
        content_type=CertificateContentType.pem, validity_in_months=6)
    certificate = create(certs_fast, name, policy, tags={"purpose": "python"})
    assert certificate.properties.tags == {"purpose": "python"}
    cert = x509.load_der_x509_certificate(bytes(certificate.cer))
    assert cert.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value == "Contoso"
    sans = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sans.get_values_for_type(x509.DNSName) == ["custom.python.test"]
    assert sans.get_values_for_type(x509.RFC822Name) == ["ops@python.test"]
    public = cert.public_key()
    assert (public.curve.name == "secp384r1") if key_type == "EC" else (public.key_size == 3072)
    secret = SecretClient(fast_vault, credential).get_secret(name)
    assert secret.properties.content_type == CertificateContentType.pem
    assert secret.value.startswith("-----BEGIN PRIVATE KEY-----") and "-----BEGIN CERTIFICATE-----" in secret.value
    private_key = serialization.load_pem_private_key(secret.value.encode(), None)
    assert private_key.public_key().public_bytes(*SPKI) == public.public_bytes(*SPKI)


def test_update_policy_changes_what_the_next_version_is_made_from(certs_fast, unique_name):
    name = unique_name("policy-update")
    first = create(certs_fast, name, CertificatePolicy(issuer_name="Self", subject="CN=first.python.test"))
    changed = CertificatePolicy(
        issuer_name="Self", subject="CN=second.python.test", san_dns_names=["second.python.test"], key_type="RSA",
        key_size=2048, validity_in_months=24,
        lifetime_actions=[LifetimeAction(CertificatePolicyAction.email_contacts, lifetime_percentage=90)])
    updated = certs_fast.update_certificate_policy(name, changed)
    assert (updated.subject, updated.validity_in_months) == ("CN=second.python.test", 24)
    assert updated.san_dns_names == ["second.python.test"]
    assert [(a.action, a.lifetime_percentage) for a in updated.lifetime_actions] == [("EmailContacts", 90)]
    read = certs_fast.get_certificate_policy(name)
    assert (read.subject, read.validity_in_months, read.key_size) == ("CN=second.python.test", 24, 2048)
    # The policy is the name's: the existing version's certificate is unchanged.
    assert certs_fast.get_certificate(name).cer == first.cer

    second = create(certs_fast, name, changed)
    assert second.properties.version != first.properties.version
    cert = x509.load_der_x509_certificate(bytes(second.cer))
    assert cert.subject.rfc4514_string() == "CN=second.python.test"
    assert 729 <= (cert.not_valid_after - cert.not_valid_before).days <= 731


def test_versions_listing_and_properties(certs_fast, fast_vault, unique_name):
    name = unique_name("versions")
    ec = CertificatePolicy(issuer_name="Self", subject="CN=versions.python.test", key_type="EC", key_curve_name="P-256")
    first, second = create(certs_fast, name, ec), create(certs_fast, name, ec)
    assert first.properties.version != second.properties.version
    assert certs_fast.get_certificate(name).id == second.id
    older = certs_fast.get_certificate_version(name, first.properties.version)
    assert older.cer == first.cer
    versions = sorted(p.version for p in certs_fast.list_properties_of_certificate_versions(name))
    assert versions == sorted([first.properties.version, second.properties.version])
    listed = [p for p in certs_fast.list_properties_of_certificates() if p.name == name]
    assert len(listed) == 1 and listed[0].id == f"{fast_vault}/certificates/{name}"

    updated = certs_fast.update_certificate_properties(name, first.properties.version, enabled=False, tags={"v": "1"})
    assert updated.properties.enabled is False and updated.properties.tags == {"v": "1"}
    assert certs_fast.get_certificate(name).properties.enabled is True  # the latest is untouched


def test_errors_are_azures(certs_fast, unique_name):
    name = unique_name("bad-policy")
    with pytest.raises(HttpResponseError) as small:
        certs_fast.begin_create_certificate(name, CertificatePolicy(issuer_name="Self", subject="CN=x", key_size=1024))
    assert small.value.status_code == 400 and small.value.error.code == "BadParameter"
    with pytest.raises(ResourceNotFoundError) as missing:
        certs_fast.get_certificate(name)
    assert missing.value.error.code == "CertificateNotFound"
