"""The site's icon, where browsers and tools look for it: ``/favicon.ico`` (the ICO every
browser asks for unless a page names another) and ``/favicon.svg`` (the drawing it is rendered
from, which the pages name too). Both change only with a new release, so clients may keep them
for a long time (``scripts/favicon.py`` renders the ICO from the SVG)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from flask import Blueprint, Response

blueprint = Blueprint("favicon", __name__)

MAX_AGE = 30 * 24 * 60 * 60
"""Seconds a client may keep the icon without asking again: thirty days."""


@blueprint.get("/favicon.ico")
def icon() -> Response:
    """The icon as an ICO file (16, 32 and 48 pixels)."""
    return _icon("favicon.ico", "image/vnd.microsoft.icon")


@blueprint.get("/favicon.svg")
def drawing() -> Response:
    """The icon as SVG."""
    return _icon("favicon.svg", "image/svg+xml")


@cache
def _read(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


def _icon(name: str, media_type: str) -> Response:
    response = Response(_read(name), mimetype=media_type)
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    return response
