"""Secrets over `az rest`, the way az users reach the data plane when `az keyvault secret` cannot load (see
test_az_keyvault_commands.py): set, get, versions, paging, soft delete and recover polled as the SDKs poll them."""
import secrets

from az_support import poll


def unique(purpose: str) -> str:
    return f"az-{purpose}-{secrets.token_hex(4)}"


def test_set_get_and_list_versions(az_msi, az_vault):
    _, vault = az_vault
    name = unique("secret")
    first = az_msi.rest("PUT", f"{vault}/secrets/{name}", {"value": "one", "contentType": "text/plain"}).json
    second = az_msi.rest("PUT", f"{vault}/secrets/{name}", {"value": "two", "tags": {"by": "az"}}).json
    # Ids repeat the host az used, port included (docs/client-contract.md §1): https://{vault}:{port}/secrets/{name}/{v}.
    assert first["id"].startswith(f"{vault}/secrets/{name}/") and first["id"] != second["id"]
    assert first["contentType"] == "text/plain" and second["tags"] == {"by": "az"}

    latest = az_msi.rest("GET", f"{vault}/secrets/{name}").json
    assert (latest["id"], latest["value"]) == (second["id"], "two")
    older = az_msi.rest("GET", first["id"]).json
    assert older["value"] == "one" and older["attributes"]["enabled"] is True

    versions = az_msi.rest("GET", f"{vault}/secrets/{name}/versions").json
    # A list never carries values (Secrets - Get Secret Versions).
    assert sorted(v["id"] for v in versions["value"]) == sorted([first["id"], second["id"]])
    assert all("value" not in v for v in versions["value"])


def test_list_pages_follow_next_link(az_msi, az_vault):
    _, vault = az_vault
    for purpose in ("page-a", "page-b"):
        az_msi.rest("PUT", f"{vault}/secrets/{unique(purpose)}", {"value": purpose}).check()
    page = az_msi.rest("GET", f"{vault}/secrets?maxresults=1").json
    assert len(page["value"]) == 1
    # nextLink is absolute and carries the api-version, so `az rest --url <nextLink>` works as it is.
    link = page["nextLink"]
    assert link.startswith(f"{vault}/secrets?") and "api-version=" in link
    following = az_msi.rest("GET", link).json
    assert len(following["value"]) >= 1 and following["value"][0]["id"] != page["value"][0]["id"]


def test_missing_secret_is_azures_error(az_msi, az_vault):
    _, vault = az_vault
    reason, error = az_msi.rest("GET", f"{vault}/secrets/{unique('missing')}").rest_error()
    assert reason == "Not Found"
    assert error["code"] == "SecretNotFound"


def test_delete_recover_and_purge_as_the_pollers_see_them(az_msi, az_vault):
    _, vault = az_vault
    name = unique("lifecycle")
    az_msi.rest("PUT", f"{vault}/secrets/{name}", {"value": "keep me"}).check()

    deleted = az_msi.rest("DELETE", f"{vault}/secrets/{name}").json
    assert deleted["recoveryId"] == f"{vault}/deletedsecrets/{name}"
    assert deleted["scheduledPurgeDate"] > deleted["deletedDate"]
    # Deletion completes shortly after the call (Azure runs it asynchronously): GET of the deleted secret is 404
    # until then, which the SDK pollers treat as "keep polling" (docs/client-contract.md §5).
    found = poll(lambda: az_msi.rest("GET", deleted["recoveryId"]), lambda r: r.rc == 0, "deleted secret to appear")
    assert found.json["recoveryId"] == deleted["recoveryId"]
    gone = az_msi.rest("GET", f"{vault}/secrets/{name}").rest_error()
    assert gone[1]["code"] == "SecretNotFound"

    az_msi.rest("POST", f"{vault}/deletedsecrets/{name}/recover").check()
    back = poll(lambda: az_msi.rest("GET", f"{vault}/secrets/{name}"), lambda r: r.rc == 0, "recovered secret")
    assert back.json["value"] == "keep me"

    # Purge needs the deletion to have completed first; purging answers 204 (empty output from az rest).
    az_msi.rest("DELETE", f"{vault}/secrets/{name}").check()
    poll(lambda: az_msi.rest("GET", deleted["recoveryId"]), lambda r: r.rc == 0, "deleted secret, again")
    purged = az_msi.rest("DELETE", deleted["recoveryId"]).check()
    assert purged.out.strip() == ""
    assert az_msi.rest("GET", deleted["recoveryId"]).rest_error()[1]["code"] == "SecretNotFound"


def test_service_principal_sets_and_reads_a_secret(az_sp, az_vault):
    # The same data plane through MSAL's client-credential token (`az login --service-principal`).
    profile, _ = az_sp
    _, vault = az_vault
    name = unique("sp")
    made = profile.rest("PUT", f"{vault}/secrets/{name}", {"value": "from a service principal"}).json
    assert profile.rest("GET", made["id"]).json["value"] == "from a service principal"
