"""The endpoint's queries answered by a remote store: checked here first (syntax, SERVICE,
outside graphs), then sent with the time limit, and read no further than the result cap."""

from __future__ import annotations

import io
import time
from collections.abc import Sequence

import pyoxigraph as ox

from ..errors import StoreFailed
from ..executor import (
    QueryAnswer,
    QueryJob,
    first_lines,
    graph_answer,
    solutions_answer,
    wanted_type,
)
from ..formats import RESULT_FORMATS, find
from ..guard import check_query, query_dataset
from ..store import QueryKind, QueryResult
from .protocol import READ_SIZE, SOLUTIONS, TRIPLES, Answer, boolean, read_within
from .store import Endpoint, RemoteStore, annex, query_kind


class RemoteQueries:
    """Runs the endpoint's queries in the remote store: checked here first (syntax, SERVICE,
    outside graphs), then sent with the time limit, and read no further than the result cap."""

    def __init__(self, store: RemoteStore, max_results: int) -> None:
        self.store = store
        self.max_results = max_results

    def run(self, job: QueryJob) -> QueryAnswer:
        """Check ``job``, have the store answer it, and serialise the answer here."""
        store = self.store
        deadline = time.monotonic() + store.endpoint.timeout
        sources = store.graphs()
        check_query(job.query, sources, store.prefixes, job.has_protocol_dataset)
        kind = query_kind(job.query, store)
        wanted = wanted_type(job, kind)
        accept = TRIPLES if kind == "graph" else SOLUTIONS
        # The protocol's graphs take the place of the query's own FROM: send those when the
        # client gave none, so that no store falls back to every graph it holds.
        named_in_query = query_dataset(job.query, store.prefixes)
        if not job.has_protocol_dataset and named_in_query:
            default, named = named_in_query
        else:
            default = _known(job.default_graphs, sources, store.endpoint) or [
                store.endpoint.dataset_graph
            ]
            named = _known(job.named_graphs, sources, store.endpoint) or sources
        with store.request(job.query, accept, default, named, deadline) as answer:
            if answer.media_type != accept:
                raise StoreFailed(f"the store answered with {answer.media_type}, not {accept}")
            if answer.row_cap is not None and answer.row_cap <= self.max_results:
                raise StoreFailed(f"the store cut its answer at {answer.row_cap} rows")
            try:
                return self._answer(answer, kind, wanted)
            except SyntaxError as error:
                raise StoreFailed(f"the store's answer ({accept}) did not parse: {error}") from None

    def _answer(self, answer: Answer, kind: QueryKind, wanted: str) -> QueryAnswer:
        """The store's answer in the ``wanted`` format, read no further than the result cap:
        N-Triples by lines, results as the parser streams them (through TSV, a line a row)."""
        if kind == "graph":
            lines = read_within(answer, self.max_results).splitlines(keepends=True)
            body = b"".join(lines[: self.max_results])
            truncated = len(lines) > self.max_results
            return graph_answer(body, truncated, wanted, self.store.prefixes)
        stream = io.BufferedReader(answer, READ_SIZE)
        solutions = ox.parse_query_results(stream, format=ox.QueryResultsFormat.XML)
        if kind == "ask":
            fmt = find(RESULT_FORMATS, wanted)
            result = QueryResult("ask", boolean(solutions), self.store.prefixes)
            return QueryAnswer(kind, fmt.media_type, result.serialize(fmt))
        if not isinstance(solutions, ox.QuerySolutions):
            raise StoreFailed("the store answered a SELECT with a boolean")
        # TSV has a header line, then a line per solution.
        table, truncated = first_lines(
            solutions.serialize, ox.QueryResultsFormat.TSV, self.max_results + 1
        )
        return solutions_answer(table, truncated, wanted)

    def close(self) -> None:
        """Nothing to release: each query is a request of its own."""


def _known(
    graphs: Sequence[str] | None, sources: Sequence[str], endpoint: Endpoint
) -> list[str] | None:
    """The graphs a client named, with every one that is not a source of this dataset replaced
    by a graph that is always empty: embedded, a graph the store does not have is empty, and
    the remote store may hold other graphs that are not this dataset's to show."""
    if graphs is None:
        return None
    empty = annex(endpoint.dataset_graph, "empty")
    return [graph if graph in sources else empty for graph in graphs]
