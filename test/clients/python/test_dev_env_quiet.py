"""The seed's quickstart after `source .dev/env`: DefaultAzureCredential, unmodified, signs in as the dev managed
identity and reads a secret without a single warning on stderr (issue 19, "First impressions"). Run in a fresh
interpreter with only the env file's variables, so nothing the test runner sets can quiet or excuse a warning."""
import json
import os
import subprocess
import sys

QUICKSTART = """
import logging, os, sys
logging.basicConfig(stream=sys.stderr, level=logging.WARNING)
from azure.identity import DefaultAzureCredential
from azure.keyvault.secrets import SecretClient
client = SecretClient(os.environ["KEYVAULT_URL"], DefaultAzureCredential())
client.set_secret(sys.argv[1], "quiet")
print(client.get_secret(sys.argv[1]).value)
"""


def env_file_variables(state_dir: str) -> dict:
    """What `source <state>/env` exports, read back by a shell."""
    script = 'set -eu; . "$1"; env -0'
    out = subprocess.run(["sh", "-c", script, "sh", os.path.join(state_dir, "env")], env={"PATH": os.environ["PATH"]},
                         check=True, capture_output=True).stdout
    return dict(item.split("=", 1) for item in out.decode().split("\0") if "=" in item)


def test_default_credential_reads_a_secret_without_warnings(edge, unique_name):
    env = env_file_variables(edge.state_dir)
    assert "AZURE_TENANT_ID" not in env and env["EDGE_VAULT_TENANT_ID"] == edge.tenant_id
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    done = subprocess.run([sys.executable, "-c", QUICKSTART, unique_name("quiet")], env=env, capture_output=True,
                          text=True, timeout=120)
    assert (done.returncode, done.stdout.strip(), done.stderr) == (0, "quiet", ""), json.dumps(done.stderr)
