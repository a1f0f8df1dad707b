"""Publish the dataset into a remote SPARQL 1.1 store, replacing the previous version at once.

The store ends up holding what the embedded store holds: every triple, merged, in the dataset
graph, and each source's triples in its named graph. Publishing goes in three steps:

1. one SPARQL Update ``INSERT DATA`` writes every graph under a temporary name (``…#next``).
   One request, so that a blank node the merged graph shares with a source's graph stays one
   node (the Graph Store Protocol sends each graph as a document of its own, which would split
   it in two);
2. the temporary graphs are counted; if any count differs from here, nothing is replaced;
3. one update moves each temporary graph onto its final name and drops the graphs of sources
   that are gone. A store that runs an update request as one transaction (Oxigraph, Jena
   Fuseki, GraphDB) swaps the whole dataset at once: a query sees the old or the new version.
"""

from __future__ import annotations

import base64
import io
import urllib.error
import urllib.request
from dataclasses import dataclass

import pyoxigraph as ox
from tqdm import tqdm

from .errors import KuopioGraphError
from .remote import Endpoint, RemoteStore, StoreFailed, connection_error
from .store import GraphStore

TEMPORARY = "#next"
"""Appended to a graph's name while its new version is being written."""
UPDATE_TIMEOUT = 600.0
"""Seconds an update may take: loading a large dataset takes the store a while."""
COUNTS = "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } GROUP BY ?graph"


class PublishError(KuopioGraphError):
    """The store did not end up holding what was published; the message says what differs."""


@dataclass(frozen=True)
class Published:
    """What a publication wrote: each graph's name and its number of triples."""

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
    remote = RemoteStore(store.base, endpoint)
    contents = {endpoint.dataset_graph: list(store.triples())}
    contents |= {graph: list(store.triples(graph)) for graph in store.graphs()}
    expected = {graph: len(set(triples)) for graph, triples in contents.items()}
    body = _insert_data({graph + TEMPORARY: triples for graph, triples in contents.items()})
    _send_update(endpoint, update_url, body, progress)
    _check_counts(remote, {graph + TEMPORARY: count for graph, count in expected.items()})
    stale = [graph for graph in remote.graphs() if graph not in contents]
    swap = [f"MOVE SILENT GRAPH <{graph}{TEMPORARY}> TO GRAPH <{graph}>" for graph in contents]
    swap += [f"DROP SILENT GRAPH <{graph}>" for graph in stale]
    _send_update(endpoint, update_url, " ;\n".join(swap).encode(), progress=False)
    _check_counts(remote, expected)
    return Published(expected, stale)


def _insert_data(graphs: dict[str, list[ox.Triple]]) -> bytes:
    """One update that empties the graphs, then writes them with one ``INSERT DATA`` (whose
    N-Triples lines are SPARQL triples as they are)."""
    parts = [f"DROP SILENT GRAPH {ox.NamedNode(graph)} ;\n".encode() for graph in graphs]
    parts.append(b"INSERT DATA {\n")
    for graph, triples in graphs.items():
        parts.append(f"GRAPH {ox.NamedNode(graph)} {{\n".encode())
        parts.append(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
        parts.append(b"}\n")
    parts.append(b"}\n")
    return b"".join(parts)


def _send_update(endpoint: Endpoint, url: str, body: bytes, progress: bool) -> None:
    """POST an update (``application/sparql-update``), with a progress bar over its bytes."""
    headers = {"Content-Type": "application/sparql-update", "Content-Length": str(len(body))}
    if endpoint.credentials:
        pair = ":".join(endpoint.credentials).encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode()
    with tqdm(
        total=len(body),
        unit="B",
        unit_scale=True,
        desc="Publishing",
        disable=None if progress else True,
    ) as bar:
        reader = _Progress(body, bar)
        # The store's own URL, from the command line or settings.
        request = urllib.request.Request(url, data=reader, headers=headers, method="POST")  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=UPDATE_TIMEOUT) as answer:  # noqa: S310
                answer.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip()[:500]
            raise StoreFailed(f"the store refused the update ({error.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as error:
            raise connection_error(error) from None


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
    result = remote.query_with(COUNTS, (), list(expected))
    if not isinstance(result.answer, ox.QuerySolutions):
        raise TypeError("the count query is a SELECT")
    found = {row["graph"].value: int(row["triples"].value) for row in result.answer}
    wrong = [
        f"<{graph}> holds {found.get(graph, 0)} triples, not {count}"
        for graph, count in expected.items()
        if found.get(graph, 0) != count
    ]
    if wrong:
        raise PublishError("the store does not hold what was sent: " + "; ".join(wrong))
