"""Whether a remote store can give what the service needs, asked once at start-up, so that the
service says what is missing instead of serving answers that are silently wrong.

Two things no setting here can make up for: answers longer than the result cap (else the
service cannot tell a whole answer from one the store cut: Virtuoso cuts every answer at its
``ResultSetMaxRows``, 10,000 as Debian installs it), and one label for a blank node in every
answer (pages read a resource's blank nodes in answers of their own).
"""

from __future__ import annotations

import time

import pyoxigraph as ox

from ..binding import bind
from ..errors import StoreUnsuitable
from .protocol import SOLUTIONS, read_within
from .store import RemoteStore

DIGIT = "{ 0 1 2 3 4 5 6 7 8 9 }"
ROWS = (
    "SELECT ?d0 WHERE { " + " ".join(f"VALUES ?d{n} {DIGIT}" for n in range(8)) + " } LIMIT $limit"
)
"""Up to a hundred million rows made of nothing but digits: as many as ``$limit`` asks for."""
BLANK_NODE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o . FILTER(isBlank(?o) && isIRI(?s)) } LIMIT 1"
BLANK_NODE_AGAIN = "SELECT ?o WHERE { ?s ?p ?o . FILTER(isBlank(?o)) }"
"""A blank node, and then its subject's values of that property again, in another answer."""


def check_store(store: RemoteStore, max_results: int) -> None:
    """Raise :class:`StoreUnsuitable`, saying what is missing, unless ``store`` gives answers
    of more than ``max_results`` rows and one label for a blank node in every answer."""
    check_row_cap(store, max_results)
    check_blank_nodes(store)


def check_row_cap(store: RemoteStore, max_results: int) -> None:
    """Ask for ``max_results + 1`` rows made of nothing but digits (no data is read)."""
    wanted = max_results + 1
    probe = bind(ROWS, limit=wanted)
    deadline = time.monotonic() + store.endpoint.timeout
    with store.request(probe, SOLUTIONS, (), (), deadline) as answer:
        rows = len(store.rows(store.parse(read_within(answer), answer.media_type)))
    if rows < wanted:
        raise StoreUnsuitable(
            f"the store gives at most {rows} rows in an answer, and the service needs {wanted}"
            " (max_results + 1) to tell a whole answer from a cut one: raise the store's limit"
            " (Virtuoso: ResultSetMaxRows in the [SPARQL] section of virtuoso.ini) or lower"
            " max_results"
        )


def check_blank_nodes(store: RemoteStore) -> None:
    """Ask for one blank node twice, in two answers: it must have the same label."""
    found = store.select(BLANK_NODE)
    if not found:
        return
    subject, predicate, node = found[0]["s"], found[0]["p"], found[0]["o"]
    if not isinstance(subject, ox.NamedNode) or not isinstance(predicate, ox.NamedNode):
        raise StoreUnsuitable("the store answered a statement that is not RDF")
    again = store.select(BLANK_NODE_AGAIN, {"s": subject, "p": predicate})
    if node not in [row["o"] for row in again]:
        raise StoreUnsuitable(
            "the store gives a blank node a new label in each answer, and pages read a"
            " resource's blank nodes in answers of their own: choose a store that keeps blank"
            " node labels (Oxigraph and Virtuoso do), or give the blank nodes IRIs"
        )
