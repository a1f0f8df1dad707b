"""The GeoSPARQL functions, and which of them a store evaluates.

Oxigraph, the embedded engine, evaluates a part of GeoSPARQL 1.1 (the README lists it); a
remote store evaluates the functions a query calls itself, and may have others, or none
(Virtuoso 7 has none). So the service description lists what the store answers:
:func:`evaluated` has the store call each function once, on arguments it must answer, and keeps
those that give a value. Over a remote store a function must also be one the embedded engine
knows, as a query's functions are checked here before the store sees them (Virtuoso's own
``bif:`` functions, which can read files and fetch URLs, never reach it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from .errors import QueryNotSupported, QuerySyntaxError, StoreFailed
from .store import Store

GEOF = "http://www.opengis.net/def/function/geosparql/"
WKT = ox.NamedNode("http://www.opengis.net/ont/geosparql#wktLiteral")
ARGUMENTS = {
    "point": ox.Literal("POINT(27.67703 62.89238)", datatype=WKT),
    "other": ox.Literal("POINT(12.08187 50.88029)", datatype=WKT),
    "box": ox.Literal("POLYGON((20 60, 32 60, 32 70, 20 70, 20 60))", datatype=WKT),
    "line": ox.Literal("LINESTRING(27.67703 62.89238, 12.08187 50.88029)", datatype=WKT),
}
"""What the calls are given: Kuopio, Gera, a box around Kuopio, and the line between the two
towns (longitude first, in CRS84, as GeoSPARQL's WKT has it)."""

FUNCTIONS = {
    # Simple Features, Egenhofer and RCC8 relations, and the DE-9IM matrix
    "sfEquals": "SELECT ?value WHERE { BIND(geof:sfEquals(?point, ?point) AS ?value) }",
    "sfDisjoint": "SELECT ?value WHERE { BIND(geof:sfDisjoint(?point, ?other) AS ?value) }",
    "sfIntersects": "SELECT ?value WHERE { BIND(geof:sfIntersects(?point, ?box) AS ?value) }",
    "sfTouches": "SELECT ?value WHERE { BIND(geof:sfTouches(?point, ?box) AS ?value) }",
    "sfCrosses": "SELECT ?value WHERE { BIND(geof:sfCrosses(?line, ?box) AS ?value) }",
    "sfWithin": "SELECT ?value WHERE { BIND(geof:sfWithin(?point, ?box) AS ?value) }",
    "sfContains": "SELECT ?value WHERE { BIND(geof:sfContains(?box, ?point) AS ?value) }",
    "sfOverlaps": "SELECT ?value WHERE { BIND(geof:sfOverlaps(?box, ?box) AS ?value) }",
    "ehEquals": "SELECT ?value WHERE { BIND(geof:ehEquals(?point, ?point) AS ?value) }",
    "ehDisjoint": "SELECT ?value WHERE { BIND(geof:ehDisjoint(?point, ?other) AS ?value) }",
    "ehMeet": "SELECT ?value WHERE { BIND(geof:ehMeet(?point, ?box) AS ?value) }",
    "ehOverlap": "SELECT ?value WHERE { BIND(geof:ehOverlap(?box, ?box) AS ?value) }",
    "ehCovers": "SELECT ?value WHERE { BIND(geof:ehCovers(?box, ?point) AS ?value) }",
    "ehCoveredBy": "SELECT ?value WHERE { BIND(geof:ehCoveredBy(?point, ?box) AS ?value) }",
    "ehInside": "SELECT ?value WHERE { BIND(geof:ehInside(?point, ?box) AS ?value) }",
    "ehContains": "SELECT ?value WHERE { BIND(geof:ehContains(?box, ?point) AS ?value) }",
    "rcc8eq": "SELECT ?value WHERE { BIND(geof:rcc8eq(?box, ?box) AS ?value) }",
    "rcc8dc": "SELECT ?value WHERE { BIND(geof:rcc8dc(?point, ?other) AS ?value) }",
    "rcc8ec": "SELECT ?value WHERE { BIND(geof:rcc8ec(?point, ?box) AS ?value) }",
    "rcc8po": "SELECT ?value WHERE { BIND(geof:rcc8po(?box, ?box) AS ?value) }",
    "rcc8tppi": "SELECT ?value WHERE { BIND(geof:rcc8tppi(?box, ?point) AS ?value) }",
    "rcc8tpp": "SELECT ?value WHERE { BIND(geof:rcc8tpp(?point, ?box) AS ?value) }",
    "rcc8ntpp": "SELECT ?value WHERE { BIND(geof:rcc8ntpp(?point, ?box) AS ?value) }",
    "rcc8ntppi": "SELECT ?value WHERE { BIND(geof:rcc8ntppi(?box, ?point) AS ?value) }",
    "relate": 'SELECT ?value WHERE { BIND(geof:relate(?point, ?box, "T*F**F***") AS ?value) }',
    # Measures
    "distance": "SELECT ?value WHERE { BIND(geof:distance(?point, ?other, uom:metre) AS ?value) }",
    "metricDistance": "SELECT ?value WHERE { BIND(geof:metricDistance(?point, ?other) AS ?value) }",
    "area": "SELECT ?value WHERE { BIND(geof:area(?box, uom:square_metre) AS ?value) }",
    "length": "SELECT ?value WHERE { BIND(geof:length(?line, uom:metre) AS ?value) }",
    "perimeter": "SELECT ?value WHERE { BIND(geof:perimeter(?box, uom:metre) AS ?value) }",
    # Geometries made from others
    "buffer": "SELECT ?value WHERE { BIND(geof:buffer(?point, 1000, uom:metre) AS ?value) }",
    "metricBuffer": "SELECT ?value WHERE { BIND(geof:metricBuffer(?point, 1000) AS ?value) }",
    "boundary": "SELECT ?value WHERE { BIND(geof:boundary(?box) AS ?value) }",
    "boundingCircle": "SELECT ?value WHERE { BIND(geof:boundingCircle(?box) AS ?value) }",
    "centroid": "SELECT ?value WHERE { BIND(geof:centroid(?box) AS ?value) }",
    "concaveHull": "SELECT ?value WHERE { BIND(geof:concaveHull(?box, 0.5) AS ?value) }",
    "convexHull": "SELECT ?value WHERE { BIND(geof:convexHull(?line) AS ?value) }",
    "envelope": "SELECT ?value WHERE { BIND(geof:envelope(?line) AS ?value) }",
    "intersection": "SELECT ?value WHERE { BIND(geof:intersection(?box, ?box) AS ?value) }",
    "union": "SELECT ?value WHERE { BIND(geof:union(?box, ?box) AS ?value) }",
    "difference": "SELECT ?value WHERE { BIND(geof:difference(?box, ?box) AS ?value) }",
    "symDifference": "SELECT ?value WHERE { BIND(geof:symDifference(?box, ?box) AS ?value) }",
    "geometryN": "SELECT ?value WHERE { BIND(geof:geometryN(?point, 1) AS ?value) }",
    "transform": (
        "SELECT ?value WHERE { BIND(geof:transform(?point,"
        " <http://www.opengis.net/def/crs/OGC/1.3/CRS84>) AS ?value) }"
    ),
    # What a geometry is
    "dimension": "SELECT ?value WHERE { BIND(geof:dimension(?box) AS ?value) }",
    "coordinateDimension": (
        "SELECT ?value WHERE { BIND(geof:coordinateDimension(?point) AS ?value) }"
    ),
    "spatialDimension": "SELECT ?value WHERE { BIND(geof:spatialDimension(?point) AS ?value) }",
    "geometryType": "SELECT ?value WHERE { BIND(geof:geometryType(?point) AS ?value) }",
    "numGeometries": "SELECT ?value WHERE { BIND(geof:numGeometries(?point) AS ?value) }",
    "isEmpty": "SELECT ?value WHERE { BIND(geof:isEmpty(?point) AS ?value) }",
    "isSimple": "SELECT ?value WHERE { BIND(geof:isSimple(?point) AS ?value) }",
    "is3D": "SELECT ?value WHERE { BIND(geof:is3D(?point) AS ?value) }",
    "isMeasured": "SELECT ?value WHERE { BIND(geof:isMeasured(?point) AS ?value) }",
    "getSRID": "SELECT ?value WHERE { BIND(geof:getSRID(?point) AS ?value) }",
    "minX": "SELECT ?value WHERE { BIND(geof:minX(?box) AS ?value) }",
    "maxX": "SELECT ?value WHERE { BIND(geof:maxX(?box) AS ?value) }",
    "minY": "SELECT ?value WHERE { BIND(geof:minY(?box) AS ?value) }",
    "maxY": "SELECT ?value WHERE { BIND(geof:maxY(?box) AS ?value) }",
    "minZ": (
        'SELECT ?value WHERE { BIND(geof:minZ("POINT Z(27.67703 62.89238 100)"^^geo:wktLiteral)'
        " AS ?value) }"
    ),
    "maxZ": (
        'SELECT ?value WHERE { BIND(geof:maxZ("POINT Z(27.67703 62.89238 100)"^^geo:wktLiteral)'
        " AS ?value) }"
    ),
    # Serialisations
    "asWKT": "SELECT ?value WHERE { BIND(geof:asWKT(?point) AS ?value) }",
    "asGeoJSON": "SELECT ?value WHERE { BIND(geof:asGeoJSON(?point) AS ?value) }",
    "asGML": "SELECT ?value WHERE { BIND(geof:asGML(?point) AS ?value) }",
    "asKML": "SELECT ?value WHERE { BIND(geof:asKML(?point) AS ?value) }",
    "asDGGS": (
        "SELECT ?value WHERE { BIND(geof:asDGGS(?point,"
        " <https://w3id.org/dggs/auspix>) AS ?value) }"
    ),
}
"""Each function the OGC registers under ``geof:`` for GeoSPARQL 1.1 (and ``perimeter``,
which its next version adds), with a query that calls it once. (A query's values are bound
with :func:`kuopio_graph.binding.bind`.)"""

AGGREGATES = {
    "aggBoundingBox": "SELECT (geof:aggBoundingBox(?point) AS ?value) WHERE { }",
    "aggBoundingCircle": "SELECT (geof:aggBoundingCircle(?point) AS ?value) WHERE { }",
    "aggCentroid": "SELECT (geof:aggCentroid(?point) AS ?value) WHERE { }",
    "aggConcaveHull": "SELECT (geof:aggConcaveHull(?point) AS ?value) WHERE { }",
    "aggConvexHull": "SELECT (geof:aggConvexHull(?point) AS ?value) WHERE { }",
    "aggUnion": "SELECT (geof:aggUnion(?point) AS ?value) WHERE { }",
}
"""GeoSPARQL 1.1's aggregates, likewise."""


@dataclass(frozen=True)
class Evaluated:
    """The GeoSPARQL functions and aggregates a store evaluates, by IRI."""

    functions: tuple[str, ...]
    aggregates: tuple[str, ...]

    def answer(self, query: str) -> bool:
        """Whether every GeoSPARQL function and aggregate ``query`` names is evaluated."""
        return called(query) <= {*self.functions, *self.aggregates}


CALL = re.compile(r"(?:\bgeof:|<http://www\.opengis\.net/def/function/geosparql/)(\w+)")
"""A call of a GeoSPARQL function or aggregate, by its prefixed name or its full IRI."""


def called(query: str) -> set[str]:
    """The IRIs of the GeoSPARQL functions and aggregates ``query``'s text names."""
    return {GEOF + name for name in CALL.findall(query)}


def evaluated(store: Store) -> Evaluated:
    """The functions and aggregates that ``store`` answers with a value, asking it once for
    each (a store that cannot be reached raises :class:`~kuopio_graph.errors.StoreError`)."""
    return Evaluated(
        tuple(GEOF + name for name, query in FUNCTIONS.items() if _answers(store, query)),
        tuple(GEOF + name for name, query in AGGREGATES.items() if _answers(store, query)),
    )


def _answers(store: Store, query: str) -> bool:
    """Whether ``query`` gives ``?value``: not when the store refuses to call the function,
    fails on it, or leaves the value unbound."""
    try:
        rows = store.select(query, ARGUMENTS)
    except (QueryNotSupported, QuerySyntaxError, StoreFailed):
        return False
    return any("value" in row for row in rows)
