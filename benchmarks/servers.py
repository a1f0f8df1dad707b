"""The three servers compared, each started on a free loopback port over the same N-Triples file.

- ``kuopio-graph``: the project's server, ``kuopio-graph serve --no-bundled DATA.nt`` with its
  default settings (Granian; one worker process with four threads and a pool of forked query
  processes).
- ``oxigraph``: the native Oxigraph server from PyPI (``oxigraph serve``) with its **in-memory**
  store: started without ``--location``, then the file is sent to its Graph Store endpoint
  (``POST /store?default``), which is the only way to fill an in-memory server.
- ``rdflib-endpoint``: ``rdflib-endpoint serve DATA.nt`` (rdflib's in-memory store under
  uvicorn, one process).

Start-up time runs from the moment the process is started to the first successful query
(``ASK {}``), so it includes loading the data. The project's server is then given time to
finish its search index (built beside serving) before anything is measured.
"""

from __future__ import annotations

import http.client
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from .common import (
    HOST,
    PROCESSES,
    Client,
    MemorySampler,
    free_port,
    tool,
    wait_until,
)
from .mix import SELECT

PROJECT = "kuopio-graph"
OXIGRAPH = "oxigraph"
RDFLIB = "rdflib-endpoint"
SERVERS = (PROJECT, OXIGRAPH, RDFLIB)
BASE = "https://w3id.org/kuopio-graph/"


class StartFailed(Exception):
    """The server did not answer a first query before its deadline, or exited."""


@dataclass
class Running:
    """A started server."""

    name: str
    endpoint: str
    """Path of the SPARQL endpoint."""
    port: int
    process: subprocess.Popen[bytes]
    sampler: MemorySampler
    startup: float
    """Seconds from process start to the first successful query."""
    log: Path
    note: str = ""

    def stop(self) -> None:
        """Stop the process group and the memory sampler."""
        self.sampler.stop()
        PROCESSES.stop(self.process)


def _ready(port: int, endpoint: str) -> bool:
    client = Client(port, timeout=5)
    try:
        return client.sparql(endpoint, "ASK {}", SELECT).status == 200
    finally:
        client.close()


def start(
    name: str,
    data: Path,
    log_dir: Path,
    deadline: float,
    workers: int | None = None,
    extra: tuple[str, ...] = (),
) -> Running:
    """Start server ``name`` over ``data``; raise :class:`StartFailed` past ``deadline`` s."""
    port = free_port()
    log = log_dir / f"{name}-{data.stem}-{port}.log"
    handle = log.open("wb")
    note = ""
    started = time.monotonic()
    if name == PROJECT:
        argv = [
            tool("kuopio-graph"), "serve", "--no-bundled", str(data), "--port", str(port),
            "--base", BASE, *(["--workers", str(workers)] if workers else []), *extra,
        ]  # fmt: skip
        endpoint = "/sparql"
    elif name == OXIGRAPH:
        argv = [tool("oxigraph"), "serve", "--bind", f"{HOST}:{port}", *extra]
        endpoint = "/query"
        note = "in-memory store (no --location); data sent with POST /store?default"
    elif name == RDFLIB:
        argv = [tool("rdflib-endpoint"), "serve", str(data), "--host", HOST, "--port", str(port)]
        endpoint = "/"
        note = "rdflib in-memory Dataset under uvicorn (one process)"
    else:
        raise ValueError(f"unknown server {name!r}")
    process = PROCESSES.start(argv, handle)
    handle.close()
    sampler = MemorySampler(process.pid)
    running = Running(name, endpoint, port, process, sampler, 0.0, log, note)
    try:
        limit = started + deadline
        if name == OXIGRAPH:
            if not wait_until(lambda: _listening(port), limit, process):
                raise StartFailed(f"{name} did not listen within {deadline:g} s")
            _upload(port, data, max(1.0, limit - time.monotonic()))
        if not wait_until(lambda: _ready(port, endpoint), limit, process):
            code = process.poll()
            why = f"exited with {code}" if code is not None else f"timed out after {deadline:g} s"
            raise StartFailed(f"{name} {why} (log: {log})")
        running.startup = time.monotonic() - started
        # The project builds its search index beside serving; measure it once that is done,
        # so the build does not share the cores with the first queries measured.
        if name == PROJECT and not wait_until(lambda: _searchable(port), limit, process):
            raise StartFailed(f"{name}'s search index was not ready within {deadline:g} s")
    except BaseException:
        running.stop()
        raise
    return running


def _searchable(port: int) -> bool:
    client = Client(port, timeout=5)
    try:
        return client.request("GET", "/search?q=x", {"Accept": "application/json"}).status == 200
    finally:
        client.close()


def _listening(port: int) -> bool:
    client = Client(port, timeout=2)
    try:
        client.request("GET", "/")
        return True
    finally:
        client.close()


def _upload(port: int, data: Path, timeout: float) -> None:
    """Send the file to Oxigraph's Graph Store endpoint, into the default graph."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        with data.open("rb") as body:
            connection.request(
                "POST",
                "/store?default",
                body=body,
                headers={
                    "Content-Type": "application/n-triples",
                    "Content-Length": str(data.stat().st_size),
                },
            )
            response = connection.getresponse()
            text = response.read()
        if response.status not in (200, 201, 204):
            raise StartFailed(f"oxigraph refused the data: {response.status} {text[:200]!r}")
    except TimeoutError:
        raise StartFailed(f"oxigraph did not load the data within {timeout:.0f} s") from None
    finally:
        connection.close()
