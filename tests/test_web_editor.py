"""The query page's editor: served from the app, completing from the graph, keeping the query."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient
from web_helpers import ID, Page, store_rows

from kuopio_graph import GraphStore
from webapp.completion import MAX_PREFIX_LENGTH
from webapp.i18n import text

ROOT = Path(__file__).resolve().parent.parent
VENDORED = ROOT / "webapp" / "static" / "vendor" / "yasqe"
PACKAGE = ROOT / "node_modules" / "@zazuko" / "yasqe"
HTML = {"Accept": "text/html"}


def query_page(client: FlaskClient, **arguments: str) -> tuple[int, Page]:
    response = client.get("/sparql?" + urlencode(arguments), headers=HTML)
    return response.status_code, Page(response)


def test_the_editor_and_its_styles_come_from_the_app_itself(client: FlaskClient) -> None:
    _, page = query_page(client)
    scripts = [script.attrs["src"] for script in page.iter("script") if "src" in script.attrs]
    styles = [link.attrs["href"] for link in page.iter("link", rel="stylesheet")]
    assert "/static/vendor/yasqe/yasqe.min.js" in scripts
    assert "/static/editor.js" in scripts
    assert "/static/vendor/yasqe/yasqe.min.css" in styles
    for path in scripts + styles:
        assert path.startswith("/"), path
        assert client.get(path).status_code == 200, path


def test_the_vendored_editor_is_the_locked_npm_package() -> None:
    assert PACKAGE.is_dir(), "run `make test` (or `npm ci`) to install the locked npm packages"
    for name in ("yasqe.min.js", "yasqe.min.css"):
        assert (VENDORED / name).read_bytes() == (PACKAGE / "build" / name).read_bytes(), name


def test_the_editor_is_told_never_to_reach_another_site() -> None:
    wiring = (ROOT / "webapp" / "static" / "editor.js").read_text()
    assert "prefixCcApi: null" in wiring
    assert not re.search(r"https?://", wiring)
    for completer in ("prefixes", "class", "property"):
        assert f'forkAutocompleter("{completer}"' in wiring


def test_the_vocabulary_is_the_graphs_own(client: FlaskClient, store: GraphStore) -> None:
    response = client.get("/sparql/vocabulary")
    assert response.status_code == 200
    vocabulary = response.json
    assert vocabulary is not None
    assert vocabulary["prefixes"] == store.prefixes
    classes = {c for (c,) in store_rows(store, "SELECT DISTINCT ?c WHERE { ?s a ?c }")}
    properties = {p for (p,) in store_rows(store, "SELECT DISTINCT ?p WHERE { ?s ?p ?o }")}
    assert set(vocabulary["classes"]) == classes
    assert set(vocabulary["properties"]) == properties
    assert vocabulary["classes"] == sorted(vocabulary["classes"])


def test_resources_complete_from_the_beginning_of_their_iris(
    client: FlaskClient, store: GraphStore
) -> None:
    beginning = f"{ID}network/i"
    response = client.get("/sparql/resources", query_string={"prefix": beginning})
    assert response.status_code == 200
    found = response.json
    expected = {
        iri
        for (iri,) in store_rows(store, "SELECT DISTINCT ?s WHERE { ?s a ?c }")
        if iri.startswith(beginning)
    }
    assert f"{ID}network/iclei" in expected
    assert found == sorted(expected)[:50]


@pytest.mark.parametrize("prefix", ["", "x" * (MAX_PREFIX_LENGTH + 1)])
def test_resource_completion_refuses_no_or_overlong_text(client: FlaskClient, prefix: str) -> None:
    response = client.get("/sparql/resources", query_string={"prefix": prefix})
    assert response.status_code == 400


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_malformed_query_keeps_its_text_beside_the_parsers_message(
    client: FlaskClient, language: str
) -> None:
    broken = "SELECT ?s WHERE { ?s ?p }"
    status, page = query_page(client, query=broken, lang=language)
    assert status == 400
    assert page.find("textarea").text == broken
    alert = page.find("section", role="alert")
    assert text("query_error", language) in alert.text
    assert alert.find("pre").text


def test_the_link_to_a_query_reproduces_it(client: FlaskClient) -> None:
    query = "SELECT ?unit WHERE { ?unit a kuopio:ServiceArea } ORDER BY ?unit"
    _, page = query_page(client, query=query, lang="en")
    (share,) = [href for href, label in page.links() if label == text("share_link", "en")]
    again = Page(client.get(share, headers=HTML))
    assert again.find("textarea").text == query
    assert again.find("table", class_="results").text == page.find("table", class_="results").text


def test_an_examples_link_names_the_example(client: FlaskClient) -> None:
    _, page = query_page(client, example="networks-and-contacts", lang="fi")
    (share,) = [href for href, label in page.links() if label == text("share_link", "fi")]
    assert share == "/sparql?example=networks-and-contacts&lang=fi"
