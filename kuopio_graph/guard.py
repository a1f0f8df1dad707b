"""Refuse, before evaluation, any query that could make the engine reach outside the store.

Oxigraph evaluates ``SERVICE`` by making HTTP requests and has no switch to stop it, so a
query naming ``SERVICE`` is refused here; so is ``FROM`` / ``FROM NAMED`` naming a graph that
is not in the store. A cheap scan passes the many queries that contain neither word; only the
rest are parsed, with rdflib's SPARQL parser, to tell a real clause from a word in a string.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pyparsing import ParseBaseException
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue

from .errors import KuopioGraphError, QuerySyntaxError

MAY_REACH_OUT = re.compile(r"\b(?:service|from)\b", re.IGNORECASE)
MAX_NESTING = 200
"""Deepest nesting of brackets a query may have. Oxigraph's parser recurses once per level
and crashes the process (a stack overflow, not an exception) a few thousand levels down."""


class QueryRefused(KuopioGraphError):
    """A query the endpoint will not run; the message says why."""


def check_query(
    query: str,
    graphs: Collection[str],
    prefixes: dict[str, str],
    protocol_dataset: bool = False,
) -> None:
    """Raise :class:`QueryRefused` if ``query`` nests too deeply, uses SERVICE, or names in
    FROM / FROM NAMED a graph outside ``graphs``.

    With ``protocol_dataset`` (the request names ``default-graph-uri`` or ``named-graph-uri``)
    the query's own FROM and FROM NAMED are not used (SPARQL 1.1 Protocol, 2.1.4), so they are
    not checked either.
    """
    if nesting(query) > MAX_NESTING:
        raise QueryRefused(f"the query nests brackets more than {MAX_NESTING} levels deep")
    if not MAY_REACH_OUT.search(query):
        return
    clauses = _clauses(query)
    if clauses.service:
        raise QueryRefused(
            "SERVICE is not allowed: this endpoint answers from its own data and never"
            " fetches from the network."
        )
    if protocol_dataset:
        return
    for iri in _resolved(clauses, prefixes, named=None):
        if iri not in graphs:
            raise QueryRefused(
                f"FROM <{iri}> names no graph in this dataset; this endpoint never fetches"
                " graphs from elsewhere. GET /.well-known/void lists the graphs it has."
            )


def query_dataset(query: str, prefixes: dict[str, str]) -> tuple[list[str], list[str]] | None:
    """The graphs ``query`` names with ``FROM`` and with ``FROM NAMED``, or None if it names
    its dataset with neither."""
    if not MAY_REACH_OUT.search(query):
        return None
    clauses = _clauses(query)
    if not clauses.dataset:
        return None
    return (
        _resolved(clauses, prefixes, named=False),
        _resolved(clauses, prefixes, named=True),
    )


def _resolved(clauses: _Clauses, prefixes: dict[str, str], named: bool | None) -> list[str]:
    """The IRIs of the ``FROM NAMED`` (``named``), the ``FROM`` (not ``named``) or all
    (``None``) graphs of a query, with prefixed names expanded."""
    declared = {**prefixes, **dict(clauses.prefixes)}
    return [
        term if isinstance(term, str) else declared.get(term[0], "\0") + term[1]
        for is_named, term in clauses.dataset
        if named is None or is_named == named
    ]


def nesting(query: str) -> int:
    """The deepest nesting of ( { [ in ``query``, counting every bracket (even in strings)."""
    depth = deepest = 0
    for character in query:
        if character in "({[":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")}]":
            depth -= 1
    return deepest


@dataclass(frozen=True)
class _Clauses:
    """What a parsed query says that matters here: SERVICE, FROM terms, declared prefixes."""

    service: bool
    dataset: tuple[tuple[bool, str | tuple[str, str]], ...]
    """Each FROM (False) and FROM NAMED (True) graph: an IRI, or a prefixed name's parts."""
    prefixes: tuple[tuple[str, str], ...]


PARSING = threading.Lock()
"""rdflib's parser (pyparsing) keeps state while it parses: one parse at a time per process.
(Over the embedded store each check runs in a query process of its own; over a remote store,
in the web server's threads.)"""


@lru_cache(maxsize=1024)
def _clauses(query: str) -> _Clauses:
    try:
        with PARSING:
            parsed = parseQuery(query)
    except ParseBaseException as error:
        raise QuerySyntaxError(str(error)) from None
    except RecursionError:
        raise QueryRefused("the query is too deeply nested to be checked") from None
    service = False
    dataset: list[tuple[bool, str | tuple[str, str]]] = []
    declared: list[tuple[str, str]] = []
    for node in _walk(parsed):
        if node.name == "ServiceGraphPattern":
            service = True
        elif node.name == "PrefixDecl":
            declared.append((str(node["prefix"] or ""), str(node["iri"])))
        elif node.name == "DatasetClause":
            is_named = "default" not in node
            term = node["named"] if is_named else node["default"]
            if isinstance(term, CompValue):  # a prefixed name; its local part may hold escapes
                local = re.sub(r"\\(.)", r"\1", str(term.get("localname") or ""))
                dataset.append((is_named, (str(term.get("prefix") or ""), local)))
            else:
                dataset.append((is_named, str(term)))
    return _Clauses(service, tuple(dataset), tuple(declared))


def _walk(node: Any) -> Iterator[CompValue]:
    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list | tuple) or hasattr(node, "as_list"):
        for value in node:
            yield from _walk(value)
