"""Where an organisation's relationships are: the places of its partners, of the networks it
takes part in and of the offices that represent it, with their coordinates and their distance
from the organisation's own town.

Four kinds of relationship are found, each as the graph states it:

- a **twin town**: a ``kuopio:TwinTownPartnership`` the organisation is a member of
  (``org:hasMember``); the place is where the other member is (``schema:location``);
- a **network seat**: a network the organisation, or a unit of it, takes part in (an
  ``org:Membership`` with ``org:member`` and ``org:organization``); the place is the network's
  own ``schema:location``;
- an **EU representation**: a ``kuopio:RepresentationOffice`` that represents
  (``kuopio:represents``) a place the organisation is located in; the place is the office's;
- a **partnership**: any other ``kuopio:Partnership`` the organisation is a member of; the
  place is the partnership's own location or its other members'.

A place is drawn only if the graph gives it WGS84 coordinates (``wgs:lat``, ``wgs:long``) and
it is not a country: a partner located only in a country, or nowhere the graph says, is listed
apart, as not located. A
partner located in the organisation's own town is a local one (the members of the Kuopio–Shanghai
cooperation network, say) and is left out. Distances are great-circle distances on a sphere.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from .naming import labels
from .store import Store

EARTH_RADIUS_KM = 6371.0088
"""The mean radius of the Earth (IUGG), for distances on a sphere."""

TWIN_TOWN = "twin-town"
NETWORK_SEAT = "network-seat"
REPRESENTATION = "representation"
OTHER_PARTNERSHIP = "partnership"
RELATIONSHIP_KINDS = (TWIN_TOWN, NETWORK_SEAT, REPRESENTATION, OTHER_PARTNERSHIP)
"""The kinds of relationship, in the order a place that has several is drawn by."""

HOME = """
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?place ?lat ?long
WHERE {
  ?organisation schema:location ?place .
  ?place a schema:City ; wgs:lat ?lat ; wgs:long ?long .
}
ORDER BY ?place
"""
"""The located town ``?organisation`` is in."""

TIES = """
SELECT DISTINCT ?kind ?relationship ?partner ?place ?start
WHERE {
  {
    ?relationship a kuopio:TwinTownPartnership ; org:hasMember ?organisation , ?partner .
    OPTIONAL { ?partner schema:location ?place }
    FILTER(?partner != ?organisation)
    FILTER NOT EXISTS { ?partner schema:location ?home }
    BIND("twin-town" AS ?kind)
    OPTIONAL { ?relationship schema:startDate ?start }
  } UNION {
    ?participation org:member ?member ; org:organization ?relationship .
    { ?participation org:member ?organisation }
    UNION { ?member org:unitOf ?organisation }
    UNION { ?organisation org:hasUnit ?member }
    OPTIONAL { ?relationship schema:location ?place }
    BIND(?relationship AS ?partner)
    BIND("network-seat" AS ?kind)
    OPTIONAL { ?participation org:memberDuring/time:hasBeginning/time:inXSDgYear ?start }
  } UNION {
    ?relationship a kuopio:RepresentationOffice ; kuopio:represents ?represented .
    ?organisation schema:location ?represented .
    OPTIONAL { ?relationship schema:location ?place }
    BIND(?relationship AS ?partner)
    BIND("representation" AS ?kind)
    OPTIONAL { ?relationship schema:foundingDate|schema:startDate ?start }
  } UNION {
    ?relationship a kuopio:Partnership ; org:hasMember ?organisation .
    {
      ?relationship org:hasMember ?partner .
      OPTIONAL { ?partner schema:location ?place }
      FILTER(?partner != ?organisation)
      FILTER NOT EXISTS { ?partner schema:location ?home }
    } UNION {
      ?relationship schema:location ?place .
      BIND(?relationship AS ?partner)
    }
    BIND("partnership" AS ?kind)
    OPTIONAL { ?relationship schema:startDate ?start }
  }
}
LIMIT 2000
"""
"""Every relationship of ``?organisation``, with the partner in it (the relationship itself for
a network or an office), the partner's places, where the graph gives any, and when it began,
where the graph says; partners located in ``?home`` are left out."""

PLACES = """
PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>
SELECT ?place ?lat ?long ?country ?isCountry
WHERE {
  OPTIONAL { ?place wgs:lat ?lat ; wgs:long ?long }
  OPTIONAL { ?place schema:containedInPlace ?country . ?country a schema:Country }
  OPTIONAL { ?place a schema:Country . BIND(true AS ?isCountry) }
}
"""
"""The coordinates of each ``?place``, the country it is in, and whether it is one itself."""

LATITUDE = "http://www.w3.org/2003/01/geo/wgs84_pos#lat"
"""The property that gives a located place its latitude (and with ``wgs:long``, a position)."""


@dataclass(frozen=True)
class Position:
    """A point on the Earth in WGS84 degrees."""

    latitude: float
    longitude: float

    def distance_km(self, other: Position) -> float:
        """The great-circle distance to ``other`` in kilometres, by the haversine formula on a
        sphere of radius :data:`EARTH_RADIUS_KM`.

        >>> round(Position(62.89238, 27.67703).distance_km(Position(55.05982, 10.60677)))
        1303
        """
        phi1, phi2 = math.radians(self.latitude), math.radians(other.latitude)
        half_dphi = (phi2 - phi1) / 2
        half_dlambda = math.radians(other.longitude - self.longitude) / 2
        h = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


@dataclass(frozen=True)
class Tie:
    """One relationship of the organisation at one place."""

    kind: str
    """One of :data:`RELATIONSHIP_KINDS`."""
    relationship: str
    """The partnership, network or office."""
    partner: str
    """Who is at the place: the other member of a partnership; the network or office itself."""
    place: str | None
    """Where the partner is; None where the graph does not say."""
    since: int | None
    """The year it began, where the graph says."""


@dataclass(frozen=True)
class LocatedPlace:
    """A place with coordinates, its country, its distance from home, and the ties there."""

    iri: str
    position: Position
    country: str | None
    distance_km: float
    ties: tuple[Tie, ...]

    @property
    def kind(self) -> str:
        """The kind the place is drawn as: the first of :data:`RELATIONSHIP_KINDS` among its
        ties."""
        return min((tie.kind for tie in self.ties), key=RELATIONSHIP_KINDS.index)


@dataclass(frozen=True)
class RelationshipPlaces:
    """Where an organisation's relationships are, seen from its home town."""

    organisation: str
    home: str
    home_position: Position
    places: list[LocatedPlace]
    """Nearest first."""
    unlocated: list[Tie]
    """The ties of partners that have no place with coordinates (only a country, say, or no
    place at all)."""
    labels: dict[str, dict[str, str]]
    """The labels of everything named here."""

    def place(self, iri: str) -> LocatedPlace | None:
        """The place ``iri`` among :attr:`places`, if it is one."""
        return next((place for place in self.places if place.iri == iri), None)


def locate(store: Store, places: Iterable[str], home: Position) -> dict[str, LocatedPlace]:
    """Those of ``places`` that have coordinates (and are not countries), with their country
    and their distance from ``home``, and no ties."""
    located = {}
    for place, (at, country) in _places(store, set(places)).items():
        if at is not None:
            located[place] = LocatedPlace(place, at, country, home.distance_km(at), ())
    return located


def relationship_places(store: Store, organisation: str) -> RelationshipPlaces | None:
    """Where the relationships of ``organisation`` are; None if the graph gives no coordinates
    for the town it is in."""
    homes = store.select(HOME, {"organisation": ox.NamedNode(organisation)})
    located_homes = [(row["place"].value, _position(row)) for row in homes]
    home, home_position = next(((p, at) for p, at in located_homes if at), ("", None))
    if home_position is None:
        return None
    values = {"organisation": ox.NamedNode(organisation), "home": ox.NamedNode(home)}
    ties = _earliest(
        Tie(
            kind=row["kind"].value,
            relationship=row["relationship"].value,
            partner=row["partner"].value,
            place=row["place"].value if "place" in row else None,
            since=_year(row["start"].value) if "start" in row else None,
        )
        for row in store.select(TIES, values)
        if "place" not in row or row["place"].value != home
    )
    located = [
        replace(place, ties=tuple(tie for tie in ties if tie.place == place.iri))
        for place in locate(store, {tie.place for tie in ties if tie.place}, home_position).values()
    ]
    located.sort(key=lambda place: (place.distance_km, place.iri))
    drawn = {(tie.relationship, tie.partner) for place in located for tie in place.ties}
    unlocated = [tie for tie in ties if (tie.relationship, tie.partner) not in drawn]
    named = {organisation, home}
    for tie in ties:
        named |= {tie.relationship, tie.partner, *([tie.place] if tie.place else [])}
    named |= {place.country for place in located if place.country}
    return RelationshipPlaces(
        organisation, home, home_position, located, unlocated, labels(store, named)
    )


def _places(store: Store, iris: set[str]) -> dict[str, tuple[Position | None, str | None]]:
    """For each of ``iris``: its coordinates (None for a country or where the graph gives
    none) and the country it is in (the first by IRI, where the graph says)."""
    if not iris:
        return {}
    positions: dict[str, Position | None] = {}
    countries: dict[str, str | None] = {}
    for row in store.select(PLACES, {"place": [ox.NamedNode(iri) for iri in sorted(iris)]}):
        place = row["place"].value
        if positions.get(place) is None and "isCountry" not in row:
            positions[place] = _position(row)
        country = row["country"].value if "country" in row else None
        countries[place] = min(filter(None, (countries.get(place), country)), default=None)
    return {place: (positions.get(place), countries.get(place)) for place in countries}


def _earliest(ties: Iterable[Tie]) -> list[Tie]:
    """One tie per relationship, partner and place, the one with the earliest start, in order
    of kind, relationship, partner and place."""
    kept: dict[tuple[str, str, str, str | None], Tie] = {}
    for tie in ties:
        key = (tie.kind, tie.relationship, tie.partner, tie.place)
        earlier = kept.get(key)
        if earlier is None or (tie.since is not None and (earlier.since or 10**6) > tie.since):
            kept[key] = tie
    return sorted(
        kept.values(),
        key=lambda t: (RELATIONSHIP_KINDS.index(t.kind), t.relationship, t.partner, t.place or ""),
    )


def _position(row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]) -> Position | None:
    """The coordinates in a row's ``?lat`` and ``?long``, if both are numbers in range."""
    try:
        latitude, longitude = float(row["lat"].value), float(row["long"].value)
    except (KeyError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return Position(latitude, longitude)


def _year(value: str) -> int | None:
    """The year of an ``xsd:gYear``, ``gYearMonth``, ``date`` or ``dateTime`` lexical form."""
    digits = value.lstrip("-")[:4]
    return int(digits) if digits.isdigit() else None
