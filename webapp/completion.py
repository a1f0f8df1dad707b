"""What the query editor completes from, read from the graph's own index (never from outside).

``/sparql/vocabulary``: the prefixes every query may use, and the classes and properties the
graph uses. ``/sparql/resources?prefix=…``: resources whose IRIs begin with the given text.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest

from .search import index_or_unavailable
from .state import served

blueprint = Blueprint("completion", __name__)

MAX_PREFIX_LENGTH = 2000
"""The longest IRI beginning answered; past it, 400."""
RESOURCES = 50
"""How many resources one completion lists."""


@blueprint.route("/sparql/vocabulary")
def vocabulary() -> Response:
    """The prefixes, classes and properties an editor offers, as JSON."""
    index = index_or_unavailable()
    return jsonify(
        {
            "prefixes": served().store.prefixes,
            "classes": index.terms("class"),
            "properties": index.terms("property"),
        }
    )


@blueprint.route("/sparql/resources")
def resources() -> Response:
    """Up to 50 resources whose IRIs begin with ``prefix``, as a JSON list of IRIs."""
    beginning = request.args.get("prefix", "")
    if not beginning:
        raise BadRequest("give the beginning of an IRI: /sparql/resources?prefix=<text>")
    if len(beginning) > MAX_PREFIX_LENGTH:
        raise BadRequest(f"the prefix is longer than {MAX_PREFIX_LENGTH} characters")
    return jsonify(index_or_unavailable().resources_starting(beginning, RESOURCES))
