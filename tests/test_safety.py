"""The endpoint is safe by default: budgets, size caps, memory and nesting limits, a cache,
and no input a client can send gives a 5xx."""

from __future__ import annotations

import time
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from kuopio_graph import GraphStore, Settings
from webapp import create_app
from webapp.budget import WINDOW, Budgets
from webapp.caching import ResponseCache
from webapp.limits import MAX_HEADER_LINE, MAX_HEADERS
from webapp.publication import Publication

JSON = "application/sparql-results+json"
LIGHT = "SELECT ?s WHERE { ?s a kuopio:ThematicNetwork }"


def make_app(settings: Settings, store: GraphStore, **values: object) -> Flask:
    return create_app(settings.with_values(values), store=store, config={"TESTING": True})


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_error_budget_answers_429_with_retry_after(settings: Settings, store: GraphStore) -> None:
    client = make_app(settings, store, error_budget=3).test_client()
    for _ in range(3):
        assert client.get("/sparql?query=ASK%20%7B", headers={"Accept": JSON}).status_code == 400
    refused = client.get("/sparql", query_string={"query": LIGHT}, headers={"Accept": JSON})
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "budget" in refused.get_data(as_text=True)


def test_query_time_budget(settings: Settings, store: GraphStore) -> None:
    client = make_app(settings, store, query_budget=0.000001).test_client()
    assert (
        client.get("/sparql", query_string={"query": LIGHT}, headers={"Accept": JSON}).status_code
        == 200
    )
    again = client.get(
        "/sparql", query_string={"query": LIGHT + " LIMIT 1"}, headers={"Accept": JSON}
    )
    assert again.status_code == 429


def test_budgets_recover_after_the_window() -> None:
    clock = Clock()
    budgets = Budgets(query_seconds=10.0, errors=1, clock=clock)
    budgets.charge_error("a")
    with pytest.raises(Exception, match="budget"):
        budgets.check("a")
    budgets.check("b")  # other clients are not affected
    clock.now += WINDOW + 1
    budgets.check("a")


def test_long_urls_answer_414(client: FlaskClient) -> None:
    query = "SELECT * WHERE { ?s ?p ?o } # " + "x" * 9000
    response = client.get(f"/sparql?query={quote(query)}")
    assert response.status_code == 414


def test_large_bodies_answer_413(client: FlaskClient) -> None:
    body = "SELECT * WHERE { ?s ?p ?o } # " + "x" * (2 * 1024 * 1024)
    response = client.post("/sparql", data=body, content_type="application/sparql-query")
    assert response.status_code == 413


def test_long_header_lines_answer_431(client: FlaskClient) -> None:
    fits = {"Accept": JSON, "X-Note": "x" * (MAX_HEADER_LINE - len("X-Note: "))}
    assert client.get("/sparql", query_string={"query": LIGHT}, headers=fits).status_code == 200
    too_long = {**fits, "X-Note": fits["X-Note"] + "x"}
    response = client.get("/sparql", query_string={"query": LIGHT}, headers=too_long)
    assert response.status_code == 431
    assert "X-Note" in response.get_data(as_text=True)


def test_headers_past_64_kb_in_all_answer_431(client: FlaskClient) -> None:
    line = "x" * (MAX_HEADER_LINE - 100)
    headers = {f"X-Note-{i}": line for i in range(MAX_HEADERS // MAX_HEADER_LINE + 1)}
    response = client.get("/", headers=headers)
    assert response.status_code == 431
    assert f"{MAX_HEADERS:,}" in response.get_data(as_text=True)


def test_a_kept_answer_is_not_given_to_a_request_with_headers_past_the_limits(
    client: FlaskClient,
) -> None:
    query = {"query": LIGHT + " # kept, then asked with a long header"}
    assert client.get("/sparql", query_string=query, headers={"Accept": JSON}).status_code == 200
    long_header = {"Accept": JSON, "X-Note": "x" * MAX_HEADER_LINE}
    assert client.get("/sparql", query_string=query, headers=long_header).status_code == 431


def test_deep_nesting_is_refused_before_the_engine_sees_it(client: FlaskClient) -> None:
    query = "SELECT * WHERE " + "{" * 5000 + " ?s ?p ?o " + "}" * 5000
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code == 400
    assert "nests" in response.get_data(as_text=True)


def test_a_query_past_its_memory_is_stopped_and_the_service_goes_on(
    settings: Settings, store: GraphStore
) -> None:
    client = make_app(settings, store, query_memory=64, query_timeout=20).test_client()
    runaway = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()"
    started = time.monotonic()
    response = client.get("/sparql", query_string={"query": runaway}, headers={"Accept": JSON})
    assert response.status_code == 503
    assert time.monotonic() - started < 15  # stopped by the memory cap, not the time limit
    assert (
        client.get("/sparql", query_string={"query": LIGHT}, headers={"Accept": JSON}).status_code
        == 200
    )


def test_identical_requests_are_answered_from_the_cache(
    client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = app.wsgi_app
    assert isinstance(cache, ResponseCache)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o } # cache test"
    before = len(cache.responses)
    first = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert len(cache.responses) == before + 1
    monkeypatch.setattr(Publication, "pool", lambda _: pytest.fail("a query worker was asked"))
    second = client.get("/sparql", query_string={"query": query}, headers={"Accept": JSON})
    assert second.data == first.data
    assert second.headers == first.headers
    monkeypatch.undo()
    as_csv = client.get("/sparql", query_string={"query": query}, headers={"Accept": "text/csv"})
    assert as_csv.content_type.startswith("text/csv")
    assert len(cache.responses) == before + 2


def test_conditional_and_failed_requests_are_not_kept(client: FlaskClient, app: Flask) -> None:
    cache = app.wsgi_app
    assert isinstance(cache, ResponseCache)
    before = len(cache.responses)
    broken = "SELECT * WHERE { # not kept"
    client.get("/sparql", query_string={"query": broken}, headers={"Accept": JSON})
    client.get("/id/no/such/thing-not-kept")
    assert len(cache.responses) == before
    etag = client.get("/?kept=1", headers={"Accept": "text/html"}).headers["ETag"]
    assert len(cache.responses) == before + 1
    again = client.get("/?kept=1", headers={"Accept": "text/html", "If-None-Match": etag})
    assert again.status_code == 304
    assert len(cache.responses) == before + 1


def test_posted_queries_are_kept_by_body(client: FlaskClient) -> None:
    for query in (
        "ASK { ?s ?p ?o }",
        "ASK { ?s <http://example.org/none> ?o }",
        "ASK { ?s ?p ?o }",
    ):
        first = client.post("/sparql", data={"query": query}, headers={"Accept": JSON})
        direct = client.post(
            "/sparql",
            data=query,
            headers={"Accept": JSON, "Content-Type": "application/sparql-query"},
        )
        assert first.json == direct.json == {"head": {}, "boolean": "example.org" not in query}


HOSTILE = st.sampled_from(
    [
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
        "LOAD <file:///etc/passwd>",
        "CLEAR ALL",
        "SELECT * WHERE { ?s ?p ?o } ORDER BY RAND() LIMIT 1",
        'ASK { FILTER(REGEX("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", "(a+)+$")) }',
        "SELECT (STRLEN(CONCAT(" + ",".join(['"x"'] * 500) + ")) AS ?n) {}",
        "\x00\x01\x02",
        "SELECT * WHERE { " + "(" * 300 + " }",
        "PREFIX : <http://x/> SELECT * WHERE { ?s :p ?o } LIMIT -1",
        "DESCRIBE *",
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 5",
    ]
)
QUERIES = st.one_of(st.text(max_size=300), HOSTILE)
ACCEPTS = st.sampled_from(
    ["*/*", JSON, "text/csv", "text/turtle", "text/html", "application/x-nonsense", "", ";;;q=x"]
)


@hypothesis_settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=QUERIES, accept=ACCEPTS, method=st.sampled_from(["get", "form", "direct"]))
def test_no_input_gives_a_server_error(
    client: FlaskClient, query: str, accept: str, method: str
) -> None:
    headers = {"Accept": accept}
    if method == "get":
        response = client.get("/sparql", query_string={"query": query}, headers=headers)
    elif method == "form":
        response = client.post("/sparql", data={"query": query}, headers=headers)
    else:
        response = client.post(
            "/sparql",
            data=query.encode("utf-8", "surrogatepass"),
            headers=headers,
            content_type="application/sparql-query",
        )
    assert response.status_code < 500 or response.status_code == 503, response.get_data(
        as_text=True
    )


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    path=st.text(max_size=80),
    accept=ACCEPTS,
    language=st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=12),
)
def test_no_path_gives_a_server_error(
    client: FlaskClient, path: str, accept: str, language: str
) -> None:
    response = client.get(
        "/",
        # As a WSGI server passes a path: its UTF-8 bytes, one character per byte.
        environ_overrides={
            "PATH_INFO": ("/" + path).encode("utf-8", "surrogatepass").decode("latin-1")
        },
        headers={"Accept": accept, "Accept-Language": language},
    )
    assert response.status_code < 500, (path, response.get_data(as_text=True)[:200])
    location = response.headers.get("Location", "")
    assert not location.startswith(("//", "http://", "https://")) or "localhost" in location


def test_the_service_still_answers_after_the_fuzzing(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": LIGHT}, headers={"Accept": JSON})
    assert response.status_code == 200
