"""A managed HSM's full backup, selective key restore and full restore through azure-keyvault-administration 4.3's
KeyVaultBackupClient (Debian), unmodified (docs/managed-hsm.md "Backup and restore"), against `devhsm` and the dev
server's backup container (Miniflare's R2): the pollers complete, a resumed poller too, a failed job raises with its
error, and a purged HSM key comes back with its id and signs again, checked with `cryptography`."""
import os

import pytest
from azure.core.exceptions import HttpResponseError
from azure.keyvault.administration import KeyVaultBackupClient
from azure.keyvault.keys import KeyClient
from azure.keyvault.keys.crypto import SignatureAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from jwk_material import digest, raw_to_der_ecdsa
from sdk_support import remote_crypto

SAS = "sv=2026-01-01&sig=unused"  # the SDK requires one; this deployment's bucket needs none and keeps none


@pytest.fixture(scope="module")
def container_url():
    return os.environ["BACKUP_CONTAINER_URL"]


def test_backup_then_selective_and_full_restore(hsm_url, container_url, credential, unique_name):
    backup = KeyVaultBackupClient(hsm_url, credential)
    keys = KeyClient(hsm_url, credential)
    name = unique_name("backedup")
    key = keys.create_ec_key(name, curve="P-256")

    poller = backup.begin_backup(container_url, SAS)
    # Resumed from its continuation token, as a process that restarted would.
    resumed = backup.begin_backup(container_url, SAS, continuation_token=poller.continuation_token())
    folder_url = resumed.result().folder_url
    assert poller.result().folder_url == folder_url
    assert folder_url.startswith(f"{container_url}/mhsm-devhsm-")

    keys.begin_delete_key(name).wait()
    keys.purge_deleted_key(name)
    backup.begin_restore(folder_url, SAS, key_name=name).wait()
    restored = keys.get_key(name)
    assert restored.id == key.id and restored.key_type == "EC-HSM"

    # The token object survived the purge for the backup: the restored version signs.
    signature = remote_crypto(restored.id, credential).sign(SignatureAlgorithm.es256, digest("ES256", b"restored")).signature
    public = ec.EllipticCurvePublicNumbers(
        int.from_bytes(restored.key.x, "big"), int.from_bytes(restored.key.y, "big"), ec.SECP256R1()
    ).public_key()
    public.verify(raw_to_der_ecdsa(signature), b"restored", ec.ECDSA(hashes.SHA256()))

    backup.begin_restore(folder_url, SAS).wait()
    assert keys.get_key(name).id == key.id


def test_a_failed_restore_raises_its_error(hsm_url, container_url, credential):
    backup = KeyVaultBackupClient(hsm_url, credential)
    with pytest.raises(HttpResponseError) as failed:
        backup.begin_restore(f"{container_url}/mhsm-devhsm-nosuchfolder", SAS).result()
    assert "BackupNotFound" in str(failed.value)


def test_a_container_this_deployment_does_not_keep_is_refused(hsm_url, credential):
    backup = KeyVaultBackupClient(hsm_url, credential)
    with pytest.raises(HttpResponseError) as refused:
        backup.begin_backup("https://elsewhere.blob.core.windows.net/backups", SAS)
    assert refused.value.status_code == 400
