"""One rule of content negotiation on every path that has both a page and data: a client that
names ``text/html`` at least as high as every data type it names (a browser) gets the page;
``*/*`` or no ``Accept`` (curl, most libraries) gets data."""

from __future__ import annotations

import json
import subprocess

import pytest
from flask.testing import FlaskClient
from rdflib.namespace import DCAT, RDF
from servers import Service
from web_helpers import (
    BROWSER,
    HTML,
    JSONLD,
    NTRIPLES,
    RDFXML,
    SPARQL_JSON,
    TURTLE,
    parse_rdf,
)

CURL = {"Accept": "*/*"}
NO_ACCEPT: dict[str, str] = {}

QUERIES = {
    "SELECT": ("SELECT * WHERE { ?s ?p ?o } LIMIT 3", SPARQL_JSON),
    "ASK": ("ASK { ?s ?p ?o }", SPARQL_JSON),
    "CONSTRUCT": ("CONSTRUCT WHERE { ?s a ?o } LIMIT 3", TURTLE),
    "DESCRIBE": ("DESCRIBE <https://w3id.org/kuopio-graph/id/network/iclei>", TURTLE),
}
"""Each query form and the type it gets by default."""

PAGES_AND_DATA = {
    "/id/network/iclei": TURTLE,
    "/ontology/ThematicNetwork": TURTLE,
    "/ontology": TURTLE,
    "/shapes": TURTLE,
    "/.well-known/void": TURTLE,
    "/validation": TURTLE,
    "/sparql": TURTLE,
    "/search?q=kuopio": "application/json",
}
"""Every path with a page and data, and the data type a client that names none gets."""


@pytest.mark.parametrize("headers", [CURL, NO_ACCEPT], ids=["*/*", "no Accept"])
@pytest.mark.parametrize("form", QUERIES)
def test_every_query_form_gets_data_by_default(
    client: FlaskClient, form: str, headers: dict[str, str]
) -> None:
    query, media_type = QUERIES[form]
    for response in (
        client.get("/sparql", query_string={"query": query}, headers=headers),
        client.post("/sparql", data={"query": query}, headers=headers),
    ):
        assert response.status_code == 200
        assert response.mimetype == media_type
        if media_type == SPARQL_JSON:
            assert "head" in json.loads(response.get_data())
        else:
            assert len(parse_rdf(response)) > 0


@pytest.mark.parametrize("form", QUERIES)
def test_a_browser_gets_the_query_page(client: FlaskClient, form: str) -> None:
    query, _ = QUERIES[form]
    response = client.get("/sparql", query_string={"query": query}, headers=BROWSER)
    assert response.status_code == 200
    assert response.mimetype == HTML


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("*/*", "data"),
        ("text/*", "data"),
        (BROWSER["Accept"], HTML),
        ("text/html", HTML),
        ("text/html;q=0.9, */*", HTML),
        ("text/html;q=0.5, text/turtle, application/json", "data"),
        ("text/html, text/turtle, application/json", HTML),
        ("application/json;q=0.9, text/html;q=0.8", "json"),
    ],
)
@pytest.mark.parametrize("path", PAGES_AND_DATA)
def test_the_page_goes_only_to_clients_that_name_html_highest(
    client: FlaskClient, path: str, accept: str, expected: str
) -> None:
    data = PAGES_AND_DATA[path]
    if expected == "json":  # plain JSON: JSON-LD where the data is RDF
        expected = JSONLD if data == TURTLE else data
    elif expected == "data":
        # text/* admits no JSON: the search page, the one form it admits, rather than a 406
        expected = HTML if accept == "text/*" and data != TURTLE else data
    response = client.get(path, headers={"Accept": accept})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == expected
    assert "Accept" in response.vary


@pytest.mark.parametrize("path", PAGES_AND_DATA)
def test_no_accept_header_gets_data(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.mimetype == PAGES_AND_DATA[path]


@pytest.mark.parametrize("media_type", [TURTLE, JSONLD, RDFXML, NTRIPLES])
def test_the_home_page_asked_for_rdf_leads_to_the_catalogue(
    client: FlaskClient, media_type: str
) -> None:
    response = client.get("/", headers={"Accept": media_type})
    assert response.status_code == 303
    assert "Accept" in response.vary
    followed = client.get(response.headers["Location"], headers={"Accept": media_type})
    assert followed.status_code == 200
    assert followed.mimetype == media_type
    assert any(parse_rdf(followed).subjects(RDF.type, DCAT.Catalog))


def test_errors_are_plain_text_for_curl(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELEC *"}, headers=CURL)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert "syntax" in response.get_data(as_text=True).lower()


def test_curl_with_its_own_headers_gets_data(service: Service) -> None:
    def curl(*arguments: str) -> str:
        done = subprocess.run(
            ["curl", "--silent", "--show-error", "--fail", *arguments],
            capture_output=True,
            check=True,
            timeout=30,
        )
        return done.stdout.decode("utf-8")

    select = curl(
        f"{service.url}sparql", "--get", "--data-urlencode", "query=SELECT ?s { ?s a ?c } LIMIT 1"
    )
    assert json.loads(select)["results"]["bindings"]
    entity = curl(f"{service.url}id/network/iclei")
    assert entity.startswith("@prefix") and "<html" not in entity
    catalogue = curl("--location", service.url)
    assert "dcat:Catalog" in catalogue
