"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: methods, formats, the dataset, the query page,
the service description and protocol errors (the public interface's "SPARQL 1.1 Protocol"
section; refusals and limits are in ``test_web_sparql_limits.py``)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from rdflib import Literal, URIRef
from rdflib.namespace import RDF
from web_helpers import (
    BROWSER,
    CLIENT_ROOT,
    CSV,
    HTML,
    ID,
    JSONLD,
    KUOPIO,
    METHODS,
    NTRIPLES,
    RDFXML,
    SCHEMA,
    SD,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    TURTLE,
    Page,
    boolean,
    count,
    parse_rdf,
    rows,
    send,
    store_graph,
    store_rows,
)

from kuopio_graph import GraphStore, QuerySyntaxError

ICLEI = f"{ID}network/iclei"
WIKIPEDIA_ICLEI = f"{ID}source/wikipedia-iclei"
KOMMUNALWIKI_ICLEI = f"{ID}source/kommunalwiki-iclei"

NETWORKS = """
SELECT ?network ?label WHERE {
  ?network a kuopio:ThematicNetwork ; rdfs:label ?label
  FILTER(LANG(?label) = "en")
}"""
NETWORK_LABELS = """
CONSTRUCT { ?network rdfs:label ?label }
WHERE { ?network a kuopio:ThematicNetwork ; rdfs:label ?label }"""
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

RESULT_TYPES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}
GRAPH_TYPES = {"ttl": TURTLE, "jsonld": JSONLD, "rdfxml": RDFXML, "nt": NTRIPLES}


@pytest.fixture(scope="module")
def networks(store: GraphStore) -> set[tuple[str, ...]]:
    """What ``NETWORKS`` gives, asked of the store directly."""
    expected = store_rows(store, NETWORKS)
    assert ("https://w3id.org/kuopio-graph/id/network/xarxa-fp", "Xarxa FP") in expected
    return expected


# Queries and answers


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESULT_TYPES)
def test_select_by_accept(
    client: FlaskClient, networks: set[tuple[str, ...]], method: str, name: str
) -> None:
    response = send(client, method, NETWORKS, accept=RESULT_TYPES[name])
    assert response.status_code == 200
    assert response.mimetype == RESULT_TYPES[name]
    assert rows(response, "network", "label") == networks


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", RESULT_TYPES)
def test_select_by_format_parameter(
    client: FlaskClient, networks: set[tuple[str, ...]], method: str, name: str
) -> None:
    response = send(client, method, NETWORKS, accept=BROWSER["Accept"], params={"format": name})
    assert response.status_code == 200
    assert response.mimetype == RESULT_TYPES[name]
    assert rows(response, "network", "label") == networks


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("accept", [SPARQL_JSON, SPARQL_XML])
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"ASK {{ <{ICLEI}> a kuopio:ThematicNetwork }}", True),
        (f"ASK {{ <{ICLEI}> a kuopio:Partnership }}", False),
    ],
)
def test_ask(client: FlaskClient, method: str, accept: str, query: str, expected: bool) -> None:
    response = send(client, method, query, accept=accept)
    assert response.status_code == 200
    assert response.mimetype == accept
    assert boolean(response) is expected


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("media_type", GRAPH_TYPES.values())
def test_construct_by_accept(
    client: FlaskClient, store: GraphStore, method: str, media_type: str
) -> None:
    response = send(client, method, NETWORK_LABELS, accept=media_type)
    assert response.status_code == 200
    assert response.mimetype == media_type
    expected = store_graph(store, NETWORK_LABELS)
    assert len(expected) > 5
    assert set(parse_rdf(response)) == set(expected)


@pytest.mark.parametrize("name", GRAPH_TYPES)
def test_describe_by_format_parameter(client: FlaskClient, store: GraphStore, name: str) -> None:
    response = send(client, "get", f"DESCRIBE <{ICLEI}>", params={"format": name})
    assert response.status_code == 200
    assert response.mimetype == GRAPH_TYPES[name]
    graph = parse_rdf(response)
    own = store_graph(
        store, f"CONSTRUCT {{ <{ICLEI}> ?p ?o }} WHERE {{ <{ICLEI}> ?p ?o FILTER(!isBlank(?o)) }}"
    )
    assert set(own) <= set(graph)
    address = graph.value(URIRef(ICLEI), SCHEMA.address)
    assert graph.value(address, SCHEMA.postalCode) == Literal("53113")


def test_plain_json_means_sparql_json_or_json_ld(client: FlaskClient) -> None:
    select = send(client, "get", NETWORKS, accept="application/json")
    assert select.mimetype == SPARQL_JSON
    describe = send(client, "get", f"DESCRIBE <{ICLEI}>", accept="application/json")
    assert describe.mimetype == JSONLD
    assert (URIRef(ICLEI), RDF.type, KUOPIO.ThematicNetwork) in parse_rdf(describe)


# The dataset of a query


@pytest.mark.parametrize("method", METHODS)
def test_default_graph_uri(client: FlaskClient, store: GraphStore, method: str) -> None:
    ((expected,),) = store_rows(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{WIKIPEDIA_ICLEI}> {{ ?s ?p ?o }} }}"
    )
    assert 0 < int(expected) < len(store)
    response = send(client, method, COUNT, params={"default-graph-uri": WIKIPEDIA_ICLEI})
    assert count(response) == int(expected)
    both = send(
        client, method, COUNT, params={"default-graph-uri": [WIKIPEDIA_ICLEI, KOMMUNALWIKI_ICLEI]}
    )
    assert count(both) > int(expected)


@pytest.mark.parametrize("method", METHODS)
def test_named_graph_uri(client: FlaskClient, method: str) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    everything = rows(send(client, method, query, accept=SPARQL_JSON), "g")
    assert len(everything) > 2
    response = send(client, method, query, params={"named-graph-uri": WIKIPEDIA_ICLEI})
    assert response.status_code == 200
    assert rows(response, "g") == {(WIKIPEDIA_ICLEI,)}


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        (
            f"SELECT ?s ?p ?o FROM <{WIKIPEDIA_ICLEI}> WHERE {{ ?s ?p ?o }}",  # noqa: S608 - SPARQL
            f"GRAPH <{WIKIPEDIA_ICLEI}> {{ ?s ?p ?o }}",
        ),
        (
            f"SELECT ?s ?p ?o FROM NAMED <{WIKIPEDIA_ICLEI}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",  # noqa: S608
            f"GRAPH <{WIKIPEDIA_ICLEI}> {{ ?s ?p ?o }}",
        ),
    ],
    ids=["from", "from-named"],
)
def test_from_a_graph_in_the_store(
    client: FlaskClient, store: GraphStore, query: str, pattern: str
) -> None:
    expected = store_rows(store, f"SELECT ?s ?p ?o WHERE {{ {pattern} }}")
    assert 0 < len(expected) < len(store)
    response = send(client, "get", query, accept=SPARQL_JSON)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert rows(response, "s", "p", "o") == expected


# The query page and the service description


def test_query_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/sparql", headers=BROWSER)
    assert response.status_code == 200
    form = Page(response).find("main").find("form")
    assert form.attrs["action"] == "/sparql"
    assert form.find("textarea").attrs["name"] == "query"


def test_query_page_shows_results(client: FlaskClient) -> None:
    response = send(client, "get", NETWORKS, accept=BROWSER["Accept"])
    assert response.mimetype == HTML
    page = Page(response)
    assert page.find("textarea").text == " ".join(NETWORKS.split())
    cells = {td.text for td in page.find("table", class_="results").iter("td")}
    assert "Xarxa FP" in cells


@pytest.mark.parametrize("media_type", GRAPH_TYPES.values())
def test_service_description_for_rdf_clients(
    client: FlaskClient, store: GraphStore, media_type: str
) -> None:
    response = client.get("/sparql", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse_rdf(response)
    (service,) = graph.subjects(RDF.type, SD.Service)
    assert graph.value(service, SD.endpoint) == URIRef(f"{CLIENT_ROOT}sparql")
    named = {graph.value(node, SD.name) for node in graph.subjects(RDF.type, SD.NamedGraph)}
    assert named == {URIRef(name) for name in store.graphs()}


# Errors


@pytest.mark.parametrize("method", METHODS)
def test_malformed_query_is_400_with_the_parser_message(
    client: FlaskClient, store: GraphStore, method: str
) -> None:
    malformed = "SELECT ?s WHERE { ?s ?p }"
    with pytest.raises(QuerySyntaxError) as parser:
        store.query(malformed)
    response = send(client, method, malformed, accept=SPARQL_JSON)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert str(parser.value) in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"query_string": "query=ASK%7B%7D&query=ASK%7B%7D"}, id="get-twice"),
        pytest.param({"method": "POST", "data": {"query": ["ASK {}", "ASK {}"]}}, id="form-twice"),
        pytest.param(
            {"method": "POST", "query_string": "query=ASK%7B%7D", "data": {"query": "ASK {}"}},
            id="form-and-url",
        ),
        pytest.param(
            {
                "method": "POST",
                "query_string": "query=ASK%7B%7D",
                "data": "ASK {}",
                "content_type": "application/sparql-query",
            },
            id="direct-and-url",
        ),
        pytest.param({"method": "POST", "data": {"query": ""}}, id="form-empty"),
    ],
)
def test_not_exactly_one_query_is_400(client: FlaskClient, request_kwargs: dict) -> None:
    response = client.open("/sparql", headers={"Accept": SPARQL_JSON}, **request_kwargs)
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods_are_405(client: FlaskClient, method: str) -> None:
    response = client.open("/sparql?query=ASK%7B%7D", method=method)
    assert response.status_code == 405
    assert {"GET", "POST"} <= set(response.headers["Allow"].replace(" ", "").split(","))


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/plain", b"ASK {}", 415),
        (None, b"ASK {}", 415),
        ("application/sparql-query; charset=utf-16", "ASK {}".encode("utf-16"), 415),
        ("application/sparql-query", b"ASK { \xff }", 400),
        ("application/json", b'{"query": "ASK {}"}', 415),
    ],
)
def test_wrong_media_type_or_encoding_is_refused(
    client: FlaskClient, content_type: str | None, body: bytes, expected: int
) -> None:
    response = client.post("/sparql", data=body, content_type=content_type)
    assert response.status_code == expected
    assert response.mimetype == "text/plain"


def test_head_answers_like_get(client: FlaskClient) -> None:
    get = send(client, "get", "ASK {}", accept=SPARQL_JSON)
    head = client.head("/sparql?query=ASK%20%7B%7D", headers={"Accept": SPARQL_JSON})
    assert head.status_code == get.status_code == 200
    assert head.mimetype == get.mimetype
    assert head.get_data() == b""


def test_result_iris_show_their_labels_beside_the_iri(client: FlaskClient) -> None:
    query = "SELECT ?network WHERE { ?network a kuopio:ThematicNetwork } ORDER BY ?network"
    response = client.get(
        "/sparql", query_string={"query": query, "lang": "en"}, headers={"Accept": "text/html"}
    )
    page = Page(response)
    cells = page.find("table", class_="results").find_all("td")
    texts = [cell.text for cell in cells]
    assert any(text.startswith("ICLEI – Local Governments for Sustainability") for text in texts)
    iclei = next(cell for cell in cells if "ICLEI" in cell.text)
    assert iclei.find("a").attrs["href"] == "/id/network/iclei?lang=en"
    assert "network/iclei" in iclei.find("span", class_="iri").text
    summary = next(p.text for p in page.iter("p") if "rows" in p.text)
    assert summary.startswith("3 rows ·")
    assert summary.endswith(" s")


COUNTS = """SELECT ?network (COUNT(?member) AS ?members) WHERE {
  ?membership org:organization ?network ; org:member ?member .
} GROUP BY ?network ORDER BY DESC(?members)"""


def test_a_label_and_a_number_are_drawn_as_bars(client: FlaskClient, store: GraphStore) -> None:
    response = client.get(
        "/sparql", query_string={"query": COUNTS, "lang": "en"}, headers={"Accept": "text/html"}
    )
    page = Page(response)
    bars = page.find("figure", class_="chart").find_all("div", class_="bar")
    rows = page.find("table", class_="results").find("tbody").find_all("tr")
    assert len(bars) == len(rows) > 1
    values = [float(bar.find("span", class_="bar-value").text) for bar in bars]
    assert values == sorted(values, reverse=True)
    widths = [bar.find("span", class_="bar-fill").attrs["style"] for bar in bars]
    assert widths[0] == "width: 100.0%"
    assert "ICLEI – Local Governments for Sustainability" in {
        bar.find("span", class_="bar-label").text for bar in bars
    }


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?network WHERE { ?network a kuopio:ThematicNetwork }",
        "SELECT (1 AS ?a) (2 AS ?b) WHERE {}",
        'SELECT ("x" AS ?a) ("y" AS ?b) WHERE {}',
    ],
)
def test_other_shapes_are_left_as_a_table(client: FlaskClient, query: str) -> None:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert not list(Page(response).iter("figure", class_="chart"))
