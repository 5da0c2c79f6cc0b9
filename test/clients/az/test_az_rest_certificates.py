"""Certificates over `az rest`: the create life cycle (202, an operation `inProgress`, polled until it completes,
as `az keyvault certificate create` polls it), then the certificate, its managed secret, and a CSR for a CA."""
import base64
import hashlib
import secrets

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from az_support import b64url, poll


def unique(purpose: str) -> str:
    return f"az-{purpose}-{secrets.token_hex(4)}"


def policy(subject: str, issuer: str) -> dict:
    return {
        "key_props": {"kty": "EC", "crv": "P-256", "exportable": True},
        "secret_props": {"contentType": "application/x-pem-file"},
        "x509_props": {"subject": subject, "validity_months": 12},
        "issuer": {"name": issuer},
    }


def common_name(name: x509.Name) -> str:
    return name.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value


def test_self_signed_create_is_polled_to_completion(az_msi, az_vault):
    _, vault = az_vault
    name = unique("cert")
    # --debug is the only way `az rest` shows the status code (util.py, _log_response).
    started = az_msi.rest("POST", f"{vault}/certificates/{name}/create", {"policy": policy("CN=az.self.test", "Self")}, debug=True)
    assert started.check().statuses()[-1] == 202
    operation = started.json
    assert operation["id"] == f"{vault}/certificates/{name}/pending"
    # As in Azure's example answer (Certificates - Create Certificate): no `target` until the operation completes.
    assert operation["status"] == "inProgress" and operation["csr"]

    # az's loop (command_modules/keyvault/custom.py, create_certificate): GET the operation until the status is no
    # longer inProgress (az sleeps 10 s between tries; the server completes in about a second).
    done = poll(lambda: az_msi.rest("GET", operation["id"]),
                lambda r: r.rc == 0 and r.json["status"] != "inProgress", "certificate operation")
    assert done.json["status"] == "completed", done.out
    assert done.json["target"] == f"{vault}/certificates/{name}" and done.json.get("error") is None

    bundle = az_msi.rest("GET", f"{vault}/certificates/{name}").json
    der = base64.b64decode(bundle["cer"])
    cert = x509.load_der_x509_certificate(der)
    assert common_name(cert.subject) == common_name(cert.issuer) == "az.self.test"
    # x5t is base64url of the SHA-1 of the DER, as in Azure.
    assert bundle["x5t"] == b64url(hashlib.sha1(der).digest())
    assert bundle["attributes"]["enabled"] is True
    assert bundle["kid"].startswith(f"{vault}/keys/{name}/") and bundle["sid"].startswith(f"{vault}/secrets/{name}/")

    # The managed secret: the private key and the certificate, PEM, as the policy asked.
    secret = az_msi.rest("GET", bundle["sid"]).json
    assert secret["contentType"] == "application/x-pem-file" and secret["managed"] is True
    assert "PRIVATE KEY-----" in secret["value"]
    assert x509.load_pem_x509_certificate(secret["value"].encode()).public_bytes(Encoding.DER) == der


def test_unknown_issuer_leaves_the_operation_pending_with_a_csr(az_msi, az_vault):
    _, vault = az_vault
    name = unique("csr")
    # With issuer Unknown az returns the operation at once (custom.py, create_certificate): a CA must sign the CSR.
    operation = az_msi.rest("POST", f"{vault}/certificates/{name}/create", {"policy": policy("CN=az.csr.test", "Unknown")}).json
    assert operation["status"] == "inProgress"
    csr = x509.load_der_x509_csr(base64.b64decode(operation["csr"]))
    assert csr.is_signature_valid and common_name(csr.subject) == "az.csr.test"

    # Azure keeps it pending until the merge; reading it again shows the same CSR.
    again = az_msi.rest("GET", f"{vault}/certificates/{name}/pending").json
    assert (again["status"], again["csr"]) == ("inProgress", operation["csr"])
