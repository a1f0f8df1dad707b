"""How large a request may be: its URL (past it, 414), its headers (431) and its body (413).

Granian reads a request's head into a buffer of :data:`HEAD_BUFFER` bytes and answers 431 itself
to a head that does not fit; the app answers the rest, with a message that says which limit
the request passed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, RequestURITooLarge

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIEnvironment

MAX_BODY_LENGTH = 1024 * 1024
"""The largest request body accepted (a POSTed query); past it, 413."""
MAX_URL_LENGTH = 8190
"""The longest request target answered; past it, 414."""
MAX_HEADER_LINE = 8 * 1024
"""The longest header line (name, colon, space and value); past it, 431."""
MAX_HEADERS = 64 * 1024
"""The most bytes of header lines in one request, all together; past it, 431."""
HEAD_BUFFER = MAX_URL_LENGTH + MAX_HEADERS + 4 * 1024
"""Granian's buffer for a request's head: the longest request line and headers the app answers
fit, with room to spare, so that the app can say which limit a request passed."""


def refuse_long_urls() -> None:
    """414 URI Too Long for a request target past :data:`MAX_URL_LENGTH`."""
    target = request.environ.get("RAW_URI") or request.full_path
    if len(target) > MAX_URL_LENGTH:
        raise RequestURITooLarge(
            f"the URL is longer than {MAX_URL_LENGTH} characters; POST long queries instead"
        )


def refuse_large_headers() -> None:
    """431 Request Header Fields Too Large for a header line or a set of headers past the
    limits."""
    problem = header_problem(request.environ)
    if problem is not None:
        raise RequestHeaderFieldsTooLarge(problem)


def header_problem(environ: WSGIEnvironment) -> str | None:
    """What is too large about the request's headers, or None if nothing is."""
    total = 0
    for key, value in environ.items():
        if key.startswith("HTTP_") or key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = key.removeprefix("HTTP_").replace("_", "-").title()
            line = len(name) + 2 + len(str(value))  # "Name: value"; WSGI gives bytes as latin-1
            if line > MAX_HEADER_LINE:
                return (
                    f"the header {name} is {line:,} bytes long; a header may be at most"
                    f" {MAX_HEADER_LINE:,} bytes, name and value together"
                )
            total += line + 2
    if total > MAX_HEADERS:
        return f"the headers come to {total:,} bytes; together they may be at most {MAX_HEADERS:,}"
    return None
