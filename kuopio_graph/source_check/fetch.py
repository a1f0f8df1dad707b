"""Fetching the source documents' pages, politely: one request per page and no retries (an
answer such as 429 or 503 is reported, not tried again), one page at a time, a pause between
pages on the same site, a time limit on the whole of each page and a size limit, redirects
followed only within the page's site, and a ``User-Agent`` that says who asks.

The time limit holds however slowly a server sends: at the page's deadline a timer shuts its
connection down, so a server that drips its headers or its page a byte at a time is cut off
then. (Before a connection is made, and during its TLS handshake, each step has the time limit
of its own, as a socket time-out.)
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from functools import partial
from importlib.metadata import metadata
from typing import IO, Any
from urllib.parse import SplitResult, urlsplit

from ..errors import KuopioGraphError

MAX_PAGE_BYTES = 5 * 1024 * 1024
TOO_LARGE = f"larger than {MAX_PAGE_BYTES // (1024 * 1024)} MB"
MAX_REDIRECTS = 5
ACCEPT = "text/html, text/plain;q=0.8"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
READ_SIZE = 64 * 1024
DEFAULT_PORTS = {"http": 80, "https": 443}
PROJECT_ADDRESS_LABELS = ("homepage", "repository", "source")
"""The project's address in ``User-Agent``: the first of its metadata's Project-URLs so named."""
DECLARED_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
CHARSET_WITHIN = 4096
"""How far into an HTML page without a charset in its ``Content-Type`` to look for one."""


class NotFetched(KuopioGraphError):
    """A page could not be fetched; the message says why."""


@dataclass(frozen=True)
class Page:
    """A fetched page: its media type and its text."""

    media_type: str
    text: str


def user_agent() -> str:
    """``kuopio-graph/<version>``, and the project's address if its metadata names one."""
    about = metadata("kuopio-graph")
    links = {
        label.strip().lower(): address.strip()
        for label, _, address in (
            entry.partition(",") for entry in about.get_all("Project-URL", [])
        )
    }
    address = next((links[label] for label in PROJECT_ADDRESS_LABELS if label in links), None)
    name = f"kuopio-graph/{about['Version']}"
    return f"{name} (+{address})" if address else name


class Fetcher:
    """Fetches pages one at a time, each within ``timeout`` seconds, waiting ``pause`` seconds
    after a page before the next on its host; one opener for all of them."""

    def __init__(self, timeout: float = 20.0, pause: float = 1.0) -> None:
        self.timeout = timeout
        self.pause = pause
        self._visit: _Visit | None = None
        self._last_visits: dict[str | None, float] = {}
        """When each site's last page ended (monotonic seconds)."""
        self._opener = urllib.request.OpenerDirector()
        for handler in (
            urllib.request.ProxyHandler(),
            _HTTPHandler(self._visiting),
            _HTTPSHandler(self._visiting),
            urllib.request.HTTPDefaultErrorHandler(),
            _SiteRedirects(self._visiting),
            urllib.request.HTTPErrorProcessor(),
        ):
            self._opener.add_handler(handler)
        self._opener.addheaders = [("User-Agent", user_agent()), ("Accept", ACCEPT)]

    def fetch(self, url: str) -> Page:
        """The page at ``url``; :class:`NotFetched` says why not."""
        site = urlsplit(url)
        if site.scheme not in DEFAULT_PORTS or not site.hostname:
            raise NotFetched("not an http(s) address")
        last = self._last_visits.get(_site(site))
        if last is not None:
            time.sleep(max(last + self.pause - time.monotonic(), 0.0))
        self._visit = visit = _Visit(site, self.timeout)
        try:
            return self._read(url, visit)
        finally:
            visit.end()
            self._visit = None
            self._last_visits[_site(site)] = time.monotonic()

    def _visiting(self) -> _Visit:
        if self._visit is None:
            raise RuntimeError("a request outside Fetcher.fetch")
        return self._visit

    def _read(self, url: str, visit: _Visit) -> Page:
        request = urllib.request.Request(url)  # noqa: S310 - fetch took only http(s)
        try:
            with self._opener.open(request, timeout=self.timeout) as response:
                return _page(response, visit)
        except urllib.error.HTTPError as error:
            error.close()
            raise NotFetched(f"HTTP {error.code} {error.reason}") from None
        except (OSError, http.client.HTTPException, ValueError) as error:
            reason = getattr(error, "reason", error)  # a URLError's, or the error itself
            if visit.expired or isinstance(reason, TimeoutError):
                raise NotFetched(_too_slow(visit.seconds)) from None
            raise NotFetched(str(reason)) from None


def _page(response: http.client.HTTPResponse, visit: _Visit) -> Page:
    """The page ``response`` brings, read as it arrives: refused if it is not HTML or text, is
    compressed or too large, or does not arrive before the visit's deadline."""
    media_type = response.headers.get_content_type()
    if media_type not in PAGE_TYPES:
        raise NotFetched(f"not HTML or text ({media_type})")
    encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding != "identity":
        raise NotFetched(f"compressed ({encoding}), which was not asked for")
    length = response.headers.get("Content-Length", "").strip()
    if length.isdigit() and int(length) > MAX_PAGE_BYTES:
        raise NotFetched(TOO_LARGE)
    body = bytearray()
    while chunk := response.read1(READ_SIZE):
        body += chunk
        if len(body) > MAX_PAGE_BYTES:
            raise NotFetched(TOO_LARGE)
    if visit.expired:
        raise NotFetched(_too_slow(visit.seconds))
    return Page(media_type, _decoded(bytes(body), response.headers, media_type))


def _decoded(body: bytes, headers: Message, media_type: str) -> str:
    """``body`` as text, in the charset its headers or (HTML) its ``<meta>`` name, else UTF-8."""
    declared = (
        DECLARED_CHARSET.search(body[:CHARSET_WITHIN]) if media_type != "text/plain" else None
    )
    charset = headers.get_content_charset() or (declared.group(1).decode() if declared else "utf-8")
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def _too_slow(seconds: float) -> str:
    return f"did not arrive within {seconds:g} s"


class _Visit:
    """One page's fetch: the site its redirects may not leave, and its deadline, at which a timer
    shuts down every connection made for it."""

    def __init__(self, site: SplitResult, seconds: float) -> None:
        self.site = site
        self.seconds = seconds
        self.redirects = 0
        self.expired = False
        self._connections: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, connection: socket.socket) -> None:
        """Cut ``connection`` off at the deadline (at once, if it has passed)."""
        with self._lock:
            self._connections.append(connection)
            if self.expired:
                _cut(connection)

    def end(self) -> None:
        """The page is read, or given up: stop the timer."""
        self._timer.cancel()
        with self._lock:
            self._connections.clear()

    def allows(self, url: str) -> bool:
        """Whether ``url`` is on the page's site: its host (with or without ``www.``), by its
        scheme and port, or by https on https's own port where the page's address says http."""
        target = urlsplit(url)
        try:
            port, target_port = _port(self.site), _port(target)
        except ValueError:
            return False
        if _site(target) != _site(self.site):
            return False
        if target.scheme == self.site.scheme:
            return target_port == port
        upgrade = (self.site.scheme, target.scheme) == ("http", "https")
        return upgrade and target_port == DEFAULT_PORTS["https"]

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for connection in self._connections:
                _cut(connection)


Visiting = Callable[[], _Visit]
"""The visit under way (:meth:`Fetcher._visiting`)."""


def _cut(connection: socket.socket) -> None:
    """Shut ``connection`` down, waking whatever waits on it (a TLS socket's own ``shutdown``
    would also drop its TLS state under a reader in another thread)."""
    try:
        socket.socket.shutdown(connection, socket.SHUT_RDWR)
    except OSError:
        pass  # closed already


def _site(address: SplitResult) -> str | None:
    """The host of ``address`` without a leading ``www.``: ``kuopio.fi`` and ``www.kuopio.fi``
    are one site (the data names pages on both)."""
    return address.hostname.removeprefix("www.") if address.hostname else None


def _port(address: SplitResult) -> int | None:
    return address.port or DEFAULT_PORTS.get(address.scheme)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection that its visit's deadline cuts off (and, as the base of
    :class:`_TLSConnection`, an HTTPS one, once its TLS handshake is done)."""

    def __init__(self, host: str, *, visit: _Visit, **options: Any) -> None:
        super().__init__(host, **options)
        self._visit = visit

    def connect(self) -> None:
        super().connect()
        self._visit.watch(self.sock)


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    """An HTTPS connection that its visit's deadline cuts off."""


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, visiting: Visiting) -> None:
        super().__init__()
        self._visiting = visiting

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(partial(_Connection, visit=self._visiting()), req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, visiting: Visiting) -> None:
        super().__init__()
        self._visiting = visiting
        self._tls = ssl.create_default_context()

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        visit = self._visiting()
        return self.do_open(partial(_TLSConnection, visit=visit), req, context=self._tls)


class _SiteRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect within the page's site, :data:`MAX_REDIRECTS` of them at most; a
    redirect anywhere else ends the visit unfollowed."""

    def __init__(self, visiting: Visiting) -> None:
        super().__init__()
        self._visiting = visiting

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
        newurl: str,
    ) -> urllib.request.Request | None:
        visit = self._visiting()
        visit.redirects += 1
        if not visit.allows(newurl):
            fp.close()
            raise NotFetched(f"redirected off the site to {newurl}")
        if visit.redirects > MAX_REDIRECTS:
            fp.close()
            raise NotFetched(f"more than {MAX_REDIRECTS} redirects")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
