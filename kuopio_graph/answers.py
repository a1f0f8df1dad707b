"""Reading a remote store's answers: as they arrive, within the time limit and a size limit, and
as SPARQL says they are, where Virtuoso 7 writes them otherwise (its blank nodes in results, its
answer to an ASK)."""

from __future__ import annotations

import io
import time
from http.client import HTTPException, HTTPResponse
from typing import Any

import pyoxigraph as ox

from .errors import StoreFailed, StoreTimeout, StoreUnavailable

SOLUTIONS = "application/sparql-results+xml"
TRIPLES = "application/n-triples"
"""What the library asks the store for: results as XML, graphs as N-Triples, each only for the
kind of query that gives it (Virtuoso answers a CONSTRUCT 406 if results come first in
``Accept``, and a SELECT with N-Triples if they come second). Virtuoso's TSV is not SPARQL
1.1's: it quotes every term as a string."""
VIRTUOSO_BLANK_NODE = b"<bnode>nodeID://"
"""How Virtuoso begins a blank node in XML results: ``nodeID://b1`` is ``_:b1``. (Within XML
text ``<`` is always escaped, so this is markup wherever it appears.)"""
ROW_CAP_HEADER = "X-SPARQL-MaxRows"
"""Virtuoso's header on an answer it cut at its ``ResultSetMaxRows``."""
MAX_ANSWER_BYTES = 512 * 1024 * 1024
"""The most of one answer read from the store; past it, :class:`StoreFailed`."""
READ_SIZE = 64 * 1024


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


VIRTUOSO_FALSE = ox.Literal("0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))


def read_within(answer: Answer, lines: int = 0) -> bytes:
    """The whole answer; with ``lines``, no further than the line after the first ``lines``
    (what follows is not read at all)."""
    chunks = bytearray()
    while chunk := answer.read(READ_SIZE):
        chunks += chunk
        if lines and chunks.count(b"\n") > lines:
            break
    return bytes(chunks)
