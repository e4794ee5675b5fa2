"""The web client's page names its files under a version, which browsers keep for good; the
page itself is revalidated (``service/http/pages.py``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.testclient import TestClient

from service.app import create_app
from service.settings import Settings


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as test_client:
        yield test_client


def test_the_page_names_versioned_files_that_are_kept_for_good(client: TestClient) -> None:
    page = client.get("/b/some-board")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-cache"
    named = re.findall(r'"/static/([0-9a-f]{12})/([a-z_]+\.(?:js|css))"', page.text)
    assert {name for _, name in named} >= {"app.js", "boot.js", "style.css"}
    assert '"/static/app.js"' not in page.text
    version = named[0][0]
    kept = client.get(f"/static/{version}/app.js")
    assert kept.status_code == 200
    assert kept.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert kept.content == client.get("/static/app.js").content


def test_unversioned_files_and_the_page_are_revalidated(client: TestClient) -> None:
    plain = client.get("/static/app.js")
    assert plain.headers["cache-control"] == "no-cache"
    again = client.get("/static/app.js", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304
    page = client.get("/")
    same = client.get("/", headers={"If-None-Match": page.headers["etag"]})
    assert (same.status_code, same.content) == (304, b"")
    assert client.get("/static/0123456789ab/no-such-file.js").status_code == 404
