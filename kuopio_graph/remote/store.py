"""The dataset in a remote SPARQL 1.1 store, read with the embedded store's interface.

The dataset sits in the store as :mod:`kuopio_graph.remote.publish` puts it there: every
triple, merged, in one named graph (the *dataset graph*), each source's triples in a named
graph of their own, as in the embedded store, and the list of the sources in a small record
graph beside them. Every query names that dataset in the protocol (``default-graph-uri``,
``named-graph-uri``), so it sees what it would see embedded: the merged graph by default, the
sources by ``GRAPH``, and nothing else the store holds. (Virtuoso 7 does not always keep to it:
with ``BIND`` in a ``UNION`` inside ``GRAPH ?g``, ``?g`` can take any of its graphs.)

Blank nodes are matched across answers (a page's statements, then its blank nodes' own), so the
store must give a blank node the same label in every answer, as Oxigraph and Virtuoso do
(:mod:`kuopio_graph.remote.suitability` says so at start-up of a store that does not).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import urlencode

import pyoxigraph as ox

from ..binding import bind
from ..errors import QueryNotSupported, QuerySyntaxError, StoreFailed, StoreTimeout
from ..formats import Format
from ..namespaces import prefixes
from ..serialize import serialize_triples
from ..settings import Settings
from ..store import QueryKind, QueryResult, Store, Term
from .protocol import (
    FORM,
    PASSWORD_VARIABLE,
    SOLUTIONS,
    TRIPLES,
    UPDATE,
    USER_VARIABLE,
    Answer,
    Connection,
    Reading,
    read_within,
)

HAD_MEMBER = "http://www.w3.org/ns/prov#hadMember"
"""Links the dataset graph to each of its sources in the record graph."""
RECORDED_SOURCES = """
SELECT ?graph WHERE { GRAPH ?record { ?dataset prov:hadMember ?graph } }
"""
TRIPLES_QUERY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
GRAPH_TRIPLES = "SELECT ?s ?p ?o WHERE { GRAPH ?graph { ?s ?p ?o } }"
NAMED_GRAPHS = (
    "SELECT DISTINCT ?graph WHERE { GRAPH ?graph {} }",
    "SELECT DISTINCT ?graph WHERE { GRAPH ?graph { ?s ?p ?o } }",
)
"""Every named graph in the store (Virtuoso 7 finds none with the empty pattern)."""
VIRTUOSO = "Virtuoso/"
"""How Virtuoso's ``Server`` header begins."""
VIRTUOSO_DESCRIBE = 'define sql:describe-mode "CBD"'
"""Virtuoso's pragma for a DESCRIBE that gives the resource's statements and those of its
blank nodes (a concise bounded description), as Oxigraph's does; by default Virtuoso also gives
statements that name the resource as their object."""
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
        self._connection = Connection(endpoint.credentials)

    def with_timeout(self, seconds: float) -> RemoteStore:
        """The same store, with another time limit (for building an index, or publishing)."""
        return RemoteStore(self.base, replace(self.endpoint, timeout=seconds))

    def update(self, url: str, update: bytes, reading: Reading | None = None) -> None:
        """Send ``update`` to the store's update endpoint ``url`` and wait for it to be done;
        ``reading`` wraps it as it is sent (a progress bar)."""
        deadline = time.monotonic() + self.endpoint.timeout
        with self._connection.post(url, update, UPDATE, deadline, reading=reading) as answer:
            answer.read()

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a query the library wrote, over the dataset graph and the sources unless other
        graphs are given."""
        deadline = time.monotonic() + self.endpoint.timeout
        defaults = (self.endpoint.dataset_graph,) if default_graphs is None else default_graphs
        named = self.graphs() if named_graphs is None else named_graphs
        return self.query_with(sparql, defaults, named, deadline)

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
        rows = (
            self.select(GRAPH_TRIPLES, {"graph": ox.NamedNode(graph)})
            if graph
            else self.select(TRIPLES_QUERY)
        )
        for row in rows:
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
        for query in NAMED_GRAPHS:
            found = self._values(self.query_with(query, (), ()), "graph")
            if found:
                return found
        return []

    def recorded_sources(self) -> list[str] | None:
        """The sources the record of the last publication lists, or None if there is none."""
        sources = bind(
            RECORDED_SOURCES,
            {
                "record": ox.NamedNode(self.endpoint.record_graph),
                "dataset": ox.NamedNode(self.endpoint.dataset_graph),
            },
        )
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
        text = self.with_prologue(text)
        if self.virtuoso and accept == TRIPLES:
            # A graph answer: a DESCRIBE, described as Oxigraph does (the resource's statements
            # and its blank nodes', not also those that name it), or a CONSTRUCT, which the
            # pragma leaves as it is.
            text = f"{VIRTUOSO_DESCRIBE}\n{text}"
        # In the body, not the URL: a query and its graphs may be long.
        form = [("query", text)]
        form += [("default-graph-uri", graph) for graph in default_graphs]
        form += [("named-graph-uri", graph) for graph in named_graphs]
        if self.endpoint.timeout_parameter:
            remaining = max(deadline - time.monotonic(), 0.0)
            name, _, value = self.endpoint.timeout_parameter.partition("=")
            limit = {"seconds": f"{remaining:.3f}", "milliseconds": str(round(remaining * 1000))}
            form.append((name, value.format(**limit)))
        body = urlencode(form).encode()
        response = self._connection.post(self.endpoint.query_url, body, FORM, deadline, accept)
        self.virtuoso = self.virtuoso or (response.getheader("Server") or "").startswith(VIRTUOSO)
        if response.status != 200 or response.headers.get("X-SQL-State"):
            # 206, or Virtuoso's "anytime" answer: cut short by the store's own time limit.
            response.close()
            raise StoreTimeout("the store gave only part of the answer within its time limit")
        return Answer(response, deadline)

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
