"""The dataset as a whole: VoID and DCAT, dumps, the ontology, the shapes, the validation report
and the sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - builds XML, never parses it
from dataclasses import dataclass

import pyoxigraph as ox
from flask import Blueprint, Response, abort, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from kuopio_graph import Store
from kuopio_graph.description import PREFIXES as DESCRIPTION_PREFIXES
from kuopio_graph.formats import RDF_FORMATS, find
from kuopio_graph.serialize import serialize_graph, serialize_triples

from .i18n import choose_language
from .negotiation import HTML, RDF_OFFERS, alternate_links, negotiate
from .publication import DUMPS, get_publication, service_root

blueprint = Blueprint("dataset", __name__)

MINTED = """
SELECT DISTINCT ?minted ?resource WHERE {
  ?resource ?p ?o .
  FILTER(isIRI(?resource) && STRSTARTS(STR(?resource), STR(?minted)))
}
ORDER BY ?resource
"""

ONTOLOGY_TERMS = """
SELECT ?ontology ?term ?kind WHERE {
  GRAPH ?ontology { ?term a ?kind }
  VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty }
}
ORDER BY ?kind ?term
"""


@blueprint.route("/.well-known/void")
def void() -> Response:
    """VoID and DCAT: size, partitions, vocabularies, licence, dumps with checksums."""
    publication = get_publication()
    store = publication.store
    graph = publication.void(service_root())
    prefixes = {**store.prefixes, **DESCRIPTION_PREFIXES}
    media_type = negotiate([*RDF_OFFERS, HTML], RDF_FORMATS)
    if media_type == HTML:
        turtle = serialize_graph(graph, RDF_FORMATS[0], prefixes).decode("utf-8")
        html = render_template(
            "dataset/void.html",
            lang=choose_language(),
            turtle=turtle,
            distributions=publication.distributions(),
            triples=len(store),
        )
        return _response(html, HTML)
    return _response(serialize_graph(graph, find(RDF_FORMATS, media_type), prefixes), media_type)


@blueprint.route("/dumps/<name>")
def dump(name: str) -> Response:
    """A full dump of the dataset."""
    if name not in DUMPS:
        abort(404)
    content = get_publication().dump(name)
    media_type = "application/gzip" if content.compressed else content.fmt.media_type
    response = _response(content.content, media_type, vary=False)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.route("/ontology")
def ontology() -> Response:
    """The ontology: documentation for people, the OWL itself for RDF clients."""
    publication = get_publication()
    store = publication.store
    graph_name = f"{publication.settings.base}ontology"
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        body = serialize_triples(
            store.triples(graph_name), find(RDF_FORMATS, media_type), store.prefixes
        )
        return _response(body, media_type)
    terms: dict[str, list[str]] = {}
    for row in store.select(ONTOLOGY_TERMS, {"ontology": ox.NamedNode(graph_name)}):
        terms.setdefault(row["kind"].value, []).append(row["term"].value)
    html = render_template(
        "dataset/ontology.html",
        lang=choose_language(),
        classes=terms.get(str(OWL.Class), []),
        properties=terms.get(str(OWL.ObjectProperty), [])
        + terms.get(str(OWL.DatatypeProperty), []),
        documentation=_documentation(store, graph_name),
        namespace=store.prefixes["kuopio"],
    )
    return _response(html, HTML)


@blueprint.route("/shapes")
def shapes() -> Response:
    """The SHACL shapes: documentation for people, the shapes graph for RDF clients."""
    publication = get_publication()
    graph = publication.shapes()
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        body = serialize_graph(graph, find(RDF_FORMATS, media_type), publication.store.prefixes)
        return _response(body, media_type)
    html = render_template(
        "dataset/shapes.html", lang=choose_language(), shapes=_shape_entries(graph)
    )
    return _response(html, HTML)


@blueprint.route("/validation")
def validation() -> Response:
    """The SHACL validation report of the data being served."""
    publication = get_publication()
    report = publication.report()
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        body = serialize_graph(
            report.to_graph(), find(RDF_FORMATS, media_type), publication.store.prefixes
        )
        return _response(body, media_type)
    html = render_template("dataset/validation.html", lang=choose_language(), report=report)
    return _response(html, HTML)


@blueprint.route("/sitemap.xml")
def sitemap() -> Response:
    """Every page of the site, where clients reach it: the overviews and every resource
    minted under the base."""
    publication = get_publication()
    base = publication.settings.base
    root = service_root()
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    modified = publication.modified.date().isoformat()
    pages = [root, f"{root}sparql", f"{root}ontology", f"{root}shapes", f"{root}validation"]
    pages += [
        root + row["resource"].value[len(base) :]
        for row in publication.store.select(MINTED, {"minted": ox.Literal(base)})
    ]
    for page in dict.fromkeys(pages):  # in order, each once
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = page
        ET.SubElement(url, "lastmod").text = modified
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return _response(body, "application/xml", vary=False)


def _documentation(store: Store, graph_name: str) -> dict[str, dict[str, list[tuple[str, str]]]]:
    """Each term's statements in the ontology graph, by property, for the documentation."""
    documentation: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for triple in store.triples(graph_name):
        subject, value = triple.subject, triple.object
        if isinstance(subject, ox.NamedNode) and not isinstance(value, ox.Triple):
            language = value.language if isinstance(value, ox.Literal) else None
            entry = documentation.setdefault(subject.value, {})
            entry.setdefault(triple.predicate.value, []).append((value.value, language or ""))
    return documentation


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


def _shape_entries(graph: Graph) -> list[ShapeEntry]:
    """Each named shape with its comment and messages, for the documentation."""
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


def _response(body: str | bytes, media_type: str, vary: bool = True) -> Response:
    """A response; a negotiated one (``vary``) names its other forms in a ``Link`` header."""
    charset = "; charset=utf-8" if media_type != "application/gzip" else ""
    response = Response(body, content_type=f"{media_type}{charset}")
    if vary:
        response.vary.add("Accept")
        response.headers["Link"] = alternate_links(request.path, [HTML, *RDF_OFFERS])
    return response
