"""What serving from a remote store costs: the same requests to the service over its embedded
store and over an Oxigraph server (``oxigraph serve``) the bundled data was published to.

Both services run with their default settings; the requests are the entity pages of the
bundled resources and the example queries, each made unique so that no answer cache helps,
sent by ``--clients`` clients for ``--duration`` seconds to each service in turn.

    .venv/bin/python -m benchmarks.remote --duration 20 --output benchmarks/results-remote.md
"""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/remote.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"  # noqa: A001

import argparse
import random
import subprocess
import tempfile
import time
import urllib.parse
from collections.abc import Callable

from .common import (
    PROCESSES,
    ROOT,
    Client,
    LoadResult,
    Request,
    cleanup,
    free_port,
    p50_p99,
    percentile,
    run_load,
    show,
    tool,
    wait_until,
)
from .run import environment

HTML = "text/html"
SPARQL_JSON = "application/sparql-results+json"
PAGES = (
    "id/organisation/city-of-kuopio",
    "id/network/iclei",
    "id/network/xarxa-fp",
    "id/service-area/urban-environment",
    "id/partnership/kuopio-gera",
    "ontology/ThematicNetwork",
)


def answers(port: int, path: str) -> bool:
    client = Client(port, timeout=5)
    try:
        return client.request("GET", path, {"Accept": HTML}).status == 200
    except OSError:
        return False
    finally:
        client.close()


def start_service(port: int, log: Path, *options: str) -> None:
    """``kuopio-graph serve`` on ``port`` with ``options``, once it answers and can search."""
    with log.open("wb") as output:
        process = PROCESSES.start(
            [tool("kuopio-graph"), "serve", "--port", str(port), *options], output
        )
    if not wait_until(lambda: answers(port, "/search?q=kuo"), time.monotonic() + 60, process):
        raise SystemExit(f"the service did not start (log: {log})")


def requests() -> Callable[[random.Random], Request]:
    """An entity page or an example query, half and half, each unique."""
    queries = [path.read_text() for path in sorted((ROOT / "queries").glob("*.rq"))]

    def next_request(rng: random.Random) -> Request:
        unique = f"{rng.getrandbits(48):012x}"
        if rng.random() < 0.5:
            path = f"/{rng.choice(PAGES)}?uncached={unique}"
            return Request("entity page", "GET", path, {"Accept": HTML})
        query = f"{rng.choice(queries)}\n# {unique}"
        path = "/sparql?" + urllib.parse.urlencode({"query": query})
        return Request("example query", "GET", path, {"Accept": SPARQL_JSON})

    return next_request


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=1)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    results: dict[str, LoadResult] = {}
    with cleanup(), tempfile.TemporaryDirectory() as folder:
        logs = Path(folder)
        store_port, embedded_port, remote_port = free_port(), free_port(), free_port()
        with (logs / "oxigraph.log").open("wb") as output:
            PROCESSES.start(
                [tool("oxigraph"), "serve", "--location", str(logs / "store"),
                 "--bind", f"127.0.0.1:{store_port}"],
                output,
            )  # fmt: skip
        store = f"http://127.0.0.1:{store_port}/query"
        wait_until(lambda: answers(store_port, "/query?query=ASK%7B%7D"), time.monotonic() + 30)
        subprocess.run(  # noqa: S603 - argv built here
            [tool("kuopio-graph"), "publish", "--to", store], check=True, timeout=300
        )
        start_service(embedded_port, logs / "embedded.log")
        start_service(remote_port, logs / "remote.log", "--store", store)
        for name, port in (("embedded", embedded_port), ("remote", remote_port)):
            results[name] = run_load(
                port, requests(), args.clients, args.duration, timeout=30, seed=args.seed
            )
    lines = [
        "# Serving from a remote store",
        "",
        *environment("benchmarks.remote"),
        "",
        f"The bundled data; {args.clients} client(s) × {args.duration:g} s per service; every"
        " request unique (no answer cache). `remote ÷ embedded` compares the p50s.",
        "",
        "| request | embedded p50 / p99 (ms) | remote p50 / p99 (ms)"
        " | remote ÷ embedded | errors |",
        "|---|--:|--:|--:|--:|",
    ]
    for kind in ("entity page", "example query"):
        embedded, remote = (results[name].outcomes[kind] for name in ("embedded", "remote"))
        ratio = (percentile(remote.latencies, 0.5) or 0) / (
            percentile(embedded.latencies, 0.5) or 1
        )
        lines.append(
            f"| {kind} | {p50_p99(embedded.latencies)} | {p50_p99(remote.latencies)}"
            f" | {ratio:.1f}× | {embedded.error_count + remote.error_count} |"
        )
    show("\n".join(lines) + "\n", args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
