"""The one HTTP client the service talks to a remote store with: SPARQL 1.1 Protocol queries
and updates over urllib, with the credentials the store asks for, within a deadline, and the
store's errors as the library's.

A store names its authentication scheme in the ``WWW-Authenticate`` header of a 401 answer:
Virtuoso's update endpoint (``/sparql-auth``) asks for Digest, a proxy in front of Oxigraph or
Jena Fuseki usually for Basic. Before the first request with credentials, the store is asked
once without them and without a body (so that a large update is not sent only to be refused);
a Digest challenge is then answered with urllib's digest of the password, anything else with
Basic. The password is kept out of every ``repr`` and message.

Answers are read as they arrive, within the deadline and a size limit, and as SPARQL says
they are where Virtuoso 7 writes them otherwise (its blank nodes in results, its answer to an
ASK).
"""

from __future__ import annotations

import base64
import io
import re
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from email.message import Message
from http.client import HTTPException, HTTPResponse
from typing import Any

import pyoxigraph as ox

from ..errors import (
    KuopioGraphError,
    QueryNotSupported,
    QuerySyntaxError,
    StoreFailed,
    StoreTimeout,
    StoreUnavailable,
)

USER_VARIABLE = "KUOPIO_STORE_USER"
PASSWORD_VARIABLE = "KUOPIO_STORE_PASSWORD"  # noqa: S105 - a name, not a password
"""The environment variables the store's credentials are read from (never from settings or
flags, so they appear in no command line, file or log)."""

SOLUTIONS = "application/sparql-results+xml"
TRIPLES = "application/n-triples"
"""What the library asks the store for: results as XML, graphs as N-Triples, each only for the
kind of query that gives it (Virtuoso answers a CONSTRUCT 406 if results come first in
``Accept``, and a SELECT with N-Triples if they come second). Virtuoso's TSV is not SPARQL
1.1's: it quotes every term as a string."""
FORM = "application/x-www-form-urlencoded"
UPDATE = "application/sparql-update"

UNAVAILABLE_STATUSES = {429, 502, 503}
TIMEOUT_STATUSES = {408, 504}
VIRTUOSO_TIMED_OUT = b"Virtuoso S1T00"
"""How Virtuoso's 500 answer begins when a query ran past its MaxQueryExecutionTime."""
UNKNOWN_FUNCTION = re.compile(
    rb"SR185: Undefined procedure (?:[^.\s]+\.){2}(?P<virtuoso>\S+?)\.?\s"
    rb"|custom function <(?P<oxigraph>[^>\s]+)> is not supported"
)
"""How a store says that it does not have a function a query calls: Virtuoso 7 looks an IRI
called as a function up as an SQL procedure (``DB.DBA.<iri>``) and answers 500; Oxigraph's
server answers 500 (0.5) or 400 with its parser's words."""
VIRTUOSO_BLANK_NODE = b"<bnode>nodeID://"
"""How Virtuoso begins a blank node in XML results: ``nodeID://b1`` is ``_:b1``. (Within XML
text ``<`` is always escaped, so this is markup wherever it appears.)"""
ROW_CAP_HEADER = "X-SPARQL-MaxRows"
"""Virtuoso's header on an answer it cut at its ``ResultSetMaxRows``."""
MAX_ANSWER_BYTES = 512 * 1024 * 1024
"""The most of one answer read from the store; past it, :class:`StoreFailed`."""
READ_SIZE = 64 * 1024
ERROR_DETAIL = 500
"""The most characters of a store's refusal of a malformed query passed on to the client."""
PROBE_TIMEOUT = 10.0
"""Seconds the request that asks the store for its scheme may take."""


Reading = Callable[[bytes], io.BufferedIOBase]
"""Wraps a request's body as it is sent (a progress bar over it)."""


class Connection:
    """Requests to one store, with one user's credentials if it has them; shared by the
    threads of a process."""

    def __init__(self, credentials: tuple[str, str] | None) -> None:
        self._authenticator = Authenticator(*credentials) if credentials else None

    def __repr__(self) -> str:
        return "Connection(…)"

    def post(
        self,
        url: str,
        body: bytes,
        content_type: str,
        deadline: float,
        accept: str | None = None,
        reading: Reading | None = None,
    ) -> HTTPResponse:
        """POST ``body`` to ``url`` and return the answer, open; any error status is raised as
        the library's error. ``reading`` wraps the body as it is sent (a progress bar)."""
        headers = {"Content-Type": content_type, "Content-Length": str(len(body))}
        if accept:
            headers["Accept"] = accept
        for attempt in (1, 2):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise StoreTimeout("the store did not answer within the time limit")
            if self._authenticator:
                try:
                    headers["Authorization"] = self._authenticator.header("POST", url, remaining)
                except ValueError as error:
                    raise StoreFailed(f"cannot authenticate with the store: {error}") from None
            data = reading(body) if reading else body
            # The store's own URL, from the command line or settings.
            request = urllib.request.Request(url, data=data, headers=headers, method="POST")  # noqa: S310
            try:
                response: HTTPResponse = urllib.request.urlopen(request, timeout=remaining)  # noqa: S310
                return response
            except urllib.error.HTTPError as error:
                with error:
                    if error.code == 401 and self._authenticator and attempt == 1:
                        self._authenticator.refused(url, error.headers)
                        continue
                    body_read = error.read(64 * 1024)
                    raise refusal(error.code, body_read, content_type == UPDATE) from None
            except (urllib.error.URLError, OSError, HTTPException, ValueError) as error:
                raise connection_error(error) from None
        raise AssertionError("unreachable")


def refusal(status: int, body: bytes = b"", update: bool = False) -> KuopioGraphError:
    """The library's error for an HTTP error status of the store (to an ``update``, or a
    query). Its body is passed on only where it says what is wrong with the client's query (a
    400); otherwise it may hold the store's internals, and only the name of a function the
    store does not have is taken from it."""
    if update and status in (404, 405):
        return StoreFailed(
            f"the store takes no updates there (HTTP {status}): name its update endpoint with"
            " --update (Virtuoso's is …/sparql-auth)"
        )
    unknown = None if update else UNKNOWN_FUNCTION.search(body)
    function = (
        (unknown["virtuoso"] or unknown["oxigraph"]).decode("utf-8", "replace") if unknown else ""
    )
    if ":" in function:  # an IRI, not one of the store's own procedures
        return QueryNotSupported(
            f"the store does not support the function <{function}>: a query can call only the"
            " functions the store evaluates, which the service description at /sparql lists"
        )
    if status == 400 and not update:
        detail = " ".join(body.decode("utf-8", "replace").split())[:ERROR_DETAIL]
        return QuerySyntaxError(f"the store refused the query: {detail}")
    if VIRTUOSO_TIMED_OUT in body[:200]:
        return StoreTimeout("the store stopped the query at its own time limit")
    if status in UNAVAILABLE_STATUSES:
        return StoreUnavailable(f"the store is unavailable (HTTP {status})")
    if status in TIMEOUT_STATUSES:
        return StoreTimeout(f"the store did not answer in time (HTTP {status})")
    if status == 401:
        return StoreFailed(
            "the store asks for credentials it did not get or refused (HTTP 401): see"
            f" {USER_VARIABLE} and {PASSWORD_VARIABLE}"
        )
    return StoreFailed(f"the store answered with an error (HTTP {status})")


def connection_error(error: Any) -> KuopioGraphError:
    """A connection error or time-out, as the library's error."""
    reason = getattr(error, "reason", error)
    if isinstance(reason, TimeoutError):
        return StoreTimeout("the store did not answer within the time limit")
    return StoreUnavailable(f"the store cannot be reached: {reason}")


class Answer(io.RawIOBase):
    """A store's answer as it arrives: read before the monotonic ``deadline``, no larger than
    :data:`MAX_ANSWER_BYTES`, with Virtuoso's blank node labels in XML results as N-Triples
    writes them (``nodeID://b1`` as ``b1``)."""

    def __init__(self, response: HTTPResponse, deadline: float) -> None:
        super().__init__()
        self.response = response
        self.deadline = deadline
        self.media_type = response.headers.get_content_type()
        cap = response.headers.get(ROW_CAP_HEADER, "")
        self.row_cap = int(cap) if cap.strip().isdigit() else None
        """The rows at which the store cut the answer, if it says it did (Virtuoso)."""
        self._relabel = self.media_type == SOLUTIONS
        self._size = 0
        self._ready = b""
        self._held = b""
        """The end of what was read, if it may be the beginning of Virtuoso's blank node."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._ready:
            chunk = self._read_chunk()
            if not chunk:
                self._ready, self._held = self._held, b""
                break
            self._ready = self._relabelled(self._held + chunk)
        size = min(len(buffer), len(self._ready))
        buffer[:size] = self._ready[:size]
        self._ready = self._ready[size:]
        return size

    def close(self) -> None:
        self.response.close()
        super().close()

    def _read_chunk(self) -> bytes:
        if self.deadline - time.monotonic() <= 0:
            raise StoreTimeout("the store did not answer within the time limit")
        try:
            chunk = self.response.read1(READ_SIZE)
        except TimeoutError:
            raise StoreTimeout("the store did not answer within the time limit") from None
        except (OSError, HTTPException, ValueError) as error:
            raise StoreUnavailable(f"the store stopped answering: {error}") from None
        self._size += len(chunk)
        if self._size > MAX_ANSWER_BYTES:
            raise StoreFailed(f"the store's answer is larger than {MAX_ANSWER_BYTES} bytes")
        return chunk

    def _relabelled(self, data: bytes) -> bytes:
        """``data`` with Virtuoso's blank nodes relabelled, but for an end held back that may
        be the beginning of one."""
        if not self._relabel:
            return data
        data = data.replace(VIRTUOSO_BLANK_NODE, b"<bnode>")
        start = data.rfind(b"<", max(len(data) - len(VIRTUOSO_BLANK_NODE) + 1, 0))
        if start >= 0 and VIRTUOSO_BLANK_NODE.startswith(data[start:]):
            self._held = data[start:]
            return data[:start]
        self._held = b""
        return data


def read_within(answer: Answer, lines: int = 0) -> bytes:
    """The whole answer; with ``lines``, no further than the line after the first ``lines``
    (what follows is not read at all)."""
    chunks = bytearray()
    while chunk := answer.read(READ_SIZE):
        chunks += chunk
        if lines and chunks.count(b"\n") > lines:
            break
    return bytes(chunks)


VIRTUOSO_FALSE = ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def boolean(answer: ox.QuerySolutions | ox.QueryBoolean) -> ox.QueryBoolean:
    """The answer to an ASK. Virtuoso 7 answers an ASK with a pattern as if it were a SELECT:
    one variable (``__ASK_RETVAL``), one row with ``1`` for true, no row for false."""
    if isinstance(answer, ox.QueryBoolean):
        return answer
    true = any(any(term != VIRTUOSO_FALSE for term in row if term) for row in answer)
    written = b'{"head": {}, "boolean": %s}' % (b"true" if true else b"false")
    result = ox.parse_query_results(written, format=ox.QueryResultsFormat.JSON)
    if not isinstance(result, ox.QueryBoolean):
        raise TypeError("a boolean parses as a boolean")
    return result


class Authenticator:
    """The ``Authorization`` header for each request to one store, from one user's credentials.

    Shared by the threads of a process: the digest's nonce count is kept under a lock.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self._digest = urllib.request.AbstractDigestAuthHandler(_Passwords(user, password))
        self._challenges: dict[str, dict[str, str] | None] = {}
        """Each URL's Digest challenge (the query and the update endpoint may differ); empty for
        Basic; None, or missing, until the store is asked."""
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "Authenticator(…)"

    def header(self, method: str, url: str, timeout: float = PROBE_TIMEOUT) -> str:
        """The ``Authorization`` header for a ``method`` request to ``url`` (asking the store
        for its scheme first, within ``timeout`` seconds, if it has not been asked)."""
        with self._lock:
            challenge = self._challenges.get(url)
            if challenge is None:
                challenge = self._challenges[url] = _ask(url, min(timeout, PROBE_TIMEOUT))
            if not challenge:
                return self._basic
            request = urllib.request.Request(url, method=method)  # noqa: S310 - never opened
            answer = self._digest.get_authorization(request, challenge)
            if answer is None:
                raise ValueError("the store's digest challenge cannot be answered")
            return f"Digest {answer}"

    def refused(self, url: str, headers: Mapping[str, str] | Message) -> None:
        """The store answered 401 to credentials sent to ``url``: take the challenge in its
        ``headers`` (its nonce may have expired)."""
        with self._lock:
            self._challenges[url] = _challenge(headers)


class _Passwords(urllib.request.HTTPPasswordMgr):
    """The one user's credentials, whatever the realm (the store's URL is known)."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__()
        self._pair = (user, password)

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:
        return self._pair


def _ask(url: str, timeout: float) -> dict[str, str] | None:
    """The store's Digest challenge for ``url``, or ``{}`` (Basic) if it names none: a GET with
    no credentials, which an authenticating store answers 401 with its scheme. None if the
    store could not be asked (the request itself will then say why)."""
    probe = urllib.request.Request(url, method="GET")  # noqa: S310 - the store's own URL
    try:
        with urllib.request.urlopen(probe, timeout=timeout):  # noqa: S310
            return {}
    except urllib.error.HTTPError as error:
        with error:
            return _challenge(error.headers) if error.code == 401 else {}
    except (urllib.error.URLError, OSError, HTTPException):
        return None


def _challenge(headers: Mapping[str, str] | Message) -> dict[str, str]:
    """The parameters of a ``WWW-Authenticate: Digest …`` header, or ``{}`` for any other."""
    scheme, _, parameters = (headers.get("WWW-Authenticate") or "").strip().partition(" ")
    if scheme.lower() != "digest":
        return {}
    return urllib.request.parse_keqv_list(urllib.request.parse_http_list(parameters))
