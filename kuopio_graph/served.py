"""The dataset as a service serves it: the store, its version and date, and what is derived
from it once per process (the dumps, VoID and DCAT, the GeoSPARQL functions the store
evaluates, the validation report, the label index, the query runner).

A web server builds one in the process that loads the store, before it forks its workers; each
worker then starts its own query runner on first use, forked in turn from a process that holds
the store.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from multiprocessing.process import BaseProcess
from pathlib import Path

from rdflib import Graph, Literal

from .catalogue import Distribution
from .connections import organisation_classes
from .dataset_description import (
    DatasetSummary,
    catalogue_description,
    dated_period,
    service_description,
    summarise,
    void_description,
)
from .executor import QueryPool, QueryRunner
from .export import export
from .files import SourceFile, discover, load, read_source
from .formats import DATASET_FORMATS, RDF_FORMATS, find
from .geosparql import Evaluated, evaluated
from .queries import NamedQuery, named_queries
from .remote import RemoteQueries, RemoteStore, check_store, remote_store
from .search_index import SearchIndex, build_in_background
from .settings import Settings
from .store import GraphStore, Store
from .validate import ValidationReport, shapes_graph, validate

DUMPS = {
    "kuopio.ttl": ("ttl", False),
    "kuopio.nt.gz": ("nt", True),
    "kuopio.jsonld": ("jsonld", False),
    "kuopio.trig": ("trig", False),
}
"""The dumps, by file name: format and whether it is gzipped."""


@dataclass(frozen=True)
class Dump:
    """One full dump of the dataset, as served at ``/dumps/<name>``."""

    name: str
    media_type: str
    compressed: bool
    content: bytes

    @property
    def sha256(self) -> str:
        """The SHA-256 checksum of the bytes served."""
        return hashlib.sha256(self.content).hexdigest()


class SearchNotReady(Exception):
    """The label index is being built and is not there yet."""


class ServedDataset:
    """The store and what a service derives from it; shared by a process's threads."""

    def __init__(
        self, settings: Settings, store: Store, report: ValidationReport | None = None
    ) -> None:
        """Derive the version, date, example queries and organisation classes of ``store``,
        loaded from the files ``settings`` name. (A remote store's dataset was published from
        files elsewhere: none are read here.) ``report`` is the data's validation report, if
        the caller has it already."""
        self.settings = settings
        self.store = store
        files: list[SourceFile] = [] if isinstance(store, RemoteStore) else discover(settings)
        self.files = files
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
        self.version = digest.hexdigest()[:32]
        self.modified = datetime.fromtimestamp(int(newest), UTC)
        self.queries: dict[str, NamedQuery] = named_queries(settings.queries, settings.base)
        self.organisation_classes = organisation_classes(store)
        """The classes whose members' pages show a picture of their relationships."""
        self.scratch = Path(tempfile.mkdtemp(prefix="kuopio-graph-"))
        """A folder of this service's own, shared by its processes and removed when the
        process that made it exits: the label index lives there, and the web app's budgets."""
        atexit.register(_remove_in, os.getpid(), self.scratch)
        self._report = report
        self._shapes: Graph | None = None
        self._summary: DatasetSummary | None = None
        self._dumps: dict[str, Dump] = {}
        self._building = threading.RLock()
        """Held while a dump, the description or the report is built."""
        self._runner: QueryRunner | None = None
        self._runner_owner = 0
        self._starting_runner = threading.Lock()
        self._search: SearchIndex | None = None
        self._search_elsewhere = False
        """Whether another process (the server's parent) builds the label index."""
        self._opening_search = threading.Lock()

    @classmethod
    def open(cls, settings: Settings, progress: bool = False) -> ServedDataset:
        """The dataset ``settings`` name: the files loaded into the embedded store (with a
        progress bar, if asked), or the remote store ``settings.store``, checked that it can
        serve."""
        if settings.store:
            remote = remote_store(settings)
            check_store(remote, settings.max_results)
            return cls(settings, remote)
        return cls(settings, load(settings, progress=progress))

    def dump(self, name: str) -> Dump:
        """The dump called ``name`` (a key of :data:`DUMPS`), built on first use."""
        with self._building:
            if name not in self._dumps:
                format_name, compressed = DUMPS[name]
                fmt = find(RDF_FORMATS + DATASET_FORMATS, format_name)
                content = export(self.store, format_name, compressed)
                self._dumps[name] = Dump(name, fmt.media_type, compressed, content)
        return self._dumps[name]

    def distributions(self, measured: bool = True) -> list[Distribution]:
        """Every dump as a DCAT distribution; ``measured``, with its size and checksum (which
        builds it)."""
        listed = []
        for name, (format_name, compressed) in DUMPS.items():
            dump = self.dump(name) if measured else None
            listed.append(
                Distribution(
                    path=f"dumps/{name}",
                    media_type=find(RDF_FORMATS + DATASET_FORMATS, format_name).media_type,
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
        """VoID and DCAT, with the service's addresses under ``root``."""
        return void_description(self.summary(), root, self._day, self.period, self.distributions())

    def catalogue(self, root: str) -> Graph:
        """The DCAT catalogue alone, without what VoID counts or the dumps' sizes (nothing is
        built for it but the period the data covers)."""
        return catalogue_description(
            self.settings.base, root, self._day, self.period, self.distributions(measured=False)
        )

    def service_description(self, root: str) -> Graph:
        """The SPARQL Service Description of the endpoint at ``{root}sparql``."""
        return service_description(self.summary(), self.store.graphs(), root, self.geosparql)

    @cached_property
    def geosparql(self) -> Evaluated:
        """The GeoSPARQL functions the store evaluates, asked of it on first use."""
        return evaluated(self.store)

    @cached_property
    def answerable_queries(self) -> dict[str, NamedQuery]:
        """The example queries the store can answer: not those that call a GeoSPARQL function
        it lacks (Virtuoso has none), which would only ever answer 400."""
        return {
            name: query for name, query in self.queries.items() if self.geosparql.answer(query.text)
        }

    @property
    def _day(self) -> date:
        return self.modified.date()

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

        Raises :class:`SearchNotReady` while :meth:`build_search_index_in_background` has not
        finished.
        """
        with self._opening_search:
            if self._search is None:
                path = self.scratch / "labels.sqlite"
                if path.exists():
                    self._search = SearchIndex(path)
                elif self._search_elsewhere:
                    raise SearchNotReady("the search index is still being built")
                else:
                    self._search = SearchIndex.build(self.store, path)
            return self._search

    def build_search_index_in_background(self) -> BaseProcess:
        """Start building the label index in a process forked from this one; processes forked
        from this one open the index once it is there, and answer "not ready" until then."""
        self._search_elsewhere = True
        return build_in_background(self.store, self.scratch / "labels.sqlite")

    def query_runner(self) -> QueryRunner:
        """This process's query runner, started on first use: a pool of query processes over
        the embedded store, or the remote store itself."""
        with self._starting_runner:
            if self._runner is None or self._runner_owner != os.getpid():
                settings = self.settings
                if isinstance(self.store, RemoteStore):
                    self._runner = RemoteQueries(self.store, settings.max_results)
                elif isinstance(self.store, GraphStore):
                    self._runner = QueryPool(
                        self.store,
                        size=settings.query_workers,
                        timeout=settings.query_timeout,
                        max_results=settings.max_results,
                        memory=settings.query_memory * 1024 * 1024,
                    )
                else:
                    raise TypeError(f"no query runner for {type(self.store).__name__}")
                self._runner_owner = os.getpid()
            return self._runner

    def close(self) -> None:
        """Stop this process's query runner, if it started one."""
        with self._starting_runner:
            if self._runner is not None and self._runner_owner == os.getpid():
                self._runner.close()
            self._runner = None


def _remove_in(owner: int, folder: Path) -> None:
    """Remove ``folder`` at exit, from the process that made it (not from forked workers)."""
    if os.getpid() == owner:
        shutil.rmtree(folder, ignore_errors=True)
