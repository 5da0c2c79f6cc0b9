"""azure-keyvault-secrets' SecretClient, unmodified, with ManagedIdentityCredential as on App Service: values,
versions, properties, content types and tags, listing across pages, and Azure's errors."""
from concurrent.futures import ThreadPoolExecutor
from secrets import token_hex

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError

from sdk_support import assert_recent

VERSION_CHARS = set("0123456789abcdef")


def is_version(value) -> bool:
    return isinstance(value, str) and len(value) == 32 and set(value) <= VERSION_CHARS


def test_set_and_get_latest_and_by_version(secrets_dev, edge, unique_name):
    name = unique_name("set-get")
    first = secrets_dev.set_secret(name, "first value", content_type="text/plain", tags={"purpose": "python"})
    second = secrets_dev.set_secret(name, "second value")

    assert first.name == name and first.value == "first value"
    assert is_version(first.properties.version)
    assert first.id == f"{edge.vault_url}/secrets/{name}/{first.properties.version}"
    assert first.properties.vault_url == edge.vault_url
    assert first.properties.enabled is True
    assert first.properties.content_type == "text/plain"
    assert first.properties.tags == {"purpose": "python"}
    assert_recent(first.properties.created_on)
    assert_recent(first.properties.updated_on)
    # The dev vault: 90 days of soft delete, no purge protection.
    assert first.properties.recovery_level == "Recoverable+Purgeable"
    assert first.properties.recoverable_days == 90

    # Attributes belong to a version: the second set gave no content type or tags.
    assert second.properties.version != first.properties.version
    assert second.properties.content_type is None
    assert not second.properties.tags

    latest = secrets_dev.get_secret(name)
    assert (latest.value, latest.id) == ("second value", second.id)
    older = secrets_dev.get_secret(name, first.properties.version)
    assert (older.value, older.id) == ("first value", first.id)
    assert older.properties.content_type == "text/plain"
    assert older.properties.tags == {"purpose": "python"}


def test_values_are_kept_byte_for_byte(secrets_fast, unique_name):
    name = unique_name("awkward")
    value = 'line one\nline "two"\t€ ✓ \\ {"json": true} ' + "x" * 2000
    secrets_fast.set_secret(name, value, content_type="application/x-awkward; charset=utf-8")
    got = secrets_fast.get_secret(name)
    assert got.value == value
    assert got.properties.content_type == "application/x-awkward; charset=utf-8"


def test_update_properties_changes_one_version_only(secrets_fast, unique_name):
    name = unique_name("update")
    original = secrets_fast.set_secret(name, "payload", content_type="text/plain")
    version = original.properties.version

    updated = secrets_fast.update_secret_properties(
        name, version, enabled=False, tags={"owner": "python", "tier": "gold"}, content_type="application/json")
    assert updated.id == original.id
    assert updated.enabled is False
    assert updated.tags == {"owner": "python", "tier": "gold"}
    assert updated.content_type == "application/json"
    assert updated.updated_on >= original.properties.updated_on

    # A disabled secret cannot be read (403 Forbidden), but its properties still list.
    with pytest.raises(HttpResponseError) as refused:
        secrets_fast.get_secret(name)
    assert refused.value.status_code == 403 and refused.value.error.code == "Forbidden"
    listed = [p for p in secrets_fast.list_properties_of_secret_versions(name) if p.version == version]
    assert len(listed) == 1 and listed[0].enabled is False and listed[0].tags == {"owner": "python", "tier": "gold"}

    # An update that names only `enabled` leaves the other properties alone; no version means the latest.
    secrets_fast.update_secret_properties(name, enabled=True)
    back = secrets_fast.get_secret(name)
    assert back.value == "payload"
    assert back.properties.content_type == "application/json"
    assert back.properties.tags == {"owner": "python", "tier": "gold"}


SECRET_COUNT = 27  # more than the service's default page of 25


@pytest.fixture(scope="module")
def page_names(secrets_fast):
    prefix = f"page-{token_hex(4)}"
    names = [f"{prefix}-{index:02d}" for index in range(SECRET_COUNT)]
    # A few at a time: quick, without flooding one local server.
    with ThreadPoolExecutor(max_workers=5) as pool:
        list(pool.map(lambda name: secrets_fast.set_secret(name, f"value of {name}"), names))
    return prefix, names


def test_list_follows_next_links_across_pages(secrets_fast, fast_vault, page_names):
    prefix, names = page_names
    pages = [list(page) for page in secrets_fast.list_properties_of_secrets().by_page()]
    # More than 25 secrets: the SDK must have followed a nextLink.
    assert len(pages) > 1
    assert all(len(page) <= 25 for page in pages)
    listed = [p for page in pages for p in page if p.name.startswith(f"{prefix}-")]
    assert sorted(p.name for p in listed) == names
    for properties in listed:
        # Listing carries no value and no version: the id is the secret's, not a version's.
        assert properties.id == f"{fast_vault}/secrets/{properties.name}"
        assert properties.version is None
        assert properties.enabled is True
        assert_recent(properties.created_on)


def test_list_honours_max_page_size(secrets_fast, page_names):
    prefix, names = page_names
    pages = [list(page) for page in secrets_fast.list_properties_of_secrets(max_page_size=10).by_page()]
    assert all(len(page) <= 10 for page in pages)
    assert len(pages) >= 3
    everything = [p.name for page in pages for p in page]
    assert len(set(everything)) == len(everything)  # no name twice across pages
    assert sorted(n for n in everything if n.startswith(f"{prefix}-")) == names


def test_list_versions_across_pages(secrets_fast, fast_vault, unique_name):
    name = unique_name("versions")
    created = [secrets_fast.set_secret(name, f"v{index}").properties.version for index in range(7)]
    pages = [list(page) for page in secrets_fast.list_properties_of_secret_versions(name, max_page_size=3).by_page()]
    # A page holds at most `maxresults` (Azure may return fewer), so seven versions take three pages or more.
    assert len(pages) >= 3 and all(len(page) <= 3 for page in pages)
    versions = [p for page in pages for p in page]
    assert sorted(p.version for p in versions) == sorted(created)
    for properties in versions:
        assert properties.name == name
        assert properties.id == f"{fast_vault}/secrets/{name}/{properties.version}"


def test_versions_of_an_unknown_name_are_an_empty_list(secrets_fast, unique_name):
    assert list(secrets_fast.list_properties_of_secret_versions(unique_name("nobody"))) == []


def test_missing_secret_and_missing_version_are_404_secret_not_found(secrets_fast, unique_name):
    with pytest.raises(ResourceNotFoundError) as missing:
        secrets_fast.get_secret(unique_name("missing"))
    assert missing.value.status_code == 404 and missing.value.error.code == "SecretNotFound"

    name = unique_name("no-such-version")
    secrets_fast.set_secret(name, "value")
    with pytest.raises(ResourceNotFoundError) as no_version:
        secrets_fast.get_secret(name, "0" * 32)
    assert no_version.value.error.code == "SecretNotFound"


def test_a_secret_created_disabled_cannot_be_read(secrets_fast, unique_name):
    name = unique_name("disabled")
    secrets_fast.set_secret(name, "hidden", enabled=False)
    with pytest.raises(HttpResponseError) as refused:
        secrets_fast.get_secret(name)
    assert refused.value.status_code == 403 and refused.value.error.code == "Forbidden"


def test_a_value_over_25k_bytes_is_refused_with_400(secrets_fast, unique_name):
    with pytest.raises(HttpResponseError) as refused:
        secrets_fast.set_secret(unique_name("too-big"), "€" * 9000)  # 27,000 UTF-8 bytes
    assert refused.value.status_code == 400 and refused.value.error.code == "BadParameter"
