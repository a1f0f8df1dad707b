"""What data portals and search engines read: the DCAT-AP catalogue, validated with the official
DCAT-AP 3.0.1 shapes as portals validate it, and the schema.org markup embedded in the pages.

The shapes (CC BY 4.0, SEMIC) sit in ``shared/dcat-ap/3.0.1`` beside the checkout, or in the
folder ``KUOPIO_DCAT_AP_DIR`` names.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from pyld import jsonld
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, RDFS, SH, SKOS
from servers import Service, fetch, start_service, stop_service
from web_helpers import (
    BASE,
    BROWSER,
    CLIENT_ROOT,
    SCHEMA,
    TURTLE,
    parse_rdf,
    store_graph,
    store_rows,
)

from kuopio_graph import DEFAULT_BASE, GraphStore, Settings
from kuopio_graph.catalogue import AUTHORITY
from webapp import create_app

SHAPES_ENV = "KUOPIO_DCAT_AP_DIR"
BESIDE_CHECKOUT = Path(__file__).resolve().parents[2] / "shared" / "dcat-ap" / "3.0.1"
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")

CATALOGUE = URIRef(f"{BASE}.well-known/void#catalogue")
DATASET = URIRef(f"{BASE}.well-known/void#dataset")
SERVICE = URIRef(f"{BASE}sparql#service")
SD_ENDPOINT = URIRef("http://www.w3.org/ns/sparql-service-description#endpoint")
VOID_ENDPOINT = URIRef("http://rdfs.org/ns/void#sparqlEndpoint")
VOID_DUMP = URIRef("http://rdfs.org/ns/void#dataDump")

WARNINGS_LEFT = {
    DCAT.contactPoint: "no source names a contact for the dataset or the service",
    DCATAP.availability: "no one has said for how long the dumps and the endpoint will stay",
    DCTERMS.issued: "no source says when the catalogue was first issued",
    DCTERMS.type: "no source says what kind of organisation the publisher is",
    DCAT.bbox: "no source gives Finland's bounding box",
    DCAT.centroid: "no source gives Finland's centroid",
}
"""The recommended properties DCAT-AP warns about that the data cannot honestly fill, and why
(the README lists each)."""


def shapes_folder() -> Path:
    override = os.environ.get(SHAPES_ENV)
    folder = Path(override) if override else BESIDE_CHECKOUT
    if not (folder / "shapes.ttl").is_file():
        pytest.fail(
            f"the DCAT-AP 3.0.1 shapes are not at {folder}: check out shared/ beside the"
            f" repository, or set {SHAPES_ENV} to the folder holding shapes.ttl and range.ttl"
        )
    return folder


@pytest.fixture(scope="module")
def mandatory_shapes() -> Graph:
    folder = shapes_folder()
    return Graph().parse(folder / "shapes.ttl").parse(folder / "range.ttl")


@pytest.fixture(scope="module")
def recommended_shapes() -> Graph:
    return Graph().parse(shapes_folder() / "shapes_recommended.ttl")


def served_description(client: FlaskClient, **headers: str) -> Graph:
    response = client.get("/.well-known/void", headers={"Accept": TURTLE, **headers})
    assert response.status_code == 200
    return parse_rdf(response)


def violations(data: Graph, shapes: Graph) -> list[str]:
    """Each result of validating ``data`` as portals do: pySHACL, no inference."""
    _, report, _ = validate(data, shacl_graph=shapes, inference="none")
    return [
        f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}:"
        f" {report.value(result, SH.resultMessage)}"
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


@pytest.fixture(scope="module")
def other_base_app(settings: Settings) -> Flask:
    """The app serving the bundled data under another base, with a public URL of its own."""
    other = settings.with_values(
        {"base": "https://data.example.org/kuopio/", "public_url": "https://example.net/kg/"}
    )
    return create_app(other, config={"TESTING": True})


# DCAT-AP 3.0.1


def test_the_description_conforms_to_dcat_ap(client: FlaskClient, mandatory_shapes: Graph) -> None:
    assert violations(served_description(client), mandatory_shapes) == []


def test_the_description_under_another_base_conforms_to_dcat_ap(
    other_base_app: Flask, mandatory_shapes: Graph
) -> None:
    description = served_description(other_base_app.test_client())
    assert (URIRef("https://data.example.org/kuopio/.well-known/void#catalogue"), None, None) in (
        description
    )
    assert violations(description, mandatory_shapes) == []


def test_only_the_warnings_the_data_cannot_honestly_fill(
    client: FlaskClient, recommended_shapes: Graph
) -> None:
    _, report, _ = validate(
        served_description(client), shacl_graph=recommended_shapes, inference="none"
    )
    paths = {report.value(result, SH.resultPath) for result in report.subjects(SH.resultPath)}
    assert paths == set(WARNINGS_LEFT)


def test_the_readme_lists_each_warning_left() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    names = {"dcat:contactPoint", "dcatap:availability", "dct:issued", "dct:type", "dcat:bbox"}
    assert {name for name in names if f"`{name}`" not in readme} == set()
    assert "`dcat:centroid`" in readme


def test_the_catalogue_lists_the_dataset_and_the_endpoint(client: FlaskClient) -> None:
    description = served_description(client)
    endpoint = URIRef(f"{CLIENT_ROOT}sparql")
    assert (CATALOGUE, RDF.type, DCAT.Catalog) in description
    assert (CATALOGUE, DCAT.dataset, DATASET) in description
    assert (CATALOGUE, DCAT.service, SERVICE) in description
    assert (SERVICE, RDF.type, DCAT.DataService) in description
    assert (SERVICE, DCAT.servesDataset, DATASET) in description
    assert description.value(SERVICE, DCAT.endpointURL) == endpoint
    # The service description is what the endpoint answers RDF clients.
    assert description.value(SERVICE, DCAT.endpointDescription) == endpoint
    assert {lang.language for lang in description.objects(SERVICE, DCTERMS.title)} == {"fi", "en"}


def test_controlled_values_are_eu_authority_iris(client: FlaskClient) -> None:
    description = served_description(client)
    formats = {
        str(value).removeprefix(f"{AUTHORITY}file-type/")
        for value in description.objects(None, DCTERMS["format"])
    }
    assert formats == {"RDF_TURTLE", "RDF_N_TRIPLES", "JSON_LD", "RDF_TRIG", "SPARQLQ"}
    for subject in (CATALOGUE, DATASET):
        assert set(description.objects(subject, DCTERMS.language)) == {
            AUTHORITY["language/FIN"],
            AUTHORITY["language/ENG"],
        }
        assert description.value(subject, DCTERMS.spatial) == AUTHORITY["country/FIN"]
        assert description.value(subject, DCTERMS.license) == AUTHORITY["licence/CC_BY_4_0"]
    assert description.value(DATASET, DCTERMS.accessRights) == AUTHORITY["access-right/PUBLIC"]
    media_types = {str(m) for m in description.objects(None, DCAT.mediaType)}
    assert "http://www.iana.org/assignments/media-types/text/turtle" in media_types


def test_the_period_covered_is_the_first_and_last_date_the_data_states(
    client: FlaskClient, store: GraphStore
) -> None:
    description = served_description(client)
    period = description.value(DATASET, DCTERMS.temporal)
    dates = [
        str(row["date"].value)
        for row in store.select(
            """SELECT DISTINCT ?date WHERE {
                 ?thing ?p ?date
                 FILTER(DATATYPE(?date) IN (xsd:date, xsd:gYear, xsd:gYearMonth))
                 FILTER NOT EXISTS { ?thing a kuopio:SourceDocument } }"""
        )
    ]
    assert str(description.value(period, DCAT.startDate)) == min(dates)
    assert str(description.value(period, DCAT.endDate)) == max(dates)


def test_every_address_is_where_the_client_reached_the_service(other_base_app: Flask) -> None:
    client = other_base_app.test_client()
    description = served_description(client)
    addresses = [
        *description.objects(None, DCAT.accessURL),
        *description.objects(None, DCAT.downloadURL),
        *description.objects(None, DCAT.endpointURL),
        *description.objects(None, VOID_ENDPOINT),
        *description.objects(None, VOID_DUMP),
    ]
    assert len(addresses) > 10
    assert all(str(url).startswith("https://example.net/kg/") for url in addresses)
    service = parse_rdf(client.get("/sparql", headers={"Accept": TURTLE}))
    assert {str(url) for url in service.objects(None, SD_ENDPOINT)} == {
        "https://example.net/kg/sparql"
    }


def test_the_address_follows_the_host_asked_for_when_no_public_url_is_set(
    client: FlaskClient,
) -> None:
    one = served_description(client)
    other = parse_rdf(
        client.get(
            "/.well-known/void", base_url="https://other.example:8443/", headers={"Accept": TURTLE}
        )
    )
    assert {str(url) for url in one.objects(None, VOID_ENDPOINT)} == {f"{CLIENT_ROOT}sparql"}
    assert {str(url) for url in other.objects(None, VOID_ENDPOINT)} == {
        "https://other.example:8443/sparql"
    }


@pytest.fixture(scope="module")
def default_base_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    """The service on a random loopback port, with the default base: its IRIs are not its
    address."""
    running = start_service(tmp_path_factory.mktemp("service"), "--base", DEFAULT_BASE)
    try:
        yield running
    finally:
        stop_service(running)


def test_the_endpoint_named_answers_on_a_random_port(default_base_service: Service) -> None:
    root = default_base_service.url
    described = Graph().parse(data=fetch(f"{root}sparql", TURTLE).body, format="turtle")
    (endpoint,) = set(described.objects(None, SD_ENDPOINT))
    assert endpoint == URIRef(f"{root}sparql")
    answer = fetch(f"{endpoint}?query=ASK%20%7B%7D", "*/*")
    assert answer.status == 200
    assert json.loads(answer.body) == {"head": {}, "boolean": True}
    void = Graph().parse(data=fetch(f"{root}.well-known/void", TURTLE).body, format="turtle")
    for predicate in (VOID_ENDPOINT, DCAT.endpointURL, DCAT.downloadURL, DCAT.accessURL):
        for url in void.objects(None, predicate):
            assert str(url).startswith(root), (predicate, url)
            assert fetch(str(url), "*/*").status == 200, url


# schema.org markup


def embedded_markup(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD block of a page."""
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    return [json.loads(block) for block in blocks]


def refuse_to_fetch(url: str, options: object = None) -> None:
    raise AssertionError(f"the markup made a JSON-LD processor fetch {url}")


def as_graph(markup: dict[str, Any]) -> Graph:
    """The markup's statements, read by two processors that must agree: pyld and rdflib."""
    jsonld.set_document_loader(refuse_to_fetch)
    nquads = jsonld.to_rdf(markup, {"format": "application/n-quads"})
    by_pyld = Graph().parse(data=nquads, format="nquads")
    by_rdflib = Graph().parse(data=json.dumps(markup), format="json-ld")
    assert isomorphic(by_pyld, by_rdflib)
    assert len(by_rdflib) > 0
    return by_rdflib


S = rdflib.Namespace(SCHEMA)
DATASET_TERMS = {
    S.name: DCTERMS.title,
    S.description: DCTERMS.description,
    S.keywords: DCAT.keyword,
    S.url: DCAT.landingPage,
    S.publisher: DCTERMS.publisher,
    S.spatialCoverage: DCTERMS.spatial,
    S.distribution: DCAT.distribution,
    S.contentUrl: DCAT.downloadURL,
}
DATASET_TYPES = {
    S.Dataset: DCAT.Dataset,
    S.Organization: FOAF.Organization,
    S.Place: DCTERMS.Location,
    S.DataDownload: DCAT.Distribution,
    S.DataCatalog: DCAT.Catalog,
}


def test_the_home_page_embeds_a_schema_org_dataset(client: FlaskClient) -> None:
    (markup,) = embedded_markup(client.get("/", headers=BROWSER).get_data(as_text=True))
    assert markup["@type"] == "Dataset"
    for key in ("name", "description", "license", "publisher", "isAccessibleForFree"):
        assert key in markup, key
    for key in ("spatialCoverage", "temporalCoverage", "keywords", "distribution"):
        assert markup[key], key
    assert {name["@language"] for name in markup["name"]} == {"fi", "en"}
    downloads = {item["contentUrl"]: item["encodingFormat"] for item in markup["distribution"]}
    assert downloads[f"{CLIENT_ROOT}dumps/kuopio.ttl"] == "text/turtle"
    assert downloads[f"{CLIENT_ROOT}dumps/kuopio.jsonld"] == "application/ld+json"
    assert all(item["@type"] == "DataDownload" for item in markup["distribution"])


def test_the_dataset_markup_says_nothing_the_description_does_not(client: FlaskClient) -> None:
    (markup,) = embedded_markup(client.get("/", headers=BROWSER).get_data(as_text=True))
    description = served_description(client)
    unsaid = []
    for subject, predicate, value in as_graph(markup):
        if predicate == RDF.type:
            said = (subject, RDF.type, DATASET_TYPES[value]) in description
        elif predicate == S.license:
            licence = description.value(subject, DCTERMS.license)
            said = value in {licence, description.value(licence, SKOS.exactMatch)}
        elif predicate == S.isAccessibleForFree:
            public = AUTHORITY["access-right/PUBLIC"]
            said = value.toPython() is True and (subject, DCTERMS.accessRights, public) in (
                description
            )
        elif predicate == S.temporalCoverage:
            period = description.value(subject, DCTERMS.temporal)
            start = description.value(period, DCAT.startDate)
            said = str(value) == f"{start}/{description.value(period, DCAT.endDate)}"
        elif predicate == S.encodingFormat:
            media_type = URIRef(f"http://www.iana.org/assignments/media-types/{value}")
            said = (subject, DCAT.mediaType, media_type) in description
        elif predicate == S.includedInDataCatalog:
            said = (value, DCAT.dataset, subject) in description
        elif predicate == S.name and (subject, RDF.type, FOAF.Agent) in description:
            said = (subject, FOAF.name, value) in description
        elif predicate == S.name and (subject, RDF.type, DCTERMS.Location) in description:
            said = (subject, SKOS.prefLabel, value) in description
        elif predicate == S.name and (subject, RDF.type, DCAT.Catalog) in description:
            said = (subject, DCTERMS.title, value) in description
        else:
            said = (subject, DATASET_TERMS[predicate], value) in description
        if not said:
            unsaid.append((subject, predicate, value))
    assert unsaid == []


NAMES = (RDFS.label, SKOS.prefLabel)
IDENTITIES = (OWL.sameAs, S.sameAs)


@pytest.mark.parametrize(
    "path",
    [
        "/id/organisation/city-of-kuopio",
        "/id/network/iclei",
        "/id/place/finland",
        "/id/source/kuopio-kansainvalinen-toiminta",
        "/ontology/ThematicNetwork",
    ],
)
def test_entity_markup_says_nothing_the_graph_does_not(
    client: FlaskClient, store: GraphStore, path: str
) -> None:
    (markup,) = embedded_markup(client.get(path, headers=BROWSER).get_data(as_text=True))
    iri = URIRef(BASE + path[1:])
    assert markup["@id"] == str(iri)
    assert markup["url"] == CLIENT_ROOT + path[1:]
    said = store_graph(store, f"CONSTRUCT WHERE {{ <{iri}> ?p ?o }}")
    for subject, predicate, value in as_graph(markup):
        assert subject == iri
        if predicate == RDF.type and value == S.Thing:
            assert not schema_classes(store, iri)
        elif predicate == RDF.type:
            assert value in schema_classes(store, iri)
        elif predicate == S.name:
            assert any((iri, name, value) in said for name in NAMES), value
        elif predicate == S.sameAs:
            assert any((iri, same, value) in said for same in IDENTITIES), value
        elif predicate == S.url:
            assert str(value) == CLIENT_ROOT + path[1:]
        else:
            pytest.fail(f"unexpected statement {predicate} {value}")


def schema_classes(store: GraphStore, iri: URIRef) -> set[URIRef]:
    """The schema.org classes of ``iri``: its classes and their superclasses."""
    rows = store_rows(
        store,
        f"SELECT DISTINCT ?class WHERE {{ <{iri}> a/rdfs:subClassOf* ?class"
        f' FILTER(STRSTARTS(STR(?class), "{SCHEMA}")) }}',
    )
    return {URIRef(value) for (value,) in rows}


def test_entity_markup_carries_the_wikidata_identity(
    client: FlaskClient, store: GraphStore
) -> None:
    page = client.get("/id/organisation/city-of-kuopio", headers=BROWSER)
    (markup,) = embedded_markup(page.get_data(as_text=True))
    # The identities the data states (none while no quoted page gives the city's Wikidata item).
    stated = store_rows(
        store,
        "SELECT ?same WHERE { <https://w3id.org/kuopio-graph/id/organisation/city-of-kuopio> "
        "owl:sameAs|schema:sameAs ?same }",
    )
    assert sorted(markup.get("sameAs", [])) == sorted(same for (same,) in stated)
    assert markup["@type"] == ["GovernmentOrganization"]
    assert {"@value": "Kuopion kaupunki", "@language": "fi"} in markup["name"]


def test_markup_cannot_close_its_script_element(client: FlaskClient) -> None:
    html = client.get("/", headers=BROWSER).get_data(as_text=True)
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        assert "<" not in block
