"""``/search``: resources by label, as a page for people and as JSON for scripts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest, ServiceUnavailable

from kuopio_graph import Hit, SearchIndex, SearchNotReady

from .i18n import choose_language
from .negotiation import HTML, JSON, content_type, negotiate
from .state import served

blueprint = Blueprint("search", __name__)

MAX_QUERY_LENGTH = 200
"""The longest search text answered; past it, 400."""
MAX_LIMIT = 100
"""The most results one search answers."""
RETRY_AFTER = 5
"""Seconds a client is asked to wait while the index is being built."""


@blueprint.route("/search")
def search() -> Response:
    """Resources whose labels match ``q`` (every word as a prefix), best first."""
    media_type = negotiate([HTML, JSON], kind="search")
    text = request.args.get("q", "").strip()
    if len(text) > MAX_QUERY_LENGTH:
        raise BadRequest(f"the search text is longer than {MAX_QUERY_LENGTH} characters")
    limit = request.args.get("limit", 20, type=int)
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(f"limit must be between 1 and {MAX_LIMIT}")
    language = choose_language()
    hits = find(text, language, limit) if text else []
    publication = served()
    base = publication.settings.base
    if media_type == JSON:
        response = jsonify(
            {"query": text, "language": language, "results": [as_json(hit, base) for hit in hits]}
        )
    else:
        body = render_template("pages/search.html", lang=language, query=text, hits=hits)
        response = Response(body, content_type=content_type(HTML))
    response.vary.add("Accept")
    return response


def find(text: str, language: str, limit: int) -> list[Hit]:
    """Search the index (503 with ``Retry-After`` while it is being built)."""
    return index_or_unavailable().search(text, language, limit)


def index_or_unavailable() -> SearchIndex:
    """The label index, or 503 with ``Retry-After`` while it is being built."""
    try:
        return served().search_index()
    except SearchNotReady:
        error = ServiceUnavailable(
            "the search index is being built after start-up; try again in a few seconds"
        )
        error.retry_after = RETRY_AFTER
        raise error from None


def as_json(hit: Hit, base: str) -> dict[str, Any]:
    """One result for scripts: the IRI, its page on this site, and the labels that matched."""
    page = "/" + hit.iri[len(base) :] if hit.iri.startswith(base) else None
    return {
        "iri": hit.iri,
        "page": page,
        "label": hit.label,
        "language": hit.language,
        "labels": hit.labels,
    }
