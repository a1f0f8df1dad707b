"""The dataset as a whole: VoID and DCAT, dumps, the ontology, the shapes, the validation report
and the sitemap."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - builds XML, never parses it

from flask import Blueprint, Response, abort, render_template, request

from kuopio_graph import (
    DESCRIPTION_PREFIXES,
    DUMPS,
    RDF_FORMATS,
    find,
    minted,
    ontology_documentation,
    serialize_graph,
    serialize_triples,
    shape_entries,
)

from .i18n import choose_language
from .negotiation import HTML, RDF_OFFERS, alternate_links, content_type, negotiate
from .state import served, service_root

blueprint = Blueprint("dataset", __name__)


@blueprint.route("/.well-known/void")
def void() -> Response:
    """VoID and DCAT: size, partitions, vocabularies, licence, dumps with checksums."""
    publication = served()
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
    content = served().dump(name)
    media_type = "application/gzip" if content.compressed else content.media_type
    response = _response(content.content, media_type, vary=False)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@blueprint.route("/ontology")
def ontology() -> Response:
    """The ontology: documentation for people, the OWL itself for RDF clients."""
    publication = served()
    store = publication.store
    graph_name = f"{publication.settings.base}ontology"
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        body = serialize_triples(
            store.triples(graph_name), find(RDF_FORMATS, media_type), store.prefixes
        )
        return _response(body, media_type)
    documented = ontology_documentation(store, graph_name)
    html = render_template(
        "dataset/ontology.html",
        lang=choose_language(),
        classes=documented.classes,
        properties=documented.properties,
        documentation=documented.statements,
        namespace=store.prefixes["kuopio"],
    )
    return _response(html, HTML)


@blueprint.route("/shapes")
def shapes() -> Response:
    """The SHACL shapes: documentation for people, the shapes graph for RDF clients."""
    publication = served()
    graph = publication.shapes()
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        body = serialize_graph(graph, find(RDF_FORMATS, media_type), publication.store.prefixes)
        return _response(body, media_type)
    html = render_template(
        "dataset/shapes.html", lang=choose_language(), shapes=shape_entries(graph)
    )
    return _response(html, HTML)


@blueprint.route("/validation")
def validation() -> Response:
    """The SHACL validation report of the data being served."""
    publication = served()
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
    publication = served()
    base = publication.settings.base
    root = service_root()
    urlset = ET.Element("urlset", xmlns="http://www.sitemaps.org/schemas/sitemap/0.9")
    modified = publication.modified.date().isoformat()
    pages = [root + path for path in ("", "sparql", "map", "ontology", "shapes", "validation")]
    pages += [root + iri[len(base) :] for iri in minted(publication.store)]
    for page in dict.fromkeys(pages):  # in order, each once
        url = ET.SubElement(urlset, "url")
        ET.SubElement(url, "loc").text = page
        ET.SubElement(url, "lastmod").text = modified
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return _response(body, "application/xml", vary=False)


def _response(body: str | bytes, media_type: str, vary: bool = True) -> Response:
    """A response; a negotiated one (``vary``) names its other forms in a ``Link`` header."""
    response = Response(body, content_type=content_type(media_type))
    if vary:
        response.vary.add("Accept")
        response.headers["Link"] = alternate_links(request.path, [HTML, *RDF_OFFERS])
    return response
