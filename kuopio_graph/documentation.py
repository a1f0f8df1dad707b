"""The ontology and the shapes, documented for people: the ontology's classes and properties
with their statements, and each named shape with its comment and messages."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from .store import Store

ONTOLOGY_TERMS = """
SELECT ?term ?kind WHERE {
  GRAPH ?ontology { ?term a ?kind }
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
}
ORDER BY ?kind ?term
"""


@dataclass(frozen=True)
class OntologyDocumentation:
    """The ontology's classes and properties, and each term's statements by property, as
    (text, language) pairs."""

    classes: list[str]
    properties: list[str]
    statements: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)


def ontology_documentation(store: Store, graph: str) -> OntologyDocumentation:
    """The terms the ontology's named ``graph`` defines, and what it says of each."""
    terms: dict[str, list[str]] = {}
    for row in store.select(ONTOLOGY_TERMS, {"ontology": ox.NamedNode(graph)}):
        terms.setdefault(row["kind"].value, []).append(row["term"].value)
    statements: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for triple in store.triples(graph):
        subject, value = triple.subject, triple.object
        if isinstance(subject, ox.NamedNode) and not isinstance(value, ox.Triple):
            language = value.language if isinstance(value, ox.Literal) else None
            entry = statements.setdefault(subject.value, {})
            entry.setdefault(triple.predicate.value, []).append((value.value, language or ""))
    return OntologyDocumentation(
        classes=terms.get(str(OWL.Class), []),
        properties=terms.get(str(OWL.ObjectProperty), [])
        + terms.get(str(OWL.DatatypeProperty), []),
        statements=statements,
    )


@dataclass(frozen=True)
class ShapeEntry:
    """A named shape as the documentation shows it."""

    iri: str
    comment: str
    messages: dict[str, str]
    path: str

    @property
    def name(self) -> str:
        """The shape's local name, its anchor on the page."""
        return self.iri.rsplit("/", 1)[-1]


def shape_entries(graph: Graph) -> list[ShapeEntry]:
    """Each named shape of the shapes ``graph`` with its comment and messages."""
    shapes = {
        str(s) for kind in (SH.NodeShape, SH.PropertyShape) for s in graph.subjects(RDF.type, kind)
    }
    return [
        ShapeEntry(
            iri=iri,
            comment=str(graph.value(URIRef(iri), RDFS.comment) or ""),
            messages={
                m.language or "": str(m)
                for m in graph.objects(URIRef(iri), SH.message)
                if isinstance(m, Literal)
            },
            path=str(graph.value(URIRef(iri), SH.path) or ""),
        )
        for iri in sorted(shapes)
    ]
