"""Compare SPARQL answers from different servers, as multisets of normalised tuples.

Literal forms are normalised so that equal values compare equal: numbers by value (``"2"``,
``"2.0"`` and ``"2"^^xsd:decimal`` are one value), ``xsd:string`` as a plain literal, language
tags in lower case. Blank nodes compare equal to any blank node (their labels are local to
an answer). CONSTRUCT answers are compared as sets of triples.
"""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
        "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte",
    )
}  # fmt: skip
PLAIN = {None, XSD + "string"}

Normalised = tuple[str, Any]
"""("select", Counter of row tuples) / ("ask", bool) / ("graph", frozenset of triples)."""


def _literal(value: str, language: str | None, datatype: str | None) -> str:
    if language:
        return f'"{value}"@{language.lower()}'
    if datatype in NUMERIC:
        try:
            number = Decimal(value)
        except InvalidOperation:
            return f'"{value}"^^<{datatype}>'
        return "num:" + (f"{number.normalize():f}" if number.is_finite() else str(number))
    if datatype in PLAIN:
        return f'"{value}"'
    return f'"{value}"^^<{datatype}>'


def _json_term(term: dict[str, str] | None) -> str | None:
    if term is None:
        return None
    kind = term["type"]
    if kind == "uri":
        return f"<{term['value']}>"
    if kind == "bnode":
        return "_:"
    return _literal(term["value"], term.get("xml:lang"), term.get("datatype"))


def _ox_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return "_:"
    if isinstance(term, ox.Literal):
        return _literal(term.value, term.language, term.datatype.value)
    return str(term)


def normalise(kind: str, body: bytes) -> Normalised:
    """An answer in a form that compares equal for equal answers."""
    if kind == "construct":
        triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
        return (
            "graph",
            frozenset(
                (_ox_term(t.subject), _ox_term(t.predicate), _ox_term(t.object)) for t in triples
            ),
        )
    document = json.loads(body)
    if "boolean" in document:
        return ("ask", bool(document["boolean"]))
    names = document["head"]["vars"]
    rows = Counter(
        tuple(_json_term(binding.get(name)) for name in names)
        for binding in document["results"]["bindings"]
    )
    return ("select", rows)


def size(answer: Normalised) -> int:
    """Rows or triples in an answer (1 for ASK)."""
    kind, value = answer
    if kind == "select":
        return sum(value.values())
    if kind == "graph":
        return len(value)
    return 1


def difference(reference: Normalised, other: Normalised) -> str:
    """Empty if the answers agree, else a short account of how they differ."""
    if reference == other:
        return ""
    if reference[0] != other[0]:
        return f"kinds differ: {reference[0]} vs {other[0]}"
    if reference[0] == "ask":
        return f"{reference[1]} vs {other[1]}"
    if reference[0] == "select":
        missing = reference[1] - other[1]
        extra = other[1] - reference[1]
    else:
        missing = Counter(reference[1] - other[1])
        extra = Counter(other[1] - reference[1])
    sample = next(iter(missing or extra), None)
    return (
        f"{size(reference)} vs {size(other)} rows; {sum(missing.values())} missing,"
        f" {sum(extra.values())} extra; e.g. {'missing' if missing else 'extra'} {sample}"
    )
