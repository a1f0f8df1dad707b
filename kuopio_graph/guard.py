"""Refuse, before any parser sees it, a query the endpoint will not run.

- **Reaching outside.** Oxigraph evaluates ``SERVICE`` by making HTTP requests and has no switch
  to stop it, so a query naming SERVICE is refused here; so is ``FROM`` / ``FROM NAMED`` naming a
  graph that is not in the store.
- **Too deep, or too long to parse.** Oxigraph's parser recurses once per level of nesting and
  crashes the process (a stack overflow, not an exception) a few hundred brackets down, or a
  couple of thousand ``!`` or ``UNION``; and it reads the arguments of REGEX, SUBSTR, REPLACE and
  GROUP_CONCAT twice, so nesting them doubles the time to parse at each level.
- **Updates**, which this endpoint never runs.

Each is decided from one reading of the text (:func:`kuopio_graph.scan.scan`), in time linear
in its length: about a tenth of a second for a query of a megabyte.
"""

from __future__ import annotations

from collections.abc import Collection

from .errors import KuopioGraphError
from .scan import OPEN_LEVELS, Scan, position, scan

MAX_DEPTH = 1000
"""The deepest a query's parse may go, in levels of about a kilobyte of the parser's stack
(see :mod:`kuopio_graph.scan`: a bracket counts eight, a chained operator or clause one, BIND
three). A query process's stack may be as small as the 2 MiB of the web server's threads it
is forked from, and the deepest constructs overflow that past about 1,600 levels."""
MAX_REREADS = 1_000_000
"""The most times the parser may read a token again, for all the tokens of a query together
(see :mod:`kuopio_graph.scan`): a million takes it about half a second."""
UPDATE_REFUSED = "SPARQL Update is not accepted: this endpoint is read-only."


class QueryRefused(KuopioGraphError):
    """A query the endpoint will not run; the message says why."""


def check_query(
    query: str,
    graphs: Collection[str],
    prefixes: dict[str, str],
    protocol_dataset: bool = False,
) -> None:
    """Raise :class:`QueryRefused` if ``query`` is an update, nests too deeply, would take too
    long to parse, uses SERVICE, or names in FROM / FROM NAMED a graph outside ``graphs``;
    :class:`~kuopio_graph.errors.QuerySyntaxError` if no parser could read it.

    With ``protocol_dataset`` (the request names ``default-graph-uri`` or ``named-graph-uri``)
    the query's own FROM and FROM NAMED are not used (SPARQL 1.1 Protocol, 2.1.4), so they are
    not checked either.
    """
    found = scan(query, MAX_DEPTH, MAX_REREADS)
    if found.update:
        raise QueryRefused(UPDATE_REFUSED)
    if found.depth > MAX_DEPTH:
        raise QueryRefused(
            f"the query nests too deeply (at {position(query, found.deepest)}): brackets, and"
            " the operators and clauses chained within them (!, +, ||, /, |, UNION, OPTIONAL,"
            f" BIND, FILTER, …), may go {MAX_DEPTH} levels deep, a bracket counting"
            f" {OPEN_LEVELS}; deeper, the engine's parser would overflow its stack."
        )
    if found.rereads > MAX_REREADS:
        raise QueryRefused(
            "the query would take the engine's parser too long to read: REGEX, SUBSTR, REPLACE"
            " and GROUP_CONCAT are nested too deeply, and it reads their arguments again at"
            " each level. Compute the inner values with BIND first."
        )
    if found.unclear is not None:
        at, reason = found.unclear
        raise QueryRefused(
            f"the query cannot be checked for SERVICE and FROM (at {position(query, at)}):"
            f" {reason}. Put a space after a '<' that compares two values, and name each"
            " graph as FROM <iri> or FROM prefix:name."
        )
    if found.service is not None:
        raise QueryRefused(
            "SERVICE is not allowed: this endpoint answers from its own data and never"
            f" fetches from the network (at {position(query, found.service)})."
        )
    if protocol_dataset:
        return
    for iri in _resolved(found, prefixes, named=None):
        if iri not in graphs:
            raise QueryRefused(
                f"FROM <{iri}> names no graph in this dataset; this endpoint never fetches"
                " graphs from elsewhere. GET /.well-known/void lists the graphs it has."
            )


def query_dataset(query: str, prefixes: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """The graphs ``query`` names with ``FROM`` and with ``FROM NAMED``, or None if it names
    its dataset with neither."""
    found = scan(query)
    if not found.dataset:
        return None
    return (
        _resolved(found, prefixes, named=False),
        _resolved(found, prefixes, named=True),
    )


def _resolved(found: Scan, prefixes: dict[str, str], named: bool | None) -> list[str]:
    """The IRIs of the ``FROM NAMED`` (``named``), the ``FROM`` (not ``named``) or all
    (``None``) graphs of a query, with prefixed names expanded (an undeclared prefix gives a
    name no graph has)."""
    declared = {**prefixes, **found.prefixes}
    return [
        term if isinstance(term, str) else declared.get(term[0], "\0") + term[1]
        for is_named, term in found.dataset
        if named is None or is_named == named
    ]
