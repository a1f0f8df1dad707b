"""A remote SPARQL 1.1 store as the back end, in place of the embedded one.

Queries go to the store over the SPARQL 1.1 Protocol with SPARQLWrapper; its answers are read
with Oxigraph's parsers, so the rest of the library sees the same terms from either store.

The dataset sits in the store as :mod:`kuopio_graph.publish` puts it there: every triple,
merged, in one named graph (the *dataset graph*), and each source's triples in a named graph of
their own, as in the embedded store. Every query names that dataset in the protocol
(``default-graph-uri``, ``named-graph-uri``), so it sees what it would see embedded: the
merged graph by default, and the sources by ``GRAPH``, and nothing else the store holds.
"""

from __future__ import annotations

import os
import socket
import time
import urllib.error
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.client import HTTPException, HTTPResponse
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import POST, POSTDIRECTLY, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from .errors import KuopioGraphError, QuerySyntaxError
from .executor import QueryAnswer, QueryJob, graph_answer, solutions_answer, wanted_type
from .formats import RESULT_FORMATS, Format, find
from .guard import check_query, names_graphs
from .namespaces import prefixes
from .serialize import serialize_triples
from .settings import Settings
from .store import QueryKind, QueryResult, Term

USER_VARIABLE = "KUOPIO_STORE_USER"
PASSWORD_VARIABLE = "KUOPIO_STORE_PASSWORD"  # noqa: S105 - a name, not a password
"""The environment variables the store's credentials are read from (never from settings or
flags, so they appear in no command line, file or log)."""

SOLUTIONS = "application/sparql-results+json"
TABLE = "text/tab-separated-values"
TRIPLES = "application/n-triples"
ACCEPT = f"{SOLUTIONS}, {TRIPLES};q=0.9"
GRAPHS = "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?s ?p ?o } }"
"""What the library asks the store for: results as JSON, graphs as N-Triples."""
READ_SIZE = 64 * 1024


class StoreUnavailable(KuopioGraphError):
    """The store could not be reached (it is down, or refuses connections)."""


class StoreTimeout(KuopioGraphError):
    """The store did not answer within the time limit."""


class StoreFailed(KuopioGraphError):
    """The store answered with an error of its own."""


@dataclass(frozen=True)
class Endpoint:
    """Where the store is, and how long it may take to answer."""

    query_url: str
    dataset_graph: str
    """The named graph that holds the whole dataset, merged."""
    timeout: float = 10.0
    timeout_parameter: str = ""
    """The query parameter in which the store takes a time limit in milliseconds (Virtuoso's
    and Fuseki's ``timeout``); empty for a store that takes none. The limit holds here anyway."""
    credentials: tuple[str, str] | None = field(default=None, repr=False)

    @classmethod
    def from_environment(
        cls,
        query_url: str,
        dataset_graph: str,
        timeout: float,
        timeout_parameter: str = "",
        environ: Mapping[str, str] | None = None,
    ) -> Endpoint:
        """The endpoint, with credentials from ``KUOPIO_STORE_USER`` / ``_PASSWORD`` if set."""
        environ = os.environ if environ is None else environ
        user = environ.get(USER_VARIABLE)
        credentials = (user, environ.get(PASSWORD_VARIABLE, "")) if user else None
        return cls(query_url, dataset_graph, timeout, timeout_parameter, credentials)


def remote_store(settings: Settings) -> RemoteStore:
    """The remote store ``settings.store`` names, with its credentials from the environment."""
    endpoint = Endpoint.from_environment(
        settings.store,
        settings.store_graph or dataset_graph(settings.base),
        settings.query_timeout,
        settings.store_timeout_parameter,
    )
    return RemoteStore(settings.base, endpoint)


def dataset_graph(base: str) -> str:
    """The named graph that holds the merged dataset in a remote store, unless set otherwise."""
    return f"{base}graph/dataset"


class RemoteStore:
    """The dataset in a remote SPARQL 1.1 store, read with the embedded store's interface."""

    def __init__(self, base: str, endpoint: Endpoint) -> None:
        self.base = base
        self.prefixes = prefixes(base)
        self.endpoint = endpoint
        self._sources: list[str] | None = None

    def query(
        self,
        sparql: str,
        bindings: Mapping[str, Term] | None = None,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a query the library wrote, over the dataset graph and the sources unless other
        graphs are given. ``bindings`` become a ``VALUES`` block opening its ``WHERE`` clause,
        which any SPARQL 1.1 store understands."""
        text = with_values(sparql, bindings or {})
        defaults = (self.endpoint.dataset_graph,) if default_graphs is None else default_graphs
        named = self.graphs() if named_graphs is None else named_graphs
        return self.query_with(text, defaults, named)

    def query_with(
        self, sparql: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> QueryResult:
        """Run a query with exactly the graphs given in the protocol (none: the store's own
        dataset) and read the whole answer."""
        with self.request(sparql, ACCEPT, default_graphs, named_graphs) as response:
            body = read_within(response, self.endpoint.timeout, time.monotonic())
            media_type = response.headers.get_content_type()
        return self._result(body, media_type)

    def select(
        self, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> list[dict[str, Term]]:
        """Run a SELECT the library itself wrote and return its rows as dicts."""
        result = self.query(sparql, bindings)
        if not isinstance(result.answer, ox.QuerySolutions):
            raise TypeError("select() runs SELECT queries only")
        names = result.variables
        return [
            {name: term for name, term in zip(names, row, strict=True) if term is not None}
            for row in result.answer
        ]

    def __len__(self) -> int:
        """The number of triples in the dataset graph."""
        (row,) = self.select("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")
        return int(row["triples"].value)

    def triples(self, graph: str | None = None) -> Iterator[ox.Triple]:
        """The triples of a source's named graph, or of the dataset graph."""
        scope = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        result = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {scope} }}")
        if result.kind != "graph":
            raise TypeError("a CONSTRUCT answers triples")
        yield from result.answer  # type: ignore[misc]

    def graphs(self) -> list[str]:
        """The sources' named graphs, sorted: those under the base, but the dataset graph."""
        if self._sources is None:
            result = self.query_with(GRAPHS, (), ())
            if not isinstance(result.answer, ox.QuerySolutions):
                raise StoreFailed("the store did not answer the list of graphs with solutions")
            self._sources = sorted(
                name
                for (graph,) in result.answer
                if (name := graph.value).startswith(self.base)
                and name != self.endpoint.dataset_graph
                and "#" not in name
            )
        return self._sources

    def dump(self, fmt: Format) -> bytes:
        """Serialise the dataset graph (triple formats) or every graph (quad formats)."""
        if isinstance(fmt.oxigraph, ox.RdfFormat) and fmt.oxigraph.supports_datasets:
            quads = [_in_graph(triple, ox.DefaultGraph()) for triple in self.triples()]
            for graph in self.graphs():
                name = ox.NamedNode(graph)
                quads += [_in_graph(triple, name) for triple in self.triples(graph)]
            return ox.serialize(quads, format=fmt.oxigraph, prefixes=self.prefixes) or b""
        return serialize_triples(self.triples(), fmt, self.prefixes)

    def prologue(self) -> str:
        """The base and the project's prefixes, which the embedded store predeclares."""
        declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.prefixes.items())
        return f"BASE <{self.base}id/>\n{declared}"

    def request(
        self, text: str, accept: str, default_graphs: Sequence[str], named_graphs: Sequence[str]
    ) -> HTTPResponse:
        """Send ``text``, after the prologue, to the store with exactly the graphs given in the
        protocol, and return the open response."""
        wrapper = SPARQLWrapper(self.endpoint.query_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(POSTDIRECTLY)
        wrapper.setTimeout(max(1, round(self.endpoint.timeout)))
        wrapper.setOnlyConneg(True)  # no format=… parameters: the Accept header says it
        wrapper.addCustomHttpHeader("Accept", accept)
        if self.endpoint.credentials:
            wrapper.setCredentials(*self.endpoint.credentials)
        if self.endpoint.timeout_parameter:
            milliseconds = str(round(self.endpoint.timeout * 1000))
            wrapper.addParameter(self.endpoint.timeout_parameter, milliseconds)
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named_graphs:
            wrapper.addParameter("named-graph-uri", graph)
        wrapper.setQuery(self.prologue() + text)
        try:
            response: HTTPResponse = wrapper.query().response
        except SPARQLWrapperException as error:
            raise _refusal(error) from None
        except urllib.error.HTTPError as error:
            raise StoreFailed(f"the store answered {error.code} {error.reason}") from None
        except (urllib.error.URLError, OSError, HTTPException) as error:
            raise connection_error(error) from None
        return response

    def _result(self, body: bytes, media_type: str) -> QueryResult:
        """The store's answer, parsed by its media type."""
        try:
            if media_type == TRIPLES:
                quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
                return QueryResult("graph", triples, self.prefixes)
            answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except SyntaxError as error:
            raise StoreFailed(f"the store's answer ({media_type}) did not parse: {error}") from None
        kind: QueryKind = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
        return QueryResult(kind, answer, self.prefixes)


class RemoteQueries:
    """Runs the endpoint's queries in the remote store: checked here first (syntax, SERVICE,
    outside graphs), then sent with the time limit, and read no further than the result cap."""

    def __init__(self, store: RemoteStore, max_results: int) -> None:
        self.store = store
        self.max_results = max_results

    def run(self, job: QueryJob) -> QueryAnswer:
        """Check ``job``, have the store answer it, and serialise the answer here."""
        store = self.store
        sources = store.graphs()
        check_query(job.query, sources, store.prefixes)
        kind = query_kind(job.query, store)
        wanted = wanted_type(job, kind)
        accept = {"select": TABLE, "graph": TRIPLES, "ask": SOLUTIONS}[kind]
        if job.default_graphs is None and job.named_graphs is None and names_graphs(job.query):
            dataset: tuple[Sequence[str], Sequence[str]] = ((), ())  # the query's own FROM
        else:
            dataset = (
                _known(job.default_graphs, sources, store.endpoint)
                or (store.endpoint.dataset_graph,),
                _known(job.named_graphs, sources, store.endpoint) or sources,
            )
        started = time.monotonic()
        with store.request(job.query, accept, *dataset) as response:
            # TSV has a header line, then a line per solution; N-Triples a line per triple.
            limit = self.max_results + 1 if kind == "select" else self.max_results
            body = read_within(response, store.endpoint.timeout, started, limit)
        truncated = kind != "ask" and body.count(b"\n") > limit
        if truncated:
            body = b"\n".join(body.split(b"\n", limit)[:limit]) + b"\n"
        if kind == "graph":
            return graph_answer(body, truncated, wanted, store.prefixes)
        if kind == "select":
            return solutions_answer(body, truncated, wanted)
        fmt = find(RESULT_FORMATS, wanted)
        return QueryAnswer(kind, fmt.media_type, store._result(body, SOLUTIONS).serialize(fmt))

    def close(self) -> None:
        """Nothing to release: each query is a request of its own."""


def query_kind(query: str, store: RemoteStore) -> QueryKind:
    """Parse ``query`` here, as the embedded store would (so a malformed one, or an update, is
    refused with Oxigraph's own message), and tell what kind of answer it gives. The parse
    runs against an empty store, and a SELECT or CONSTRUCT is not evaluated at all."""
    try:
        parsed = ox.Store().query(query, base_iri=f"{store.base}id/", prefixes=store.prefixes)
    except SyntaxError as error:
        raise QuerySyntaxError(" ".join(str(error).split())) from None
    if isinstance(parsed, ox.QuerySolutions):
        return "select"
    return "ask" if isinstance(parsed, ox.QueryBoolean) else "graph"


def _known(
    graphs: Sequence[str] | None, sources: Sequence[str], endpoint: Endpoint
) -> tuple[str, ...] | None:
    """The graphs a client named, with every one that is not a source of this dataset replaced
    by a graph that is always empty: embedded, a graph the store does not have is empty, and
    the remote store may hold other graphs that are not this dataset's to show."""
    if graphs is None:
        return None
    empty = f"{endpoint.dataset_graph}#empty"
    return tuple(graph if graph in sources else empty for graph in graphs)


def with_values(sparql: str, bindings: Mapping[str, Term]) -> str:
    """``sparql`` with each binding as a ``VALUES`` block opening its ``WHERE`` clause."""
    if not bindings:
        return sparql
    head, found, rest = sparql.partition("WHERE {")
    if not found:
        raise ValueError("a query with bindings needs a 'WHERE {' clause")
    for name, term in bindings.items():
        if isinstance(term, ox.BlankNode):
            raise ValueError(f"?{name}: a blank node cannot be sent to another store")
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items())
    return f"{head}WHERE {{ {values}{rest}"


def read_within(response: HTTPResponse, timeout: float, started: float, limit: int = -1) -> bytes:
    """The response's body, read before ``started + timeout``; with ``limit`` > 0, only its
    first ``limit`` lines (then the rest is not read at all)."""
    chunks = bytearray()
    try:
        while True:
            if time.monotonic() - started > timeout:
                raise StoreTimeout(f"the store did not answer within {timeout:g} seconds")
            chunk = response.read1(READ_SIZE)
            if not chunk:
                return bytes(chunks)
            chunks += chunk
            if 0 < limit < chunks.count(b"\n"):
                return bytes(chunks)
    except TimeoutError:
        raise StoreTimeout(f"the store did not answer within {timeout:g} seconds") from None
    except (OSError, HTTPException) as error:
        raise StoreUnavailable(f"the store stopped answering: {error}") from None


def _refusal(error: SPARQLWrapperException) -> KuopioGraphError:
    """SPARQLWrapper's error for an HTTP error status, as the library's."""
    message = " ".join(str(error).split())
    if type(error).__name__ == "QueryBadFormed":
        return QuerySyntaxError(f"the store refused the query: {message}")
    return StoreFailed(f"the store answered with an error: {message}")


def connection_error(error: Any) -> KuopioGraphError:
    """A connection error or time-out, as the library's error."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, socket.timeout | TimeoutError):
        return StoreTimeout("the store did not answer within the time limit")
    return StoreUnavailable(f"the store cannot be reached: {reason}")


def _in_graph(triple: ox.Triple, graph: ox.NamedNode | ox.DefaultGraph) -> ox.Quad:
    return ox.Quad(triple.subject, triple.predicate, triple.object, graph)
