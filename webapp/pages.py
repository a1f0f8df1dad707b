"""Pages for people and RDF for machines: the home page and every resource under the base."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, g, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse

from kuopio_graph import (
    BACKLINKS_PER_PAGE,
    LATITUDE,
    RDF_FORMATS,
    VALUES_PER_PAGE,
    SearchNotReady,
    Value,
    backlinks_query,
    best_label,
    dataset_markup,
    describe,
    entity_markup,
    entity_view,
    featured,
    find,
    is_described,
    labels,
    serialize_triples,
    statements_query,
    values_query,
)

from .i18n import choose_language, link_keeping_language
from .members import members_link, page_number
from .negotiation import HTML, RDF_OFFERS, SUFFIXES, alternate_links, content_type, negotiate
from .relationship_map import CITY, RelationshipMap, city_map
from .relationships import relationships_link
from .state import served, service_root

blueprint = Blueprint("pages", __name__)

HOME_LIST_LENGTH = 50
"""The most items a home-page list shows, however large the graph."""
SHORT_QUOTATION = 200
"""How many characters of quotation a statement's source shows open; longer ones are folded."""

FEATURED = (
    "networks-and-contacts",
    "service-areas-international-duties",
    "eu-office-functions",
    "twin-towns",
    "strategy-internationality",
    "sources-of-a-resource",
)
"""The example queries the home page offers first."""

FIRST = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://www.w3.org/2000/01/rdf-schema#comment",
    "http://www.w3.org/2004/02/skos/core#definition",
    "http://purl.org/dc/terms/description",
    "http://www.w3.org/2004/02/skos/core#note",
)
LAST = ("http://purl.org/dc/terms/source", "http://www.w3.org/ns/prov#wasDerivedFrom")
"""Statements shown first (names and descriptions) and last (provenance) on a page."""

VOID_FORMS = [(fmt.media_type, f"/.well-known/void?format={fmt.name}") for fmt in RDF_FORMATS]


@blueprint.route("/")
def home() -> BaseResponse:
    """What this is, and ways into the graph; for RDF clients, a 303 to the dataset's
    description (the catalogue)."""
    media_type = negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if media_type != HTML:
        response = redirect(f"/.well-known/void?format={find(RDF_FORMATS, media_type).name}", 303)
        response.vary.add("Accept")
        return response
    publication = served()
    store = publication.store
    language = choose_language()
    city = publication.settings.base + CITY
    html = render_template(
        "pages/home.html",
        lang=language,
        lists=featured(store, language, HOME_LIST_LENGTH),
        city=city,
        city_label=best_label(labels(store, [city]).get(city, {}), language) or city,
        map=city_map(language),
        triples=len(store),
        examples=[
            publication.answerable_queries[name]
            for name in FEATURED
            if name in publication.answerable_queries
        ],
        alternates=VOID_FORMS,
        markup=dataset_markup(publication.catalogue(service_root()), publication.settings.base),
    )
    response = Response(html, content_type=content_type(HTML))
    response.vary.add("Accept")
    # The home page's counterpart for machines is the dataset's description.
    response.headers["Link"] = ", ".join(
        f'<{url}>; rel="alternate"; type="{media_type}"' for media_type, url in VOID_FORMS
    )
    return response


@blueprint.route("/id/<path:rest>")
def identified(rest: str) -> Response:
    """A resource minted under ``{base}id/``."""
    return resource(f"id/{rest}")


@blueprint.route("/ontology/<path:rest>")
def ontology_term(rest: str) -> Response:
    """A class or property of the ontology."""
    return resource(f"ontology/{rest}")


@blueprint.route("/shapes/<name>")
def shape(name: str) -> BaseResponse:
    """A shape's IRI leads to its entry in the shapes documentation."""
    if not name.replace("-", "").replace("_", "").isalnum():
        abort(404)
    return redirect(f"{link_keeping_language('/shapes', {})}#{name}", code=303)


def resource(path: str) -> Response:
    """The resource at ``{base}{path}``: HTML or RDF, by suffix, ``?format=`` or ``Accept``."""
    publication = served()
    store = publication.store
    stem, dot, suffix = path.rpartition(".")
    forced = SUFFIXES.get(suffix) if dot and "/" not in suffix else None
    if forced:
        path = stem
    iri = publication.settings.base + path
    media_type = forced or negotiate([HTML, *RDF_OFFERS], RDF_FORMATS)
    if not is_described(store, iri):
        return not_found(media_type)
    if media_type == HTML:
        body = page(iri, path)
    else:
        fmt = find(RDF_FORMATS, media_type)
        body = serialize_triples(describe(store, iri), fmt, store.prefixes).decode("utf-8")
    response = Response(body, content_type=content_type(media_type))
    if g.get("incomplete"):
        response.cache_control.no_store = True
    local = f"/{path}"
    response.headers["Link"] = alternate_links(local, [HTML, *RDF_OFFERS])
    if not forced:
        response.vary.add("Accept")
        if media_type != HTML:
            suffix_of = {v: k for k, v in SUFFIXES.items()}
            response.headers["Content-Location"] = f"{local}.{suffix_of[media_type]}"
    return response


def page(iri: str, path: str) -> str:
    """The HTML page of a described resource."""
    publication = served()
    language = choose_language()
    links_page = page_number("links")
    paged_property = request.args.get("property")
    values_page = page_number("values")
    value_pages = {paged_property: values_page} if paged_property else {}
    view = entity_view(publication.store, iri, links_page, value_pages)
    if links_page > 1 and not view.backlinks:
        abort(404)
    if paged_property is None:
        if values_page > 1:
            abort(404)  # a page of values, but of no property
    elif (values_page - 1) * VALUES_PER_PAGE >= view.value_counts.get(paged_property, 0):
        abort(404)  # a property the resource lacks, or a page past its values
    return render_template(
        "pages/entity.html",
        lang=language,
        view=view,
        markup=entity_markup(publication.store, iri, service_root() + path),
        statements=arrange(view.statements, language),
        provenance_properties=LAST,
        short_quotation=SHORT_QUOTATION,
        path=f"/{path}",
        alternates=[(fmt, f"/{path}.{fmt.suffix}") for fmt in RDF_FORMATS],
        sparql_link="/sparql?" + urlencode({"query": statements_query(iri)}),
        all_backlinks_link="/sparql?" + urlencode({"query": backlinks_query(iri)}),
        first_backlink=(links_page - 1) * BACKLINKS_PER_PAGE + 1,
        value_pages={
            prop: value_page_links(iri, path, prop, number, view.value_counts[prop])
            for prop, number in view.value_pages.items()
        },
        members=member_count(iri),
        members_link=members_link(iri),
        # The picture and timeline come in a request of their own, so the page costs no more
        # for them (and is whole without script: the link leads to them).
        is_organisation=bool(publication.organisation_classes.intersection(view.types)),
        relationships_link=relationships_link(iri),
        relationships_part=relationships_link(iri, part=True),
        map=resource_map(iri, view.statements, language),
    )


def resource_map(
    iri: str, statements: list[tuple[str, list[Value]]], language: str
) -> RelationshipMap | None:
    """The map a resource's page shows: the city's relationships on the city's page, its own
    position on a located place's page; none on other pages."""
    if iri == served().settings.base + CITY:
        return city_map(language)
    if any(prop == LATITUDE for prop, _ in statements):
        return city_map(language, current=iri)
    return None


@dataclass(frozen=True)
class ValuePage:
    """Where one page of a property's values sits among them, and the links to its
    neighbours."""

    first: int
    last: int
    count: int
    previous: str | None
    next: str | None
    query: str
    """A link to the query page with a query for every value."""


def value_page_links(iri: str, path: str, prop: str, number: int, count: int) -> ValuePage:
    """Page ``number`` of the ``count`` values of ``prop`` on the page of ``iri`` at ``path``."""

    def link(to: int) -> str:
        return link_keeping_language(f"/{path}", {"property": prop, "values": str(to)})

    first = (number - 1) * VALUES_PER_PAGE + 1
    last = min(number * VALUES_PER_PAGE, count)
    return ValuePage(
        first=first,
        last=last,
        count=count,
        previous=link(number - 1) if number > 1 else None,
        next=link(number + 1) if last < count else None,
        query="/sparql?" + urlencode({"query": values_query(iri, prop)}),
    )


def member_count(iri: str) -> int:
    """How many resources have ``iri`` as their class; 0 while the index is being built (and
    then the page is marked as not to be kept, so that it is whole once the index is there)."""
    try:
        return served().search_index().member_count(iri)
    except SearchNotReady:
        g.incomplete = True
        return 0


def arrange(
    statements: list[tuple[str, list[Value]]], language: str
) -> list[tuple[str, list[Value]]]:
    """Names and descriptions first, provenance last; texts in the page's language where any."""

    def rank(statement: tuple[str, list[Value]]) -> tuple[int, int, str]:
        prop = statement[0]
        if prop in FIRST:
            return (0, FIRST.index(prop), "")
        return (2 if prop in LAST else 1, 0, prop)

    arranged = []
    for prop, values in sorted(statements, key=rank):
        if any(value.language == language for value in values):
            values = [value for value in values if value.language in (None, language)]
        arranged.append((prop, values))
    return arranged


def not_found(media_type: str) -> Response:
    """404 in the negotiated form: a page for people, an empty document for RDF clients."""
    if media_type == HTML:
        body = render_template("pages/not_found.html", lang=choose_language())
        response = Response(body, status=404, content_type=content_type(HTML))
    else:
        store = served().store
        empty = serialize_triples([], find(RDF_FORMATS, media_type), store.prefixes)
        response = Response(empty, status=404, content_type=content_type(media_type))
    response.vary.add("Accept")
    return response
