"""The dataset as a whole: VoID and DCAT, the dumps, the ontology and shapes documentation, the
validation report and the sitemap (the public interface's "Dataset description" section)."""

from __future__ import annotations

import gzip
import hashlib
import xml.etree.ElementTree as ET  # noqa: S405 - parses the app's own sitemap
from email.utils import parsedate_to_datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SH, VOID, XSD
from web_helpers import (
    BASE,
    CLIENT_ROOT,
    HTML,
    ID,
    JSONLD,
    KUOPIO,
    NTRIPLES,
    RDFXML,
    SPDX,
    TURTLE,
    Page,
    local,
    parse_rdf,
    store_rows,
)

from kuopio_graph import GraphStore, Settings, shapes_graph
from webapp.i18n import text

DATASET = URIRef(f"{BASE}.well-known/void#dataset")
DUMPS = {
    "dumps/kuopio.ttl": "turtle",
    "dumps/kuopio.nt.gz": "nt",
    "dumps/kuopio.jsonld": "json-ld",
    "dumps/kuopio.trig": "trig",
}
"""Each dump's path: its distribution is identified under the base and downloaded from where
the client reached the service."""
WIKIPEDIA_ICLEI = f"{ID}source/wikipedia-iclei"
ONTOLOGY_GRAPH = f"{BASE}ontology"


@pytest.fixture(scope="module")
def void(app: Flask) -> Graph:
    """The VoID description as served by default."""
    response = app.test_client().get("/.well-known/void")
    assert response.status_code == 200
    assert response.mimetype == TURTLE
    return parse_rdf(response)


def namespace(iri: str) -> str:
    return iri[: max(iri.rfind("#"), iri.rfind("/")) + 1]


# VoID and DCAT


def test_void_names_the_endpoint_the_uri_space_and_the_size(void: Graph, store: GraphStore) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{CLIENT_ROOT}sparql")
    assert void.value(DATASET, VOID.uriSpace) == Literal(ID)
    assert void.value(DATASET, VOID.triples).toPython() == len(store)


def test_void_licence_publisher_and_date(client: FlaskClient, void: Graph) -> None:
    assert isinstance(void.value(DATASET, DCTERMS.license), URIRef)
    publisher = void.value(DATASET, DCTERMS.publisher)
    assert publisher is not None
    assert any(True for _ in void.predicate_objects(publisher))
    modified = void.value(DATASET, DCTERMS.modified)
    assert isinstance(modified, Literal)
    assert modified.datatype == XSD.date
    served = parsedate_to_datetime(client.get("/.well-known/void").headers["Last-Modified"])
    assert modified.toPython() == served.date()


def test_void_lists_the_core_vocabularies(void: Graph) -> None:
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {
        str(KUOPIO),
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/prov#",
        "https://schema.org/",
    } <= vocabularies


def test_void_lists_every_vocabulary_the_data_uses(void: Graph, store: GraphStore) -> None:
    terms = store_rows(store, "SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }")
    used = {namespace(term) for (term,) in terms}
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert used - vocabularies == set()


def test_void_does_not_call_the_data_a_vocabulary(void: Graph) -> None:
    # The resources under {BASE}id/ are the dataset's own things (its void:uriSpace), not
    # terms of a vocabulary it uses.
    assert URIRef(ID) not in set(void.objects(DATASET, VOID.vocabulary))


def test_void_class_and_property_partitions(void: Graph, store: GraphStore) -> None:
    classes = {
        (str(void.value(p, VOID["class"])), void.value(p, VOID.entities).toPython())
        for p in void.objects(DATASET, VOID.classPartition)
    }
    expected = store_rows(
        store, "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c"
    )
    assert classes == {(c, int(n)) for c, n in expected}
    properties = {
        (str(void.value(p, VOID.property)), void.value(p, VOID.triples).toPython())
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    expected = store_rows(store, "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    assert properties == {(p, int(n)) for p, n in expected}


def test_void_links_every_dump(void: Graph) -> None:
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {CLIENT_ROOT + path for path in DUMPS}


@pytest.mark.parametrize("path", DUMPS)
def test_dcat_distribution_matches_the_bytes_served(
    client: FlaskClient, void: Graph, path: str
) -> None:
    assert (DATASET, RDF.type, DCAT.Dataset) in void
    distribution = URIRef(BASE + path)
    assert distribution in set(void.objects(DATASET, DCAT.distribution))
    assert void.value(distribution, DCAT.downloadURL) == URIRef(CLIENT_ROOT + path)
    assert void.value(distribution, DCAT.accessURL) == URIRef(CLIENT_ROOT + path)
    body = client.get(f"/{path}").get_data()
    assert void.value(distribution, DCAT.byteSize).toPython() == len(body)
    checksum = void.value(distribution, SPDX.checksum)
    assert void.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
    assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()


@pytest.mark.parametrize("media_type", [JSONLD, RDFXML, NTRIPLES])
def test_void_in_other_rdf_types(client: FlaskClient, void: Graph, media_type: str) -> None:
    response = client.get("/.well-known/void", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse_rdf(response)
    assert graph.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{CLIENT_ROOT}sparql")
    assert len(graph) == len(void)


# Dumps


def test_turtle_dump_is_the_whole_default_graph(client: FlaskClient, store: GraphStore) -> None:
    response = client.get("/dumps/kuopio.ttl")
    assert response.mimetype == TURTLE
    assert len(Graph().parse(data=response.get_data(), format="turtle")) == len(store)


def test_gzipped_n_triples_dump(client: FlaskClient, store: GraphStore) -> None:
    response = client.get("/dumps/kuopio.nt.gz")
    assert response.mimetype == "application/gzip"
    graph = Graph().parse(data=gzip.decompress(response.get_data()), format="nt")
    assert len(graph) == len(store)


def test_json_ld_dump(client: FlaskClient, store: GraphStore) -> None:
    response = client.get("/dumps/kuopio.jsonld")
    assert response.mimetype == JSONLD
    assert len(Graph().parse(data=response.get_data(), format="json-ld")) == len(store)


def test_trig_dump_keeps_the_named_graphs(client: FlaskClient, store: GraphStore) -> None:
    dataset = Dataset()
    dataset.parse(data=client.get("/dumps/kuopio.trig").get_data(), format="trig")
    named = {str(g.identifier) for g in dataset.graphs() if isinstance(g.identifier, URIRef)}
    named.discard(str(dataset.default_graph.identifier))
    assert named == set(store.graphs())
    ((expected,),) = store_rows(
        store, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{WIKIPEDIA_ICLEI}> {{ ?s ?p ?o }} }}"
    )
    assert len(dataset.graph(URIRef(WIKIPEDIA_ICLEI))) == int(expected)


def test_unknown_dump_is_404(client: FlaskClient) -> None:
    assert client.get("/dumps/kuopio.xlsx").status_code == 404


# The ontology and the shapes


@pytest.mark.parametrize("language", ["fi", "en"])
def test_ontology_documents_every_class_and_property(
    client: FlaskClient, store: GraphStore, language: str
) -> None:
    page = Page(client.get(f"/ontology?lang={language}", headers={"Accept": HTML}))
    terms = store_rows(
        store,
        f"""SELECT ?term ?fi ?en WHERE {{ GRAPH <{ONTOLOGY_GRAPH}> {{
              ?term a ?kind ; rdfs:label ?fi, ?en
              FILTER(LANG(?fi) = "fi" && LANG(?en) = "en")
              VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty }} }} }}""",
    )
    assert len(terms) >= 40
    for term, finnish, english in terms:
        entry = page.find("section", id=term.rsplit("/", 1)[-1])
        labels = {dd.attrs.get("lang"): dd.text for dd in entry.iter("dd") if dd.attrs.get("lang")}
        assert finnish in [dd.text for dd in entry.iter("dd", lang="fi")], term
        assert english in [dd.text for dd in entry.iter("dd", lang="en")], term
        assert labels
        assert (local(term), term.rsplit("/", 1)[-1]) in [
            (href.split("?")[0], label) for href, label in entry.links()
        ]
    assert page.find("h2").text == text("classes", language)


@pytest.mark.parametrize("media_type", [TURTLE, JSONLD, RDFXML, NTRIPLES])
def test_ontology_as_rdf(client: FlaskClient, store: GraphStore, media_type: str) -> None:
    response = client.get("/ontology", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse_rdf(response)
    assert (KUOPIO.ThematicNetwork, RDF.type, OWL.Class) in graph
    assert (KUOPIO.ThematicNetwork, RDFS.subClassOf, KUOPIO.InternationalNetwork) in graph
    assert len(graph) == len(list(store.triples(ONTOLOGY_GRAPH)))


@pytest.fixture(scope="module")
def shapes(settings: Settings) -> Graph:
    return shapes_graph(settings.shapes, settings.base)


def test_shapes_documents_every_shape(client: FlaskClient, shapes: Graph) -> None:
    page = Page(client.get("/shapes", headers={"Accept": HTML}))
    named = {
        str(shape)
        for kind in (SH.NodeShape, SH.PropertyShape)
        for shape in shapes.subjects(RDF.type, kind)
        if not isinstance(shape, BNode)
    }
    assert len(named) > 20
    documented = {section.attrs["id"] for section in page.iter("section", class_="term")}
    assert {shape.rsplit("/", 1)[-1] for shape in named} == documented
    for shape in named:
        entry = page.find("section", id=shape.rsplit("/", 1)[-1])
        message = shapes.value(URIRef(shape), SH.message)
        if message is not None:
            assert any(dd.text for dd in entry.iter("dd")), shape


@pytest.mark.parametrize("media_type", [TURTLE, JSONLD, RDFXML, NTRIPLES])
def test_shapes_as_rdf(client: FlaskClient, shapes: Graph, media_type: str) -> None:
    response = client.get("/shapes", headers={"Accept": media_type})
    assert response.status_code == 200
    assert response.mimetype == media_type
    graph = parse_rdf(response)
    assert len(graph) == len(shapes)
    assert set(graph.subjects(RDF.type, SH.NodeShape)) == set(
        shapes.subjects(RDF.type, SH.NodeShape)
    )


def test_shape_iri_leads_to_its_documentation(client: FlaskClient, shapes: Graph) -> None:
    shape = next(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef))
    name = str(shape).rsplit("/", 1)[-1]
    response = client.get(f"/shapes/{name}")
    assert response.status_code in (301, 302, 303, 307, 308)
    assert response.headers["Location"].endswith(f"/shapes#{name}")


def test_shape_iri_keeps_the_language_chosen(client: FlaskClient) -> None:
    response = client.get("/shapes/LabelShape?lang=fi")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/shapes?lang=fi#LabelShape")


# The validation report


@pytest.mark.parametrize("language", ["fi", "en"])
def test_validation_page_says_the_data_conforms(client: FlaskClient, language: str) -> None:
    response = client.get(f"/validation?lang={language}", headers={"Accept": HTML})
    assert response.status_code == 200
    assert Page(response).find("p", class_="ok").text == text("conforms", language)


@pytest.mark.parametrize("media_type", [TURTLE, JSONLD])
def test_validation_report_as_rdf(client: FlaskClient, media_type: str) -> None:
    response = client.get("/validation", headers={"Accept": media_type})
    assert response.status_code == 200
    graph = parse_rdf(response)
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(True)
    assert not list(graph.objects(report, SH.result))


# The sitemap


def sitemap_urls(client: FlaskClient) -> list[str]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response.mimetype in ("application/xml", "text/xml")
    root = ET.fromstring(response.get_data())  # noqa: S314 - the app's own sitemap
    namespace = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    assert root.tag == f"{namespace}urlset"
    return [loc.text or "" for loc in root.iter(f"{namespace}loc")]


def test_sitemap_lists_the_page_of_every_minted_iri(client: FlaskClient, store: GraphStore) -> None:
    listed = sitemap_urls(client)
    minted = store_rows(
        store, f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    )
    assert len(minted) > 100
    # Where the client reaches them: a sitemap lists pages of its own site.
    assert {CLIENT_ROOT + local(iri)[1:] for (iri,) in minted} <= set(listed)
    assert all(url.startswith(CLIENT_ROOT) for url in listed)


def test_sitemap_lists_each_page_once(client: FlaskClient) -> None:
    listed = sitemap_urls(client)
    assert sorted(url for url in set(listed) if listed.count(url) > 1) == []
