"""Running Debian's azure-cli 2.45 (/usr/bin/az) against the server, one AZURE_CONFIG_DIR per signed-in profile.

Nothing here patches az: every profile is the CLI as a user runs it, configured only through `az cloud register`,
`az login` and environment variables az itself reads.
"""
import base64
import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

AZ = "/usr/bin/az"
CLOUD = "edgevault"
# The Key Vault REST api-version of the `az rest` calls (any of 7.0-7.6 and 2025-xx is served).
API = "7.4"

# Environment az reads as `[core]` settings (AZURE_{SECTION}_{OPTION}): no telemetry upload, JSON out, no colour,
# no survey or warnings in stderr (errors still print), so each run is quiet and nothing leaves the machine.
QUIET_CORE = {
    "AZURE_CORE_COLLECT_TELEMETRY": "false",
    "AZURE_CORE_OUTPUT": "json",
    "AZURE_CORE_NO_COLOR": "true",
    "AZURE_CORE_ONLY_SHOW_ERRORS": "true",
    "AZURE_CORE_SURVEY_MESSAGE": "false",
}

# Variables that would send msrestazure's managed-identity login elsewhere: with APPSETTING_WEBSITE_SITE_NAME it
# takes App Service's 2017-09-01 flow (MSI_ENDPOINT + MSI_SECRET), with MSI_ENDPOINT alone Cloud Shell's
# (msrestazure/azure_active_directory.py, MSIAuthentication.set_token). Each profile sets what it means.
IDENTITY_VARIABLES = ("APPSETTING_WEBSITE_SITE_NAME", "MSI_ENDPOINT", "MSI_SECRET")

# `az rest` reports a non-2xx answer as "ERROR: {reason}({body})" (azure/cli/core/util.py, send_raw_request).
REST_ERROR = re.compile(r"ERROR: (?P<reason>[^(\n]+)\((?P<body>\{.*\})\)\s*$", re.S)
# With --debug, az rest logs "Response status: 202" for the data-plane answer (util.py, _log_response).
RESPONSE_STATUS = re.compile(r"Response status: (\d{3})")


@dataclass
class AzResult:
    args: Tuple[str, ...]
    rc: int
    out: str
    err: str

    def check(self) -> "AzResult":
        assert self.rc == 0, f"az {' '.join(self.args)} exited {self.rc}:\n{self.err[-3000:]}"
        return self

    @property
    def json(self) -> Any:
        return json.loads(self.check().out) if self.out.strip() else None

    def rest_error(self) -> Tuple[str, Dict[str, Any]]:
        """(reason phrase, Key Vault error object) of a failed `az rest`."""
        assert self.rc != 0, f"az {' '.join(self.args)} succeeded: {self.out[:500]}"
        match = REST_ERROR.search(self.err)
        assert match, f"no REST error in stderr of az {' '.join(self.args)}:\n{self.err[-2000:]}"
        return match.group("reason").strip(), json.loads(match.group("body"))["error"]

    def statuses(self) -> list:
        return [int(s) for s in RESPONSE_STATUS.findall(self.err)]


class AzProfile:
    """One az configuration directory (clouds, accounts, MSAL caches) and the environment its commands run with."""

    def __init__(self, config_dir: str, vault_resource: str, env: Optional[Dict[str, str]] = None) -> None:
        self.config_dir = config_dir
        self.vault_resource = vault_resource  # https://vault.localhost:<port>, the challenge's resource
        self.extra_env = dict(env or {})
        self.login: Any = None  # what `az login` printed, once a fixture has signed this profile in

    def environment(self, extra: Optional[Dict[str, str]] = None) -> Dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in IDENTITY_VARIABLES}
        # az trusts the local CA through requests, i.e. REQUESTS_CA_BUNDLE (docs/client-contract.md §1).
        assert "REQUESTS_CA_BUNDLE" in env, "REQUESTS_CA_BUNDLE must name the CA bundle with the local CA"
        env.update(QUIET_CORE)
        env.update(self.extra_env)
        env.update(extra or {})
        env["AZURE_CONFIG_DIR"] = self.config_dir
        return env

    def run(self, *args: str, env: Optional[Dict[str, str]] = None, timeout: float = 120) -> AzResult:
        done = subprocess.run([AZ, *args], env=self.environment(env), capture_output=True, text=True, timeout=timeout)
        return AzResult(tuple(args), done.returncode, done.stdout, done.stderr)

    def rest(self, method: str, url: str, body: Any = None, resource: str = "", debug: bool = False) -> AzResult:
        """`az rest` on the data plane. --resource is needed: az derives a token audience only for URLs under a
        cloud *endpoint* (util.py, send_raw_request), and a vault host is under a suffix, not an endpoint."""
        sep = "&" if "?" in url else "?"
        full = url if "api-version=" in url else f"{url}{sep}api-version={API}"
        args = ["rest", "--method", method, "--url", full, "--resource", resource or self.vault_resource]
        if body is not None:
            args += ["--body", json.dumps(body)]
        if debug:
            args.append("--debug")
        return self.run(*args)

    def clone(self, config_dir: str, env: Optional[Dict[str, str]] = None) -> "AzProfile":
        """A copy of this directory: the registered cloud without another `az cloud register` (~1 s each)."""
        shutil.copytree(self.config_dir, config_dir)
        return AzProfile(config_dir, self.vault_resource, {**self.extra_env, **(env or {})})


def cloud_config(origin: str, port: int, tenant_id: str) -> Dict[str, Any]:
    """`az cloud register --cloud-config`: the flags cannot set the managed HSM suffix, the JSON can
    (azure/cli/command_modules/cloud/custom.py, _build_cloud; azure/cli/core/cloud.py, CloudSuffixes.mhsm_dns).

    The authority is ADFS-shaped, `{origin}/adfs/{tenant}/adfs`: az 2.45 hands `{authority}/{tenant}` to MSAL 1.21,
    which asks login.microsoftonline.com to vouch for any non-Microsoft authority unless it is ADFS-shaped
    (msal/authority.py, Authority.__init__; az 2.45 has no switch for it). The server redirects that ADFS discovery
    document to the tenant's own (worker/routes/arm-adfs-discovery.ts). Managed-identity login does not use MSAL.
    """
    return {
        "endpoints": {
            # `az login` lists subscriptions here (GET /subscriptions; the server answers an empty list).
            "resourceManager": f"{origin}/",
            "activeDirectory": f"{origin}/adfs/{tenant_id}/adfs",
            "activeDirectoryResourceId": f"{origin}/",
            "activeDirectoryGraphResourceId": f"{origin}/graph/",
        },
        # --vault-name NAME becomes https://NAME{keyvaultDns}; the port rides along in the suffix.
        "suffixes": {"keyvaultDns": f".vault.localhost:{port}", "mhsmDns": f".managedhsm.localhost:{port}"},
    }


def sp_login(profile: AzProfile, tenant_id: str, app_id: str, secret: str) -> AzResult:
    # --tenant is required for a service principal; with it az lists subscriptions in that tenant only.
    return profile.run("login", "--service-principal", "--username", app_id, "--password", secret,
                       "--tenant", tenant_id, "--allow-no-subscriptions")


def poll(attempt: Callable[[], AzResult], done: Callable[[AzResult], bool], what: str, timeout: float = 45) -> AzResult:
    """Repeat an az command until `done`, as the SDK pollers and az's own certificate loop do. No sleep between
    tries beyond a short pause: each az start-up already takes about a second."""
    deadline = time.monotonic() + timeout
    tries = []
    while True:
        result = attempt()
        if done(result):
            return result
        tries.append(result.rc if result.rc else (result.out.strip()[:80]))
        assert time.monotonic() < deadline, f"{what}: not done after {timeout:.0f} s; tries: {tries}; last: {result.err[-500:]}"
        time.sleep(0.3)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))

