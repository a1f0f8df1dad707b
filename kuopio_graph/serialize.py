"""Serialise triples and query results: Oxigraph's own writers, rdflib's for JSON-LD with a
real ``@context``, and a plain table for the terminal."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import Graph

from .errors import UnknownFormat
from .formats import RDF_FORMATS, RESULT_FORMATS, Format, find
from .namespaces import compact

if TYPE_CHECKING:
    from .store import QueryResult


def serialize_triples(triples: Iterable[ox.Triple], fmt: Format, prefixes: dict[str, str]) -> bytes:
    """Write ``triples`` in ``fmt``; JSON-LD comes out compacted against the project's prefixes."""
    if not isinstance(fmt.oxigraph, ox.RdfFormat):
        raise UnknownFormat(f"{fmt.media_type} is not an RDF serialisation")
    if fmt.oxigraph == ox.RdfFormat.JSON_LD:
        return _compact_json_ld(triples, prefixes)
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=prefixes) or b""


def _compact_json_ld(triples: Iterable[ox.Triple], prefixes: dict[str, str]) -> bytes:
    # Oxigraph writes expanded JSON-LD; rdflib compacts it against a context of our prefixes.
    ntriples = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    graph = Graph().parse(data=ntriples, format="nt")
    document = graph.serialize(format="json-ld", context=prefixes, auto_compact=True)
    return json.dumps(json.loads(document), ensure_ascii=False, indent=2).encode()


def serialize_graph(graph: Graph, fmt: Format, prefixes: dict[str, str]) -> bytes:
    """Write an rdflib graph through the same writers as :func:`serialize_triples`."""
    ntriples = graph.serialize(format="nt", encoding="utf-8")
    return serialize_triples(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES), fmt, prefixes)


def render(result: QueryResult, output: str | None) -> str:
    """Format a result for the terminal: a table by default, or any serialisation."""
    if result.kind == "graph":
        return result.serialize(find(RDF_FORMATS, output or "turtle")).decode()
    if output in (None, "table"):
        return table(result)
    return result.serialize(find(RESULT_FORMATS, output)).decode()


def table(result: QueryResult) -> str:
    """A plain aligned text table of SELECT rows, or the ASK answer."""
    if isinstance(result.answer, ox.QueryBoolean):
        return f"{'yes' if bool(result.answer) else 'no'}\n"
    names = result.variables
    rows = [
        [_cell(solution[name], result.prefixes) for name in names] for solution in result.answer
    ]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(names)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(names, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, prefixes: dict[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value if not term.language else f"{term.value}@{term.language}"
    return compact(term.value, prefixes) if isinstance(term, ox.NamedNode) else str(term)
