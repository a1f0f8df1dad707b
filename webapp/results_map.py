"""SELECT results on a map, as the Wikidata Query Service's map view shows them: when a result
has a column of WKT points (``"POINT(lon lat)"^^geo:wktLiteral``) or a pair of latitude and
longitude columns (``?lat`` and ``?long``, ``?placeLatitude`` and ``?placeLongitude``…), each
row with a point is a marker on the same world and Europe views as the relationship map, a link
to the row's first IRI and named by it (else by the row's first text)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .world_map import EUROPE, WORLD, Drawing, Point, draw

WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"
POINT = re.compile(
    r"\s*(?:<[^>]*>\s*)?POINT\s*\(\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)"
    r"\s+([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*\)\s*",
    re.IGNORECASE,
)
"""A WKT point, with the coordinate system's IRI before it where one is given (GeoSPARQL)."""
LATITUDE = re.compile(r"(.*?)(lat|latitude)", re.IGNORECASE)
LONGITUDE_ENDINGS = ("long", "lon", "lng", "longitude")
MAX_POINTS = 1000
"""The most markers a map of results shows; the rest are left to the table."""
MAX_LABELS = 40
"""Markers are named on the map only when there are no more than this many."""

Cell = dict[str, str]


@dataclass(frozen=True)
class ResultsMap:
    """The views of a result's points, and how many points the result has in all."""

    drawings: list[Drawing]
    shown: int
    total: int


def results_map(
    table: dict[str, Any], name_of: Callable[[str], str], href: Callable[[str], str]
) -> ResultsMap | None:
    """The map of a SELECT result (SPARQL JSON) that has points; None for one that has none.
    ``name_of`` names an IRI, ``href`` makes a link to it."""
    names: list[str] = table.get("head", {}).get("vars", [])
    rows: list[dict[str, Cell]] = table.get("results", {}).get("bindings", [])
    columns = _columns(names, rows)
    if columns is None:
        return None
    points = []
    for row in rows:
        position = columns.position(row)
        if position is not None:
            points.append(_point(row, position, names, columns.names, name_of, href))
    if not points:
        return None
    shown = points[:MAX_POINTS]
    labelled = len(shown) <= MAX_LABELS
    drawings = [draw(WORLD, shown, None, lambda point: labelled)]
    if any(EUROPE.shows(point.latitude, point.longitude) for point in shown):
        drawings = [
            draw(
                WORLD,
                shown,
                None,
                lambda point: labelled and not EUROPE.shows(point.latitude, point.longitude),
                EUROPE,
            ),
            draw(EUROPE, shown, None, lambda point: labelled),
        ]
    return ResultsMap(drawings, len(shown), len(points))


Position = tuple[float, float]


@dataclass(frozen=True)
class Columns:
    """Where a result's points are: a column of WKT points, or a latitude and a longitude."""

    wkt: str | None = None
    latitude: str | None = None
    longitude: str | None = None

    @property
    def names(self) -> set[str]:
        """The columns the points come from."""
        return {name for name in (self.wkt, self.latitude, self.longitude) if name}

    def position(self, row: dict[str, Cell]) -> Position | None:
        """The row's point, if it has one."""
        if self.wkt:
            return _wkt_point(row.get(self.wkt))
        if self.latitude and self.longitude:
            return _pair(row.get(self.latitude), row.get(self.longitude))
        return None


def _columns(names: list[str], rows: list[dict[str, Cell]]) -> Columns | None:
    """The first column holding a WKT point, else the first pair of latitude and longitude
    columns; None if there is neither."""
    for name in names:
        if any(_wkt_point(row.get(name)) for row in rows):
            return Columns(wkt=name)
    lowered = {name.lower(): name for name in names}
    for name in names:
        found = LATITUDE.fullmatch(name)
        for ending in LONGITUDE_ENDINGS if found else ():
            other = lowered.get((found[1] + ending).lower()) if found else None
            if other is not None:
                return Columns(latitude=name, longitude=other)
    return None


def _wkt_point(cell: Cell | None) -> Position | None:
    """The latitude and longitude of a WKT point literal (longitude first in WKT)."""
    if not cell or cell.get("type") != "literal" or cell.get("datatype") != WKT_LITERAL:
        return None
    found = POINT.fullmatch(cell["value"])
    if found is None:
        return None
    return _checked(float(found[2]), float(found[1]))


def _pair(latitude: Cell | None, longitude: Cell | None) -> Position | None:
    """The position two literal cells give, if both are numbers."""
    if not latitude or not longitude or "literal" not in (latitude["type"], longitude["type"]):
        return None
    try:
        return _checked(float(latitude["value"]), float(longitude["value"]))
    except ValueError:
        return None


def _checked(latitude: float, longitude: float) -> Position | None:
    """The position, if it is on the Earth."""
    if -90 <= latitude <= 90 and -180 <= longitude <= 180:
        return latitude, longitude
    return None


def _point(
    row: dict[str, Cell],
    position: Position,
    names: list[str],
    coordinates: set[str],
    name_of: Callable[[str], str],
    href: Callable[[str], str],
) -> Point:
    """The marker of one row: a link to its first IRI, named by that IRI or its first text."""
    cells = [row[name] for name in names if name in row and name not in coordinates]
    iri = next((cell["value"] for cell in cells if cell["type"] == "uri"), None)
    text = next((cell["value"] for cell in cells if cell["type"] == "literal"), None)
    name = name_of(iri) if iri else text or f"{position[0]:.4f}, {position[1]:.4f}"
    return Point(
        position[0],
        position[1],
        name,
        href(iri) if iri else None,
        name,
        "result",
    )
