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
    numbers = {"limit": limit, "offset": offset}
    block = " ".join(_values(name, value) for name, value in (values or {}).items())
    tokens = [(token.lastgroup or "", token) for token in TOKEN.finditer(query)]
    groups = _groups(tokens) if block else set()
    pieces: list[str] = []
    last = 0
    for kind, token in tokens:
        text = token.group(kind) if kind else ""
        if kind == "var" and text in PLACES:
            number = numbers[PLACES[text]]
            if number is None or number < 0:
                raise ValueError(f"{text} needs a number that is not negative")
            pieces += [query[last : token.start(kind)], str(int(number))]
            last = token.end(kind)
        elif kind == "open" and token.start(kind) in groups:
            pieces += [query[last : token.end(kind)], " ", block]
            last = token.end(kind)
    pieces.append(query[last:])
    bound = "".join(pieces)
    if block and not groups:
        raise ValueError("a query with values to bind needs a WHERE { } group")
    return bound


def _groups(tokens: list[tuple[str, re.Match[str]]]) -> set[int]:
    """Where the groups that get the ``VALUES`` blocks open: the ``WHERE`` group of the query
    and of each subquery, and each branch of a ``UNION`` (the engine evaluates a branch before
    joining it with the values of the group around it, which for a resource's few statements
    among a million is many times slower)."""
    groups: set[int] = set()
    opened: list[int] = []
    previous = closed = None
    for kind, token in tokens:
        text = token.group(kind) if kind else ""
        if kind == "open" and text == "{":
            at = token.start(kind)
            opened.append(at)
            if previous in ("WHERE", "UNION"):
                groups.add(at)
        elif kind == "close" and text == "}" and opened:
            closed = opened.pop()
        elif kind == "word" and text.upper() == "UNION" and previous == "}" and closed is not None:
            groups.add(closed)
        if kind:
            previous = text.upper() if kind == "word" else text
    return groups


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
