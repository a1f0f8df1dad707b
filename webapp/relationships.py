"""The picture of a resource's relationships (server-drawn SVG) and its timeline.

The picture is a tree laid out left to right: the resource, then what it is related to, then
what those are related to, one column a step. Each box is a link to its resource's page and
names how it relates to the box it hangs from; a box "+ N more" stands for the rest of a kind.
``/relationships?iri=…`` is the picture's own page; with ``part=page`` it is the smaller
picture and the timeline an organisation's page loads into itself (``static/relationships.js``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest

from kuopio_graph import (
    PART_OF,
    PARTNER,
    PARTNERSHIP,
    UNIT,
    Branch,
    Dated,
    Tree,
    best_label,
    dated_relationships,
    is_described,
    relationship_tree,
)

from .i18n import choose_language, link_keeping_language, text
from .negotiation import HTML, content_type
from .state import served
from .templating import template_helpers

blueprint = Blueprint("relationships", __name__)

BOX_WIDTH = 230
BOX_HEIGHT = 40
COLUMN_GAP = 60
ROW_HEIGHT = 48
MARGIN = 8
LABEL_CHARACTERS = 32
"""Box names longer than this are cut (the whole name is the box's tooltip)."""

ON_ENTITY_PAGE = (8, 4, 20)
ON_OWN_PAGE = (40, 12, 500)
"""How many resources of each kind the picture shows at the first and the second step, and
how many entries the timeline shows (the earliest)."""

KIND_TEXTS = {
    UNIT: "rel_unit",
    PART_OF: "rel_part_of",
    PARTNERSHIP: "rel_partnership",
    PARTNER: "rel_partner",
}
"""The interface text naming each kind of relationship that is not a role."""


@dataclass(frozen=True)
class Box:
    """One box of the picture: a resource, or the rest of a kind."""

    x: int
    y: int
    name: str
    title: str
    relation: str
    href: str
    is_root: bool = False
    is_rest: bool = False


@dataclass(frozen=True)
class Picture:
    """Boxes and the curves between them, in SVG user units."""

    width: int
    height: int
    boxes: list[Box]
    curves: list[str]
    """Each curve as an SVG path's ``d``."""
    box_width: int = BOX_WIDTH
    box_height: int = BOX_HEIGHT


@dataclass(frozen=True)
class Period:
    """One dated relationship placed on the timeline's scale (percentages of its width)."""

    iri: str
    href: str
    name: str
    years: str
    left: float
    width: float
    open_ended: bool


def draw(tree: Tree, language: str, href: Callable[[str], str], rest_href: str) -> Picture:
    """Lay ``tree`` out as boxes in columns; ``href`` formats a resource's link, ``rest_href``
    is where the boxes "+ N more" lead."""
    boxes: list[Box] = []
    curves: list[str] = []
    rows = [0]

    def place(branch: Branch, depth: int) -> int:
        """Place ``branch`` and what hangs from it; return the y of its box's middle."""
        middles = [place(child, depth + 1) for child in branch.children]
        if middles:
            middle = (middles[0] + middles[-1]) // 2
        else:
            middle = MARGIN + rows[0] * ROW_HEIGHT + BOX_HEIGHT // 2
            rows[0] += 1
        x = MARGIN + depth * (BOX_WIDTH + COLUMN_GAP)
        boxes.append(_box(tree, branch, x, middle - BOX_HEIGHT // 2, language, href, rest_href))
        for child_middle in middles:
            start, end = x + BOX_WIDTH, x + BOX_WIDTH + COLUMN_GAP
            bend = start + COLUMN_GAP // 2
            curves.append(
                f"M{start},{middle} C{bend},{middle} {bend},{child_middle} {end},{child_middle}"
            )
        return middle

    place(tree.root, 0)
    depth = max((box.x for box in boxes), default=0) // (BOX_WIDTH + COLUMN_GAP) + 1
    width = 2 * MARGIN + depth * BOX_WIDTH + (depth - 1) * COLUMN_GAP
    height = 2 * MARGIN + max(rows[0], 1) * ROW_HEIGHT - (ROW_HEIGHT - BOX_HEIGHT)
    boxes.sort(key=lambda box: (box.x, box.y))
    return Picture(width, height, boxes, curves)


def timeline(
    entity: str,
    dated: list[Dated],
    names: dict[str, dict[str, str]],
    language: str,
    href: Callable[[str], str],
) -> list[Period]:
    """``dated`` on one scale of years, from the earliest to this year or the latest; what
    lasts and has not ended reaches the scale's end."""
    years = [year for d in dated for year in (d.first_year, d.last_year) if year]
    if not years:
        return []
    first, last = min(years), max(*years, date.today().year)
    span = max(last - first + 1, 1)
    periods = []
    for d in dated:
        start, end = d.first_year or first, d.last_year or last
        open_ended = d.lasting and d.start is not None and d.end is None
        if open_ended:
            end = last
        periods.append(
            Period(
                iri=d.iri,
                href=href(d.iri),
                name=text("founded", language)
                if d.iri == entity
                else _name(names, d.iri, language),
                years=_years(d),
                left=100 * (start - first) / span,
                width=100 * (end - start + 1) / span,
                open_ended=open_ended,
            )
        )
    return periods


def relationships_context(
    iri: str,
    language: str,
    limits: tuple[int, int, int],
    href: Callable[[str], str],
    rest_href: str,
) -> dict[str, object]:
    """What a template needs to show ``iri``'s picture and timeline (``None`` and empty when
    it has none), whether the timeline has more entries than it shows, and the labels of all
    of it, ``iri``'s included; the picture's boxes "+ N more" lead to ``rest_href``."""
    store = served().store
    first, second, entries = limits
    dated = dated_relationships(store, iri)
    more_dated = len(dated) > entries
    dated = dated[:entries]
    tree = relationship_tree(store, iri, first, second, language, {d.iri for d in dated})
    picture = None
    if tree.root.children:
        picture = draw(tree, language, href, rest_href)
    return {
        "names": tree.labels,
        "picture": picture,
        "timeline": timeline(iri, dated, tree.labels, language, href),
        "more_timeline": more_dated,
    }


@blueprint.route("/relationships")
def relationships() -> Response:
    """The picture of one resource's relationships and its timeline: a page of its own, or
    (``part=page``) the smaller part an organisation's page loads."""
    iri = request.args.get("iri", "").strip()
    if not iri:
        raise BadRequest("name a resource: /relationships?iri=<IRI of the resource>")
    if not is_described(served().store, iri):
        abort(404)
    language = choose_language()
    part = request.args.get("part") == "page"
    href = template_helpers()["href"]
    # The boxes "+ N more" lead from the page's picture to the larger one, and from the
    # larger one to the resource's page, which lists everything that links to it.
    limits, rest = (ON_ENTITY_PAGE, relationships_link(iri)) if part else (ON_OWN_PAGE, href(iri))
    context = relationships_context(iri, language, limits, href, rest)
    body = render_template(
        "pages/relationships_part.html" if part else "pages/relationships.html",
        lang=language,
        iri=iri,
        link=relationships_link(iri),
        **context,
    )
    return Response(body, content_type=content_type(HTML))


def relationships_link(iri: str, part: bool = False) -> str:
    """The path of ``iri``'s picture page (with ``part``, of the part an organisation's page
    loads), keeping the reader's language."""
    arguments = {"iri": iri}
    if part:
        arguments["part"] = "page"
    return link_keeping_language("/relationships", arguments)


def _box(
    tree: Tree,
    branch: Branch,
    x: int,
    y: int,
    language: str,
    href: Callable[[str], str],
    rest_href: str,
) -> Box:
    """The box of ``branch`` at (``x``, ``y``)."""
    relation = _relation(tree, branch.kind, language)
    if not branch.iri:
        if branch.hidden is None:
            name = text("picture_more_uncounted", language)
        else:
            name = text("picture_more", language).format(count=branch.hidden)
        return Box(x, y, name, name, relation, rest_href, is_rest=True)
    full = _name(tree.labels, branch.iri, language)
    name = full if len(full) <= LABEL_CHARACTERS else full[: LABEL_CHARACTERS - 1].rstrip() + "…"
    return Box(x, y, name, full, relation, href(branch.iri), is_root=not branch.kind)


def _relation(tree: Tree, kind: str, language: str) -> str:
    """How a box relates to the one it hangs from, in ``language``."""
    if not kind:
        return ""
    if kind in KIND_TEXTS:
        return text(KIND_TEXTS[kind], language)
    return tree.label(kind, language) or kind.rsplit("/", 1)[-1]


def _name(names: dict[str, dict[str, str]], iri: str, language: str) -> str:
    """The label of ``iri`` in ``language`` (else English, Finnish), else the IRI's last part."""
    return best_label(names.get(iri, {}), language) or iri.rsplit("/", 1)[-1]


def _years(dated: Dated) -> str:
    """The years of a relationship as people write them: ``1997–`` (still going on), ``–2029``,
    ``2022–2029``, or one year for an event."""
    start, end = dated.first_year if dated.start else None, dated.last_year if dated.end else None
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return f"{start}–" if dated.lasting else str(start)
    return f"–{end}"
