"""Media-type tables: every serialisation the library and the web app offer, in one place."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from .errors import UnknownFormat


@dataclass(frozen=True)
class Format:
    """One serialisation: its short names, media type, file suffix and Oxigraph format."""

    names: tuple[str, ...]
    media_type: str
    suffix: str
    oxigraph: ox.RdfFormat | ox.QueryResultsFormat

    @property
    def name(self) -> str:
        """The canonical short name."""
        return self.names[0]


RDF_FORMATS: tuple[Format, ...] = (
    Format(("ttl", "turtle"), "text/turtle", "ttl", ox.RdfFormat.TURTLE),
    Format(("jsonld", "json-ld"), "application/ld+json", "jsonld", ox.RdfFormat.JSON_LD),
    Format(("rdfxml", "xml", "rdf"), "application/rdf+xml", "rdf", ox.RdfFormat.RDF_XML),
    Format(("nt", "ntriples"), "application/n-triples", "nt", ox.RdfFormat.N_TRIPLES),
)
"""Triple formats, for graphs; the first is the default."""

DATASET_FORMATS: tuple[Format, ...] = (
    Format(("trig",), "application/trig", "trig", ox.RdfFormat.TRIG),
    Format(("nq", "nquads"), "application/n-quads", "nq", ox.RdfFormat.N_QUADS),
)
"""Quad formats, which keep each source's named graph."""

RESULT_FORMATS: tuple[Format, ...] = (
    Format(("json",), "application/sparql-results+json", "srj", ox.QueryResultsFormat.JSON),
    Format(("xml",), "application/sparql-results+xml", "srx", ox.QueryResultsFormat.XML),
    Format(("csv",), "text/csv", "csv", ox.QueryResultsFormat.CSV),
    Format(("tsv",), "text/tab-separated-values", "tsv", ox.QueryResultsFormat.TSV),
)
"""SELECT and ASK result formats; the first is the default."""


def find(table: tuple[Format, ...], name_or_media_type: str) -> Format:
    """Return the format of ``table`` known by a short name or media type.

    >>> find(RDF_FORMATS, "turtle").media_type
    'text/turtle'
    """
    key = name_or_media_type.lower()
    for fmt in table:
        if key in fmt.names or key == fmt.media_type:
            return fmt
    known = ", ".join(fmt.name for fmt in table)
    raise UnknownFormat(f"unknown format {name_or_media_type!r}; choose one of {known}")


def parser_format(suffix: str) -> ox.RdfFormat | None:
    """Return the Oxigraph parser for a file suffix, or None if files so named are not RDF."""
    return {
        ".ttl": ox.RdfFormat.TURTLE,
        ".nt": ox.RdfFormat.N_TRIPLES,
        ".trig": ox.RdfFormat.TRIG,
        ".nq": ox.RdfFormat.N_QUADS,
    }.get(suffix.lower())
