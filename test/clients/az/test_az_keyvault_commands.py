"""The `az keyvault` data-plane commands themselves, with --vault-name/--hsm-name (the cloud's DNS suffixes) and --id.

Debian's azure-cli 2.45 loads only the commands built on the track-2 SDKs it ships (python3-azure:
azure.keyvault.keys 4.8 etc.) and whose validators do not import the track-1 SDK. `az keyvault key random` is one
and runs for real; secret, key create/show and certificate commands import the track-1 `azure-keyvault` 1.1 that
Debian does not package, and fail before sending a request. Those tests try the command and skip, naming the missing
module and where az imports it, so they start testing the day az can load them.
"""
import base64
import re
import secrets
from urllib.parse import urlparse

import pytest

# Where az 2.45 imports each missing track-1 module (paths under /usr/lib/python3/dist-packages/azure/cli/).
TRACK1_IMPORTS = {
    "azure.keyvault.v7_0": "core/profiles/_shared.py:65 maps ResourceType.DATA_KEYVAULT to ('azure.keyvault', "
                           "'KeyVaultClient'), api-version 7.0 at :197, loaded with the command's arguments",
    "azure.keyvault.key_vault_id": "command_modules/keyvault/_validators.py:632 (validate_key_id) imports "
                                   "KeyVaultIdentifier from it",
}
MISSING_MODULE = re.compile(r"No module named '([\w.]+)'")


def run_or_skip(profile, *args: str):
    """Run `az keyvault …`; skip, saying exactly why, when Debian's az cannot load it."""
    result = profile.run("keyvault", *args)
    missing = MISSING_MODULE.search(result.err)
    if result.rc != 0 and missing and missing.group(1) in TRACK1_IMPORTS:
        module = missing.group(1)
        pytest.skip(
            f"Debian azure-cli 2.45 cannot run `az keyvault {' '.join(args[:2])}`: ModuleNotFoundError: No module "
            f"named '{module}' ({TRACK1_IMPORTS[module]}). The module belongs to the track-1 SDK azure-keyvault 1.1 "
            "(upstream azure-cli's setup.py requires azure-keyvault~=1.1.0); Debian's python3-azure 20230112 ships "
            "only the track-2 azure.keyvault.{keys,secrets,certificates,administration} (Azure/azure-cli#13101). "
            "az fails while loading the command, before any request: not a server matter."
        )
    return result.check()


def unique(purpose: str) -> str:
    return f"az-{purpose}-{secrets.token_hex(4)}"


def test_key_random_from_the_managed_hsm_by_name(az_msi, edge):
    if edge.managed_hsm_url is None:
        pytest.skip("no managed HSM: the server runs without SoftHSM2 (apt-get install softhsm2)")
    hsm = urlparse(edge.managed_hsm_url).hostname.split(".")[0]
    # --hsm-name NAME becomes https://NAME{mhsmDns} (set through --cloud-config); the track-2 KeyClient then meets
    # the 401 challenge and asks the managed identity for https://managedhsm.localhost:<port>.
    got = run_or_skip(az_msi, "key", "random", "--hsm-name", hsm, "--count", "24").json
    assert len(base64.b64decode(got["value"])) == 24


def test_secret_set_show_list(az_msi, az_vault):
    vault_name, vault = az_vault
    name = unique("cli-secret")
    made = run_or_skip(az_msi, "secret", "set", "--vault-name", vault_name, "--name", name, "--value", "from az").json
    assert made["id"].startswith(f"{vault}/secrets/{name}/") and made["value"] == "from az"
    shown = run_or_skip(az_msi, "secret", "show", "--id", made["id"]).json
    assert shown["value"] == "from az"
    listed = run_or_skip(az_msi, "secret", "list", "--vault-name", vault_name, "--maxresults", "25").json
    assert all("value" not in s for s in listed)


def test_key_create_show(az_msi, az_vault):
    vault_name, vault = az_vault
    name = unique("cli-key")
    made = run_or_skip(az_msi, "key", "create", "--vault-name", vault_name, "--name", name, "--kty", "EC", "--curve", "P-256").json
    assert made["key"]["kid"].startswith(f"{vault}/keys/{name}/") and made["key"]["crv"] == "P-256"
    shown = run_or_skip(az_msi, "key", "show", "--id", made["key"]["kid"]).json
    assert shown["key"]["x"] == made["key"]["x"]


def test_certificate_create_show(az_msi, az_vault, tmp_path):
    vault_name, vault = az_vault
    name = unique("cli-cert")
    policy = tmp_path / "policy.json"
    policy.write_text('{"issuerParameters":{"name":"Self"},"keyProperties":{"keyType":"EC","curve":"P-256",'
                      '"exportable":true,"reuseKey":false},"secretProperties":{"contentType":"application/x-pem-file"},'
                      '"x509CertificateProperties":{"subject":"CN=az.cli.test","validityInMonths":12}}')
    # az polls the operation itself until it leaves inProgress (custom.py, create_certificate; 10 s sleeps).
    done = run_or_skip(az_msi, "certificate", "create", "--vault-name", vault_name, "--name", name, "--policy", f"@{policy}").json
    assert done["status"] == "completed"
    shown = run_or_skip(az_msi, "certificate", "show", "--vault-name", vault_name, "--name", name).json
    assert shown["id"].startswith(f"{vault}/certificates/{name}/")
