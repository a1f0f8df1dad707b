"""A remote SPARQL 1.1 store as the back end, in place of the embedded one.

Queries go to the store over the SPARQL 1.1 Protocol with SPARQLWrapper; its answers are read
with Oxigraph's parsers, so the rest of the library gets the same kinds of terms from either
store.

The dataset sits in the store as :mod:`kuopio_graph.publish` puts it there: every triple,
merged, in one named graph (the *dataset graph*), each source's triples in a named graph of
their own, as in the embedded store, and the list of the sources in a small record graph
beside them. Every query names that dataset in the protocol (``default-graph-uri``,
``named-graph-uri``), so it sees what it would see embedded: the merged graph by default, the
sources by ``GRAPH``, and nothing else the store holds. (Virtuoso 7 does not always keep to it:
with ``BIND`` in a ``UNION`` inside ``GRAPH ?g``, ``?g`` can take any of its graphs.)

Blank nodes are matched across answers (a page's statements, then its blank nodes' own), so the
store must give a blank node the same label in every answer, as Oxigraph and Virtuoso do
(:mod:`kuopio_graph.suitability` says so at start-up of a store that does not). Virtuoso writes
a blank node ``nodeID://b1`` in results where N-Triples has ``_:b1``: both are read as ``_:b1``
(:mod:`kuopio_graph.answers`).
"""

from __future__ import annotations

import io
import os
import re
import time
import urllib.error
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from http.client import HTTPException, HTTPResponse
from typing import Any

import pyoxigraph as ox
from SPARQLWrapper import POST, SELECT, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException, Unauthorized

from .answers import READ_SIZE, SOLUTIONS, TRIPLES, Answer, boolean, read_within
from .authentication import Authenticator
from .errors import (
    KuopioGraphError,
    QueryNotSupported,
    QuerySyntaxError,
    StoreFailed,
    StoreTimeout,
    StoreUnavailable,
)
from .executor import (
    QueryAnswer,
    QueryJob,
    first_lines,
    graph_answer,
    solutions_answer,
    wanted_type,
)
from .formats import RESULT_FORMATS, Format, find
from .guard import check_query, query_dataset
from .namespaces import prefixes
from .serialize import serialize_triples
from .settings import Settings
from .store import QueryKind, QueryResult, Store, Term

USER_VARIABLE = "KUOPIO_STORE_USER"
PASSWORD_VARIABLE = "KUOPIO_STORE_PASSWORD"  # noqa: S105 - a name, not a password
"""The environment variables the store's credentials are read from (never from settings or
flags, so they appear in no command line, file or log)."""

HAD_MEMBER = "http://www.w3.org/ns/prov#hadMember"
"""Links the dataset graph to each of its sources in the record graph."""
UNAVAILABLE_STATUSES = {429, 502, 503}
TIMEOUT_STATUSES = {408, 504}
VIRTUOSO = "Virtuoso/"
"""How Virtuoso's ``Server`` header begins."""
VIRTUOSO_DESCRIBE = 'define sql:describe-mode "CBD"'
"""Virtuoso's pragma for a DESCRIBE that gives the resource's statements and those of its
blank nodes (a concise bounded description), as Oxigraph's does; by default Virtuoso also gives
statements that name the resource as their object."""
VIRTUOSO_TIMED_OUT = "Virtuoso S1T00"
"""How Virtuoso's 500 answer begins when a query ran past its MaxQueryExecutionTime."""
LEADING_BASE = re.compile(r"(?:\s|#[^\n]*\n)*+BASE\s*<[^>]*>", re.IGNORECASE)
"""A ``BASE`` declaration that opens a query, after any white space and comments (each part
read one way only, and never given back: a client's text takes linear time however it is
made)."""


@dataclass(frozen=True)
class Endpoint:
    """Where the store is, and how long it may take to answer."""

    query_url: str
    dataset_graph: str
    """The named graph that holds the whole dataset, merged."""
    timeout: float = 10.0
    timeout_parameter: str = ""
    """A query parameter that gives the store the time limit, as ``name={seconds}`` or
    ``name={milliseconds}`` (``timeout={milliseconds}`` for Virtuoso); empty for none. The
    limit holds here either way."""
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

    @property
    def record_graph(self) -> str:
        """The graph that lists the dataset's sources."""
        return annex(self.dataset_graph, "sources")


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


def annex(graph: str, name: str) -> str:
    """A graph that belongs with ``graph`` (its temporary copy, its record): never a source,
    and never shown to clients."""
    return f"{graph}-{name}" if "#" in graph else f"{graph}#{name}"


class RemoteStore(Store):
    """The dataset in a remote SPARQL 1.1 store, read with the embedded store's interface."""

    not_solutions = StoreFailed  # the store's fault, not a bug here: a 502

    def __init__(self, base: str, endpoint: Endpoint) -> None:
        self.base = base
        self.prefixes = prefixes(base)
        self.endpoint = endpoint
        self._sources: list[str] | None = None
        self.virtuoso = False
        """Whether the store said it is Virtuoso (in its ``Server`` header), whose DESCRIBE is
        asked to describe as Oxigraph does."""
        credentials = endpoint.credentials
        self._authenticator = Authenticator(*credentials) if credentials else None

    def with_timeout(self, seconds: float) -> RemoteStore:
        """The same store, with another time limit (for building an index, or publishing)."""
        return RemoteStore(self.base, replace(self.endpoint, timeout=seconds))

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
        deadline = time.monotonic() + self.endpoint.timeout
        text = with_values(sparql, bindings or {})
        defaults = (self.endpoint.dataset_graph,) if default_graphs is None else default_graphs
        named = self.graphs() if named_graphs is None else named_graphs
        return self.query_with(text, defaults, named, deadline)

    def query_with(
        self,
        sparql: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        deadline: float | None = None,
    ) -> QueryResult:
        """Run a query with exactly the graphs given in the protocol (none: the store's own
        dataset) and read the whole answer, all before ``deadline`` (else the time limit)."""
        deadline = deadline or time.monotonic() + self.endpoint.timeout
        accept = TRIPLES if query_kind(sparql, self) == "graph" else SOLUTIONS
        with self.request(sparql, accept, default_graphs, named_graphs, deadline) as answer:
            if answer.row_cap is not None:
                raise StoreFailed(
                    f"the store cut its answer at {answer.row_cap} rows; the service needs"
                    " whole answers (Virtuoso: raise ResultSetMaxRows in [SPARQL] of"
                    " virtuoso.ini)"
                )
            body = read_within(answer)
        return self.parse(body, answer.media_type)

    def triples(self, graph: str | None = None) -> Iterator[ox.Triple]:
        """The triples of a source's named graph, or of the dataset graph. (Read as solutions:
        Virtuoso cuts a CONSTRUCT at its row cap without saying so, but says so of a SELECT.)"""
        scope = f"GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
        for row in self.select(f"SELECT ?s ?p ?o WHERE {{ {scope} }}"):
            yield _quad(row).triple

    def graphs(self) -> list[str]:
        """The sources' named graphs, sorted, as the record of the last publication lists
        them; without one, the graphs under the base but the dataset graph and its annexes."""
        if self._sources is None:
            self._sources = self.recorded_sources()
            if self._sources is None:
                self._sources = sorted(
                    name
                    for name in self._named_graphs()
                    if name.startswith(self.base)
                    and name != self.endpoint.dataset_graph
                    and "#" not in name
                )
        return self._sources

    def _named_graphs(self) -> list[str]:
        """Every named graph in the store (Virtuoso 7 finds none with an empty pattern)."""
        for pattern in ("{}", "{ ?s ?p ?o }"):
            query = f"SELECT DISTINCT ?graph WHERE {{ GRAPH ?graph {pattern} }}"
            found = self._values(self.query_with(query, (), ()), "graph")
            if found:
                return found
        return []

    def recorded_sources(self) -> list[str] | None:
        """The sources the record of the last publication lists, or None if there is none."""
        record = ox.NamedNode(self.endpoint.record_graph)
        dataset = ox.NamedNode(self.endpoint.dataset_graph)
        sources = f"SELECT ?graph WHERE {{ GRAPH {record} {{ {dataset} <{HAD_MEMBER}> ?graph }} }}"
        listed = sorted(self._values(self.query_with(sources, (), ()), "graph"))
        return listed or None

    def _values(self, result: QueryResult, variable: str) -> list[str]:
        """The values of one variable of a SELECT answer."""
        return [row[variable].value for row in self.rows(result) if variable in row]

    def dump(self, fmt: Format) -> bytes:
        """Serialise the dataset graph (triple formats) or every graph (quad formats; read in
        one answer, so that blank nodes keep one label across graphs)."""
        if not (isinstance(fmt.oxigraph, ox.RdfFormat) and fmt.oxigraph.supports_datasets):
            return serialize_triples(self.triples(), fmt, self.prefixes)
        result = self.query(
            "SELECT ?s ?p ?o ?g WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
        )
        quads = [_quad(row) for row in self.rows(result)]
        return ox.serialize(quads, format=fmt.oxigraph, prefixes=self.prefixes) or b""

    def prologue(self) -> str:
        """The base and the project's prefixes, which the embedded store predeclares."""
        declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in self.prefixes.items())
        return f"BASE <{self.base}id/>\n{declared}"

    def with_prologue(self, query: str) -> str:
        """``query`` after the prologue; after its own base, if it begins by declaring one
        (Virtuoso 7 takes ``BASE`` only before every ``PREFIX``, as SPARQL 1.0 did)."""
        declared = LEADING_BASE.match(query)
        if declared is None:
            return self.prologue() + query
        prefixes = self.prologue().partition("\n")[2]
        return f"{query[: declared.end()]}\n{prefixes}{query[declared.end() :]}"

    def request(
        self,
        text: str,
        accept: str,
        default_graphs: Sequence[str],
        named_graphs: Sequence[str],
        deadline: float,
    ) -> Answer:
        """Send the query ``text``, after the prologue, to the store with exactly the graphs
        given in the protocol, and return its answer, open (a 200 the store did not cut
        short at its time limit)."""
        wrapper = SPARQLWrapper(self.endpoint.query_url)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)  # the graphs go in the body, not in the URL
        wrapper.setOnlyConneg(True)  # no format=… parameters: the Accept header says it
        wrapper.addCustomHttpHeader("Accept", accept)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise StoreTimeout(f"the store did not answer within {self.endpoint.timeout:g} s")
        wrapper.setTimeout(remaining)  # type: ignore[arg-type] # urllib takes any number
        if self.endpoint.timeout_parameter:
            name, _, value = self.endpoint.timeout_parameter.partition("=")
            limit = {"seconds": f"{remaining:.3f}", "milliseconds": str(round(remaining * 1000))}
            wrapper.addParameter(name, value.format(**limit))
        for graph in default_graphs:
            wrapper.addParameter("default-graph-uri", graph)
        for graph in named_graphs:
            wrapper.addParameter("named-graph-uri", graph)
        text = self.with_prologue(text)
        if self.virtuoso and accept == TRIPLES:
            # A graph answer: a DESCRIBE, described as Oxigraph does (the resource's statements
            # and its blank nodes', not also those that name it), or a CONSTRUCT, which the
            # pragma leaves as it is.
            text = f"{VIRTUOSO_DESCRIBE}\n{text}"
        wrapper.setQuery(text)
        # SPARQLWrapper tells a query from an update by keywords anywhere in the text (a prefix
        # named "load:" would make it an update); this is always a query, checked as one here.
        wrapper.queryType = SELECT
        response = self._send(wrapper, deadline)
        self.virtuoso = self.virtuoso or (response.getheader("Server") or "").startswith(VIRTUOSO)
        if response.status != 200 or response.headers.get("X-SQL-State"):
            # 206, or Virtuoso's "anytime" answer: cut short by the store's own time limit.
            response.close()
            raise StoreTimeout("the store gave only part of the answer within its time limit")
        return Answer(response, deadline)

    def _send(self, wrapper: SPARQLWrapper, deadline: float) -> HTTPResponse:
        """Send the request, with the credentials the store asks for (once more if it refuses
        them: a digest's nonce expires)."""
        for attempt in (1, 2):
            if self._authenticator:
                remaining = max(deadline - time.monotonic(), 0.001)
                try:
                    header = self._authenticator.header("POST", wrapper.endpoint, remaining)
                except ValueError as error:
                    raise StoreFailed(f"cannot authenticate with the store: {error}") from None
                wrapper.addCustomHttpHeader("Authorization", header)
            try:
                response: HTTPResponse = wrapper.query().response
                return response
            except Unauthorized:
                if self._authenticator and attempt == 1:
                    self._authenticator.refused()
                    continue
                raise status_error(401) from None
            except SPARQLWrapperException as error:
                raise _refusal(error) from None
            except urllib.error.HTTPError as error:
                raise status_error(error.code) from None
            except (urllib.error.URLError, OSError, HTTPException, ValueError) as error:
                raise connection_error(error) from None
        raise AssertionError("unreachable")

    def parse(self, body: bytes, media_type: str) -> QueryResult:
        """An answer the store gave as XML results or N-Triples."""
        try:
            if media_type == TRIPLES:
                quads = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
                triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
                return QueryResult("graph", triples, self.prefixes)
            if media_type == SOLUTIONS:
                answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.XML)
                kind: QueryKind = "ask" if isinstance(answer, ox.QueryBoolean) else "select"
                return QueryResult(kind, answer, self.prefixes)
        except SyntaxError as error:
            raise StoreFailed(f"the store's answer ({media_type}) did not parse: {error}") from None
        raise StoreFailed(f"the store answered with {media_type}, which is neither asked for")


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


def query_kind(query: str, store: RemoteStore) -> QueryKind:
    """Parse ``query`` here, as the embedded store would (so a malformed one, or an update, is
    refused with Oxigraph's own message), and tell what kind of answer it gives. The parse
    runs against an empty store, and a SELECT or CONSTRUCT is not evaluated at all."""
    try:
        parsed = ox.Store().query(query, base_iri=f"{store.base}id/", prefixes=store.prefixes)
    except SyntaxError as error:
        raise QuerySyntaxError(" ".join(str(error).split())) from None
    except RuntimeError as error:  # a function Oxigraph does not know
        raise QueryNotSupported(str(error)) from None
    if isinstance(parsed, ox.QuerySolutions):
        return "select"
    return "ask" if isinstance(parsed, ox.QueryBoolean) else "graph"


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


def status_error(status: int) -> KuopioGraphError:
    """The library's error for an HTTP error status of the store (its body is not passed on:
    it may hold the store's internals)."""
    if status in UNAVAILABLE_STATUSES:
        return StoreUnavailable(f"the store is unavailable (HTTP {status})")
    if status in TIMEOUT_STATUSES:
        return StoreTimeout(f"the store did not answer in time (HTTP {status})")
    if status == 401:
        return StoreFailed(
            "the store asks for credentials it did not get or refused (HTTP 401): see"
            f" {USER_VARIABLE} and {PASSWORD_VARIABLE}"
        )
    return StoreFailed(f"the store answered with an error (HTTP {status})")


def connection_error(error: Any) -> KuopioGraphError:
    """A connection error or time-out, as the library's error."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):
        return StoreTimeout("the store did not answer within the time limit")
    return StoreUnavailable(f"the store cannot be reached: {reason}")


def _refusal(error: SPARQLWrapperException) -> KuopioGraphError:
    """SPARQLWrapper's error for an HTTP error status, as the library's."""
    if type(error).__name__ == "QueryBadFormed":
        detail = " ".join(str(error).split())[:500]
        return QuerySyntaxError(f"the store refused the query: {detail}")
    if VIRTUOSO_TIMED_OUT in str(error):
        return StoreTimeout("the store stopped the query at its own time limit")
    status = {"EndPointNotFound": 404, "Unauthorized": 401, "URITooLong": 414}
    return status_error(status.get(type(error).__name__, 500))


def _quad(row: dict[str, Term]) -> ox.Quad:
    """A row ``?s ?p ?o ?g`` as a quad (in the default graph if ``?g`` is unbound)."""
    subject, predicate, graph = row["s"], row["p"], row.get("g")
    if (
        isinstance(subject, ox.Literal)
        or not isinstance(predicate, ox.NamedNode)
        or isinstance(graph, ox.Literal)
    ):
        raise StoreFailed("the store answered a quad that is not RDF")
    return ox.Quad(subject, predicate, row["o"], ox.DefaultGraph() if graph is None else graph)
