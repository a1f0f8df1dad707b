"""Answer repeated requests from memory, before the app sees them.

The data does not change while it is served, so a request that matches an earlier one in
everything the answer depends on (method, path, query string, the headers that select a
representation, the address the client reached the service at, and a POST's body) gets the
earlier answer's bytes back. The app says which
answers may be kept (:func:`mark_cacheable`); conditional requests always reach the app, which
answers them with 304 when the client's copy is current, and so do requests whose headers are
past the limits, which the app refuses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from flask import Response, request

from .limits import header_problem

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

CACHEABLE = "kuopio_graph.cacheable"
"""Set in the WSGI environment when the app's answer may be kept."""
SELECTING_HEADERS = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ORIGIN", "CONTENT_TYPE")
"""Headers that select what the app answers: each is part of the key."""
ADDRESS = ("wsgi.url_scheme", "HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "SCRIPT_NAME")
"""Where the client reached the service, which the addresses in some answers follow (VoID, the
service description, the sitemap): part of the key too."""
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
"""Requests with any of these go to the app, which knows how to answer them."""


class Sized(Protocol):
    """Anything whose size in bytes the cache can charge."""

    @property
    def body(self) -> bytes:
        """The bytes the entry holds."""
        ...


Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value", bound=Sized)


@dataclass
class AnswerCache(Generic[Key, Value]):
    """Least-recently-used entries, up to ``capacity`` bytes of bodies in all; thread-safe."""

    capacity: int
    _entries: OrderedDict[Key, Value] = field(default_factory=OrderedDict)
    _size: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: Key) -> Value | None:
        """The entry for ``key``, marked as recently used, or None."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Key, value: Value) -> None:
        """Keep ``value`` unless it alone is larger than a tenth of the cache."""
        if len(value.body) > self.capacity // 10:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._size += len(value.body)
            while self._size > self.capacity:
                _, dropped = self._entries.popitem(last=False)
                self._size -= len(dropped.body)

    def __len__(self) -> int:
        """The number of entries kept."""
        return len(self._entries)


RequestKey = tuple[str, ...]


@dataclass(frozen=True)
class StoredResponse:
    """A whole answer: status line, headers and body."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes


class ResponseCache:
    """WSGI middleware keeping up to ``capacity`` bytes of answers, least recently used first."""

    def __init__(self, app: WSGIApplication, capacity: int, max_body: int) -> None:
        """Wrap ``app``; a POST body longer than ``max_body`` bytes is never read here."""
        self.app = app
        self.max_body = max_body
        self.responses: AnswerCache[RequestKey, StoredResponse] = AnswerCache(capacity)

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer from memory if an equal request was answered before; else ask the app."""
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        stored = self.responses.get(key)
        if stored is None:
            stored = self._ask(environ)
            if environ.get(CACHEABLE):
                self.responses.put(key, stored)
        start_response(stored.status, list(stored.headers))
        return [stored.body]

    def key(self, environ: WSGIEnvironment) -> RequestKey | None:
        """What the answer to this request depends on, or None if it must go to the app."""
        method = environ["REQUEST_METHOD"]
        if method not in ("GET", "POST") or any(h in environ for h in CONDITIONAL_HEADERS):
            return None
        if header_problem(environ) is not None:
            return None  # the app refuses it, whatever an equal request got
        body = b""
        if method == "POST":
            length = environ.get("CONTENT_LENGTH") or ""
            if not length.isdigit() or int(length) > self.max_body:
                return None
            body = environ["wsgi.input"].read(int(length))
            environ["wsgi.input"] = BytesIO(body)  # the app reads the same bytes again
        selecting = (str(environ.get(key, "")) for key in (*SELECTING_HEADERS, *ADDRESS))
        return (
            method,
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            *selecting,
            body.decode("latin-1"),
        )

    def _ask(self, environ: WSGIEnvironment) -> StoredResponse:
        """Run the app and keep its whole answer."""
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def keep(status: str, headers: list[tuple[str, str]], exc_info: object = None) -> None:
            started.append((status, headers))

        answer = self.app(environ, keep)  # type: ignore[arg-type]
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        status, headers = started[-1]
        return StoredResponse(status, tuple(headers), body)


def mark_cacheable(response: Response) -> Response:
    """Let the cache keep a whole, successful answer to a GET or POST (after-request hook)."""
    if (
        request.method in ("GET", "POST")
        and response.status_code == 200
        and response.is_sequence
        and not response.cache_control.no_store
    ):
        request.environ[CACHEABLE] = True
    return response
