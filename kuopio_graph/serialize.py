"""Serialise triples: Oxigraph's own writers, and rdflib's for JSON-LD with a real ``@context``."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib import Graph

from .errors import UnknownFormat
from .formats import Format


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
