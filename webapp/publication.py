"""The published dataset as the web app holds it: the store and what is derived from it once."""

from __future__ import annotations

import atexit
import gzip
import hashlib
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
from flask import current_app, request
from rdflib import Graph, Literal

from kuopio_graph import (
    DATASET_FORMATS,
    RDF_FORMATS,
    GraphStore,
    NamedQuery,
    Settings,
    SourceFile,
    Store,
    ValidationReport,
    named_queries,
    shapes_graph,
    validate,
)
from kuopio_graph.catalogue import Distribution
from kuopio_graph.description import (
    DatasetSummary,
    catalogue_description,
    dated_period,
    summarise,
    void_description,
)
from kuopio_graph.errors import StoreError
from kuopio_graph.executor import QueryPool, QueryRunner
from kuopio_graph.formats import Format, find
from kuopio_graph.load import read_source
from kuopio_graph.relations import organisation_classes
from kuopio_graph.remote import RemoteQueries, RemoteStore
from kuopio_graph.search import SearchIndex

from .budget import Budgets

DISPLAY_LABELS = resources.files(__package__) / "labels.ttl"
SEARCH_INDEX_RETRY = 5.0
"""Seconds before the first new try to build the label index from a remote store that failed."""
SEARCH_INDEX_TIMEOUT = 600.0
"""Seconds the queries that build the label index may take in a remote store (they read every
label at once)."""
EXTENSION_KEY = "kuopio_graph"


@dataclass(frozen=True)
class Dump:
    """One full dump of the dataset, as served at ``/dumps/<name>``."""

    name: str
    fmt: Format
    compressed: bool
    content: bytes

    @property
    def sha256(self) -> str:
        """The SHA-256 checksum of the bytes served."""
        return hashlib.sha256(self.content).hexdigest()


DUMPS = {
    "kuopio.ttl": ("ttl", False),
    "kuopio.nt.gz": ("nt", True),
    "kuopio.jsonld": ("jsonld", False),
    "kuopio.trig": ("trig", False),
}
"""The dumps, by file name: format and whether it is gzipped."""


@dataclass
class Publication:
    """The store, its version and what the app derives from it, built once per process."""

    settings: Settings
    store: Store
    files: list[SourceFile]
    version: str
    modified: datetime
    queries: dict[str, NamedQuery]
    display_labels: dict[str, dict[str, str]]
    budgets: Budgets
    organisation_classes: frozenset[str]
    """The classes whose members' pages show a picture of their relationships."""
    scratch: Path
    """A folder of this service's own, shared by its processes and removed when the process
    that made it exits: the label index and the budgets live there."""
    _dumps: dict[str, Dump] = field(default_factory=dict)
    _report: ValidationReport | None = None
    _shapes: Graph | None = None
    _summary: DatasetSummary | None = None
    _pool: QueryRunner | None = None
    _pool_owner: int = 0
    _building: threading.RLock = field(default_factory=threading.RLock)
    """Held while a dump, the description or the report is built: threads share a publication."""
    _starting_pool: threading.Lock = field(default_factory=threading.Lock)
    """Held while the query workers start (not while a slow report is built)."""
    _search: SearchIndex | None = None
    _search_elsewhere: bool = False
    """Whether another thread or process (the server's parent) builds the search index."""
    _opening_search: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(
        cls,
        settings: Settings,
        store: Store,
        files: list[SourceFile],
        report: ValidationReport | None = None,
    ) -> Publication:
        """Derive the version, date, named queries and display labels for ``store``."""
        digest = hashlib.sha256(settings.base.encode())
        for source in files:
            digest.update(str(source.graph).encode())
            digest.update(read_source(source.path, settings.base))
        newest = max((source.path.stat().st_mtime for source in files), default=0.0)
        if isinstance(store, RemoteStore):
            # No files here: the version follows the store's content, and the date is the
            # time the service began to serve it.
            digest.update(f"{store.endpoint.query_url} {len(store)} {store.graphs()}".encode())
            newest = datetime.now(UTC).timestamp()
        scratch = Path(tempfile.mkdtemp(prefix="kuopio-graph-"))
        atexit.register(_remove_in, os.getpid(), scratch)
        return cls(
            settings=settings,
            store=store,
            files=files,
            version=digest.hexdigest()[:32],
            modified=datetime.fromtimestamp(int(newest), UTC),
            queries=named_queries(settings.queries, settings.base),
            display_labels=_display_labels(),
            budgets=Budgets(
                settings.query_budget, settings.error_budget, scratch / "budgets.sqlite"
            ),
            organisation_classes=organisation_classes(store),
            scratch=scratch,
            _report=report,
        )

    def dump(self, name: str) -> Dump:
        """The dump called ``name`` (a key of :data:`DUMPS`), built on first use."""
        with self._building:
            if name not in self._dumps:
                format_name, compressed = DUMPS[name]
                fmt = find(RDF_FORMATS + DATASET_FORMATS, format_name)
                content = self.store.dump(fmt)
                if compressed:
                    content = gzip.compress(content, mtime=0)
                self._dumps[name] = Dump(name, fmt, compressed, content)
        return self._dumps[name]

    def distributions(self, measured: bool = True) -> list[Distribution]:
        """Every dump as a DCAT distribution; ``measured``, with its size and checksum (which
        builds it)."""
        listed = []
        for name, (format_name, compressed) in DUMPS.items():
            fmt = find(RDF_FORMATS + DATASET_FORMATS, format_name)
            dump = self.dump(name) if measured else None
            listed.append(
                Distribution(
                    path=f"dumps/{name}",
                    media_type=fmt.media_type,
                    compression="application/gzip" if compressed else None,
                    byte_size=len(dump.content) if dump else None,
                    sha256=dump.sha256 if dump else None,
                )
            )
        return listed

    def summary(self) -> DatasetSummary:
        """What VoID counts, counted on first use (it reads the whole graph)."""
        with self._building:
            if self._summary is None:
                self._summary = summarise(self.store)
        return self._summary

    @cached_property
    def period(self) -> tuple[Literal, Literal] | None:
        """The first and the last date the data states, read on first use."""
        return dated_period(self.store)

    def void(self, root: str) -> Graph:
        """The VoID and DCAT description, with the service's addresses under ``root``."""
        return void_description(
            self.summary(), root, self.modified.date(), self.period, self.distributions()
        )

    def catalogue(self, root: str) -> Graph:
        """The DCAT catalogue alone, without what VoID counts or the dumps' sizes (nothing is
        built for it but the period the data covers)."""
        return catalogue_description(
            self.settings.base,
            root,
            self.modified.date(),
            self.period,
            self.distributions(measured=False),
        )

    def report(self) -> ValidationReport:
        """The SHACL validation report of the data being served, computed on first use."""
        with self._building:
            if self._report is None:
                self._report = validate(self.store, self.shapes(), self.files)
        return self._report

    def shapes(self) -> Graph:
        """The SHACL shapes, parsed on first use."""
        with self._building:
            if self._shapes is None:
                self._shapes = shapes_graph(self.settings.shapes, self.settings.base)
        return self._shapes

    def search_index(self) -> SearchIndex:
        """The label index: opened if built, else built here (in the thread that asks).

        Raises :class:`SearchNotReady` while :meth:`build_search_index_in_background` (started
        by the server before its workers fork) has not finished.
        """
        with self._opening_search:
            if self._search is None:
                path = self.search_path()
                if path.exists():
                    self._search = SearchIndex(path)
                elif self._search_elsewhere:
                    raise SearchNotReady("the search index is still being built")
                else:
                    self._search = SearchIndex.build(self.store, path)
            return self._search

    def build_search_index_in_background(self) -> multiprocessing.process.BaseProcess:
        """Start building the label index in a process forked from this one (a process, not
        a thread: the web workers fork from this one too, and must not inherit a half-held
        SQLite lock). Processes forked from this one open the index once it is there, and
        answer "not ready" until then."""
        self._search_elsewhere = True
        builder = multiprocessing.get_context("fork").Process(
            target=_build_search_index,
            args=(self.store, self.search_path()),
            name="kuopio-graph search index",
            daemon=True,
        )
        builder.start()
        return builder

    def search_path(self) -> Path:
        """Where the label index file is."""
        return self.scratch / "labels.sqlite"

    def pool(self) -> QueryRunner:
        """This process's query runner, started on first use: a pool of query workers over
        the embedded store, or the remote store itself.

        A web server forks its workers after the app is built; each starts its own pool,
        forked in turn from a process that holds the store.
        """
        with self._starting_pool:
            if self._pool is None or self._pool_owner != os.getpid():
                if isinstance(self.store, RemoteStore):
                    self._pool = RemoteQueries(self.store, self.settings.max_results)
                elif isinstance(self.store, GraphStore):
                    self._pool = QueryPool(
                        self.store,
                        size=self.settings.query_workers,
                        timeout=self.settings.query_timeout,
                        max_results=self.settings.max_results,
                        memory=self.settings.query_memory * 1024 * 1024,
                    )
                else:
                    raise TypeError(f"no query runner for {type(self.store).__name__}")
                self._pool_owner = os.getpid()
            return self._pool


class SearchNotReady(Exception):
    """The search index is being built and is not there yet."""


def _remove_in(owner: int, folder: Path) -> None:
    """Remove ``folder`` at exit, from the process that made it (not from forked workers)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)


def _build_search_index(store: Store, path: Path) -> None:
    """Build the label index, trying again while a remote store is out of reach or failing
    (every 5 s, then less often, up to a minute), so that search comes back by itself when the
    store does."""
    if isinstance(store, RemoteStore):
        store = store.with_timeout(SEARCH_INDEX_TIMEOUT)
    wait = SEARCH_INDEX_RETRY
    while True:
        try:
            SearchIndex.build(store, path)
            return
        except StoreError:
            time.sleep(wait)
            wait = min(wait * 2, 60.0)


def service_root() -> str:
    """The URL at which clients reach the service, ending in '/': the configured public URL,
    else the one this request came in on."""
    return get_publication().settings.public_url or request.url_root


def get_publication() -> Publication:
    """The publication of the current app."""
    publication = current_app.extensions[EXTENSION_KEY]
    if not isinstance(publication, Publication):
        raise TypeError("the app holds no publication")
    return publication


def _display_labels() -> dict[str, dict[str, str]]:
    """Labels of the W3C terms the data uses, for pages (they are not part of the dataset)."""
    labels: dict[str, dict[str, str]] = {}
    for quad in ox.parse(DISPLAY_LABELS.read_bytes(), format=ox.RdfFormat.TURTLE):
        if isinstance(quad.object, ox.Literal) and quad.object.language:
            labels.setdefault(quad.subject.value, {})[quad.object.language] = quad.object.value
    return labels
