"""The one way values enter the text of a SPARQL query the library writes.

Queries are constants; values reach them only through :func:`bind`, as ``VALUES`` blocks of
terms that Oxigraph writes (``<iri>``, ``"text"@fi``), so an IRI or a literal can never end the
block early, whatever text it came from. The numbers of ``LIMIT`` and ``OFFSET`` take the places
marked ``$limit`` and ``$offset``. The embedded store binds a query's own variables through the
engine's substitutions instead (:meth:`kuopio_graph.store.GraphStore.query`); a query that goes
anywhere else (a remote store, a link for people to read and run) is bound here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

import pyoxigraph as ox

from .scan import TOKEN

Term = ox.NamedNode | ox.Literal
Binding = Term | Sequence[Term]
"""A variable's value, or its values (one row each)."""

PLACES = {"$limit": "limit", "$offset": "offset"}
"""Where the numbers of LIMIT and OFFSET go: variables' syntax, which SPARQL refuses there, so
a query whose numbers were not given does not parse."""


def bind(
    query: str,
    values: Mapping[str, Binding] | None = None,
    *,
    limit: int | None = None,
    offset: int | None = None,
) -> str:
    """``query`` with each of ``values`` bound by a ``VALUES`` block opening the ``WHERE``
    group of the query and of each subquery in it (a variable a group does not use is bound
    there to no effect), and with ``limit`` and ``offset`` in the places marked for them.

    >>> bind("SELECT ?label WHERE { ?entity rdfs:label ?label }",
    ...      {"entity": ox.NamedNode("http://example.org/a")})
    'SELECT ?label WHERE { VALUES ?entity { <http://example.org/a> } ?entity rdfs:label ?label }'
    """
    if not values and limit is None and offset is None:
        return query
    numbers = {"limit": limit, "offset": offset}
    block = " ".join(_values(name, value) for name, value in (values or {}).items())
    groups, places = _layout(query)
    if block and not groups:
        raise ValueError("a query with values to bind needs a WHERE { } group")
    cuts = [(at, at, " " + block) for at in groups] if block else []
    for start, end, place in places:
        number = numbers[PLACES[place]]
        if number is None or number < 0:
            raise ValueError(f"{place} needs a number that is not negative")
        cuts.append((start, end, str(int(number))))
    pieces: list[str] = []
    last = 0
    for start, end, text in sorted(cuts):
        pieces += [query[last:start], text]
        last = end
    pieces.append(query[last:])
    return "".join(pieces)


@lru_cache(maxsize=512)
def _layout(query: str) -> tuple[tuple[int, ...], tuple[tuple[int, int, str], ...]]:
    """Where in ``query`` the ``VALUES`` blocks go (just inside each group that gets one), and
    where the places for numbers are; read once per query text, as the queries are constants.

    The groups that get the blocks are the ``WHERE`` group of the query and of each subquery,
    and each branch of a ``UNION`` (the engine evaluates a branch before joining it with the
    values of the group around it, which for a resource's few statements among a million is
    many times slower)."""
    groups: list[int] = []
    places: list[tuple[int, int, str]] = []
    opened: list[int] = []
    previous = closed = None
    for token in TOKEN.finditer(query):
        kind = token.lastgroup or ""
        text = token.group(kind) if kind else ""
        if kind == "var" and text in PLACES:
            places.append((token.start(kind), token.end(kind), text))
        elif kind == "open" and text == "{":
            opened.append(token.end(kind))
            if previous in ("WHERE", "UNION"):
                groups.append(token.end(kind))
        elif kind == "close" and text == "}" and opened:
            closed = opened.pop()
        elif kind == "word" and text.upper() == "UNION" and previous == "}" and closed is not None:
            groups.append(closed)
        if kind:
            previous = text.upper() if kind == "word" else text
    return tuple(sorted(set(groups))), tuple(places)


def union(queries: Iterable[str]) -> str:
    """One query whose solutions are those of every SELECT in ``queries``, each a subquery."""
    return "SELECT * WHERE {\n" + "\nUNION\n".join(f"{{ {q} }}" for q in queries) + "\n}"


def _values(name: str, value: Binding) -> str:
    if not re.fullmatch(r"\w+", name):
        raise ValueError(f"not a variable name: {name!r}")
    terms = list(value) if isinstance(value, list | tuple) else [value]
    for term in terms:
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise ValueError(f"?{name}: only IRIs and literals can be bound ({term!r})")
    return f"VALUES ?{name} {{ {' '.join(str(term) for term in terms)} }}"


GRAPH_OPERATIONS = ("DROP", "ADD", "MOVE")


def graph_update(operation: str, graph: str, target: str | None = None) -> str:
    """One graph management update, silent if the graph is missing: ``DROP`` a graph, or
    ``ADD`` / ``MOVE`` it to ``target``."""
    if operation not in GRAPH_OPERATIONS or (target is None) != (operation == "DROP"):
        raise ValueError(f"no such graph update: {operation} {graph} {target}")
    text = f"{operation} SILENT GRAPH {ox.NamedNode(graph)}"
    return text if target is None else f"{text} TO GRAPH {ox.NamedNode(target)}"


def graph_data(graph: str, triples: Sequence[ox.Triple]) -> bytes:
    """``GRAPH <graph> { … }`` holding ``triples``, for ``INSERT DATA`` or a template: their
    N-Triples lines are SPARQL triples as they are."""
    written = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    return f"GRAPH {ox.NamedNode(graph)} {{\n".encode() + written + b"}\n"
