"""What every answer shares: validators and conditional requests, one representation per
language and format, CORS, and safety (no off-site redirects, no server errors)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from web_helpers import HTML, SPARQL_JSON, TURTLE, Page

ASK_HTML = {"Accept": HTML}
ASK_TURTLE = {"Accept": TURTLE}

READ_ONLY = [
    ("/", ASK_HTML),
    ("/?lang=en", ASK_HTML),
    ("/id/network/iclei", ASK_HTML),
    ("/id/network/iclei", ASK_TURTLE),
    ("/id/network/iclei.jsonld", {}),
    ("/ontology/ThematicNetwork", ASK_HTML),
    ("/sparql", ASK_HTML),
    ("/sparql", ASK_TURTLE),
    ("/sparql?query=ASK%20%7B%7D", {"Accept": SPARQL_JSON}),
    ("/sparql?query=SELECT%20*%20%7B%3Fs%20%3Fp%20%3Fo%7D%20LIMIT%205&format=csv", {}),
    ("/.well-known/void", {}),
    ("/.well-known/void", ASK_HTML),
    ("/dumps/kuopio.ttl", {}),
    ("/dumps/kuopio.nt.gz", {}),
    ("/ontology", ASK_HTML),
    ("/ontology", ASK_TURTLE),
    ("/shapes", ASK_HTML),
    ("/shapes", ASK_TURTLE),
    ("/validation", ASK_HTML),
    ("/validation", ASK_TURTLE),
    ("/sitemap.xml", {}),
]


def case_id(path: str, headers: dict[str, str]) -> str:
    return f"{path[:40]} {headers.get('Accept', '')}".strip()


@pytest.mark.parametrize(
    ("path", "headers"), [pytest.param(*case, id=case_id(*case)) for case in READ_ONLY]
)
def test_read_only_answers_are_conditional(
    client: FlaskClient, path: str, headers: dict[str, str]
) -> None:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    etag = response.headers["ETag"]
    modified = response.headers["Last-Modified"]
    unchanged = client.get(path, headers={**headers, "If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.get_data() == b""
    assert client.get(path, headers={**headers, "If-Modified-Since": modified}).status_code == 304
    other = client.get(path, headers={**headers, "If-None-Match": '"another-version"'})
    assert other.status_code == 200
    assert other.mimetype == response.mimetype


@pytest.mark.parametrize(
    ("path", "headers"), [pytest.param(*case, id=case_id(*case)) for case in READ_ONLY]
)
def test_a_strong_etag_means_the_same_bytes(
    client: FlaskClient, path: str, headers: dict[str, str]
) -> None:
    # A strong validator promises byte-for-byte the same body (RFC 9110, 8.8.1); blank node
    # labels that change from one answer to the next break that promise.
    first = client.get(path, headers=headers)
    second = client.get(path, headers=headers)
    assert first.headers["ETag"] == second.headers["ETag"]
    if not first.headers["ETag"].startswith("W/"):
        assert first.get_data() == second.get_data()


def test_etag_differs_between_formats_of_one_url(client: FlaskClient) -> None:
    page = client.get("/id/network/iclei", headers=ASK_HTML)
    turtle = client.get("/id/network/iclei", headers=ASK_TURTLE)
    assert page.headers["ETag"] != turtle.headers["ETag"]
    # A client holding the Turtle that now asks for the page gets the page.
    again = client.get(
        "/id/network/iclei", headers={**ASK_HTML, "If-None-Match": turtle.headers["ETag"]}
    )
    assert again.status_code == 200
    assert again.mimetype == HTML


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/id/network/iclei",
        "/sparql",
        "/ontology",
        "/shapes",
        "/validation",
        "/.well-known/void",
    ],
)
def test_each_language_is_its_own_representation(client: FlaskClient, path: str) -> None:
    # The language of these pages follows Accept-Language, so caches must key on it and the
    # Finnish and English pages must not share an ETag.
    finnish = client.get(path, headers={**ASK_HTML, "Accept-Language": "fi"})
    english = client.get(path, headers={**ASK_HTML, "Accept-Language": "en"})
    assert (Page(finnish).lang, Page(english).lang) == ("fi", "en")
    assert "Accept-Language" in english.vary
    assert finnish.headers["ETag"] != english.headers["ETag"]
    revalidated = client.get(
        path,
        headers={**ASK_HTML, "Accept-Language": "en", "If-None-Match": finnish.headers["ETag"]},
    )
    assert revalidated.status_code == 200
    assert Page(revalidated).lang == "en"


@pytest.mark.parametrize(
    ("path", "headers"),
    [("/id/network/iclei", ASK_TURTLE), ("/.well-known/void", {}), ("/dumps/kuopio.ttl", {})],
)
def test_cors_on_read_only_answers(client: FlaskClient, path: str, headers: dict[str, str]) -> None:
    response = client.get(path, headers={**headers, "Origin": "https://example.org"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("accept", [HTML, TURTLE])
@pytest.mark.parametrize(
    "path",
    [
        "//evil.com",
        "//evil.com/",
        "/\\evil.com",
        "/\\/evil.com",
        "///evil.com",
        "//evil.com/id/network/iclei",
        "/id//evil.com",
        "/shapes//evil.com",
        "/sparql//evil.com",
        "/%2F%2Fevil.com",
        "/shapes/%2F%2Fevil.com",
        "/shapes/\\evil.com",
    ],
)
def test_no_redirect_leaves_the_site(client: FlaskClient, path: str, accept: str) -> None:
    response = client.get("/", environ_overrides={"PATH_INFO": path}, headers={"Accept": accept})
    assert response.status_code < 500
    location = response.headers.get("Location")
    if location is not None:
        # Browsers read a backslash as a slash, so "/\evil.com" is "//evil.com".
        normalised = location.replace("\\", "/")
        assert normalised.startswith("/") and not normalised.startswith("//"), location


ODD_REQUESTS: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/id/network/iclei", {"headers": {"Accept": "text/html;q=abc"}}),
    ("GET", "/id/network/iclei", {"headers": {"Accept": ";;;,,,"}}),
    ("GET", "/id/network/iclei", {"headers": {"Accept": "image/png"}}),
    ("GET", "/id/network/iclei", {"headers": {"Accept-Language": "!!;q=x"}}),
    ("GET", "/id/network/iclei?lang=xx&format=", {}),
    ("GET", "/id/network/iclei?format=bogus", {}),
    ("GET", "/id/network/iclei", {"headers": {"If-Modified-Since": "yesterday"}}),
    ("GET", "/id/network/iclei", {"headers": {"If-None-Match": "no quotes"}}),
    ("GET", "/id/a%20b", {}),
    ("GET", "/id/%00", {}),
    ("GET", "/id/%FF%FE", {}),
    ("GET", "/id/a%3Eb", {"headers": ASK_TURTLE}),
    ("GET", "/id/" + "a" * 5000, {}),
    ("GET", "/id/network/iclei.", {}),
    ("GET", "/id/.ttl", {}),
    ("GET", "/id/network/iclei/.nt", {}),
    ("GET", "/id/", {}),
    ("GET", "/ontology/NoSuchClass", {}),
    ("GET", "/ontology/", {}),
    ("GET", "/shapes/..", {}),
    ("GET", "/shapes/Foo%0D%0ASet-Cookie:%20x", {}),
    ("GET", "/dumps/..%2Fpyproject.toml", {}),
    ("GET", "/static/..%2F..%2Fpyproject.toml", {}),
    ("GET", "/sparql?query=SELECT%00", {}),
    ("GET", "/sparql?query=", {}),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=", {}),
    ("GET", "/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri", {}),
    ("GET", "/sparql?query=ASK%7B%7D&named-graph-uri=%3Cx%3E", {}),
    ("GET", "/sparql?query=SELECT%20*%20FROM%20%3C%3E%20%7B%7D", {}),
    ("GET", "/sparql?query=SELECT%20*%20FROM%20nope:x%20%7B%7D", {}),
    ("GET", "/sparql?query=ASK%7B%7D&format=bogus", {}),
    ("GET", "/sparql?query=ASK%7B%7D", {"headers": ASK_TURTLE}),
    (
        "GET",
        "/sparql?query=CONSTRUCT%20WHERE%7B?s%20?p%20?o%7D",
        {"headers": {"Accept": "text/csv"}},
    ),
    ("GET", "/sparql?query=DESCRIBE%20?x", {}),
    ("GET", "/sparql?query=SELECT%20(1/0%20AS%20?x)%20%7B%7D", {}),
    ("GET", "/sparql?query=SELECT%20*%20%7B%7D", {"headers": ASK_HTML}),
    ("GET", "/sparql?query=ASK%7B", {"headers": ASK_HTML}),
    (
        "POST",
        "/sparql",
        {"data": b"query=%ZZ", "content_type": "application/x-www-form-urlencoded"},
    ),
    ("POST", "/sparql", {"data": b"\xff\xfe", "content_type": "application/sparql-query"}),
    ("POST", "/sparql", {"data": b"", "content_type": "application/sparql-query"}),
    (
        "POST",
        "/sparql",
        {"data": b"x" * (2 * 1024 * 1024), "content_type": "application/sparql-query"},
    ),
    ("POST", "/sparql", {"data": {"query": "ASK {}"}, "headers": ASK_HTML}),
    ("POST", "/sparql", {"data": "ASK {}", "content_type": "multipart/form-data; boundary=x"}),
    ("HEAD", "/id/network/iclei.ttl", {}),
    ("OPTIONS", "/id/network/iclei", {}),
    ("DELETE", "/id/network/iclei", {}),
    ("POST", "/id/network/iclei", {}),
    ("PUT", "/dumps/kuopio.ttl", {"data": "x"}),
    ("GET", "/dumps/kuopio.ttl", {"headers": {"Range": "bytes=99999999-"}}),
    ("GET", "/no/such/page", {}),
]


@pytest.mark.parametrize(
    ("method", "path", "options"),
    [pytest.param(*case, id=f"{case[0]} {case[1][:50]}") for case in ODD_REQUESTS],
)
def test_odd_requests_never_cause_a_server_error(
    client: FlaskClient, method: str, path: str, options: dict[str, Any]
) -> None:
    response = client.open(path, method=method, **options)
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert "Traceback" not in response.get_data(as_text=True)
