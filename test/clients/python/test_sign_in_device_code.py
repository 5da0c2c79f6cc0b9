"""A person signing in with azure-identity's DeviceCodeCredential, unmodified (docs/sign-in.md "Device code"): the
prompt callback does what the person would do in a browser — opens the verification page, types the code, signs in —
and SecretClient then works with the person's role, and is refused 403 Forbidden without one."""
import re
from secrets import token_hex

import pytest
import requests
from azure.core.exceptions import HttpResponseError
from azure.identity import DeviceCodeCredential
from azure.keyvault.secrets import SecretClient

PASSWORD = "a long enough passphrase"


def create_user(edge, admin) -> dict:
    upn = f"py-{token_hex(4)}@contoso.example"
    return admin.call("POST", f"/admin/tenants/{edge.tenant_id}/users", (201,), {"userPrincipalName": upn, "password": PASSWORD})


def device_login(edge, verification_uri: str, user_code: str, upn: str) -> None:
    """The verification page as a browser uses it: the CSRF cookie and the form's hidden token go back with the post."""
    session = requests.Session()
    session.verify = edge.ca_path
    page = session.get(verification_uri)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    answer = session.post(verification_uri, data={"csrf_token": csrf, "action": "sign-in", "user_code": user_code, "userPrincipalName": upn, "password": PASSWORD})
    assert answer.status_code == 200 and "You have signed in" in answer.text, answer.text


def test_device_code_credential_reads_secrets_with_a_role(edge, admin):
    user = create_user(edge, admin)
    prompts = []

    def prompt(verification_uri, user_code, expires_on):
        prompts.append(verification_uri)
        device_login(edge, verification_uri, user_code, user["userPrincipalName"])

    # azure-identity 1.13 names the switch instance_discovery (see conftest.client_secret_credential).
    credential = DeviceCodeCredential(tenant_id=edge.tenant_id, authority=edge.origin, instance_discovery=False, prompt_callback=prompt)
    client = SecretClient(edge.vault_url, credential)
    name = f"py-person-{token_hex(4)}"
    with pytest.raises(HttpResponseError) as refused:
        client.get_secret(name)
    assert refused.value.status_code == 403 and refused.value.error.code == "Forbidden"
    assert prompts == [f"{edge.origin}/devicelogin"]

    admin.assign_role("dev", "Key Vault Secrets Officer", user["id"])
    client.set_secret(name, "set by a person")
    assert client.get_secret(name).value == "set by a person"
