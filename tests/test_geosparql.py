"""GeoSPARQL at the endpoint: the prefixes every query may use undeclared, the functions the
embedded engine evaluates and how exact they are, and what the service description says of
them. (Over a remote store, see ``test_remote.py``.)"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient
from geodesy import geodesic_km, haversine_km
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from kuopio_graph import GraphStore
from kuopio_graph.geosparql import AGGREGATES, FUNCTIONS, evaluated

SPARQL_JSON = "application/sparql-results+json"
GEO = "http://www.opengis.net/ont/geosparql#"
GEOF = "http://www.opengis.net/def/function/geosparql/"
UOM = "http://www.opengis.net/def/uom/OGC/1.0/"
WGS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
WKT = ox.NamedNode(f"{GEO}wktLiteral")

KUOPIO = (62.89238, 27.67703)
PLACES = {
    "Svendborg": (55.05982, 10.60677),
    "Gera": (50.88029, 12.08187),
    "Bonn": (50.73438, 7.09549),
    "Brussels": (50.85045, 4.34878),
    "Bodø": (67.28, 14.405),
}
"""Latitude and longitude in degrees, as GeoNames gives them."""

EVALUATED = {
    *("sfEquals", "sfDisjoint", "sfIntersects", "sfTouches"),
    *("sfCrosses", "sfWithin", "sfContains", "sfOverlaps"),
    *("ehEquals", "ehDisjoint", "ehMeet", "ehOverlap"),
    *("ehCovers", "ehCoveredBy", "ehInside", "ehContains"),
    *("rcc8eq", "rcc8dc", "rcc8ec", "rcc8po", "rcc8tppi", "rcc8tpp", "rcc8ntpp", "rcc8ntppi"),
    *("relate", "distance", "area", "length", "perimeter", "centroid", "convexHull"),
    *("envelope", "intersection", "union", "difference", "symDifference"),
    *("dimension", "coordinateDimension", "spatialDimension", "isEmpty", "isSimple"),
    *("getSRID", "asGeoJSON"),
}
"""What Oxigraph 0.5 evaluates of GeoSPARQL (the README lists it): no aggregate, and none of
the other functions."""


def wkt(point: tuple[float, float]) -> ox.Literal:
    """A point as GeoSPARQL's WKT writes it: longitude first."""
    latitude, longitude = point
    return ox.Literal(f"POINT({longitude} {latitude})", datatype=WKT)


def distance(store: GraphStore, a: ox.Literal, b: ox.Literal, unit: str) -> float | None:
    """``geof:distance`` between two geometries in ``unit`` (a local name of ``uom:``), or
    None if the engine leaves it unbound."""
    (row,) = store.select(
        "SELECT ?d WHERE { BIND(geof:distance(?a, ?b, ?unit) AS ?d) }",
        {"a": a, "b": b, "unit": ox.NamedNode(UOM + unit)},
    )
    return float(row["d"].value) if "d" in row else None


def ask(client: FlaskClient, query: str) -> list[dict[str, str]]:
    """The rows of a SELECT sent to the endpoint, each value as its lexical form."""
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    rows = json.loads(answer.data)["results"]["bindings"]
    return [{name: cell["value"] for name, cell in row.items()} for row in rows]


# --- The prefixes ---------------------------------------------------------------------------


def test_the_geosparql_and_wgs84_prefixes_are_declared(store: GraphStore) -> None:
    assert {
        "geo": GEO,
        "geof": GEOF,
        "uom": UOM,
        "wgs": WGS,
    }.items() <= store.prefixes.items()
    (row,) = store.select(
        "SELECT ?km ?lat WHERE { BIND(geof:distance("
        '"POINT(0 0)"^^geo:wktLiteral, "POINT(0 1)"^^geo:wktLiteral, uom:kilometre) AS ?km)'
        " BIND(wgs:lat AS ?lat) }"
    )
    assert round(float(row["km"].value)) == 111
    assert row["lat"].value == f"{WGS}lat"


def test_a_query_that_declares_a_prefix_its_own_way_keeps_its_meaning(
    client: FlaskClient,
) -> None:
    """Many datasets write geo: for WGS84 (Virtuoso predeclares it so): a query that declares
    it so gets its own meaning, not the service's."""
    query = (
        "PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>\n"
        "SELECT ?lat ?function WHERE { BIND(geo:lat AS ?lat) BIND(geof:distance AS ?function) }"
    )
    assert ask(client, query) == [{"lat": f"{WGS}lat", "function": f"{GEOF}distance"}]


# --- How exact ------------------------------------------------------------------------------


def test_the_ellipsoidal_reference_is_right() -> None:
    """Vincenty's own example: Flinders Peak to Buninyong, 54,972.271 m."""
    flinders_peak = (-(37 + 57 / 60 + 3.72030 / 3600), 144 + 25 / 60 + 29.52440 / 3600)
    buninyong = (-(37 + 39 / 60 + 10.15610 / 3600), 143 + 55 / 60 + 35.38390 / 3600)
    assert geodesic_km(flinders_peak, buninyong) == pytest.approx(54.972271, abs=1e-6)


def test_the_distance_from_kuopio_to_gera_agrees_with_the_haversine_formula(
    store: GraphStore,
) -> None:
    gera = PLACES["Gera"]
    engine = distance(store, wkt(KUOPIO), wkt(gera), "kilometre")
    assert engine == pytest.approx(haversine_km(KUOPIO, gera), rel=0.005)
    assert engine == pytest.approx(1628.23, abs=0.01)


@pytest.mark.parametrize("place", PLACES)
def test_distance_is_the_haversine_within_half_a_percent_of_the_ellipsoid(
    store: GraphStore, place: str
) -> None:
    """The engine takes the earth for a sphere of the mean radius: the same formula to the
    last digits, and 0.21 to 0.34 % shorter than the ellipsoid's geodesic for these towns."""
    engine = distance(store, wkt(KUOPIO), wkt(PLACES[place]), "kilometre")
    assert engine == pytest.approx(haversine_km(KUOPIO, PLACES[place]), rel=1e-12)
    assert -0.0035 < engine / geodesic_km(KUOPIO, PLACES[place]) - 1 < -0.002


def test_distance_in_metres_and_kilometres(store: GraphStore) -> None:
    kuopio, gera = wkt(KUOPIO), wkt(PLACES["Gera"])
    metres = distance(store, kuopio, gera, "metre")
    kilometres = distance(store, kuopio, gera, "kilometre")
    assert metres is not None and kilometres is not None
    assert metres == pytest.approx(kilometres * 1000, rel=1e-15)


@pytest.mark.parametrize(
    ("a", "b", "unit"),
    [
        ("POINT(27.67703 62.89238)", "POINT(12.08187 50.88029)", "radian"),
        ("POINT(27.67703 62.89238)", "POINT(12.08187 50.88029)", "degree"),
        ("POINT(27.67703 62.89238)", "POLYGON((0 40, 20 40, 20 60, 0 60, 0 40))", "metre"),
        ("POINT(27.67703 62.89238)", "LINESTRING(0 40, 20 60)", "metre"),
        (
            "<http://www.opengis.net/def/crs/EPSG/0/4326> POINT(62.89238 27.67703)",
            "POINT(12.08187 50.88029)",
            "metre",
        ),
    ],
    ids=["radian", "degree", "to a polygon", "to a line", "EPSG 4326"],
)
def test_distance_is_unbound_in_angles_beyond_points_and_beyond_crs84(
    store: GraphStore, a: str, b: str, unit: str
) -> None:
    """Only between two points, in CRS84 (the default: longitude first), in metres or
    kilometres; anything else leaves the value unbound."""
    first, second = (ox.Literal(text, datatype=WKT) for text in (a, b))
    assert distance(store, first, second, unit) is None


@pytest.mark.parametrize(
    ("point", "within", "intersects"),
    [
        ("POINT(27.67703 62.89238)", True, True),  # Kuopio
        ("POINT(12.08187 50.88029)", False, False),  # Gera
        ("POINT(19 65)", False, True),  # on the western edge
    ],
)
def test_a_point_in_a_box(store: GraphStore, point: str, within: bool, intersects: bool) -> None:
    """A box of longitudes and latitudes (about Finland's) holds a point as the plane does:
    one on its edge is not within it, but meets it."""
    (row,) = store.select(
        "SELECT ?within ?intersects WHERE {"
        " BIND(geof:sfWithin(?point, ?box) AS ?within)"
        " BIND(geof:sfIntersects(?point, ?box) AS ?intersects) }",
        {
            "point": ox.Literal(point, datatype=WKT),
            "box": ox.Literal("POLYGON((19 59, 32 59, 32 71, 19 71, 19 59))", datatype=WKT),
        },
    )
    assert (row["within"].value, row["intersects"].value) == (
        str(within).lower(),
        str(intersects).lower(),
    )


# --- What the engine has, and what the service description says -----------------------------


def test_the_engine_evaluates_these_functions_and_no_aggregate(store: GraphStore) -> None:
    found = evaluated(store)
    assert set(found.functions) == {GEOF + name for name in EVALUATED}
    assert found.aggregates == ()
    assert EVALUATED < set(FUNCTIONS)
    assert len(FUNCTIONS) + len(AGGREGATES) == 71


def test_a_function_the_engine_lacks_is_refused_by_name(client: FlaskClient) -> None:
    query = (
        'SELECT ?b WHERE { BIND(geof:buffer("POINT(0 0)"^^geo:wktLiteral, 1, uom:metre) AS ?b) }'
    )
    answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": SPARQL_JSON})
    assert answer.status_code == 400
    assert f"<{GEOF}buffer>" in answer.get_data(as_text=True)


def test_the_service_description_lists_the_functions_the_engine_evaluates(
    client: FlaskClient,
) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(), format="turtle")
    (service,) = graph.subjects(RDF.type, SD.Service)
    listed = set(graph.objects(service, SD.extensionFunction))
    assert listed == {URIRef(GEOF + name) for name in EVALUATED}
    assert all((function, RDF.type, SD.Function) in graph for function in listed)
    assert not set(graph.objects(service, SD.extensionAggregate))
    assert "@prefix geof:" in response.get_data(as_text=True)
