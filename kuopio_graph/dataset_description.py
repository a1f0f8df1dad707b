"""Describe the dataset and its SPARQL service: VoID with DCAT, and the SPARQL Service
Description.

What the descriptions count is read from the store once (:func:`summarise`); the descriptions
themselves are cheap to build, for the address each request comes in on. Identifiers (the
dataset, the service) stay under the base; addresses (the endpoint, the dumps) are under
``root``, the URL at which clients reach the service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, VOID

from .catalogue import DCATAP, SPDX, Distribution, add_catalogue, void_iri
from .formats import RDF_FORMATS, RESULT_FORMATS
from .geosparql import Evaluated
from .store import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
CC = Namespace("http://creativecommons.org/ns#")
PREFIXES = {
    "void": str(VOID),
    "dcat": str(DCAT),
    "dcatap": str(DCATAP),
    "sd": str(SD),
    "spdx": str(SPDX),
    "formats": str(FORMATS),
}
"""The prefixes the descriptions are written with, beside the project's own."""

# W3C's IRIs for the serialisations the service offers (https://www.w3.org/ns/formats/).
FORMAT_IRIS = {
    "text/turtle": FORMATS.Turtle,
    "application/ld+json": FORMATS["JSON-LD"],
    "application/rdf+xml": FORMATS.RDF_XML,
    "application/n-triples": FORMATS["N-Triples"],
    "application/sparql-results+json": FORMATS.SPARQL_Results_JSON,
    "application/sparql-results+xml": FORMATS.SPARQL_Results_XML,
    "text/csv": FORMATS.SPARQL_Results_CSV,
    "text/tab-separated-values": FORMATS.SPARQL_Results_TSV,
}

CLASS_PARTITIONS = """
SELECT ?class (COUNT(DISTINCT ?resource) AS ?entities)
WHERE { ?resource a ?class }
GROUP BY ?class ORDER BY ?class
"""

PROPERTY_PARTITIONS = """
SELECT ?property (COUNT(*) AS ?triples)
WHERE { ?s ?property ?o }
GROUP BY ?property ORDER BY ?property
"""

TERMS_USED = "SELECT DISTINCT ?term WHERE { { ?s ?term ?o } UNION { ?s a ?term } }"

DISTINCT_SUBJECTS = "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }"
DISTINCT_OBJECTS = "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }"

SOURCE_GRAPHS = """
SELECT ?graph (COUNT(*) AS ?triples) ?title ?license ?page
WHERE {
  GRAPH ?graph { ?s ?p ?o }
  OPTIONAL { ?graph rdfs:label ?title FILTER(LANG(?title) = "en") }
  OPTIONAL { ?graph dct:license ?license }
  OPTIONAL { ?graph foaf:page ?page }
}
GROUP BY ?graph ?title ?license ?page ORDER BY ?graph
"""
"""Each source's named graph, its size, and what its source says of itself: its English title,
and, for a source with a licence of its own (GeoNames), the licence and the page to credit."""

DATED = """
SELECT ?type (MIN(?date) AS ?first) (MAX(?date) AS ?last)
WHERE {
  ?thing ?p ?date
  BIND(DATATYPE(?date) AS ?type)
  FILTER(?type IN (xsd:date, xsd:gYear, xsd:gYearMonth))
  FILTER NOT EXISTS { ?thing a kuopio:SourceDocument }
}
GROUP BY ?type
"""
"""The first and the last date of each type that the data states of anything but its source
documents (their publication dates say when a page was written, not what the facts cover)."""


@dataclass(frozen=True)
class Subset:
    """One source's named graph: its name, size and English title, and the licence and page
    of a source whose data comes under a licence of its own."""

    graph: str
    triples: int
    title: str | None
    license: str | None = None
    page: str | None = None


@dataclass(frozen=True)
class DatasetSummary:
    """What the descriptions say of the data, counted once."""

    base: str
    triples: int
    distinct_subjects: int
    distinct_objects: int
    classes: tuple[tuple[str, int], ...]
    """Each class and how many resources have it."""
    properties: tuple[tuple[str, int], ...]
    """Each property and how many triples use it."""
    vocabularies: tuple[str, ...]
    subsets: tuple[Subset, ...]


def summarise(store: Store) -> DatasetSummary:
    """Count what the descriptions of ``store``'s dataset say (it reads the whole graph)."""
    return DatasetSummary(
        base=store.base,
        triples=len(store),
        distinct_subjects=_count(store, DISTINCT_SUBJECTS),
        distinct_objects=_count(store, DISTINCT_OBJECTS),
        classes=tuple(
            (row["class"].value, int(row["entities"].value))
            for row in store.select(CLASS_PARTITIONS)
        ),
        properties=tuple(
            (row["property"].value, int(row["triples"].value))
            for row in store.select(PROPERTY_PARTITIONS)
        ),
        vocabularies=tuple(vocabularies(store)),
        subsets=tuple(
            Subset(
                row["graph"].value,
                int(row["triples"].value),
                row["title"].value if "title" in row else None,
                row["license"].value if "license" in row else None,
                row["page"].value if "page" in row else None,
            )
            for row in store.select(SOURCE_GRAPHS)
        ),
    )


def dataset_iri(base: str) -> URIRef:
    """The IRI of the dataset, described at ``/.well-known/void``."""
    return void_iri(base, "dataset")


def service_iri(base: str) -> URIRef:
    """The IRI of the SPARQL service, described at ``/sparql``."""
    return URIRef(f"{base}sparql#service")


def catalogue_description(
    base: str,
    root: str,
    modified: date,
    period: tuple[Literal, Literal] | None,
    distributions: Sequence[Distribution],
) -> Graph:
    """The DCAT-AP catalogue of the dataset under ``base``, as served at ``root``."""
    graph = Graph()
    add_catalogue(
        graph,
        dataset=dataset_iri(base),
        service=service_iri(base),
        base=base,
        root=root,
        modified=modified,
        period=period,
        distributions=distributions,
    )
    return graph


def void_description(
    summary: DatasetSummary,
    root: str,
    modified: date,
    period: tuple[Literal, Literal] | None,
    distributions: Sequence[Distribution],
) -> Graph:
    """VoID and the DCAT-AP catalogue of the dataset, as served at ``root``."""
    base = summary.base
    graph = catalogue_description(base, root, modified, period, distributions)
    dataset = dataset_iri(base)
    endpoint = URIRef(f"{root}sparql")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.triples, Literal(summary.triples)))
    graph.add((dataset, VOID.distinctSubjects, Literal(summary.distinct_subjects)))
    graph.add((dataset, VOID.distinctObjects, Literal(summary.distinct_objects)))
    graph.add((dataset, VOID.rootResource, URIRef(f"{base}id/organisation/city-of-kuopio")))
    for namespace in summary.vocabularies:
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))
    graph.add((dataset, VOID.classes, Literal(len(summary.classes))))
    for class_, entities in summary.classes:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(class_)))
        graph.add((partition, VOID.entities, Literal(entities)))
    graph.add((dataset, VOID.properties, Literal(len(summary.properties))))
    for property_, triples in summary.properties:
        partition = BNode()
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(property_)))
        graph.add((partition, VOID.triples, Literal(triples)))
    for source in summary.subsets:
        subset = void_iri(base, source.graph.rstrip("/").rsplit("/", 1)[-1])
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(source.graph)))
        graph.add((subset, DCTERMS.source, URIRef(source.graph)))
        graph.add((subset, VOID.triples, Literal(source.triples)))
        if source.title is not None:
            graph.add((subset, DCTERMS.title, Literal(source.title, lang="en")))
        if source.license is not None:
            graph.add((subset, DCTERMS.license, URIRef(source.license)))
            if source.title is not None:
                graph.add((subset, CC.attributionName, Literal(source.title)))
            if source.page is not None:
                graph.add((subset, CC.attributionURL, URIRef(source.page)))
    for dump in distributions:
        graph.add((dataset, VOID.dataDump, URIRef(root + dump.path)))
    return graph


def service_description(
    summary: DatasetSummary, graphs: Sequence[str], root: str, geosparql: Evaluated
) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``{root}sparql``, with the
    GeoSPARQL functions and aggregates its store evaluates."""
    base = summary.base
    graph = Graph()
    service = service_iri(base)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(f"{root}sparql")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULT_FORMATS + RDF_FORMATS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.media_type]))
    for function in geosparql.functions:
        graph.add((service, SD.extensionFunction, URIRef(function)))
        graph.add((URIRef(function), RDF.type, SD.Function))
    for aggregate in geosparql.aggregates:
        graph.add((service, SD.extensionAggregate, URIRef(aggregate)))
        graph.add((URIRef(aggregate), RDF.type, SD.Aggregate))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, dataset_iri(base)))
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(summary.triples)))
    graph.add(
        (
            default,
            RDFS.comment,
            Literal("The merge of every source's named graph and the ontology.", lang="en"),
        )
    )
    for name in graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph


def vocabularies(store: Store) -> list[str]:
    """The namespaces of every property and class the data uses, sorted."""
    terms = [row["term"].value for row in store.select(TERMS_USED)]
    return sorted({_namespace(term) for term in terms})


def _namespace(iri: str) -> str:
    """The namespace of a term: up to its last '#', else its last '/'."""
    cut = iri.rfind("#") if "#" in iri else iri.rfind("/")
    return iri[: cut + 1]


def _count(store: Store, query: str) -> int:
    (row,) = store.select(query)
    return int(row["n"].value)


def dated_period(store: Store) -> tuple[Literal, Literal] | None:
    """The first and the last date the data states, if it states any.

    ISO 8601 dates, years and months compare as text (``"1965" < "1965-06" < "1965-06-01"``).
    """
    dates = [
        Literal(row[end].value, datatype=URIRef(row["type"].value))
        for row in store.select(DATED)
        for end in ("first", "last")
    ]
    if not dates:
        return None
    return min(dates, key=str), max(dates, key=str)
