"""Every error as the client can read it: a page for browsers, plain text for everyone else."""

from __future__ import annotations

from flask import Flask, Response, current_app, render_template, request
from werkzeug.exceptions import (
    BadGateway,
    GatewayTimeout,
    HTTPException,
    InternalServerError,
    ServiceUnavailable,
)

from kuopio_graph import StoreError, StoreTimeout, StoreUnavailable

from .i18n import choose_language
from .negotiation import HTML, content_type, prefers_html

STORE_RETRY_AFTER = 5
"""Seconds a client is asked to wait when the remote store is out of reach."""


def register(app: Flask) -> None:
    """Map every HTTP error, and any uncaught bug, to a response without internals."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(StoreError, store_error)
    app.register_error_handler(Exception, unexpected_error)


def store_error(error: Exception) -> Response:
    """The remote store out of reach (503), too slow (504) or failing (502), with a hint to try
    again: nothing is wrong with the request."""
    exception: HTTPException
    if isinstance(error, StoreUnavailable):
        exception = ServiceUnavailable(f"{error}. Try again in a few seconds.")
    elif isinstance(error, StoreTimeout):
        exception = GatewayTimeout(f"{error}. Try again, or narrow the query.")
    else:
        exception = BadGateway(f"{error}. Try again in a few seconds.")
    response = http_error(exception)
    response.headers["Retry-After"] = str(STORE_RETRY_AFTER)
    response.cache_control.no_store = True
    return response


def http_error(error: HTTPException) -> Response:
    """The error's status and message; HTML when the client prefers it, else text/plain."""
    status = error.code or 500
    description = error.description or error.name
    if prefers_html(["text/plain"]):
        body = render_template(
            "error.html",
            lang=choose_language(),
            code=status,
            name=error.name,
            description=description,
        )
        response = Response(body, status=status, content_type=content_type(HTML))
    else:
        response = Response(
            f"{description}\n", status=status, content_type=content_type("text/plain")
        )
    for name, value in error.get_headers():
        if name.lower() not in ("content-type", "content-length"):
            response.headers[name] = value
    response.vary.add("Accept")
    return response


def unexpected_error(error: Exception) -> Response:
    """A bug: logged with its traceback, answered as a plain 500 with no details."""
    if isinstance(error, HTTPException):
        return http_error(error)
    current_app.logger.error(
        "unhandled error on %s %s", request.method, request.path, exc_info=error
    )
    return http_error(InternalServerError())
