"""Describe the dataset and its SPARQL service: VoID, DCAT and SPARQL Service Description."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, VOID, XSD

from .formats import RDF_FORMATS, RESULT_FORMATS
from .store import Store

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
FORMATS = Namespace("http://www.w3.org/ns/formats/")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")

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
SELECT ?graph (COUNT(*) AS ?triples) ?title
WHERE {
  GRAPH ?graph { ?s ?p ?o }
  OPTIONAL { ?graph rdfs:label ?title FILTER(LANG(?title) = "en") }
}
GROUP BY ?graph ?title ORDER BY ?graph
"""


@dataclass(frozen=True)
class Distribution:
    """A downloadable dump: where it is, what it is, how big and its checksum."""

    url: str
    media_type: str
    byte_size: int
    sha256: str
    compression: str | None = None


def void_description(
    store: Store,
    modified: date,
    distributions: Sequence[Distribution],
) -> Graph:
    """VoID and DCAT for the dataset served under ``store.base``."""
    base = store.base
    graph = Graph(bind_namespaces="rdflib")
    graph.bind("void", VOID)
    graph.bind("dcat", DCAT)
    graph.bind("spdx", SPDX)
    dataset = URIRef(f"{base}.well-known/void#dataset")
    endpoint = URIRef(f"{base}sparql")
    graph.add((dataset, RDF.type, VOID.Dataset))
    graph.add((dataset, RDF.type, DCAT.Dataset))
    for language, title, description in (
        (
            "en",
            "Kuopio's international relationships",
            "The City of Kuopio's international networks, partnerships and representation,"
            " drawn from the city's own page and verified public sources, each fact with its"
            " source.",
        ),
        (
            "fi",
            "Kuopion kansainväliset suhteet",
            "Kuopion kaupungin kansainväliset verkostot, kumppanuudet ja edustus kaupungin omalta "
            "sivulta ja tarkistetuista julkisista lähteistä, jokainen tieto lähteineen.",
        ),
    ):
        graph.add((dataset, DCTERMS.title, Literal(title, lang=language)))
        graph.add((dataset, DCTERMS.description, Literal(description, lang=language)))
    publisher = BNode("publisher")
    graph.add((publisher, RDF.type, FOAF.Organization))
    graph.add((publisher, FOAF.name, Literal("The kuopio-graph project", lang="en")))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCTERMS.license, LICENSE))
    graph.add((dataset, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
    graph.add((dataset, VOID.uriSpace, Literal(f"{base}id/")))
    graph.add((dataset, VOID.sparqlEndpoint, endpoint))
    graph.add((dataset, VOID.triples, Literal(len(store))))
    graph.add((dataset, VOID.distinctSubjects, _count(store, DISTINCT_SUBJECTS)))
    graph.add((dataset, VOID.distinctObjects, _count(store, DISTINCT_OBJECTS)))
    graph.add((dataset, VOID.rootResource, URIRef(f"{base}id/organisation/city-of-kuopio")))
    for namespace in vocabularies(store):
        graph.add((dataset, VOID.vocabulary, URIRef(namespace)))

    classes = store.select(CLASS_PARTITIONS)
    graph.add((dataset, VOID.classes, Literal(len(classes))))
    for row in classes:
        partition = BNode()
        graph.add((dataset, VOID.classPartition, partition))
        graph.add((partition, VOID["class"], URIRef(row["class"].value)))
        graph.add((partition, VOID.entities, Literal(int(row["entities"].value))))
    properties = store.select(PROPERTY_PARTITIONS)
    graph.add((dataset, VOID.properties, Literal(len(properties))))
    for row in properties:
        partition = BNode()
        graph.add((dataset, VOID.propertyPartition, partition))
        graph.add((partition, VOID.property, URIRef(row["property"].value)))
        graph.add((partition, VOID.triples, Literal(int(row["triples"].value))))

    for row in store.select(SOURCE_GRAPHS):
        name = row["graph"].value
        subset = URIRef(f"{base}.well-known/void#{name.rstrip('/').rsplit('/', 1)[-1]}")
        graph.add((dataset, VOID.subset, subset))
        graph.add((subset, RDF.type, VOID.Dataset))
        graph.add((subset, SD.name, URIRef(name)))
        graph.add((subset, DCTERMS.source, URIRef(name)))
        graph.add((subset, VOID.triples, Literal(int(row["triples"].value))))
        if "title" in row:
            graph.add((subset, DCTERMS.title, Literal(row["title"].value, lang="en")))

    for dump in distributions:
        url = URIRef(dump.url)
        graph.add((dataset, VOID.dataDump, url))
        graph.add((dataset, DCAT.distribution, url))
        graph.add((url, RDF.type, DCAT.Distribution))
        graph.add((url, DCAT.downloadURL, url))
        graph.add((url, DCAT.mediaType, _media_type(dump.media_type)))
        if dump.compression:
            graph.add((url, DCAT.compressFormat, _media_type(dump.compression)))
        graph.add((url, DCAT.byteSize, Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)))
        checksum = BNode()
        graph.add((url, SPDX.checksum, checksum))
        graph.add((checksum, RDF.type, SPDX.Checksum))
        graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))

    service = URIRef(f"{base}sparql#service")
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((dataset, DCAT.accessService, service))
    graph.add((dataset, RDFS.seeAlso, endpoint))
    return graph


def service_description(store: Store) -> Graph:
    """The SPARQL 1.1 Service Description of the endpoint at ``{base}sparql``."""
    base = store.base
    graph = Graph(bind_namespaces="rdflib")
    graph.bind("sd", SD)
    graph.bind("void", VOID)
    service = URIRef(f"{base}sparql#service")
    endpoint = URIRef(f"{base}sparql")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, endpoint))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULT_FORMATS + RDF_FORMATS:
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.media_type]))
    dataset = BNode("dataset")
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, RDFS.seeAlso, URIRef(f"{base}.well-known/void#dataset")))
    default = BNode("default-graph")
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add((default, VOID.triples, Literal(len(store))))
    graph.add(
        (
            default,
            RDFS.comment,
            Literal("The merge of every source's named graph and the ontology.", lang="en"),
        )
    )
    for name in store.graphs():
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


def _count(store: Store, query: str) -> Literal:
    (row,) = store.select(query)
    return Literal(int(row["n"].value))


def _media_type(media_type: str) -> URIRef:
    return URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")
