"""The map of Kuopio's relationships: a world view and a Europe view, drawn on the server as SVG
over the base map (``/map/world.svg``, ``/map/europe.svg``), with a table of the same facts.

Each located partner place has a marker, a link to its page, and a line from Kuopio coloured and
dashed by the kind of relationship (a place with several is drawn as the first kind in
:data:`kuopio_graph.RELATIONSHIP_KINDS`; the table lists each). ``/map`` is the map's own page;
the home page, the city's page and every located place's page show it too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Blueprint, Response, abort, render_template

from kuopio_graph import (
    RELATIONSHIP_KINDS,
    LocatedPlace,
    RelationshipPlaces,
    best_label,
    labels,
    locate,
    relationship_places,
)

from .i18n import choose_language, text
from .negotiation import HTML, content_type
from .state import served
from .templating import template_helpers
from .world_map import EUROPE, VIEWS, WORLD, Drawing, Point, base_map, draw

blueprint = Blueprint("relationship_map", __name__)

CITY = "id/organisation/city-of-kuopio"
"""The organisation whose relationships the site maps (under the base)."""

KIND_TEXTS = {
    "twin-town": "map_twin_town",
    "network-seat": "map_network_seat",
    "representation": "map_representation",
    "partnership": "map_partnership",
}
"""The interface text naming each kind of relationship."""


@dataclass(frozen=True)
class Row:
    """One line of the map's table: a relationship at a place."""

    place: str
    country: str | None
    kind: str
    relationship: str | None
    partner: str | None
    since: str
    distance: str


@dataclass(frozen=True)
class RelationshipMap:
    """What a template needs to show a map: its views, its table, its legend, and what is not
    on it for want of coordinates."""

    drawings: list[Drawing]
    rows: list[Row]
    legend: list[tuple[str, str]]
    """Each kind of relationship and its name; none for a map without lines."""
    unlocated: list[tuple[str, str, str]]
    """Each partner that is not on the map: the partner, the relationship, the kind's name."""
    names: dict[str, dict[str, str]]
    current: str | None
    """The place whose page shows the map, if it is a place's."""


@blueprint.route("/map")
def map_page() -> Response:
    """The map of the city's relationships, with its table, on a page of its own."""
    language = choose_language()
    city = served().settings.base + CITY
    body = render_template(
        "pages/map.html", lang=language, city=city, map=city_map(language), names=_city_name(city)
    )
    return Response(body, content_type=content_type(HTML))


@blueprint.route("/map/<name>.svg")
def base_map_image(name: str) -> Response:
    """A view's land and countries, the background of every map."""
    if name not in VIEWS:
        abort(404)
    return Response(base_map(name), content_type="image/svg+xml; charset=utf-8")


def city_map(language: str, current: str | None = None) -> RelationshipMap | None:
    """The map of the city's relationships in ``language``; with ``current``, the map of that
    place's page instead: the place itself, the city and the lines between them. None where the
    graph has no coordinates for the city (or for ``current``)."""
    store = served().store
    found = relationship_places(store, served().settings.base + CITY)
    if found is None:
        return None
    places = found.places
    names = dict(found.labels)
    if current is not None:
        here = found.place(current) or locate(store, [current], found.home_position).get(current)
        if here is None:
            return None
        places = [here]
        names.update(labels(store, [current, *([here.country] if here.country else [])]))
    return _assemble(found, places, names, language, current)


def _assemble(
    found: RelationshipPlaces,
    places: list[LocatedPlace],
    names: dict[str, dict[str, str]],
    language: str,
    current: str | None,
) -> RelationshipMap:
    """The views, table and legend of ``places`` seen from ``found``'s home."""
    href = template_helpers()["href"]

    def name(iri: str) -> str:
        return best_label(names.get(iri, {}), language) or iri.rsplit("/", 1)[-1]

    home = Point(
        found.home_position.latitude,
        found.home_position.longitude,
        name(found.home),
        href(found.home),
        name(found.home),
        "home",
        current=current == found.home,
    )
    points = [
        _point(place, name, href, language, current) for place in places if place.iri != found.home
    ]
    drawings = [
        draw(WORLD, points, home, lambda p: not EUROPE.shows(p.latitude, p.longitude), EUROPE),
        draw(EUROPE, points, home, lambda point: True),
    ]
    rows = [
        Row(
            place.iri,
            place.country,
            kind_name(tie.kind, language),
            tie.relationship,
            tie.partner,
            str(tie.since) if tie.since else "–",
            _kilometres(place.distance_km, language),
        )
        for place in places
        for tie in place.ties
    ]
    if current is not None and not rows:
        (place,) = places
        rows = [
            Row(
                place.iri,
                place.country,
                "–",
                None,
                None,
                "–",
                _kilometres(place.distance_km, language),
            )
        ]
    unlocated = [
        (tie.partner, tie.relationship, kind_name(tie.kind, language))
        for tie in ([] if current else found.unlocated)
    ]
    lines = any(place.ties for place in places)
    legend = [(kind, kind_name(kind, language)) for kind in RELATIONSHIP_KINDS] if lines else []
    return RelationshipMap(drawings, rows, legend, list(dict.fromkeys(unlocated)), names, current)


def kind_name(kind: str, language: str) -> str:
    """The name of a kind of relationship in ``language``."""
    return text(KIND_TEXTS[kind], language)


def _point(
    place: LocatedPlace,
    name: Callable[[str], str],
    href: Callable[[str], str],
    language: str,
    current: str | None,
) -> Point:
    """The marker of a located place: named by the place (and its country), with what ties the
    city to it and how far it is, in the tooltip."""
    title = name(place.iri)
    if place.country:
        title += f" ({name(place.country)})"
    kinds = dict.fromkeys(kind_name(tie.kind, language) for tie in place.ties)
    if kinds:
        title += ": " + ", ".join(kinds)
    title += f" · {_kilometres(place.distance_km, language)}"
    return Point(
        place.position.latitude,
        place.position.longitude,
        name(place.iri),
        href(place.iri),
        title,
        place.kind if place.ties else "place",
        line=bool(place.ties),
        current=place.iri == current,
    )


def _kilometres(distance: float, language: str) -> str:
    """A distance rounded to the kilometre, with the thousands grouped as ``language`` writes
    them (``1 303 km``, ``1,303 km``)."""
    grouped = f"{round(distance):,}"
    return (grouped.replace(",", "\u00a0") if language == "fi" else grouped) + "\u00a0km"


def _city_name(city: str) -> dict[str, dict[str, str]]:
    """The labels of the city, for the page's heading."""
    return labels(served().store, [city])
