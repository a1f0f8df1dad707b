"""Content negotiation, in one place: which representation a request gets.

An explicit ``?format=`` (a short name or a media type) wins; otherwise the ``Accept`` header
decides, q-values honoured, through werkzeug. Where a path offers both a page and data, the page
goes only to a client that names ``text/html`` at least as high as every data type it names, as
browsers do; ``*/*`` or no ``Accept`` at all (curl, most libraries) gets data. Among the data
types the first offered is the default: it wins ties and ``*/*``.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.exceptions import NotAcceptable

from kuopio_graph import RDF_FORMATS, RESULT_FORMATS, Format, UnknownFormat, find

HTML = "text/html"
JSON = "application/json"

RDF_OFFERS = tuple(fmt.media_type for fmt in RDF_FORMATS)
RESULT_OFFERS = tuple(fmt.media_type for fmt in RESULT_FORMATS)
SUFFIXES = {fmt.suffix: fmt.media_type for fmt in RDF_FORMATS}
"""URL suffixes of the RDF forms of a resource (``/id/network/iclei.ttl``)."""

# Plain JSON means JSON-LD for RDF and SPARQL JSON for results; text/plain means N-Triples.
ALIASES = {
    "rdf": {JSON: "application/ld+json", "text/plain": "application/n-triples"},
    "results": {JSON: "application/sparql-results+json"},
    "search": {},
}


def negotiate(offers: Sequence[str], table: Sequence[Format] = (), kind: str = "rdf") -> str:
    """Pick one of ``offers`` (media types) for this request, or raise 406 Not Acceptable.

    ``table`` lists the formats whose short names ``?format=`` may use.
    """
    explicit = requested_format(offers, table)
    if explicit is not None:
        return explicit
    known = [name for name in request.values.getlist("format") if _is_known(name)]
    if known:
        raise NotAcceptable(
            f"format={known[0]!r} is not offered here; offered: {', '.join(offers)}"
        )
    data = [offer for offer in offers if offer != HTML]
    if HTML in offers and (not data or prefers_html(data, kind)):
        return HTML
    if not request.accept_mimetypes:  # no Accept header: anything will do, so the default
        return data[0]
    aliases = {alias: target for alias, target in ALIASES[kind].items() if target in data}
    best = request.accept_mimetypes.best_match([*data, *aliases])
    if best is None and HTML in offers and request.accept_mimetypes[HTML] > 0:
        return HTML  # the client admits no data type here, but does admit the page
    if best is None:
        raise NotAcceptable(f"none of the offered types is acceptable: {', '.join(offers)}")
    return aliases.get(best, best)


def requested_format(offers: Sequence[str], table: Sequence[Format] = ()) -> str | None:
    """The first ``format=`` value (URL or form) that names one of ``offers``, if any.

    Values this site does not know are passed over, so a client that also sends spellings of
    its own (SPARQLWrapper sends ``format=rdf+xml&format=application/rdf+xml``) is still
    understood; with no known value, ``Accept`` decides.
    """
    for name in request.values.getlist("format"):
        chosen = _by_name(name, offers, table)
        if chosen is not None:
            return chosen
    return None


def prefers_html(data: Sequence[str], kind: str = "rdf") -> bool:
    """Whether the client names ``text/html`` at least as high as every one of ``data`` (or
    their aliases) that it names; wildcards name nothing, so ``*/*`` never prefers a page."""
    named = {value.lower(): quality for value, quality in request.accept_mimetypes}
    html = named.get(HTML, 0)
    if html <= 0:
        return False
    aliases = [alias for alias, target in ALIASES[kind].items() if target in data]
    return all(named.get(media_type, 0) <= html for media_type in (*data, *aliases))


def _is_known(name: str) -> bool:
    """Whether ``name`` is a format this site offers anywhere (by short name or media type)."""
    return (
        name.lower() in ("html", HTML) or _format(name, (*RDF_FORMATS, *RESULT_FORMATS)) is not None
    )


def _by_name(name: str, offers: Sequence[str], table: Sequence[Format]) -> str | None:
    key = name.lower()
    if key in offers:
        return key
    if key == "html" and HTML in offers:
        return HTML
    if f"application/{key}" in offers:  # format=json where plain JSON is offered
        return f"application/{key}"
    fmt = _format(key, table)
    return fmt.media_type if fmt and fmt.media_type in offers else None


def _format(name: str, table: Sequence[Format]) -> Format | None:
    try:
        return find(tuple(table), name)
    except UnknownFormat:
        return None


def alternate_links(path: str, offers: Sequence[str]) -> str:
    """A ``Link`` header value naming the other representations of ``path``."""
    return ", ".join(
        f'<{path}?format={_short(media_type)}>; rel="alternate"; type="{media_type}"'
        for media_type in offers
    )


def _short(media_type: str) -> str:
    fmt = _format(media_type, (*RDF_FORMATS, *RESULT_FORMATS))
    return "html" if media_type == HTML else fmt.name if fmt else media_type


def content_type(media_type: str) -> str:
    """The ``Content-Type`` of an answer in ``media_type``: everything this site writes is
    UTF-8 text and says so, but for the gzipped dumps."""
    return media_type if media_type == "application/gzip" else f"{media_type}; charset=utf-8"
