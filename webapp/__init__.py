"""The web service: a SPARQL 1.1 endpoint and content-negotiated pages for every resource.

Build it with :func:`create_app`; ``kuopio-graph serve`` runs it under Granian.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, request
from flask.json.provider import DefaultJSONProvider
from flask_cors import CORS

from kuopio_graph import ServedDataset, Settings, Store, ValidationReport

from . import (
    completion,
    dataset,
    errors,
    favicon,
    members,
    pages,
    relationship_map,
    relationships,
    search,
    sparql,
)
from .access_log import AccessLog
from .i18n import choose_language
from .limits import MAX_BODY_LENGTH, refuse_large_headers, refuse_long_urls
from .negotiation import HTML
from .proxies import TrustedProxies
from .response_cache import ResponseCache, mark_cacheable
from .state import EXTENSION_KEY, AppState, served
from .templating import template_helpers


def create_app(
    settings: Settings | None = None,
    *,
    served: ServedDataset | None = None,
    store: Store | None = None,
    report: ValidationReport | None = None,
    config: Mapping[str, Any] | None = None,
) -> Flask:
    """Build the app over ``served``, or over ``store``, or over the dataset ``settings`` name.

    ``report`` is the data's validation report when the caller has it already (it is
    computed on first request otherwise). ``config`` is applied to Flask's own configuration
    last (``{"TESTING": True}`` in tests).
    """
    settings = settings or Settings.read()
    app = Flask(__name__)
    # Never turn "//host" into a redirect to another site.
    app.url_map.merge_slashes = False
    app.config.from_mapping(MAX_CONTENT_LENGTH=MAX_BODY_LENGTH)
    if isinstance(app.json, DefaultJSONProvider):
        app.json.ensure_ascii = False  # "kansainvälinen", not "kansainv\u00e4linen"
    app.config.from_mapping(config or {})
    if served is None:
        served = ServedDataset(settings, store, report) if store else ServedDataset.open(settings)
    app.extensions[EXTENSION_KEY] = AppState.build(served)
    CORS(
        app,
        origins="*",
        send_wildcard=True,
        methods=["GET", "HEAD", "POST", "OPTIONS"],
        expose_headers=["Link", "ETag", sparql.TRUNCATED_HEADER],
    )
    for blueprint in (
        pages.blueprint,
        sparql.blueprint,
        dataset.blueprint,
        search.blueprint,
        members.blueprint,
        relationships.blueprint,
        relationship_map.blueprint,
        completion.blueprint,
        favicon.blueprint,
    ):
        app.register_blueprint(blueprint)
    app.context_processor(template_helpers)
    app.before_request(refuse_large_headers)
    app.before_request(refuse_long_urls)
    app.after_request(add_caching_headers)
    app.after_request(mark_cacheable)
    errors.register(app)
    # Outermost first: the client's own address (from a trusted proxy), the access log, then
    # the answers kept for repeated requests (keyed by that address too).
    app.wsgi_app = ResponseCache(  # type: ignore[method-assign]
        app.wsgi_app, capacity=settings.cache_size * 1024 * 1024, max_body=MAX_BODY_LENGTH
    )
    if settings.access_log:
        app.wsgi_app = AccessLog(app.wsgi_app)  # type: ignore[method-assign]
    if settings.trusted_proxies:
        app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, settings.proxy_networks
        )
    return app


def add_caching_headers(response: Response) -> Response:
    """Language and caching headers; 304 when the client's copy is current.

    The ETag is weak: it stands for the data's version and the representation (media type and
    language), and blank-node labels may differ between two answers of equal meaning.
    """
    if response.mimetype == HTML:
        response.headers.setdefault("Content-Language", choose_language())
        response.vary.add("Accept-Language")
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    publication = served()
    variant = f"{response.content_type}|{response.headers.get('Content-Language', '')}"
    response.set_etag(f"{publication.version}-{zlib.crc32(variant.encode()):08x}", weak=True)
    response.last_modified = publication.modified
    response.make_conditional(request)
    return response
