"""Publish the dataset into a remote SPARQL 1.1 store, replacing the previous version at once.

The store ends up holding what the embedded store holds: every triple, merged, in the dataset
graph, and each source's triples in its named graph; beside them a record graph lists the
sources, so that the service knows them and the next publication knows what it replaces.
Publishing goes in three steps:

1. one SPARQL Update writes every graph under a temporary name (``…#next``): the triples
   without blank nodes with ``INSERT DATA``, those with blank nodes from the template of an
   ``INSERT { … } WHERE {}`` (Virtuoso 7 refuses blank nodes in ``INSERT DATA``), and the merged
   graph by adding each source's graph to the statements of no source (``ADD``). So a blank node
   the merged graph shares with a source's graph stays one node, in any store (the Graph Store
   Protocol sends each graph as a document of its own, which would split it in two);
2. the temporary graphs are counted; if any count differs from here, they are dropped and
   nothing is replaced;
3. one update moves each temporary graph onto its final name and drops the graphs of sources
   the previous record listed and this one does not. A store that runs an update request as one
   transaction (Oxigraph, Jena Fuseki, GraphDB) swaps the whole dataset at once: a query sees
   the old version or the new one.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from tqdm import tqdm

from ..binding import graph_data, graph_update
from ..errors import KuopioGraphError
from ..store import GraphStore
from .store import HAD_MEMBER, Endpoint, RemoteStore, annex

PUBLISH_TIMEOUT = 600.0
"""Seconds each step may take: a store takes a while to load or count a large dataset."""
COUNTS = "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"
TEMPLATE_QUADS = 1000
"""About the most statements with blank nodes one ``INSERT { … } WHERE {}`` writes."""


class PublishError(KuopioGraphError):
    """The store did not end up holding what was published; the message says what differs."""


@dataclass(frozen=True)
class Published:
    """What a publication wrote: each graph's name and its number of triples, and the graphs
    of sources gone that it dropped."""

    graphs: dict[str, int]
    dropped: list[str]


def update_url_for(query_url: str) -> str | None:
    """The update endpoint beside a query endpoint, for the usual layouts (Oxigraph's
    ``/query`` and ``/update``, Jena Fuseki's ``/sparql`` and ``/update``), else None."""
    for ending in ("/query", "/sparql"):
        if query_url.endswith(ending):
            return query_url[: -len(ending)] + "/update"
    return None


def publish(
    store: GraphStore, endpoint: Endpoint, update_url: str, progress: bool = False
) -> Published:
    """Replace the dataset in the remote store with the contents of ``store``."""
    remote = RemoteStore(store.base, endpoint).with_timeout(PUBLISH_TIMEOUT)
    dataset = endpoint.dataset_graph
    sources = store.graphs()
    record = [
        ox.Triple(ox.NamedNode(dataset), ox.NamedNode(HAD_MEMBER), ox.NamedNode(source))
        for source in sources
    ]
    contents = {dataset: list(store.triples())}
    contents |= {source: list(store.triples(source)) for source in sources}
    contents[endpoint.record_graph] = record
    expected = {graph: len(set(triples)) for graph, triples in contents.items()}
    temporary = {graph: annex(graph, "next") for graph in contents}
    previous = remote.recorded_sources() or []
    writing = _write(contents, temporary, dataset, sources)
    with tqdm(
        total=len(writing), unit="B", unit_scale=True, desc="Publishing", disable=not progress
    ) as bar:
        remote.update(update_url, writing, lambda body: _Progress(body, bar))
    try:
        _check_counts(remote, {temporary[graph]: count for graph, count in expected.items()})
    except KuopioGraphError:
        drop = [graph_update("DROP", name) for name in temporary.values()]
        remote.update(update_url, " ;\n".join(drop).encode())
        raise
    stale = [graph for graph in previous if graph not in contents]
    swap = [graph_update("MOVE", temporary[graph], graph) for graph in contents]
    swap += [graph_update("DROP", graph) for graph in stale]
    remote.update(update_url, " ;\n".join(swap).encode())
    _check_counts(remote, expected)
    return Published(expected, stale)


Quad = tuple[str, ox.Triple]
"""A statement and the graph it is written to."""


def _write(
    contents: dict[str, list[ox.Triple]], names: dict[str, str], dataset: str, sources: list[str]
) -> bytes:
    """One update that empties each graph's temporary copy and writes it: statements without
    blank nodes in one ``INSERT DATA`` (whose N-Triples lines are SPARQL triples as they are),
    those with blank nodes as templates, and the merged graph as its own statements plus each
    source's graph."""
    in_sources = {triple for source in sources for triple in contents[source]}
    written = {graph: contents[graph] for graph in contents if graph != dataset}
    written[dataset] = [triple for triple in contents[dataset] if triple not in in_sources]
    quads = [(names[graph], triple) for graph, triples in written.items() for triple in triples]
    plain = [quad for quad in quads if not _blank_nodes(quad[1])]
    parts = [f"{graph_update('DROP', names[graph])} ;\n".encode() for graph in contents]
    parts.append(b"INSERT DATA {\n" + _graphs(plain) + b"} ;\n")
    for template in _templates([quad for quad in quads if _blank_nodes(quad[1])]):
        parts.append(b"INSERT {\n" + _graphs(template) + b"} WHERE {} ;\n")
    parts += [f"{graph_update('ADD', names[s], names[dataset])} ;\n".encode() for s in sources]
    return b"".join(parts).removesuffix(b" ;\n") + b"\n"


def _graphs(quads: Iterable[Quad]) -> bytes:
    """``GRAPH <name> { … }`` blocks holding ``quads``, in N-Triples."""
    by_graph: dict[str, list[ox.Triple]] = defaultdict(list)
    for graph, triple in quads:
        by_graph[graph].append(triple)
    return b"".join(graph_data(graph, triples) for graph, triples in by_graph.items())


def _blank_nodes(triple: ox.Triple) -> list[ox.BlankNode]:
    return [term for term in (triple.subject, triple.object) if isinstance(term, ox.BlankNode)]


def _templates(quads: list[Quad]) -> Iterator[list[Quad]]:
    """The statements with blank nodes in groups, each a template of its own: a template's
    blank nodes are new nodes, so the statements of one node (and of the nodes it is joined to)
    stay in one group; groups hold one graph's statements, up to about :data:`TEMPLATE_QUADS`.
    (A node in two graphs' statements needs a template over both; Virtuoso 7 writes such a
    template and then answers 500.)"""
    parent: dict[ox.BlankNode, ox.BlankNode] = {}

    def root(node: ox.BlankNode) -> ox.BlankNode:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for _, triple in quads:
        first, *others = _blank_nodes(triple)
        for other in others:
            parent[root(other)] = root(first)
    joined: dict[ox.BlankNode, list[Quad]] = defaultdict(list)
    for quad in quads:
        joined[root(_blank_nodes(quad[1])[0])].append(quad)
    by_graphs: dict[frozenset[str], list[list[Quad]]] = defaultdict(list)
    for group in joined.values():
        by_graphs[frozenset(graph for graph, _ in group)].append(group)
    for groups in by_graphs.values():
        template: list[Quad] = []
        for group in groups:
            template += group
            if len(template) >= TEMPLATE_QUADS:
                yield template
                template = []
        if template:
            yield template


class _Progress(io.BytesIO):
    """The body of a request, advancing a progress bar as it is read."""

    def __init__(self, content: bytes, bar: tqdm) -> None:
        super().__init__(content)
        self.bar = bar

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bar.update(len(chunk))
        return chunk


def _check_counts(remote: RemoteStore, expected: dict[str, int]) -> None:
    """Raise :class:`PublishError` unless each graph holds the expected number of triples."""
    counted = remote.rows(remote.query_with(COUNTS, (), list(expected)))
    found = {row["graph"].value: int(row["triples"].value) for row in counted}
    wrong = [
        f"<{graph}> holds {found.get(graph, 0)} triples, not {count}"
        for graph, count in expected.items()
        if found.get(graph, 0) != count
    ]
    if wrong:
        raise PublishError("the store does not hold what was sent: " + "; ".join(wrong))
