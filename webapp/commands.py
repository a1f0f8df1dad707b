"""``kuopio-graph serve``: the web service, as a command of the library's command line (the
``kuopio-graph`` program is that command line with this command added)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from kuopio_graph import (
    KuopioGraphError,
    LoadError,
    RemoteStore,
    ServedDataset,
    command_line,
    dataset_options,
    settings_from_options,
)

from . import create_app
from .server import serve


@command_line.command(name="serve")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@dataset_options
@click.option("--host", help="Address to listen on (default 127.0.0.1).")
@click.option("--port", type=int, help="Port to listen on (default 8080).")
@click.option(
    "--public-url",
    metavar="URL",
    help="The URL clients reach the service at, for the addresses VoID and the service"
    " description give (default: the URL each request came in on).",
)
@click.option(
    "--trusted-proxies",
    metavar="ADDRESSES",
    help="Reverse proxies whose X-Forwarded-For, -Proto and -Host to honour: addresses or CIDR"
    " ranges, separated by commas (default: none).",
)
@click.option("--workers", type=int, help="Web server worker processes (default 2).")
@click.option("--threads", type=int, help="Requests each worker handles at once (default 2).")
@click.option("--query-timeout", type=float, help="Seconds a SPARQL query may run (default 10).")
@click.option("--max-results", type=int, help="Most rows or triples in an answer (default 10000).")
@click.option(
    "--access-log/--no-access-log",
    default=None,
    help="Log every request on standard output (default: off).",
)
@click.option(
    "--validate/--no-validate",
    "check",
    default=None,
    help="Refuse to start on data that fails the shapes (default: on for the bundled data).",
)
@click.option(
    "--store",
    "store_url",
    metavar="URL",
    help="Serve from this SPARQL 1.1 query endpoint instead of loading the files"
    " (see 'publish'; credentials from KUOPIO_STORE_USER and KUOPIO_STORE_PASSWORD).",
)
@click.option("--store-graph", metavar="IRI", help="The dataset's graph in that store.")
def serve_command(
    paths: tuple[Path, ...],
    base: str | None,
    config: Path | None,
    bundled: bool,
    check: bool | None,
    store_url: str | None,
    **flags: str | int | float | bool | None,
) -> None:
    """Serve the SPARQL endpoint and the linked-data pages (Granian, an HTTP server)."""
    flags.update(store=store_url)
    settings = settings_from_options(paths, base, config, bundled).with_values(
        {key: value for key, value in flags.items() if value is not None}
    )
    started = time.perf_counter()
    try:
        served = ServedDataset.open(settings, progress=True)
    except LoadError as error:
        raise click.ClickException(str(error)) from None
    except KuopioGraphError as error:
        raise click.ClickException(f"{settings.store}: {error}") from None
    if isinstance(served.store, RemoteStore):
        what = f"the dataset in {settings.store}"
    else:
        if check if check is not None else bundled:
            report = served.report()
            if not report.conforms:
                click.echo(report.to_text(), err=True)
                raise click.ClickException(
                    "the data does not conform to the shapes; not serving it"
                )
        what = (
            f"{len(served.store)} triples from {len(served.files)} files"
            f" (loaded in {time.perf_counter() - started:.1f} s)"
        )
    click.echo(
        f"kuopio-graph: serving {what} at http://{settings.host}:{settings.port}/"
        f" with base IRI {settings.base}",
        err=True,
    )
    serve(create_app(settings, served=served), settings)


main = command_line
"""The ``kuopio-graph`` program."""
