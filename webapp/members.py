"""``/members?class=…``: every member of a class, a page at a time, in label order."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request
from werkzeug.exceptions import BadRequest

from kuopio_graph import labels

from .i18n import choose_language, link_keeping_language
from .negotiation import HTML, content_type
from .search import index_or_unavailable
from .state import served

blueprint = Blueprint("members", __name__)

PAGE_SIZE = 50
"""Members listed per page."""
LAST_PAGE = 1_000_000
"""The highest page number answered (past it, 404), well inside the engines' integers."""


def page_number(parameter: str) -> int:
    """The page number in ``parameter`` of the URL (1 if absent); 404 if out of range."""
    number = request.args.get(parameter, 1, type=int)
    if not 1 <= number <= LAST_PAGE:
        abort(404)
    return number


@blueprint.route("/members")
def members() -> Response:
    """One page of the members of ``class``, sorted by label (``order=desc`` reverses)."""
    class_iri = request.args.get("class", "").strip()
    if not class_iri:
        raise BadRequest("name a class: /members?class=<IRI of the class>")
    page = page_number("page")
    descending = request.args.get("order") == "desc"
    language = choose_language()
    total, listed = index_or_unavailable().members(
        class_iri, language, (page - 1) * PAGE_SIZE, PAGE_SIZE, descending
    )
    if not listed and page > 1:
        abort(404)
    body = render_template(
        "pages/members.html",
        lang=language,
        class_iri=class_iri,
        class_labels=labels(served().store, [class_iri]),
        total=total,
        members=listed,
        first=(page - 1) * PAGE_SIZE + 1,
        previous=members_link(class_iri, page - 1, descending) if page > 1 else None,
        next=members_link(class_iri, page + 1, descending) if page * PAGE_SIZE < total else None,
        reverse=members_link(class_iri, 1, not descending),
        descending=descending,
    )
    return Response(body, content_type=content_type(HTML))


def members_link(class_iri: str, page: int = 1, descending: bool = False) -> str:
    """The path of a page of ``class_iri``'s members, keeping the reader's language."""
    arguments = {"class": class_iri}
    if page > 1:
        arguments["page"] = str(page)
    if descending:
        arguments["order"] = "desc"
    return link_keeping_language("/members", arguments)
