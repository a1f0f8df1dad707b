"""The embedded store: an Oxigraph store with the whole dataset, and :class:`Store`, what the
library reads any store through (this one, or a remote one, :mod:`kuopio_graph.remote`).

Each source's triples sit in its named graph and, merged, in the default graph, so queries
see one graph by default and ``GRAPH ?source { … }`` tells which source says what.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeAlias

import pyoxigraph as ox

from .binding import Binding, bind
from .errors import InvalidIRI, QueryNotSupported, QuerySyntaxError, UnknownFormat
from .formats import Format
from .namespaces import prefixes
from .serialize import serialize_triples

QueryKind = Literal["select", "ask", "graph"]
Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass
class QueryResult:
    """The answer to one query: solutions, a boolean or triples, with one way to serialise it."""

    kind: QueryKind
    answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]
    """Solutions, a boolean, or triples (as the engine streams them, or as a list)."""
    prefixes: dict[str, str]

    @property
    def variables(self) -> list[str]:
        """The SELECT variables, in order (empty for ASK and graph results)."""
        if not isinstance(self.answer, ox.QuerySolutions):
            return []
        return [variable.value for variable in self.answer.variables]

    def serialize(self, fmt: Format) -> bytes:
        """Serialise the result; ``fmt`` must suit its kind (graph or solutions)."""
        if isinstance(self.answer, ox.QueryTriples | list):
            return serialize_triples(self.answer, fmt, self.prefixes)
        if not isinstance(fmt.oxigraph, ox.QueryResultsFormat):
            raise UnknownFormat(f"{fmt.media_type} cannot hold SELECT or ASK results")
        return self.answer.serialize(format=fmt.oxigraph) or b""


class Store(ABC):
    """What the library reads the dataset through: the embedded store, or a remote one."""

    base: str
    prefixes: dict[str, str]
    not_solutions: type[Exception] = TypeError
    """What :meth:`rows` raises for an answer with no solutions: embedded, a bug here."""

    @abstractmethod
    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query with the project's prefixes and base."""

    @abstractmethod
    def triples(self, graph: str | None = None) -> Iterator[ox.Triple]:
        """The triples of a named graph, or of the default graph."""

    def with_timeout(self, seconds: float) -> Store:
        """The same store, its queries given ``seconds`` each where the store has a time limit
        (an embedded store has none: the query processes keep it)."""
        return self

    @abstractmethod
    def graphs(self) -> list[str]:
        """The names of the sources' named graphs, sorted."""

    @abstractmethod
    def dump(self, fmt: Format) -> bytes:
        """Serialise the default graph (triple formats) or the whole dataset (quad formats)."""

    def select(
        self,
        sparql: str,
        values: Mapping[str, Binding] | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
    ) -> list[dict[str, Term]]:
        """Run a SELECT the library itself wrote, with ``values``, ``limit`` and ``offset``
        bound into it (:func:`kuopio_graph.binding.bind`), and return its rows as dicts."""
        return self.rows(self.query(bind(sparql, values, limit=limit, offset=offset)))

    def rows(self, result: QueryResult) -> list[dict[str, Term]]:
        """A SELECT's solutions as dicts from variable name to term (unbound ones left out)."""
        if not isinstance(result.answer, ox.QuerySolutions):
            raise self.not_solutions("the query gave no solutions (a SELECT was expected)")
        names = result.variables
        return [
            {name: term for name, term in zip(names, row, strict=True) if term is not None}
            for row in result.answer
        ]

    def __len__(self) -> int:
        """The number of distinct triples in the default graph."""
        (row,) = self.select("SELECT (COUNT(*) AS ?triples) WHERE { ?s ?p ?o }")
        return int(row["triples"].value)


class GraphStore(Store):
    """An in-memory Oxigraph store holding the dataset, with the project's prefixes."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.prefixes = prefixes(base)
        self._store = ox.Store()

    def add(self, content: bytes, fmt: ox.RdfFormat, graph: str | None) -> None:
        """Add triples to the default graph and, when ``graph`` is given, to that named graph;
        a dataset (TriG, N-Quads) to the graphs it names and to the default graph.

        The copies share their blank nodes, so ``GRAPH ?source`` finds every statement.
        """
        if fmt.supports_datasets:
            quads = list(ox.parse(content, format=fmt))
            self._store.extend(
                ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads
            )
            self._store.extend(q for q in quads if isinstance(q.graph_name, ox.NamedNode))
            return
        if graph is None:
            self._store.load(content, format=fmt, to_graph=ox.DefaultGraph())
            return
        quads = list(ox.parse(content, format=fmt))
        for target in (ox.DefaultGraph(), ox.NamedNode(graph)):
            self._store.extend(ox.Quad(q.subject, q.predicate, q.object, target) for q in quads)

    def query(
        self,
        sparql: str,
        default_graphs: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a SPARQL query; the project's prefixes are predeclared.

        ``default_graphs`` and ``named_graphs`` set the dataset, as the SPARQL protocol's
        ``default-graph-uri`` and ``named-graph-uri`` do: either takes the place of the query's
        own FROM and FROM NAMED, and without ``default_graphs`` the default graph stays the
        store's own. Relative IRIs resolve against
        ``{base}id/``, so ``<network/iclei>`` names the resource ``{base}id/network/iclei``.
        """
        try:
            answer = self._store.query(
                sparql,
                base_iri=f"{self.base}id/",
                prefixes=self.prefixes,
                default_graph=_default_graph(default_graphs, named_graphs),
                named_graphs=None if named_graphs is None else list(_iris(named_graphs)),
            )
        except SyntaxError as error:
            # The parser's message, on one line: it can list character ranges over several.
            raise QuerySyntaxError(" ".join(str(error).split())) from None
        except RuntimeError as error:  # what Oxigraph raises for a function it does not know
            raise QueryNotSupported(str(error)) from None
        kind: QueryKind = (
            "select"
            if isinstance(answer, ox.QuerySolutions)
            else "ask"
            if isinstance(answer, ox.QueryBoolean)
            else "graph"
        )
        return QueryResult(kind, answer, self.prefixes)

    def triples(self, graph: str | None = None) -> Iterator[ox.Triple]:
        """The triples of a named graph, or of the default graph."""
        name = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
        for quad in self._store.quads_for_pattern(None, None, None, name):
            yield ox.Triple(quad.subject, quad.predicate, quad.object)

    def graphs(self) -> list[str]:
        """The names of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: Format) -> bytes:
        """Serialise the default graph (triple formats) or the whole dataset (quad formats)."""
        if isinstance(fmt.oxigraph, ox.RdfFormat) and fmt.oxigraph.supports_datasets:
            return self._store.dump(format=fmt.oxigraph, prefixes=self.prefixes) or b""
        return serialize_triples(self.triples(), fmt, self.prefixes)


def _iris(names: Sequence[str]) -> Iterator[ox.NamedNode]:
    for name in names:
        try:
            yield ox.NamedNode(name)
        except ValueError as error:
            raise InvalidIRI(f"not a valid IRI: {name!r} ({error})") from None


def _default_graph(
    default_graphs: Sequence[str] | None, named_graphs: Sequence[str] | None
) -> list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] | ox.DefaultGraph | None:
    """The engine's default graph for a request's dataset: the graphs it names; the store's
    default graph when it names only named graphs (so the query's FROM is not used); else
    None, for the query's own FROM or the store's default graph."""
    if default_graphs is not None:
        return list(_iris(default_graphs))
    return ox.DefaultGraph() if named_graphs is not None else None
