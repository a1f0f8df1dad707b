"""The endpoint is safe by default: budgets, size caps, memory and nesting limits, a cache,
and no input a client can send gives a 5xx: not escapes that name no character, not chains of
operators, not the longest queries the size cap lets through."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from kuopio_graph import GraphStore, ServedDataset, Settings
from kuopio_graph.guard import MAX_DEPTH
from webapp import create_app
from webapp.budget import WINDOW, Budgets
from webapp.limits import MAX_BODY_LENGTH, MAX_HEADER_LINE, MAX_HEADERS
from webapp.response_cache import ResponseCache

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


def test_budgets_recover_after_the_window(tmp_path: Path) -> None:
    clock = Clock()
    budgets = Budgets(query_seconds=10.0, errors=1, path=tmp_path / "budgets", clock=clock)
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
    monkeypatch.setattr(
        ServedDataset, "query_runner", lambda _: pytest.fail("a query worker was asked")
    )
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
        "SELECT (<http://example.org/unknown>(1) AS ?x) {}",
        'SELECT ("\\U00110000" AS ?x) {}',
        "ASK { FILTER(" + "!" * 10_000 + "true) }",
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


# What the query check reads before any parser: escapes, chains of operators, long lists, and
# the longest queries the size cap lets through.

POST_METHODS = st.sampled_from(["get", "form", "direct"])


def ask(client: FlaskClient, method: str, query: str) -> TestResponse:
    """``query`` sent as ``method`` (GET, POST form or POST direct), for SPARQL JSON."""
    headers = {"Accept": JSON}
    if method == "get":
        return client.get("/sparql", query_string={"query": query}, headers=headers)
    if method == "form":
        return client.post("/sparql", data={"query": query}, headers=headers)
    return client.post(
        "/sparql", data=query.encode(), content_type="application/sparql-query", headers=headers
    )


@st.composite
def escapes(draw: st.DrawFn) -> tuple[str, str | None]:
    """A code-point escape as a query may write it (\\u and four hex digits, \\U and eight,
    or a broken one), and the character it names, or None if it names none."""
    point = draw(
        st.one_of(
            st.integers(0, 0x10FFFF),
            st.integers(0xD800, 0xDFFF),  # surrogates
            st.integers(0x110000, 0xFFFFFFFF),  # past the last code point
        )
    )
    form = draw(st.sampled_from(["u", "U", "broken"]))
    if form == "broken":
        return draw(st.sampled_from(["\\u12", "\\U0011000", "\\x41", "\\q", "\\u"])), None
    text = f"\\u{point:04x}" if form == "u" and point <= 0xFFFF else f"\\U{point:08X}"
    names = point <= 0x10FFFF and not 0xD800 <= point <= 0xDFFF
    return text, chr(point) if names else None


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(escape=escapes(), method=POST_METHODS, in_iri=st.booleans())
def test_escapes_are_read_or_refused(
    client: FlaskClient, escape: tuple[str, str | None], method: str, in_iri: bool
) -> None:
    text, character = escape
    term = f"<http://example.org/a{text}b>" if in_iri else f'"a{text}b"'
    response = ask(client, method, f"SELECT ?v WHERE {{ BIND({term} AS ?v) }}")
    if character is None:
        assert response.status_code == 400, response.get_data(as_text=True)
    elif in_iri:  # a character may be one an IRI cannot hold
        assert response.status_code in (200, 400), response.get_data(as_text=True)
    else:
        assert response.status_code == 200, response.get_data(as_text=True)
        (row,) = response.json["results"]["bindings"]
        assert row["v"]["value"] == f"a{character}b"


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    length=st.one_of(st.integers(0, 1200), st.integers(1200, 30_000)),
    operators=st.sampled_from(["!", "!-", "-", "+-", "!+"]),
    between=st.sampled_from(["", " ", "\n", "#!\n", " # ! \n "]),
    method=POST_METHODS,
)
def test_chains_of_unary_operators_are_answered_or_refused(
    client: FlaskClient, length: int, operators: str, between: str, method: str
) -> None:
    chain = between.join(operators[i % len(operators)] for i in range(length))
    query = (
        f"ASK {{ FILTER({chain} true) }}" if operators == "!" else f"SELECT ({chain} 1 AS ?n) {{}}"
    )
    response = ask(client, "direct" if len(query) > 4000 else method, query)
    assert response.status_code in (200, 400), response.get_data(as_text=True)
    if operators == "!":
        if length < MAX_DEPTH - 100:
            assert response.status_code == 200
            assert response.json["boolean"] == (length % 2 == 0)
        elif length > MAX_DEPTH:
            assert response.status_code == 400
            assert "nests too deeply" in response.get_data(as_text=True)


VALUES: dict[str, Callable[[int], str]] = {
    "integers": lambda i: str(i),
    "negative numbers": lambda i: f"-{i}.5",
    "strings": lambda i: f'"value {i}"',
    "escaped strings": lambda i: f'"\\u00e4 \\t {i}"',
    "language strings": lambda i: f'"arvo {i}"@fi',
    "typed literals": lambda i: f'"{i}"^^xsd:integer',
    "IRIs": lambda i: f"<https://example.org/item/{i}#it>",
    "prefixed names": lambda i: f"kuopio:item-{i}",
}


def filled(head: str, item: Callable[[int], str], tail: str, size: int) -> tuple[str, int]:
    """``head``, as many items as fit in ``size`` bytes (one space after each), ``tail``; and
    how many items there are."""
    pieces: list[str] = []
    used = len(head.encode()) + len(tail.encode())
    while True:
        piece = item(len(pieces)) + " "
        if used + len(piece.encode()) > size:
            return head + "".join(pieces) + tail, len(pieces)
        pieces.append(piece)
        used += len(piece.encode())


COUNT_VALUES = "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { "


@hypothesis_settings(
    max_examples=16, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from(sorted(VALUES)),
    size=st.integers(0, 20).map(lambda twentieths: twentieths * MAX_BODY_LENGTH // 20),
)
def test_long_value_lists_are_answered(client: FlaskClient, kind: str, size: int) -> None:
    query, count = filled(COUNT_VALUES, VALUES[kind], "} }", size)
    response = ask(client, "direct", query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.json["results"]["bindings"][0]["n"]["value"] == str(count)


LARGE: dict[str, Callable[[int], tuple[str, int]]] = {
    # Each builds a query of at most the given size, and gives the number it answers.
    "values": lambda size: filled(COUNT_VALUES, VALUES["strings"], "} }", size),
    "IRIs": lambda size: filled(COUNT_VALUES, VALUES["IRIs"], "} }", size),
    "typed literals": lambda size: filled(COUNT_VALUES, VALUES["typed literals"], "} }", size),
    "rows": lambda size: filled(
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES (?a ?b) { ", lambda i: f"({i} -{i})", "} }", size
    ),
    "in": lambda size: (
        filled(
            "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?x { 7 } FILTER(?x IN (",
            lambda i: "7,",
            "7)) }",
            size,
        )[0],
        1,
    ),
    "concat": lambda size: (lambda query, count: (query, 2 * (count + 1)))(
        *filled("SELECT (STRLEN(CONCAT(", lambda i: '"ab",', '"ab")) AS ?n) {}', size)
    ),
    "comment": lambda size: (
        filled("", lambda i: "# from service\n", "SELECT (COUNT(*) AS ?n) {}", size)[0],
        1,
    ),
    "string": lambda size: (f'SELECT (STRLEN("{"x" * (size - 40)}") AS ?n) {{}}', size - 40),
}


@hypothesis_settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(sorted(LARGE)), slack=st.integers(0, 32 * 1024))
def test_valid_queries_just_under_the_size_cap_are_answered(
    client: FlaskClient, settings: Settings, kind: str, slack: int
) -> None:
    query, expected = LARGE[kind](MAX_BODY_LENGTH - slack)
    assert MAX_BODY_LENGTH - slack - 100 < len(query.encode()) <= MAX_BODY_LENGTH - slack
    started = time.monotonic()
    response = ask(client, "direct", query)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert time.monotonic() - started < settings.query_timeout
    assert response.json["results"]["bindings"][0]["n"]["value"] == str(expected)
