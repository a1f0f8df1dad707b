"""The dataset as data portals harvest it: a DCAT-AP 3.0.1 catalogue with the dataset, its
dumps and the SPARQL service.

Controlled values are the EU Publications Office's authority IRIs (file types, languages,
licence, access rights, country, data themes) and IANA's media types, written as IRIs and typed
with the classes DCAT-AP's range shapes ask for; nothing is fetched.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SKOS, XSD

SPDX = Namespace("http://spdx.org/rdf/terms#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
AUTHORITY = Namespace("http://publications.europa.eu/resource/authority/")
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
ATTRIBUTION = URIRef("http://purl.org/adms/licencetype/Attribution")
SPARQL_PROTOCOL = URIRef("https://www.w3.org/TR/sparql11-protocol/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")

LICENCE = AUTHORITY["licence/CC_BY_4_0"]
PUBLIC = AUTHORITY["access-right/PUBLIC"]
FINLAND = AUTHORITY["country/FIN"]
LANGUAGES = (AUTHORITY["language/FIN"], AUTHORITY["language/ENG"])
"""The languages of the labels and descriptions: Finnish and English."""
THEMES = {
    AUTHORITY["data-theme/INTR"]: "International issues",
    AUTHORITY["data-theme/GOVE"]: "Government and public sector",
    AUTHORITY["data-theme/REGI"]: "Regions and cities",
}
"""The EU data themes the dataset falls under, with their English names."""
THEME_SCHEME = AUTHORITY["data-theme"]

FILE_TYPES = {
    "text/turtle": ("RDF_TURTLE", "Turtle"),
    "application/n-triples": ("RDF_N_TRIPLES", "N-Triples"),
    "application/ld+json": ("JSON_LD", "JSON-LD"),
    "application/rdf+xml": ("RDF_XML", "RDF/XML"),
    "application/trig": ("RDF_TRIG", "TriG"),
    "application/n-quads": ("RDF_N_QUADS", "N-Quads"),
}
"""Each dump's media type: its EU file type and the name people know it by."""
QUAD_TYPES = ("application/trig", "application/n-quads")
"""Media types of dumps that keep each source's named graph."""

TITLE = {
    "en": "Kuopio's international relationships",
    "fi": "Kuopion kansainväliset suhteet",
}
DESCRIPTION = {
    "en": "The City of Kuopio's international networks, partnerships and representation,"
    " drawn from the city's own page and verified public sources, each fact with its source.",
    "fi": "Kuopion kaupungin kansainväliset verkostot, kumppanuudet ja edustus kaupungin omalta "
    "sivulta ja tarkistetuista julkisista lähteistä, jokainen tieto lähteineen.",
}
KEYWORDS = {
    "en": ("Kuopio", "international relations", "international networks", "twin towns"),
    "fi": ("Kuopio", "kansainvälinen toiminta", "kansainväliset verkostot", "ystävyyskaupungit"),
}
CATALOGUE_TITLE = {
    "en": "Kuopio's international relationships: data catalogue",
    "fi": "Kuopion kansainväliset suhteet: aineistoluettelo",
}
CATALOGUE_DESCRIPTION = {
    "en": "The dataset of the City of Kuopio's international relationships, its dumps and the"
    " SPARQL service that publishes it.",
    "fi": "Kuopion kaupungin kansainvälisten suhteiden aineisto, sen latauspaketit ja sen"
    " julkaiseva SPARQL-palvelu.",
}
SERVICE_TITLE = {
    "en": "SPARQL endpoint of Kuopio's international relationships",
    "fi": "Kuopion kansainväliset suhteet -aineiston SPARQL-rajapinta",
}
SERVICE_DESCRIPTION = {
    "en": "A SPARQL 1.1 Protocol endpoint over the whole dataset, read-only, with a time limit"
    " and a result cap on every query.",
    "fi": "SPARQL 1.1 -protokollan mukainen rajapinta koko aineistoon: vain luku, ja jokaisella"
    " kyselyllä on aikaraja ja tulosten enimmäismäärä.",
}
PUBLISHER_NAME = {"en": "The kuopio-graph project", "fi": "kuopio-graph-projekti"}


@dataclass(frozen=True)
class Distribution:
    """A downloadable dump: where it is under the service, what it is, its size and checksum."""

    path: str
    """The dump's path under the service's root (``dumps/kuopio.ttl``)."""
    media_type: str
    compression: str | None = None
    """The media type of its compression (``application/gzip``), if any."""
    byte_size: int | None = None
    sha256: str | None = None
    """Its size and checksum, where the dump has been built to measure them."""


def void_iri(base: str, name: str) -> URIRef:
    """The IRI of ``name`` (the dataset, the catalogue, their publisher), described at
    ``/.well-known/void``."""
    return URIRef(f"{base}.well-known/void#{name}")


def add_catalogue(
    graph: Graph,
    *,
    dataset: URIRef,
    service: URIRef,
    base: str,
    root: str,
    modified: date,
    period: tuple[Literal, Literal] | None,
    distributions: Sequence[Distribution],
) -> None:
    """Add to ``graph`` the DCAT-AP description of ``dataset``, its distributions, the SPARQL
    ``service`` and the catalogue that lists them, with addresses under ``root``."""
    catalogue = void_iri(base, "catalogue")
    publisher = void_iri(base, "publisher")
    home = URIRef(root)
    endpoint = URIRef(f"{root}sparql")
    _add_vocabulary(graph)

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, RDF.type, FOAF.Organization))
    _add_texts(graph, publisher, FOAF.name, PUBLISHER_NAME)
    graph.add((home, RDF.type, FOAF.Document))

    for resource, kind, title, description in (
        (catalogue, DCAT.Catalog, CATALOGUE_TITLE, CATALOGUE_DESCRIPTION),
        (dataset, DCAT.Dataset, TITLE, DESCRIPTION),
    ):
        graph.add((resource, RDF.type, kind))
        _add_texts(graph, resource, DCTERMS.title, title)
        _add_texts(graph, resource, DCTERMS.description, description)
        graph.add((resource, DCTERMS.publisher, publisher))
        graph.add((resource, DCTERMS.license, LICENCE))
        graph.add((resource, DCTERMS.spatial, FINLAND))
        graph.add((resource, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
        for language in LANGUAGES:
            graph.add((resource, DCTERMS.language, language))

    graph.add((catalogue, FOAF.homepage, home))
    graph.add((catalogue, DCAT.themeTaxonomy, THEME_SCHEME))
    graph.add((catalogue, DCAT.dataset, dataset))
    graph.add((catalogue, DCAT.service, service))

    _add_subject(graph, dataset)
    graph.add((dataset, DCTERMS.accessRights, PUBLIC))
    graph.add((dataset, DCAT.landingPage, home))
    graph.add((dataset, DCAT.accessService, service))
    if period is not None:
        coverage = void_iri(base, "period")
        graph.add((dataset, DCTERMS.temporal, coverage))
        graph.add((coverage, RDF.type, DCTERMS.PeriodOfTime))
        graph.add((coverage, DCAT.startDate, period[0]))
        graph.add((coverage, DCAT.endDate, period[1]))

    for dump in distributions:
        _add_dump(graph, dataset, base, root, dump)

    queries = URIRef(f"{base}sparql#distribution")
    graph.add((dataset, DCAT.distribution, queries))
    graph.add((queries, RDF.type, DCAT.Distribution))
    graph.add((queries, DCAT.accessURL, endpoint))
    graph.add((queries, DCAT.accessService, service))
    graph.add((queries, DCTERMS.format, _file_type(graph, "SPARQLQ")))
    graph.add((queries, DCTERMS.license, LICENCE))
    _add_texts(
        graph,
        queries,
        DCTERMS.description,
        {
            "en": "The whole dataset through the SPARQL endpoint.",
            "fi": "Koko aineisto SPARQL-rajapinnan kautta.",
        },
    )

    graph.add((service, RDF.type, DCAT.DataService))
    _add_texts(graph, service, DCTERMS.title, SERVICE_TITLE)
    _add_texts(graph, service, DCTERMS.description, SERVICE_DESCRIPTION)
    _add_subject(graph, service)
    graph.add((service, DCAT.endpointURL, endpoint))
    graph.add((service, DCAT.endpointDescription, endpoint))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, SPARQL_PROTOCOL))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCTERMS.license, LICENCE))
    graph.add((service, DCTERMS.accessRights, PUBLIC))


def _add_dump(graph: Graph, dataset: URIRef, base: str, root: str, dump: Distribution) -> None:
    """One dump: identified under the base, downloaded from under ``root``."""
    distribution = URIRef(base + dump.path)
    url = URIRef(root + dump.path)
    file_type, name = FILE_TYPES[dump.media_type]
    graph.add((dataset, DCAT.distribution, distribution))
    graph.add((distribution, RDF.type, DCAT.Distribution))
    graph.add((distribution, DCAT.accessURL, url))
    graph.add((distribution, DCAT.downloadURL, url))
    graph.add((distribution, DCAT.mediaType, _media_type(graph, dump.media_type)))
    graph.add((distribution, DCTERMS.format, _file_type(graph, file_type)))
    if dump.compression:
        graph.add((distribution, DCAT.compressFormat, _media_type(graph, dump.compression)))
    graph.add((distribution, DCTERMS.license, LICENCE))
    graph.add((distribution, DCTERMS.title, Literal(dump.path.rsplit("/", 1)[-1])))
    whole, whole_fi = (
        ("Every source's named graph", "Jokaisen lähteen nimetty graafi")
        if dump.media_type in QUAD_TYPES
        else (
            "The whole dataset, the merge of every source,",
            "Koko aineisto, lähteet yhdistettyinä,",
        )
    )
    gzip = (", compressed with gzip", ", gzip-pakattuna") if dump.compression else ("", "")
    _add_texts(
        graph,
        distribution,
        DCTERMS.description,
        {"en": f"{whole} in {name}{gzip[0]}.", "fi": f"{whole_fi} {name}-muodossa{gzip[1]}."},
    )
    if dump.byte_size is not None:
        size = Literal(dump.byte_size, datatype=XSD.nonNegativeInteger)
        graph.add((distribution, DCAT.byteSize, size))
    if dump.sha256 is None:
        return
    checksum = URIRef(f"{distribution}#sha256")
    graph.add((distribution, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(dump.sha256, datatype=XSD.hexBinary)))


def _add_subject(graph: Graph, resource: URIRef) -> None:
    """Themes and keywords, shared by the dataset and the service."""
    for theme in THEMES:
        graph.add((resource, DCAT.theme, theme))
    for language, keywords in KEYWORDS.items():
        for keyword in keywords:
            graph.add((resource, DCAT.keyword, Literal(keyword, lang=language)))


def _add_vocabulary(graph: Graph) -> None:
    """Type the controlled values as DCAT-AP's range shapes ask (no inference is made)."""
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, DCTERMS.type, ATTRIBUTION))
    graph.add((LICENCE, SKOS.exactMatch, CC_BY))
    graph.add((ATTRIBUTION, RDF.type, SKOS.Concept))
    graph.add((ATTRIBUTION, SKOS.prefLabel, Literal("Attribution", lang="en")))
    graph.add((PUBLIC, RDF.type, DCTERMS.RightsStatement))
    graph.add((FINLAND, RDF.type, DCTERMS.Location))
    _add_texts(graph, FINLAND, SKOS.prefLabel, {"en": "Finland", "fi": "Suomi"})
    for language in LANGUAGES:
        graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
    graph.add((THEME_SCHEME, RDF.type, SKOS.ConceptScheme))
    graph.add((THEME_SCHEME, DCTERMS.title, Literal("Data theme", lang="en")))
    for theme, name in THEMES.items():
        graph.add((theme, RDF.type, SKOS.Concept))
        graph.add((theme, SKOS.prefLabel, Literal(name, lang="en")))
        graph.add((theme, SKOS.inScheme, THEME_SCHEME))
    graph.add((SPARQL_PROTOCOL, RDF.type, DCTERMS.Standard))


def _add_texts(graph: Graph, subject: URIRef, predicate: URIRef, texts: dict[str, str]) -> None:
    for language, text in texts.items():
        graph.add((subject, predicate, Literal(text, lang=language)))


def _media_type(graph: Graph, media_type: str) -> URIRef:
    """IANA's IRI for ``media_type``, typed as DCAT-AP asks."""
    iri = URIRef(MEDIA_TYPES + media_type)
    graph.add((iri, RDF.type, DCTERMS.MediaType))
    return iri


def _file_type(graph: Graph, code: str) -> URIRef:
    """The EU file type ``code``, typed as DCAT-AP asks."""
    iri = AUTHORITY[f"file-type/{code}"]
    graph.add((iri, RDF.type, DCTERMS.MediaTypeOrExtent))
    return iri
