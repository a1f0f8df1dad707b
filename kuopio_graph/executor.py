"""Run user queries under a time limit and a result cap, in processes that can be stopped.

A query runs inside Oxigraph's compiled code, where no Python thread can interrupt it. So user
queries run in a small pool of worker processes forked from the process that holds the store
(the store's memory is shared copy-on-write). A worker that passes the deadline is killed and
replaced by a fresh fork, and the client gets :class:`QueryTimeout`; a worker that dies
(out of memory, or a crash inside the engine) is replaced too, and the client gets
:class:`QueryFailed`. The other workers, and the clients they serve, are not affected.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import resource
import signal
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

import pyoxigraph as ox

from .errors import KuopioGraphError
from .formats import RDF_FORMATS, RESULT_FORMATS, find
from .guard import check_query
from .serialize import serialize_triples
from .store import GraphStore, QueryKind


@dataclass(frozen=True)
class QueryJob:
    """One query with its dataset and the media types the client accepts for each kind."""

    query: str
    solutions_type: str | None
    """Media type for SELECT and ASK answers; None if the client accepts none."""
    graph_type: str | None
    """Media type for CONSTRUCT and DESCRIBE answers; None if the client accepts none."""
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None

    @property
    def has_protocol_dataset(self) -> bool:
        """Whether the request names the dataset (``default-graph-uri``, ``named-graph-uri``),
        which then takes the place of the query's own FROM and FROM NAMED."""
        return self.default_graphs is not None or self.named_graphs is not None


@dataclass(frozen=True)
class QueryAnswer:
    """A serialised answer; ``truncated`` says the result cap cut it."""

    kind: QueryKind
    media_type: str
    body: bytes
    truncated: bool = False


class QueryRunner(Protocol):
    """What runs the endpoint's queries: a pool of processes over the embedded store, or the
    remote store itself."""

    def run(self, job: QueryJob) -> QueryAnswer:
        """Check and answer ``job``, within the time limit and the result cap."""
        ...

    def close(self) -> None:
        """Release what the runner holds."""
        ...


class NoAcceptableFormat(KuopioGraphError):
    """The client accepts no serialisation of this kind of result."""

    def __init__(self, kind: QueryKind) -> None:
        super().__init__(kind)
        self.kind = kind


class QueryTimeout(KuopioGraphError):
    """The query ran past its time limit and was stopped."""


class QueryFailed(KuopioGraphError):
    """The process running the query died (out of memory, or a crash in the engine)."""


def answer(store: GraphStore, job: QueryJob, max_results: int) -> QueryAnswer:
    """Check and run ``job`` in this process; serialise at most ``max_results`` rows or triples.

    The check (see :mod:`kuopio_graph.guard`) runs here too, so in a worker it runs under the
    same deadline as the query.
    """
    check_query(job.query, store.graphs(), store.prefixes, job.has_protocol_dataset)
    result = store.query(
        job.query, default_graphs=job.default_graphs, named_graphs=job.named_graphs
    )
    wanted = wanted_type(job, result.kind)
    if isinstance(result.answer, ox.QueryBoolean):
        fmt = find(RESULT_FORMATS, wanted)
        return QueryAnswer(result.kind, fmt.media_type, result.serialize(fmt))
    if isinstance(result.answer, ox.QueryTriples):
        lines, truncated = first_lines(result.answer.serialize, ox.RdfFormat.N_TRIPLES, max_results)
        return graph_answer(lines, truncated, wanted, store.prefixes)
    if not isinstance(result.answer, ox.QuerySolutions):
        raise TypeError("the engine answers solutions, a boolean or triples")
    # SELECT: TSV writes one line per solution (plus a header), so the first lines are the
    # first solutions.
    lines, truncated = first_lines(
        result.answer.serialize, ox.QueryResultsFormat.TSV, max_results + 1
    )
    return solutions_answer(lines, truncated, wanted)


def wanted_type(job: QueryJob, kind: QueryKind) -> str:
    """The media type the client accepts for a ``kind`` answer, or :class:`NoAcceptableFormat`."""
    wanted = job.graph_type if kind == "graph" else job.solutions_type
    if wanted is None:
        raise NoAcceptableFormat(kind)
    return wanted


def graph_answer(
    ntriples: bytes, truncated: bool, wanted: str, prefixes: dict[str, str]
) -> QueryAnswer:
    """A graph answer, from its (first) triples as N-Triples, in the ``wanted`` format."""
    fmt = find(RDF_FORMATS, wanted)
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return QueryAnswer(
        "graph", fmt.media_type, serialize_triples(triples, fmt, prefixes), truncated
    )


def solutions_answer(tsv: bytes, truncated: bool, wanted: str) -> QueryAnswer:
    """A SELECT answer, from its (first) solutions as TSV, in the ``wanted`` format: parsing
    them back gives solutions Oxigraph can write in any format."""
    fmt = find(RESULT_FORMATS, wanted)
    solutions = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    if not isinstance(solutions, ox.QuerySolutions) or not isinstance(
        fmt.oxigraph, ox.QueryResultsFormat
    ):
        raise TypeError("TSV holds SELECT solutions, written in a results format")
    body = solutions.serialize(format=fmt.oxigraph) or b""
    return QueryAnswer("select", fmt.media_type, body, truncated)


class _LineLimit:
    """A write-only buffer that stops the writer once it holds more than ``limit`` lines."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.buffer = bytearray()
        self.lines = 0

    def write(self, chunk: bytes) -> int:
        self.buffer += chunk
        self.lines += bytes(chunk).count(b"\n")
        if self.lines > self.limit:
            raise _Full
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush; the buffer is in memory."""


class _Full(Exception):
    """Raised inside a serialiser to stop it at the line limit."""


def first_lines(write: Callable[..., Any], fmt: Any, limit: int) -> tuple[bytes, bool]:
    """What ``write(sink, format=fmt)`` writes, stopped after ``limit`` lines, and whether it
    had more to write."""
    sink = _LineLimit(limit)
    try:
        write(sink, format=fmt)
    except _Full:
        kept = bytes(sink.buffer).split(b"\n", limit)[:limit]
        return b"\n".join(kept) + b"\n", True
    return bytes(sink.buffer), False


class QueryPool:
    """Worker processes, forked from this one, that run :func:`answer` under a deadline."""

    def __init__(
        self, store: GraphStore, size: int, timeout: float, max_results: int, memory: int
    ) -> None:
        """Start ``size`` workers; each query gets ``timeout`` seconds and ``memory`` bytes."""
        self._store = store
        self._timeout = timeout
        self._max_results = max_results
        self._memory = memory
        self._context = multiprocessing.get_context("fork")
        self._idle: queue.Queue[_Worker] = queue.Queue()
        for _ in range(size):
            self._idle.put(self._spawn())

    def run(self, job: QueryJob) -> QueryAnswer:
        """Run ``job`` in a free worker; raise :class:`QueryTimeout` past the deadline."""
        try:
            worker = self._idle.get(timeout=self._timeout)
        except queue.Empty:
            raise QueryTimeout("every query worker stayed busy for the whole time limit") from None
        try:
            worker.connection.send(job)
            if not worker.connection.poll(self._timeout):
                worker.stop()
                worker = self._spawn()
                raise QueryTimeout(f"the query ran longer than {self._timeout:g} seconds")
            outcome = worker.connection.recv()
        except (EOFError, OSError):
            worker.stop()
            worker = self._spawn()
            raise QueryFailed("the query stopped its worker process") from None
        finally:
            self._idle.put(worker)
        if isinstance(outcome, Exception):
            raise outcome
        assert isinstance(outcome, QueryAnswer)  # noqa: S101 - the worker sends nothing else
        return outcome

    def close(self) -> None:
        """Stop every idle worker."""
        while not self._idle.empty():
            self._idle.get_nowait().stop()

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(child, self._store, self._max_results, self._memory), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent)


@dataclass
class _Worker:
    process: Any
    connection: Connection

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


def _serve(connection: Connection, store: GraphStore, max_results: int, memory: int) -> None:
    """The worker's loop: answer each job, or send back the library error it raised."""
    # A fresh worker keeps nothing of its parent but the store: default signal handling (a web
    # server's handlers would make it ignore SIGTERM) and no inherited files or sockets but its
    # own end of the pipe, so it sees end-of-file as soon as its parent is gone.
    for signal_number in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signal_number, signal.SIG_DFL)
    keep = connection.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, os.sysconf("SC_OPEN_MAX"))
    # The store is already mapped; a query may add ``memory`` bytes on top of it. Past that an
    # allocation fails and the worker dies, which the pool reports as QueryFailed.
    address_space = resource.getrlimit(resource.RLIMIT_AS)[1]
    limit = _mapped_bytes() + memory
    if address_space == resource.RLIM_INFINITY or limit < address_space:
        resource.setrlimit(resource.RLIMIT_AS, (limit, address_space))
    while True:
        try:
            job = connection.recv()
        except EOFError:
            os._exit(0)
        try:
            connection.send(answer(store, job, max_results))
        except KuopioGraphError as error:
            connection.send(error)


def _mapped_bytes() -> int:
    """The virtual memory this process has mapped, from /proc (Linux)."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
