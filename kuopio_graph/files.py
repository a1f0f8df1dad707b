"""Find the source files and load them into a store, each into the named graph of its source."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from tqdm import tqdm

from .errors import LoadError
from .formats import parser_format
from .namespaces import DEFAULT_BASE
from .settings import Settings
from .store import GraphStore

NOT_RDF = "not an RDF file: use Turtle (.ttl), N-Triples (.nt), TriG (.trig) or N-Quads (.nq)"


@dataclass(frozen=True)
class SourceFile:
    """One RDF file and the named graph it loads into (None: the default graph only). A TriG or
    N-Quads file (a dump of this service, say) keeps the graphs it names."""

    path: Path
    graph: str | None

    @property
    def format(self) -> ox.RdfFormat:
        """The parser for this file, chosen by its suffix."""
        fmt = parser_format(self.path.suffix)
        if fmt is None:
            raise LoadError(self.path, NOT_RDF)
        return fmt


def rdf_files(path: Path) -> list[Path]:
    """Return ``path`` itself or the RDF files below it, sorted, so loading is repeatable."""
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and parser_format(p.suffix))
    if not path.exists():
        raise LoadError(path, "no such file or folder")
    if parser_format(path.suffix) is None:
        raise LoadError(path, NOT_RDF)
    return [path]


def discover(settings: Settings) -> list[SourceFile]:
    """List every file the settings name, with the graph each belongs to.

    A file in ``data/<slug>/`` belongs to the graph of the source document ``id/source/<slug>``;
    the ontology has a graph of its own; extra files load into the default graph only. A file
    named twice (``kuopio-graph validate data/`` beside the bundled data, say) is listed once,
    where it is first named: loading it twice would give its blank nodes twins.
    """
    found = [
        SourceFile(path, f"{settings.base}ontology")
        for root in settings.ontology
        for path in rdf_files(root)
    ]
    for root in settings.data:
        for path in rdf_files(root):
            parts = path.relative_to(root).parts if root.is_dir() else ()
            graph = f"{settings.base}id/source/{parts[0]}" if len(parts) > 1 else None
            found.append(SourceFile(path, graph))
    found += [SourceFile(path, None) for root in settings.extra for path in rdf_files(root)]
    first: dict[Path, SourceFile] = {}
    for source in found:
        first.setdefault(source.path.resolve(), source)
    return list(first.values())


def read_source(path: Path, base: str) -> bytes:
    """Read a file, rewriting the default base to ``base`` (files are written with the default)."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise LoadError(path, error.strerror or str(error)) from error
    if base != DEFAULT_BASE:
        content = content.replace(DEFAULT_BASE.encode(), base.encode())
    return content


def load(
    settings: Settings, files: Iterable[SourceFile] | None = None, progress: bool = False
) -> GraphStore:
    """Load the files the settings name (or ``files``) into a new in-memory store.

    Each file loads in one piece, so its blank nodes keep their identity throughout. With
    ``progress``, a progress bar on standard error follows the bytes loaded, file by file
    (when it is a terminal).
    """
    store = GraphStore(settings.base)
    sources = list(discover(settings) if files is None else files)
    total = sum(source.path.stat().st_size for source in sources)
    with tqdm(
        total=total, unit="B", unit_scale=True, desc="Loading", disable=None if progress else True
    ) as bar:
        for source in sources:
            content = read_source(source.path, settings.base)
            try:
                store.add(content, source.format, source.graph)
            except SyntaxError as error:
                raise LoadError(
                    source.path, _parser_message(error), error.lineno, error.offset
                ) from None
            bar.update(len(content))
    return store


def subjects_by_file(files: Iterable[SourceFile], base: str) -> dict[str, list[Path]]:
    """Map each IRI to the files that describe it, so reports can say where to fix a problem."""
    where: dict[str, list[Path]] = {}
    for source in files:
        content = read_source(source.path, base)
        for triple in ox.parse(content, source.format):
            if isinstance(triple.subject, ox.NamedNode):
                paths = where.setdefault(triple.subject.value, [])
                if source.path not in paths:
                    paths.append(source.path)
    return where


def _parser_message(error: SyntaxError) -> str:
    # Oxigraph says "Parser error at line 4 between columns 16 and 20: <reason>"; keep the reason.
    message = str(error.msg)
    return message.split(": ", 1)[1] if message.startswith("Parser error") else message
