"""The endpoint's query runner on its own, without HTTP: :func:`kuopio_graph.executor.answer`
in this process, and the pool of query processes with its time limit and memory cap."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from rdflib import Graph

from kuopio_graph import (
    GraphStore,
    NoAcceptableFormat,
    QueryFailed,
    QueryJob,
    QueryRefused,
    QuerySyntaxError,
    QueryTimeout,
)
from kuopio_graph.executor import QueryPool, answer, first_lines

JSON = "application/sparql-results+json"
CSV = "text/csv"
TURTLE = "text/turtle"
CARTESIAN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()"
"""A query that must hold every one of billions of rows before it can answer."""


def job(query: str, solutions: str | None = JSON, graph: str | None = TURTLE) -> QueryJob:
    return QueryJob(query, solutions, graph)


def test_a_select_is_answered_in_the_wanted_format(store: GraphStore) -> None:
    query = "SELECT ?s WHERE { ?s a kuopio:ThematicNetwork } ORDER BY ?s"
    answered = answer(store, job(query), max_results=100)
    assert answered.kind == "select"
    assert answered.media_type == JSON
    rows = json.loads(answered.body)["results"]["bindings"]
    assert len(rows) == len(store.select(query)) > 0
    assert not answered.truncated
    as_csv = answer(store, job(query, solutions=CSV), max_results=100)
    assert as_csv.body.decode().splitlines()[0] == "s"


def test_answers_are_cut_at_the_cap_and_say_so(store: GraphStore) -> None:
    select = answer(store, job("SELECT * WHERE { ?s ?p ?o }"), max_results=7)
    assert len(json.loads(select.body)["results"]["bindings"]) == 7
    assert select.truncated
    graph = answer(store, job("CONSTRUCT WHERE { ?s ?p ?o }"), max_results=7)
    assert len(Graph().parse(data=graph.body, format="turtle")) == 7
    assert graph.truncated
    whole = answer(store, job("SELECT * WHERE { ?s ?p ?o } LIMIT 7"), max_results=7)
    assert not whole.truncated


def test_ask_and_construct(store: GraphStore) -> None:
    asked = answer(store, job("ASK { ?s a kuopio:Municipality }"), max_results=10)
    assert json.loads(asked.body)["boolean"] is True
    built = answer(store, job("CONSTRUCT WHERE { ?s a kuopio:Municipality }"), max_results=10)
    assert built.kind == "graph"
    assert built.media_type == TURTLE


def test_a_kind_of_answer_the_client_takes_no_format_of_is_refused(store: GraphStore) -> None:
    with pytest.raises(NoAcceptableFormat):
        answer(store, job("ASK {}", solutions=None), max_results=10)
    with pytest.raises(NoAcceptableFormat):
        answer(store, job("CONSTRUCT WHERE { ?s ?p ?o }", graph=None), max_results=10)


def test_the_check_runs_before_the_engine(store: GraphStore) -> None:
    with pytest.raises(QueryRefused, match="SERVICE"):
        answer(store, job("SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"), 10)
    with pytest.raises(QuerySyntaxError):
        answer(store, job("SELEC * WHERE { ?s ?p ?o }"), 10)


@pytest.mark.parametrize(
    ("written", "limit", "expected"),
    [
        (b"a\nb\nc\n", 5, (b"a\nb\nc\n", False)),
        (b"a\nb\nc\n", 3, (b"a\nb\nc\n", False)),
        (b"a\nb\nc\nd\n", 2, (b"a\nb\n", True)),
    ],
)
def test_first_lines_stops_the_writer(
    written: bytes, limit: int, expected: tuple[bytes, bool]
) -> None:
    def write(sink: object, format: object) -> None:
        for line in written.splitlines(keepends=True):
            sink.write(line)  # type: ignore[attr-defined]

    assert first_lines(write, None, limit) == expected


@pytest.fixture(scope="module")
def pool(store: GraphStore) -> Iterator[QueryPool]:
    running = QueryPool(store, size=1, timeout=1.5, max_results=100, memory=64 * 1024 * 1024)
    yield running
    running.close()


def test_the_pool_answers_as_answer_does(pool: QueryPool, store: GraphStore) -> None:
    query = "SELECT ?s WHERE { ?s a kuopio:Municipality }"
    assert pool.run(job(query)).body == answer(store, job(query), 100).body


def test_the_pool_sends_back_the_clients_mistakes(pool: QueryPool) -> None:
    with pytest.raises(QuerySyntaxError):
        pool.run(job("SELEC *"))


def test_a_query_past_the_time_limit_is_stopped_and_its_worker_replaced(pool: QueryPool) -> None:
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        pool.run(job(CARTESIAN))
    assert time.monotonic() - started < 3
    assert json.loads(pool.run(job("ASK {}")).body)["boolean"] is True


def test_a_query_past_its_memory_is_stopped_and_its_worker_replaced(store: GraphStore) -> None:
    pool = QueryPool(store, size=1, timeout=20, max_results=100, memory=64 * 1024 * 1024)
    try:
        started = time.monotonic()
        with pytest.raises(QueryFailed):
            pool.run(job(HUNGRY))
        assert time.monotonic() - started < 15  # the memory cap, not the time limit
        assert json.loads(pool.run(job("ASK {}")).body)["boolean"] is True
    finally:
        pool.close()
