"""What ``/sparql`` refuses and where it stops: FROM outside the store, SERVICE, updates, the
result cap, the time limit, and CORS (the public interface's "SPARQL 1.1 Protocol" section)."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from web_helpers import (
    CSV,
    ID,
    METHODS,
    NTRIPLES,
    SPARQL_JSON,
    SPARQL_XML,
    TSV,
    TURTLE,
    boolean,
    count,
    parse_rdf,
    rows,
    send,
    solutions,
)

from kuopio_graph import GraphStore, Settings
from webapp import create_app

ICLEI = f"{ID}network/iclei"
NOT_HERE = "http://example.org/not-here"
ICLEI_SOURCE = f"{ID}source/wikipedia-iclei"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
RESULT_TYPES = {"json": SPARQL_JSON, "xml": SPARQL_XML, "csv": CSV, "tsv": TSV}


# Refused


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "query",
    [
        f"SELECT * FROM <{NOT_HERE}> WHERE {{ ?s ?p ?o }}",  # noqa: S608 - SPARQL
        f"SELECT * FROM NAMED <{NOT_HERE}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",  # noqa: S608
        "PREFIX ex: <http://example.org/> SELECT * FROM ex:not-here WHERE { ?s ?p ?o }",
    ],
)
def test_from_outside_the_store_is_refused(client: FlaskClient, method: str, query: str) -> None:
    response = send(client, method, query, accept=SPARQL_JSON)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert NOT_HERE in response.get_data(as_text=True)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "params",
    [{"default-graph-uri": ICLEI_SOURCE}, {"named-graph-uri": ICLEI_SOURCE}],
    ids=["default-graph-uri", "named-graph-uri"],
)
def test_the_protocol_dataset_takes_the_place_of_from(
    client: FlaskClient, store: GraphStore, method: str, params: dict[str, str]
) -> None:
    # The protocol's dataset replaces the query's own (SPARQL 1.1 Protocol, 2.1.4): the FROM
    # is not used, so it is not refused either, and nothing is fetched.
    query = f"SELECT (COUNT(*) AS ?n) FROM <{NOT_HERE}> WHERE {{ ?s ?p ?o }}"  # noqa: S608
    response = send(client, method, query, accept=SPARQL_JSON, params=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    if "default-graph-uri" in params:
        expected = len(list(store.triples(ICLEI_SOURCE)))
    else:  # only named graphs given: the default graph stays the store's own
        expected = len(store)
    assert count(response) == expected > 0


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    """A local port that records whether anything connected to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.5)
    yield f"http://127.0.0.1:{server.getsockname()[1]}/sparql", server
    server.close()


def nobody_called(server: socket.socket) -> bool:
    try:
        connection, _ = server.accept()
    except TimeoutError:
        return True
    connection.close()
    return False


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "template",
    [
        "SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
        "select * where {{ service silent <{endpoint}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        "ASK {{ FILTER EXISTS {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} }}",
        "SELECT * WHERE {{ BIND(<{endpoint}> AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {{ SELECT * {{ SERVICE <{endpoint}> {{}} }} }} }}",
        "PREFIX e: <{endpoint}#> SELECT * WHERE {{ SERVICE e:x {{ ?s ?p ?o }} }}",
        "SELECT * WHERE {{ SERVICE#comment\n<{endpoint}>{{?s ?p ?o}} }}",
        "SELECT * WHERE {{ ?s ?p ?o . ?s ?p 1SERVICE <{endpoint}> {{ ?a ?b ?c }} }}",
        "PREFIX e: <{endpoint}#> SELECT * WHERE {{ ?s ?p ?o SERVICEe:x {{ ?a ?b ?c }} }}",
        "SELECT * WHERE {{ BIND('\\u0027' AS ?a) SERVICE <{endpoint}> {{ ?s ?p ?o }}"
        " BIND('\\u0027' AS ?b) }}",
    ],
)
def test_service_is_refused_without_network_access(
    client: FlaskClient, listener: tuple[str, socket.socket], method: str, template: str
) -> None:
    endpoint, server = listener
    response = send(client, method, template.format(endpoint=endpoint), accept=SPARQL_JSON)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    assert nobody_called(server)


MARKER = "<http://example.org/marker> <http://example.org/says> 'written' ."


@pytest.mark.parametrize(
    "request_kwargs",
    [
        pytest.param({"query_string": {"update": f"INSERT DATA {{ {MARKER} }}"}}, id="get-update"),
        pytest.param(
            {"method": "POST", "data": {"update": f"INSERT DATA {{ {MARKER} }}"}}, id="form-update"
        ),
        pytest.param(
            {
                "method": "POST",
                "data": f"INSERT DATA {{ {MARKER} }}",
                "content_type": "application/sparql-update",
            },
            id="direct-update",
        ),
        pytest.param({"query_string": {"query": f"INSERT DATA {{ {MARKER} }}"}}, id="get-query"),
        pytest.param(
            {"method": "POST", "data": {"query": f"INSERT DATA {{ {MARKER} }}"}}, id="form-query"
        ),
        pytest.param(
            {
                "method": "POST",
                "data": f"INSERT DATA {{ {MARKER} }}",
                "content_type": "application/sparql-query",
            },
            id="direct-query",
        ),
        pytest.param({"query_string": {"query": "DELETE WHERE { ?s ?p ?o }"}}, id="delete-where"),
        pytest.param({"query_string": {"query": "CLEAR ALL"}}, id="clear"),
        pytest.param({"query_string": {"query": "DROP ALL"}}, id="drop"),
        pytest.param({"query_string": {"query": "LOAD <http://example.org/data.ttl>"}}, id="load"),
    ],
)
def test_updates_are_refused_and_change_nothing(
    client: FlaskClient, store: GraphStore, request_kwargs: dict
) -> None:
    before = (len(store), store.graphs())
    response = client.open("/sparql", headers={"Accept": SPARQL_JSON}, **request_kwargs)
    assert 400 <= response.status_code < 500
    assert (len(store), store.graphs()) == before
    marker = "ASK { <http://example.org/marker> ?p ?o }"
    assert boolean(send(client, "get", marker, accept=SPARQL_JSON)) is False
    assert count(send(client, "get", COUNT)) == len(store)


@pytest.mark.parametrize(
    "query",
    [
        pytest.param(
            "SELECT ?from WHERE { BIND(" + "(" * 40 + "1" + ")" * 40 + " AS ?from) }",
            id="nested-brackets",
        ),
        pytest.param(
            "SELECT ?from WHERE { BIND(1 AS ?from) " + "{" * 40 + "}" * 40 + " }",
            id="nested-groups",
        ),
        pytest.param(
            "# which service?\nSELECT ?from WHERE { BIND("
            + "(" * 40
            + "1"
            + ")" * 40
            + " AS ?from) }",
            id="word-in-comment",
        ),
    ],
)
def test_deeply_nested_query_naming_from_is_answered(client: FlaskClient, query: str) -> None:
    # Nesting this deep is valid SPARQL and the engine answers it; the words "from" and
    # "service" (here a variable name and a comment) must not turn it into a server error.
    response = send(client, "get", query, accept=SPARQL_JSON)
    assert response.status_code == 200, response.get_data(as_text=True)[:200]
    assert rows(response, "from") == {("1",)}


# Limits


@pytest.fixture(scope="module")
def capped_app(settings: Settings, store: GraphStore) -> Flask:
    return create_app(
        settings.with_values({"max_results": 3}), store=store, config={"TESTING": True}
    )


@pytest.mark.parametrize("name", RESULT_TYPES)
def test_result_cap_truncates_select(capped_app: Flask, name: str) -> None:
    response = send(
        capped_app.test_client(), "get", "SELECT * WHERE { ?s ?p ?o }", RESULT_TYPES[name]
    )
    assert response.status_code == 200
    assert len(solutions(response)) == 3
    assert response.headers["Result-Truncated"] == "3"


@pytest.mark.parametrize("media_type", [TURTLE, NTRIPLES])
def test_result_cap_truncates_construct(capped_app: Flask, media_type: str) -> None:
    query = "CONSTRUCT WHERE { ?s ?p ?o }"
    response = send(capped_app.test_client(), "get", query, accept=media_type)
    assert response.status_code == 200
    assert len(parse_rdf(response)) == 3
    assert response.headers["Result-Truncated"] == "3"


@pytest.mark.parametrize("limit", [2, 3])
def test_answers_within_the_cap_are_whole(capped_app: Flask, limit: int) -> None:
    query = f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {limit}"
    response = send(capped_app.test_client(), "get", query, accept=SPARQL_JSON)
    assert len(solutions(response)) == limit
    assert "Result-Truncated" not in response.headers


@pytest.fixture(scope="module")
def hurried_app(settings: Settings, store: GraphStore) -> Flask:
    return create_app(
        settings.with_values({"query_timeout": 1}), store=store, config={"TESTING": True}
    )


def test_time_limit_stops_a_long_query(hurried_app: Flask) -> None:
    client = hurried_app.test_client()
    started = time.monotonic()
    response = send(client, "get", CARTESIAN, accept=SPARQL_JSON)
    assert time.monotonic() - started < 5
    assert response.status_code == 503
    assert response.mimetype == "text/plain"
    assert "Retry-After" in response.headers
    # The server is still there for the next query.
    assert boolean(send(client, "get", f"ASK {{ <{ICLEI}> ?p ?o }}", accept=SPARQL_JSON))
    assert count(send(client, "get", COUNT)) > 0


def test_checking_a_long_query_fits_well_within_the_time_limit(hurried_app: Flask) -> None:
    # A long query text that names FROM and SERVICE (here in a comment) is read by the check
    # before it runs: that reading must leave the query time to be answered, here in a second.
    values = " ".join(f'"{i}"' for i in range(40_000))
    query = f"# from service\nSELECT ?x WHERE {{ VALUES ?x {{ {values} }} }} LIMIT 1"
    assert len(query) < 1024 * 1024
    response = hurried_app.test_client().post(
        "/sparql", data=query, content_type="application/sparql-query"
    )
    assert response.status_code == 200, response.get_data(as_text=True)


# CORS


@pytest.mark.parametrize("method", METHODS)
def test_cors_allows_any_origin(client: FlaskClient, method: str) -> None:
    headers = {"Origin": "https://example.org", "Accept": SPARQL_JSON}
    response = {
        "get": lambda: client.get("/sparql", query_string={"query": "ASK {}"}, headers=headers),
        "form": lambda: client.post("/sparql", data={"query": "ASK {}"}, headers=headers),
        "direct": lambda: client.post(
            "/sparql", data="ASK {}", content_type="application/sparql-query", headers=headers
        ),
    }[method]()
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_for_a_direct_post(client: FlaskClient) -> None:
    origin = "https://example.org"
    response = client.options(
        "/sparql",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )
    assert 200 <= response.status_code < 300
    assert response.headers["Access-Control-Allow-Origin"] in ("*", origin)
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
