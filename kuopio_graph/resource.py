"""One resource as RDF: its description for RDF clients, whether the store describes it at
all, and the queries a page offers people to read and run about it.

Every query here is static text; the resource enters it only through
:func:`kuopio_graph.binding.bind`.
"""

from __future__ import annotations

import pyoxigraph as ox

from .binding import bind
from .store import Store

DESCRIPTION = """
CONSTRUCT {
  ?entity ?property ?value .
  ?value ?label_property ?label .
  ?value ?inner_property ?inner_value .
}
WHERE {
  { ?entity ?property ?value }
  UNION
  {
    ?entity ?property ?value .
    FILTER(isIRI(?value))
    VALUES ?label_property { rdfs:label skos:prefLabel }
    ?value ?label_property ?label .
  }
  UNION
  {
    ?entity ?property ?value .
    FILTER(isBlank(?value))
    ?value ?inner_property ?inner_value .
  }
}
"""
"""Every triple about the resource, the labels of what it links to, its blank nodes' triples."""

STATEMENTS = """
SELECT ?entity ?property ?value ?source
WHERE {
  ?entity ?property ?value .
  OPTIONAL { GRAPH ?source { ?entity ?property ?value } }
}
ORDER BY ?property ?value ?source
"""
"""The resource's statements, each with the sources (named graphs) that state it."""

ALL_BACKLINKS = """
SELECT ?subject ?property
WHERE { ?subject ?property ?entity . FILTER(isIRI(?subject)) }
ORDER BY ?property ?subject
"""
"""Every link to the resource, for the query a page offers when it lists only some."""

VALUES_OF = """
SELECT ?value
WHERE { ?entity ?property ?value }
ORDER BY ?value
"""


def describe(store: Store, iri: str) -> list[ox.Triple]:
    """The RDF description of ``iri``; empty if the store says nothing about it."""
    result = store.query(bind(DESCRIPTION, {"entity": ox.NamedNode(iri)}))
    if result.kind != "graph":
        raise TypeError("the description query is a CONSTRUCT")
    return list(result.answer)  # type: ignore[arg-type]


def is_described(store: Store, iri: str) -> bool:
    """Whether the store has any triple with ``iri`` as subject (never, if ``iri`` is not an
    IRI at all)."""
    try:
        entity = ox.NamedNode(iri)
    except ValueError:
        return False
    rows = store.select("SELECT ?entity WHERE { ?entity ?p ?o } LIMIT 1", {"entity": entity})
    return bool(rows)


def statements_query(iri: str) -> str:
    """The query for every statement of ``iri`` with its sources, for people to read and run."""
    return bind(STATEMENTS, {"entity": ox.NamedNode(iri)}).strip()


def backlinks_query(iri: str) -> str:
    """The query for every link to ``iri``, for people to read and run."""
    return bind(ALL_BACKLINKS, {"entity": ox.NamedNode(iri)}).strip()


def values_query(iri: str, prop: str) -> str:
    """The query for every value of ``prop`` on ``iri``, for people to read and run."""
    return bind(VALUES_OF, {"entity": ox.NamedNode(iri), "property": ox.NamedNode(prop)}).strip()
