"""Maps drawn on the server as SVG: the projection, the base map, and points and lines on it.

The projection is equirectangular with a fixed crop, simple enough to do by hand: a view spans
longitudes ``west``–``east`` and latitudes ``south``–``north``, and a point at longitude λ and
latitude φ (degrees) lies at

    x = (λ − west) · k · cos(parallel),    y = (north − φ) · k

in the view's SVG units, where ``k`` makes the view ``width`` units wide and ``parallel`` is the
latitude at which the map keeps true proportions (0° for the world: plate carrée; 54° for
Europe). The base map is Natural Earth's countries at 1:110 million, from the npm package
``world-atlas`` (TopoJSON, vendored in ``static/vendor/world-atlas/``), projected once per
process and served as an SVG of its own that every map shows as its background.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

ATLAS = resources.files(__package__) / "static" / "vendor" / "world-atlas" / "countries-110m.json"
LABEL_FONT = 12
"""The labels' font size in SVG units; a label's width is guessed at 0.6 of it per letter."""
MARKER_RADIUS = 5


@dataclass(frozen=True)
class View:
    """A crop of the equirectangular projection (see the module's description)."""

    name: str
    west: float
    east: float
    south: float
    north: float
    parallel: float
    width: int

    @property
    def scale(self) -> float:
        """SVG units per degree of latitude."""
        return self.width / ((self.east - self.west) * math.cos(math.radians(self.parallel)))

    @property
    def height(self) -> int:
        """The view's height in SVG units."""
        return round((self.north - self.south) * self.scale)

    def project(self, latitude: float, longitude: float) -> tuple[float, float]:
        """Where a point lies in the view, in SVG units from its top left corner."""
        x = (longitude - self.west) * self.scale * math.cos(math.radians(self.parallel))
        return x, (self.north - latitude) * self.scale

    def shows(self, latitude: float, longitude: float) -> bool:
        """Whether a point lies inside the view."""
        return self.south <= latitude <= self.north and self.west <= longitude <= self.east


WORLD = View("world", west=-180, east=180, south=-58, north=84, parallel=0, width=720)
EUROPE = View("europe", west=-11, east=42, south=35, north=71.5, parallel=54, width=420)
VIEWS = {view.name: view for view in (WORLD, EUROPE)}


@dataclass(frozen=True)
class Point:
    """Something to mark on a map, with a link to its page."""

    latitude: float
    longitude: float
    name: str
    href: str | None
    """Its page; None for a marker that leads nowhere."""
    title: str
    """What the marker's tooltip (and, as a link, its accessible name) says."""
    kind: str
    """The marker's and its line's class: a kind of relationship, ``home``, ``current``…"""
    line: bool = False
    """Whether a line joins it to the map's home point."""
    current: bool = False
    """Whether it is the place whose page shows the map."""


@dataclass(frozen=True)
class Marker:
    """A point placed on a view, with its label where it has one (``label_x`` and ``anchor``
    say where the label starts and which way it runs)."""

    point: Point
    x: float
    y: float
    label: str
    label_x: float
    label_y: float
    anchor: str


@dataclass(frozen=True)
class Line:
    """A straight line in the view, of a kind."""

    kind: str
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Drawing:
    """One view with its markers and lines."""

    view: View
    markers: list[Marker]
    lines: list[Line]
    frame: tuple[float, float, float, float] | None
    """Where another view lies in this one (x, y, width, height), to outline it."""


def draw(
    view: View,
    points: list[Point],
    home: Point | None,
    labelled: Callable[[Point], bool],
    frame: View | None = None,
) -> Drawing:
    """Place ``points`` (those inside the view) and ``home`` on ``view``, with a line from
    ``home`` to each point that wants one, a label beside each point ``labelled`` picks, where
    it does not cover another label or marker, and the outline of the view ``frame``."""
    shown = [p for p in points if view.shows(p.latitude, p.longitude)]
    lines = []
    if home is not None:
        x1, y1 = view.project(home.latitude, home.longitude)
        for point in points:
            if point.line:
                x2, y2 = view.project(point.latitude, point.longitude)
                lines.append(Line(point.kind, *(round(v, 1) for v in (x1, y1, x2, y2))))
        if view.shows(home.latitude, home.longitude):
            shown.insert(0, home)
    spots = [view.project(p.latitude, p.longitude) for p in shown]
    taken = [_box(x, y, 2 * MARKER_RADIUS, 2 * MARKER_RADIUS) for x, y in spots]
    markers = []
    for point, (x, y) in zip(shown, spots, strict=True):
        label, label_x, label_y, anchor = "", x, y, "start"
        if labelled(point):
            place = _label_place(view, point.name, x, y, taken)
            if place is not None:
                label = point.name
                label_x, label_y, anchor, box = place
                taken.append(box)
        markers.append(
            Marker(
                point, round(x, 1), round(y, 1), label, round(label_x, 1), round(label_y, 1), anchor
            )
        )
    outline = None
    if frame is not None:
        left, top = view.project(frame.north, frame.west)
        right, bottom = view.project(frame.south, frame.east)
        outline = (round(left, 1), round(top, 1), round(right - left, 1), round(bottom - top, 1))
    return Drawing(view, markers, lines, outline)


@cache
def base_map(name: str) -> str:
    """The SVG document of a view's land and countries, for browsers to keep."""
    view = VIEWS[name]
    paths = "\n".join(
        f'<path d="{d}"/>' for d in (_path(view, rings) for rings in _countries()) if d
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{view.width}" height="{view.height}"'
        f' viewBox="0 0 {view.width} {view.height}">\n'
        f'<rect width="{view.width}" height="{view.height}" fill="#dbe7f0"/>\n'
        f'<g fill="#f3f0e6" stroke="#a9a597" stroke-width="0.5" stroke-linejoin="round">\n'
        f"{paths}\n</g>\n</svg>\n"
    )


Ring = list[tuple[float, float]]


@cache
def _countries() -> list[list[Ring]]:
    """Each country's rings as (longitude, latitude) points, from the vendored TopoJSON; a ring
    that crosses the antimeridian is drawn whole on one side and again shifted by 360°."""
    atlas = json.loads(ATLAS.read_text(encoding="utf-8"))
    (sx, sy), (tx, ty) = atlas["transform"]["scale"], atlas["transform"]["translate"]
    arcs = []
    for arc in atlas["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    countries = []
    for geometry in atlas["objects"]["countries"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [ring for polygon in polygons for part in polygon for ring in _ring(arcs, part)]
        countries.append(rings)
    return countries


def _ring(arcs: list[Ring], indices: list[int]) -> Iterator[Ring]:
    """The ring the arcs ``indices`` make (TopoJSON: ``~i`` is arc ``i`` reversed), with its
    longitudes made continuous, and its copy across the antimeridian if it crosses it; none
    for a ring around a pole (Antarctica's), which the views crop away."""
    points: Ring = []
    for index in indices:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    unwrapped: Ring = []
    for longitude, latitude in points:
        if unwrapped:
            longitude += 360 * round((unwrapped[-1][0] - longitude) / 360)
        unwrapped.append((longitude, latitude))
    if abs(unwrapped[-1][0] - unwrapped[0][0]) > 180:
        return
    yield unwrapped
    longitudes = [longitude for longitude, _ in unwrapped]
    if max(longitudes) > 180:
        yield [(longitude - 360, latitude) for longitude, latitude in unwrapped]
    if min(longitudes) < -180:
        yield [(longitude + 360, latitude) for longitude, latitude in unwrapped]


def _path(view: View, rings: list[Ring]) -> str:
    """An SVG path's ``d`` for the rings that reach into ``view``."""
    parts = []
    for ring in rings:
        longitudes = [longitude for longitude, _ in ring]
        latitudes = [latitude for _, latitude in ring]
        if (
            max(longitudes) < view.west
            or min(longitudes) > view.east
            or max(latitudes) < view.south
            or min(latitudes) > view.north
        ):
            continue
        spots = [view.project(latitude, longitude) for longitude, latitude in ring]
        parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in spots) + "Z")
    return "".join(parts)


Box = tuple[float, float, float, float]


def _box(x: float, y: float, width: float, height: float) -> Box:
    """The box of that size centred on (x, y): left, top, right, bottom."""
    return (x - width / 2, y - height / 2, x + width / 2, y + height / 2)


def _label_place(
    view: View, text: str, x: float, y: float, taken: list[Box]
) -> tuple[float, float, str, Box] | None:
    """Where a label for the marker at (x, y) fits, right, left, above or below it, inside the
    view and clear of ``taken``: its start, its baseline, its anchor and its box."""
    width, height = 0.6 * LABEL_FONT * len(text), LABEL_FONT
    gap = MARKER_RADIUS + 3
    candidates = (
        (
            x + gap,
            y + height / 3,
            "start",
            (x + gap, y - height / 2, x + gap + width, y + height / 2),
        ),
        (
            x - gap,
            y + height / 3,
            "end",
            (x - gap - width, y - height / 2, x - gap, y + height / 2),
        ),
        (x, y - gap, "middle", (x - width / 2, y - gap - height, x + width / 2, y - gap)),
        (x, y + gap + height, "middle", (x - width / 2, y + gap, x + width / 2, y + gap + height)),
    )
    for label_x, label_y, anchor, box in candidates:
        inside = box[0] >= 0 and box[1] >= 0 and box[2] <= view.width and box[3] <= view.height
        if inside and not any(_overlap(box, other) for other in taken):
            return label_x, label_y, anchor, box
    return None


def _overlap(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
