"""Helpers of the Python SDK tier: short pollers, a recorder of what an SDK call put on the wire, raw HTTP for what
the SDKs hide, and the SDK's remote-only CryptographyClient."""
import base64
import datetime
from typing import Any, Dict, List, Optional, Tuple
from urllib.parse import urlparse

import requests
from azure.keyvault.keys.crypto import CryptographyClient

# Pollers sleep 2 s between polls (5 s for certificate creation) unless told otherwise (the clients' begin_* pop
# `_polling_interval`, e.g. azure/keyvault/secrets/_client.py begin_delete_secret). The fast vault completes at once;
# tests that are about the life cycle keep the default.
POLL = {"_polling_interval": 0.1}

DAY = datetime.timedelta(days=1)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def from_b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def assert_recent(moment: Optional[datetime.datetime]) -> None:
    """A timestamp within five minutes of now (the server runs on this machine, same clock)."""
    assert isinstance(moment, datetime.datetime), moment
    now = datetime.datetime.now(datetime.timezone.utc)
    assert abs((now - moment).total_seconds()) < 300, moment


class WireTrace:
    """A `raw_response_hook` (azure-core's CustomHookPolicy, per call): every response the call and, for begin_*
    pollers, every poll received. The clients hand a begin_* call's keyword arguments on to the poller's GET command
    (e.g. `partial(self.get_deleted_secret, name=name, **kwargs)`), so one hook sees the whole operation."""

    def __init__(self) -> None:
        self.calls: List[Tuple[str, str, int]] = []

    def __call__(self, response: Any) -> None:
        request = response.http_request
        self.calls.append((request.method, urlparse(request.url).path, response.http_response.status_code))

    def statuses(self, method: str, path: str) -> List[int]:
        """Statuses of the calls to `path` (a trailing slash, as `get_secret(name)` sends, does not count)."""
        return [status for m, p, status in self.calls if m == method and p.rstrip("/") == path]


def token_scope(vault_url: str) -> str:
    """The token audience: the vault host without its first label, as the 401 challenge names it."""
    host = urlparse(vault_url).netloc
    return f"https://{host.split('.', 1)[1]}/.default"


class RawVault:
    """Raw HTTP against one vault with the credential's token, for what the SDKs hide or do locally: exact
    statuses, error codes and the service's half of operations the SDK runs itself. TLS trust comes from
    REQUESTS_CA_BUNDLE, as for the SDKs."""

    def __init__(self, vault_url: str, credential: Any, api_version: str = "7.5") -> None:
        self.vault_url = vault_url
        self._credential = credential
        self._api_version = api_version
        self._session = requests.Session()

    def call(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, Dict[str, Any]]:
        """`path` is relative to the vault (`/secrets/x`) or a full id the vault returned."""
        url = path if path.startswith("https://") else f"{self.vault_url}{path}"
        token = self._credential.get_token(token_scope(self.vault_url)).token
        response = self._session.request(method, url, params={"api-version": self._api_version}, json=body,
                                         headers={"Authorization": f"Bearer {token}"}, timeout=60)
        return response.status_code, (response.json() if response.content else {})

    def ok(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        status, json = self.call(method, path, body)
        assert status == 200, f"{method} {path} answered {status}: {json}"
        return json

    def error_code(self, method: str, path: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, str]:
        status, json = self.call(method, path, body)
        return status, json.get("error", {}).get("code", "")


def remote_crypto(key_id: str, credential: Any) -> CryptographyClient:
    """A CryptographyClient that sends every operation to the vault.

    Built from a key id, the SDK GETs the key and then encrypts, wraps and verifies RSA and EC locally with the
    public key (azure/keyvault/keys/crypto/_client.py, `_initialize` and each operation's `local_provider.supports`);
    only a caller without keys/get permission makes it send them. `_keys_get_forbidden` is the flag that 403 sets, so
    this is the SDK's own remote-only path, taken without needing a role that lacks keys/read (no built-in one does).
    """
    client = CryptographyClient(key_id, credential)
    client._keys_get_forbidden = True  # pylint: disable=protected-access
    return client
