"""Where the city's relationships are: the kinds of relationship as the graph states them, the
places drawn and those left out, and distances on a sphere, over the bundled data and its
places' GeoNames coordinates."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest
from bundled import BUNDLED
from servers import STORES, Virtuoso, start_store, stop_store

from kuopio_graph import GraphStore, load
from kuopio_graph.geography import (
    EARTH_RADIUS_KM,
    NETWORK_SEAT,
    OTHER_PARTNERSHIP,
    REPRESENTATION,
    TWIN_TOWN,
    Position,
    locate,
    relationship_places,
)
from kuopio_graph.remote import RemoteStore
from kuopio_graph.remote.publish import publish
from kuopio_graph.remote.store import Endpoint, dataset_graph

ID = "https://w3id.org/kuopio-graph/id/"
CITY = f"{ID}organisation/city-of-kuopio"
KUOPIO = Position(62.89238, 27.67703)

TINY = """
@base <https://w3id.org/kuopio-graph/id/> .
@prefix kuopio: <https://w3id.org/kuopio-graph/ontology/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<organisation/town> schema:location <place/town> .
<place/town> a schema:City ; wgs:lat 60.0 ; wgs:long 25.0 .
<organisation/local-college> schema:location <place/town> , <place/campus> .
<place/campus> a schema:City ; wgs:lat 61.0 ; wgs:long 26.0 .
<organisation/faraway> schema:location <place/far-country> .
<place/far-country> a schema:Country ; rdfs:label "Far Country"@en ; wgs:lat 10.0 ; wgs:long 10.0 .
<organisation/neighbour> schema:location <place/neighbour-town> .
<place/neighbour-town> a schema:City ; wgs:lat 59.0 ; wgs:long 24.0 ;
  schema:containedInPlace <place/far-country> .
<partnership/cooperation> a kuopio:Partnership ;
  org:hasMember <organisation/town> , <organisation/local-college> , <organisation/faraway> ,
    <organisation/nowhere> .
<partnership/town-neighbour> a kuopio:TwinTownPartnership ;
  org:hasMember <organisation/town> , <organisation/neighbour> ;
  schema:startDate "1990"^^xsd:gYear .
"""
"""A town with a local partner (located in the town itself), a partner located only in a country
(which has coordinates, as countries may), one located nowhere, and a twin town."""


def test_distances_are_great_circle_distances_on_a_sphere() -> None:
    svendborg = Position(55.05982, 10.60677)
    # The spherical law of cosines, another formula for the same distance.
    phi1, phi2 = math.radians(KUOPIO.latitude), math.radians(svendborg.latitude)
    dlambda = math.radians(svendborg.longitude - KUOPIO.longitude)
    cosines = EARTH_RADIUS_KM * math.acos(
        math.sin(phi1) * math.sin(phi2) + math.cos(phi1) * math.cos(phi2) * math.cos(dlambda)
    )
    assert KUOPIO.distance_km(svendborg) == pytest.approx(cosines, abs=1e-6)
    assert KUOPIO.distance_km(KUOPIO) == 0
    # Half the way round the Earth.
    assert Position(0, 0).distance_km(Position(0, 180)) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_each_kind_of_relationship_is_found_where_the_graph_states_it(
    store: GraphStore,
) -> None:
    found = relationship_places(store, CITY)
    assert found is not None
    assert found.home == f"{ID}place/kuopio"
    assert found.home_position == KUOPIO
    ties = {
        (tie.kind, tie.relationship, tie.place, tie.since)
        for place in found.places
        for tie in place.ties
    }
    assert {
        (TWIN_TOWN, f"{ID}partnership/kuopio-svendborg", f"{ID}place/svendborg", None),
        (TWIN_TOWN, f"{ID}partnership/kuopio-bodo", f"{ID}place/bodo", None),
        (
            OTHER_PARTNERSHIP,
            f"{ID}partnership/nordic-sister-city-collaboration",
            f"{ID}place/bodo",
            None,
        ),
        (NETWORK_SEAT, f"{ID}network/iclei", f"{ID}place/bonn", None),
    } <= ties
    # Brussels is not linked to GeoNames (no cited page names its country), so it has no
    # position: the EU office is listed apart, not drawn.
    assert (
        REPRESENTATION,
        f"{ID}office/east-and-north-finland-eu-office",
        f"{ID}place/brussels",
        2013,
    ) in {(tie.kind, tie.relationship, tie.place, tie.since) for tie in found.unlocated}
    svendborg = found.place(f"{ID}place/svendborg")
    assert svendborg is not None
    assert svendborg.country == f"{ID}place/denmark"
    assert svendborg.kind == TWIN_TOWN  # a twin town first, a partnership besides
    assert round(svendborg.distance_km) == 1303
    distances = [place.distance_km for place in found.places]
    assert distances == sorted(distances)
    # Jönköping is placed in its town; Gera in no town (no cited page names its country):
    # listed apart, not drawn. Countries are never drawn.
    drawn = {place.iri for place in found.places}
    assert f"{ID}place/jonkoping" in drawn
    assert f"{ID}organisation/gera" in {tie.partner for tie in found.unlocated}
    assert f"{ID}place/sweden" not in drawn


def test_local_partners_and_countries_are_not_drawn(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.ttl"
    tiny.write_text(TINY, encoding="utf-8")
    store = load(replace(BUNDLED, data=(), extra=(tiny,)))
    found = relationship_places(store, f"{ID}organisation/town")
    assert found is not None
    # The college is in the town itself: its campus elsewhere is no relationship's place.
    assert [place.iri for place in found.places] == [f"{ID}place/neighbour-town"]
    (neighbour,) = found.places
    assert neighbour.country == f"{ID}place/far-country"
    assert [(tie.kind, tie.since) for tie in neighbour.ties] == [(TWIN_TOWN, 1990)]
    # A partner located only in a country is listed apart, even where the country has
    # coordinates, and so is one the graph places nowhere.
    assert [(tie.partner, tie.place) for tie in found.unlocated] == [
        (f"{ID}organisation/faraway", f"{ID}place/far-country"),
        (f"{ID}organisation/nowhere", None),
    ]
    assert locate(store, [f"{ID}place/far-country"], neighbour.position) == {}


def test_no_map_without_the_home_towns_coordinates(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.ttl"
    tiny.write_text(TINY.replace("wgs:lat 60.0 ; wgs:long 25.0 ", ""), encoding="utf-8")
    assert (
        relationship_places(
            load(replace(BUNDLED, data=(), extra=(tiny,))), f"{ID}organisation/town"
        )
        is None
    )


@pytest.mark.parametrize("kind", STORES)
def test_a_remote_store_gives_the_same_places(store: GraphStore, tmp_path: Path, kind: str) -> None:
    """The map's queries are plain SPARQL 1.1 that Oxigraph's server and Virtuoso answer as the
    embedded store does."""
    server = start_store(kind, tmp_path)
    try:
        credentials = None
        update_url = server.update_url
        if isinstance(server, Virtuoso):
            credentials = (server.credentials["KUOPIO_STORE_USER"], server.password)
        endpoint = Endpoint(server.query_url, dataset_graph(store.base), credentials=credentials)
        publish(store, endpoint, update_url)
        remote = relationship_places(RemoteStore(store.base, endpoint), CITY)
    finally:
        stop_store(server)
    embedded = relationship_places(store, CITY)
    assert remote is not None and embedded is not None
    assert remote.places == embedded.places
    assert remote.unlocated == embedded.unlocated
    assert remote.labels == embedded.labels
