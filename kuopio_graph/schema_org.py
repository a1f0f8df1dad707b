"""schema.org markup for search engines, in JSON-LD: the dataset, as dataset search reads it,
and each resource's name, kind and identities.

Every statement is drawn from the graph: the dataset's from its DCAT description, a resource's
from the store, with types mapped to schema.org's.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, SKOS

from .catalogue import PUBLIC, void_iri
from .dataset_description import dataset_iri
from .store import Store

SCHEMA = "https://schema.org/"
CONTEXT: dict[str, Any] = {
    "@vocab": SCHEMA,
    **{
        term: {"@id": SCHEMA + term, "@type": "@id"}
        for term in ("url", "sameAs", "license", "contentUrl")
    },
}
"""Written in the page, so that no reader has to fetch schema.org's context; the terms whose
values are addresses say so, as schema.org's own context does."""
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"

ENTITY = """
SELECT ?entity ?kind ?value WHERE {
  { ?entity a/rdfs:subClassOf* ?value
    FILTER(STRSTARTS(STR(?value), "https://schema.org/")) VALUES ?kind { "type" } }
  UNION { ?entity rdfs:label|skos:prefLabel ?value VALUES ?kind { "name" } }
  UNION { ?entity owl:sameAs|schema:sameAs ?value FILTER(isIRI(?value)) VALUES ?kind { "sameAs" } }
}
"""
"""A resource's schema.org types (its classes and their superclasses), names and identities
elsewhere. (Each kind by ``VALUES``: with ``BIND`` beside a ``FILTER``, Virtuoso 7's compiler
fails with an internal error.)"""


def dataset_markup(description: Graph, base: str) -> dict[str, Any]:
    """A schema.org ``Dataset`` of the dataset under ``base``, from its DCAT ``description``."""
    dataset = dataset_iri(base)
    publisher = description.value(dataset, DCTERMS.publisher)
    licence = description.value(dataset, DCTERMS.license)
    markup: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _texts(description, dataset, DCTERMS.title),
        "description": _texts(description, dataset, DCTERMS.description),
        "url": str(description.value(dataset, DCAT.landingPage)),
        "keywords": _texts(description, dataset, DCAT.keyword),
        "license": str(description.value(licence, SKOS.exactMatch) or licence),
        "isAccessibleForFree": description.value(dataset, DCTERMS.accessRights) == PUBLIC,
        "publisher": {
            "@type": "Organization",
            "@id": str(publisher),
            "name": _texts(description, publisher, FOAF.name),
        },
        "spatialCoverage": [
            {
                "@type": "Place",
                "@id": str(place),
                "name": _texts(description, place, SKOS.prefLabel),
            }
            for place in description.objects(dataset, DCTERMS.spatial)
        ],
    }
    catalogue = void_iri(base, "catalogue")
    if (catalogue, DCAT.dataset, dataset) in description:
        markup["includedInDataCatalog"] = {
            "@type": "DataCatalog",
            "@id": str(catalogue),
            "name": _texts(description, catalogue, DCTERMS.title),
        }
    period = description.value(dataset, DCTERMS.temporal)
    if period is not None:
        start = description.value(period, DCAT.startDate)
        end = description.value(period, DCAT.endDate)
        markup["temporalCoverage"] = f"{start}/{end}"
    markup["distribution"] = [
        {
            "@type": "DataDownload",
            "@id": str(distribution),
            "contentUrl": str(url),
            "encodingFormat": str(description.value(distribution, DCAT.mediaType)).removeprefix(
                MEDIA_TYPES
            ),
        }
        for distribution in sorted(description.objects(dataset, DCAT.distribution), key=str)
        for url in [description.value(distribution, DCAT.downloadURL)]
        if url is not None
    ]
    return markup


def entity_markup(store: Store, iri: str, url: str) -> dict[str, Any]:
    """A schema.org description of the resource ``iri``, whose page is at ``url``: its types,
    names and identities elsewhere (``Thing`` when none of its classes is schema.org's)."""
    found: dict[str, list[ox.NamedNode | ox.BlankNode | ox.Literal]] = {}
    for row in store.select(ENTITY, {"entity": ox.NamedNode(iri)}):
        found.setdefault(row["kind"].value, []).append(row["value"])
    types = sorted({term.value.removeprefix(SCHEMA) for term in found.get("type", [])})
    markup: dict[str, Any] = {
        "@context": CONTEXT,
        "@id": iri,
        "@type": types or "Thing",
        "url": url,
    }
    names = [
        {"@value": term.value, "@language": term.language}
        if isinstance(term, ox.Literal) and term.language
        else term.value
        for term in sorted(found.get("name", []), key=_language_and_text)
    ]
    if names:
        markup["name"] = names
    identities = sorted({term.value for term in found.get("sameAs", [])})
    if identities:
        markup["sameAs"] = identities
    return markup


def _language_and_text(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple[str, str]:
    return (term.language or "" if isinstance(term, ox.Literal) else "", term.value)


def _texts(graph: Graph, subject: Any, predicate: URIRef) -> list[dict[str, str] | str]:
    """Every literal value, as JSON-LD: with its language where it has one."""
    values = sorted(
        (value for value in graph.objects(subject, predicate) if isinstance(value, Literal)),
        key=lambda value: (value.language or "", str(value)),
    )
    return [
        {"@value": str(value), "@language": value.language} if value.language else str(value)
        for value in values
    ]
