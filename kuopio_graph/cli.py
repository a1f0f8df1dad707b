"""The ``kuopio-graph`` command line: validate, query, export, summarise and publish the
dataset, each a few lines over the library. The web service adds ``serve`` to it
(:mod:`webapp.commands`)."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from .errors import KuopioGraphError, LoadError, QueryNotSupported, QuerySyntaxError
from .export import export
from .files import discover, load
from .formats import DATASET_FORMATS, RDF_FORMATS
from .guard import QueryRefused, check_query
from .remote import Endpoint, dataset_graph, publish, update_url_for
from .serialize import render
from .settings import Settings
from .stats import stats
from .store import GraphStore
from .validate import shapes_graph, validate

F = TypeVar("F", bound=Callable[..., Any])

EXIT_INVALID = 1


def dataset_options(command: F) -> F:
    """Options every command shares: extra data paths, base IRI, config file, bundled data."""
    options = [
        click.option(
            "--base",
            help="Base IRI of every minted resource (default: the data's own).",
        ),
        click.option(
            "--config",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="TOML settings file.",
        ),
        click.option(
            "--bundled/--no-bundled",
            default=True,
            help="Load the bundled data/ (the ontology is always loaded).",
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


report_format = click.option(
    "--format",
    "output",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
)
"""The ``--format`` of a command that reports: text for people, JSON for tools."""


def settings_from_options(
    paths: tuple[Path, ...], base: str | None, config: Path | None, bundled: bool
) -> Settings:
    """Turn the shared options into settings; flags win over environment and file."""
    flags: dict[str, Any] = {"base": base, "extra": list(paths) or None}
    if not bundled:
        flags["data"] = []
    return Settings.read(flags, config_file=config)


def load_or_exit(settings: Settings, progress: bool = False) -> GraphStore:
    """Load the dataset, or print the parser's error with file and line and exit 1."""
    try:
        return load(settings, progress=progress)
    except LoadError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kuopio-graph")
def command_line() -> None:
    """Validate, query, export and summarise the graph of Kuopio's international relationships.

    Every command loads the bundled ontology and data; PATH arguments add your own Turtle or
    N-Triples files or folders beside them.
    """


@command_line.command(name="validate")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@click.option(
    "--shapes",
    "shape_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Shapes to use instead of the bundled shapes/.",
)
@report_format
@click.option(
    "--lang",
    type=click.Choice(["en", "fi"]),
    default="en",
    show_default=True,
    help="Language of the messages.",
)
def validate_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    shape_paths: tuple[Path, ...],
    output: str,
    lang: str,
) -> None:
    """Check syntax and the SHACL shapes; exit 0 if valid, 1 if not."""
    settings = settings_from_options(paths, base, config, bundled)
    if shape_paths:
        settings = settings.with_values({"shapes": list(shape_paths)})
    try:
        store = load(settings)
    except LoadError as error:
        if output == "json":
            click.echo(json.dumps({"conforms": False, "syntax_error": str(error)}, indent=2))
        else:
            click.echo(f"Syntax error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    report = validate(store, shapes_graph(settings.shapes, settings.base), discover(settings))
    if output == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text(lang))
    sys.exit(0 if report.conforms else EXIT_INVALID)


@command_line.command(name="query")
@click.argument("args", nargs=-1, metavar="[QUERY] [PATH]...")
@dataset_options
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from a file ('-' for stdin); every argument is then a PATH.",
)
@click.option(
    "--format",
    "output",
    default=None,
    help="SELECT/ASK: table, csv, tsv, json, xml. CONSTRUCT/DESCRIBE: turtle, nt, jsonld, xml.",
)
def query_command(
    args: tuple[str, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    query_file: Any,
    output: str | None,
) -> None:
    """Run a SPARQL query given as QUERY, with -f, or on standard input.

    The project's prefixes (kuopio:, org:, skos:, dct:, prov:, schema:, foaf:, …) are declared.
    """
    if query_file is not None:
        sparql, path_args = query_file.read(), args
    elif args and args[0] != "-":
        sparql, path_args = args[0], args[1:]
    else:
        sparql, path_args = sys.stdin.read(), args[1:]
    settings = settings_from_options(tuple(Path(p) for p in path_args), base, config, bundled)
    store = load_or_exit(settings)
    try:
        check_query(sparql, store.graphs(), store.prefixes)
        result = store.query(sparql)
        click.echo(render(result, output), nl=False)
    except QuerySyntaxError as error:
        click.echo(f"Query syntax error: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except (QueryRefused, QueryNotSupported) as error:
        click.echo(f"Query refused: {error}", err=True)
        sys.exit(EXIT_INVALID)
    except KuopioGraphError as error:
        raise click.UsageError(str(error)) from None


@command_line.command(name="export")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@click.option(
    "--format",
    "output",
    default="ttl",
    show_default=True,
    type=click.Choice([f.name for f in RDF_FORMATS + DATASET_FORMATS]),
    help="ttl, nt, jsonld, rdfxml (merged graph) or trig, nq (one graph per source).",
)
@click.option("--gzip", "compress", is_flag=True, help="Compress with gzip.")
@click.option(
    "-o",
    "--output-file",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write here instead of standard output.",
)
def export_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    output: str,
    compress: bool,
    output_file: Path | None,
) -> None:
    """Write the full dataset in one serialisation."""
    store = load_or_exit(settings_from_options(paths, base, config, bundled))
    content = export(store, output, compress)
    if output_file is not None:
        output_file.write_bytes(content)
    else:
        sys.stdout.buffer.write(content)


@command_line.command(name="stats")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@report_format
def stats_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    output: str,
) -> None:
    """Summarise the graph: triples, sources, resources per class, label coverage."""
    store = load_or_exit(settings_from_options(paths, base, config, bundled))
    summary = stats(store)
    if output == "json":
        click.echo(json.dumps(summary.__dict__, indent=2))
    else:
        click.echo(summary.to_text(store.prefixes))


@command_line.command(name="places")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@report_format
@click.option(
    "--write",
    is_flag=True,
    help="Write what matched into data/geonames/ and data/iso-3166-1/ of the bundled data.",
)
def places_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    output: str,
    write: bool,
) -> None:
    """Match every place of the graph with GeoNames: each linked one with its evidence, each
    unlinked one with the reason."""
    from .places import Gazetteer, PlacesUnavailable, graph_places, match_all, report, write_sources

    settings = settings_from_options(paths, base, config, bundled)
    if write and not settings.data:
        raise click.UsageError("--write writes into the bundled data/ folder: drop --no-bundled")
    try:
        matches = match_all(graph_places(settings), Gazetteer())
    except (LoadError, PlacesUnavailable) as error:
        raise click.ClickException(str(error)) from None
    if output == "json":
        click.echo(json.dumps([m.to_json() for m in matches], indent=2, ensure_ascii=False))
    else:
        for line in report(matches, settings.base):
            click.echo(line)
        linked = sum(m.linked for m in matches)
        click.echo(f"{linked} of {len(matches)} places linked to GeoNames.")
    if write:
        for path in write_sources(matches, settings.data[0], settings.base):
            click.echo(f"wrote {path}", err=True)


@command_line.command(name="publish")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@click.option(
    "--to",
    "query_url",
    metavar="URL",
    help="The store's SPARQL 1.1 query endpoint (Oxigraph: http://host:7878/query;"
    " default: the store setting).",
)
@click.option(
    "--update",
    "update_url",
    metavar="URL",
    help="Its SPARQL 1.1 Update endpoint (default: the store_update setting, else .../update"
    " beside .../query or .../sparql; Virtuoso: http://host:8890/sparql-auth).",
)
@click.option(
    "--graph",
    metavar="IRI",
    help="The named graph for the merged dataset (default: {base}graph/dataset).",
)
def publish_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    query_url: str | None,
    update_url: str | None,
    graph: str | None,
) -> None:
    """Validate the dataset, then replace its previous version in a remote store at once.

    Credentials, if the store needs them, come from KUOPIO_STORE_USER and
    KUOPIO_STORE_PASSWORD. Exit 1 if the data does not conform: nothing is sent.
    """
    settings = settings_from_options(paths, base, config, bundled)
    query_url = query_url or settings.store
    if not query_url:
        raise click.UsageError("name the store's query endpoint with --to (or the store setting)")
    update_url = update_url or settings.store_update or update_url_for(query_url)
    if update_url is None:
        raise click.UsageError("name the store's update endpoint with --update")
    store = load_or_exit(settings, progress=True)
    report = validate(store, shapes_graph(settings.shapes, settings.base), discover(settings))
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise SystemExit(EXIT_INVALID)
    endpoint = Endpoint.from_environment(
        query_url,
        graph or settings.store_graph or dataset_graph(settings.base),
        settings.query_timeout,
    )
    try:
        published = publish(store, endpoint, update_url, progress=True)
    except KuopioGraphError as error:
        raise click.ClickException(str(error)) from None
    total = published.graphs[endpoint.dataset_graph]
    gone = f"; dropped {len(published.dropped)} of sources now gone" if published.dropped else ""
    click.echo(
        f"kuopio-graph: published {total} triples into <{endpoint.dataset_graph}>"
        f" and {len(store.graphs())} source graphs at {query_url}{gone}",
        err=True,
    )


@command_line.group(name="sources")
def sources_group() -> None:
    """Check the source documents against their pages as they are now."""


@sources_group.command(name="check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@click.option(
    "--source",
    "slugs",
    multiple=True,
    metavar="SLUG",
    help="Check only this source, id/source/SLUG (repeat for more; default: every source).",
)
@report_format
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=20.0,
    show_default=True,
    help="Seconds each page may take, from asking to the last byte.",
)
@click.option(
    "--pause",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Seconds to wait between two pages on the same host.",
)
def sources_check_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    slugs: tuple[str, ...],
    output: str,
    timeout: float,
    pause: float,
) -> None:
    """Fetch each source's page and say of each passage whether the page still has it (there),
    has one like it (changed) or has nothing like it (gone).

    Exit 0 if every passage is there, 1 if some are changed or gone, 2 if some page could not
    be fetched. One request per page, no retries, one page at a time.
    """
    # Imported here: the web service imports this module, and must never import the fetcher.
    from .source_check import Fetcher, check_sources, source_documents

    store = load_or_exit(settings_from_options(paths, base, config, bundled))
    documents = source_documents(store)
    if slugs:
        by_slug = {document.slug: document for document in documents}
        unknown = [slug for slug in slugs if slug not in by_slug]
        if unknown:
            raise click.BadParameter(
                f"no source {', '.join(unknown)}; the sources are {', '.join(by_slug)}",
                param_hint="--source",
            )
        documents = [by_slug[slug] for slug in dict.fromkeys(slugs)]
    report = check_sources(store, documents, Fetcher(timeout, pause), progress=True)
    if output == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.to_text(store.prefixes))
    sys.exit(report.exit_code)
