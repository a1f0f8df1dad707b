"""Where a request's time goes when no cache can help: a profile of unique mix requests.

In one process (the WSGI app called directly, no HTTP), over generated data of the given
size, with the default settings (every safety measure on): each request is a query of the
benchmark's mix, made unique as ``--unique`` makes it. The web side runs under cProfile; the
query processes' side is timed apart, and profiled, by running the same jobs here. The report
splits a request into the web process's own work, the hop to a query process and back, and the
query process's work (checking, running and serialising), and lists where each spends its time.
It also times the engine alone on the same queries (pyoxigraph parsing, evaluating and
serialising, with no check, cap or hop): the floor no server built on this engine goes under.

    python -m benchmarks.profile --size 10000 --requests 2000 --output benchmarks/results-profile.md
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.test import EnvironBuilder

from kuopio_graph import Settings, load
from kuopio_graph.executor import QueryJob, answer, wanted_type
from kuopio_graph.formats import RDF_FORMATS, RESULT_FORMATS, find
from kuopio_graph.store import GraphStore
from webapp import create_app

from .common import ms, percentile, show
from .generate import generate
from .mix import Manifest
from .run import environment, mix_request

SHOWN = 25
"""How many functions the report lists."""
CALLERS: dict[str, str | tuple[str, ...]] = {
    "the web app (webapp/)": "/webapp/",
    "the library, in the web process (kuopio_graph/)": "/kuopio_graph/",
    "Flask and Werkzeug": ("/flask/", "/werkzeug/"),
    "the hop (multiprocessing, select)": ("multiprocessing", "select", "posix.write"),
}


def requests(manifest: Manifest, count: int, seed: int) -> list[tuple[str, str]]:
    """``count`` unique mix requests: (path with query string, Accept)."""
    draw = mix_request("/sparql", manifest, unique=True)
    rng = random.Random(seed)  # noqa: S311 - a seeded draw, for repeatable runs
    return [(request.path, request.headers["Accept"]) for request in map(draw, [rng] * count)]


def job_of(path: str, accept: str) -> QueryJob:
    """The job the endpoint gives a query process for ``path``."""
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)["query"][0]
    graph = accept if "sparql-results" not in accept else None
    return QueryJob(query, accept if graph is None else None, graph)


def environ_of(path: str, accept: str) -> dict[str, Any]:
    """The WSGI environment of a GET of ``path``, built before any timing starts."""
    environ: dict[str, Any] = EnvironBuilder(path=path, headers=[("Accept", accept)]).get_environ()
    return environ


def call(app: Flask, environ: dict[str, Any]) -> str:
    """Send ``environ`` through the whole WSGI app, read the body; the status line."""
    status = []

    def start_response(line: str, headers: object, exc_info: object = None) -> None:
        status.append(line)

    for _ in app(dict(environ), start_response):  # type: ignore[arg-type]
        pass
    return status[0]


def profile(size: int, count: int, seed: int) -> str:
    """The report for ``count`` unique requests over about ``size`` triples: timed, then
    profiled with others (the answer cache would serve a request sent twice)."""
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.nt"
        manifest = Manifest(generate(size, seed, data))
        settings = Settings.read(
            {"data": [], "extra": [data], "query_budget": 1e9, "error_budget": 10**9}
        )
        app = create_app(settings)
        store = load(settings)
        drawn = requests(manifest, 50 + 2 * count, seed)
        warm, timed, profiled = drawn[:50], drawn[50 : 50 + count], drawn[50 + count :]
        for environ in [environ_of(*request) for request in warm]:
            call(app, environ)
        environs = [environ_of(*request) for request in timed]
        started = time.perf_counter()
        for environ in environs:
            status = call(app, environ)
            if not status.startswith("200"):
                raise RuntimeError(f"{status}: {environ['QUERY_STRING']}")
        wall = (time.perf_counter() - started) / count
        environs = [environ_of(*request) for request in profiled]
        profiler = cProfile.Profile()
        profiler.enable()
        for environ in environs:
            call(app, environ)
        profiler.disable()
        jobs = [job_of(*request) for request in timed]
        worker = []
        for job in jobs:
            begun = time.perf_counter()
            answer(store, job, settings.max_results)
            worker.append(time.perf_counter() - begun)
        floor = engine_alone(store, jobs)
        in_worker = cProfile.Profile()
        in_worker.enable()
        for job in jobs:
            answer(store, job, settings.max_results)
        in_worker.disable()
    return report(size, count, wall, worker, floor, pstats.Stats(profiler), pstats.Stats(in_worker))


def engine_alone(store: GraphStore, jobs: list[QueryJob]) -> float:
    """Seconds per job of the engine's own work: parse, evaluate and serialise each query in
    the media type asked for, straight through pyoxigraph, with no check, cap or hop. No
    server built on this engine can answer a request in less."""
    started = time.perf_counter()
    for job in jobs:
        result = store.query(job.query)
        formats = RDF_FORMATS if result.kind == "graph" else RESULT_FORMATS
        result.serialize(find(formats, wanted_type(job, result.kind)))
    return (time.perf_counter() - started) / len(jobs)


def report(
    size: int,
    count: int,
    wall: float,
    worker: list[float],
    floor: float,
    stats: pstats.Stats,
    worker_stats: pstats.Stats,
) -> str:
    """The profile as Markdown."""
    total = sum(entry[2] for entry in stats.stats.values())  # type: ignore[attr-defined]
    by_caller = {name: 0.0 for name in CALLERS}
    for (filename, _, function), entry in stats.stats.items():  # type: ignore[attr-defined]
        where = f"{filename} {function}"
        for name, marks in CALLERS.items():
            if any(mark in where for mark in ((marks,) if isinstance(marks, str) else marks)):
                by_caller[name] += entry[2]
                break
    in_worker = sum(worker) / len(worker)
    lines = [
        "# Where a request's time goes, every request unique",
        "",
        *environment("benchmarks.profile"),
        "",
        f"{count} unique mix requests over {size:,} generated triples, one at a time, in one "
        "process (the WSGI app called directly, no HTTP), default settings.",
        "",
        "| | per request (ms) |",
        "|---|--:|",
        f"| the whole request, wall clock | {ms(wall)} |",
        f"| of which the query process's work (check, run, serialise), timed apart | "
        f"{ms(in_worker)} (p50 {ms(percentile(worker, 0.5))}, "
        f"p99 {ms(percentile(worker, 0.99))}) |",
        f"| of which the rest: the web process and the hop | {ms(wall - in_worker)} |",
        f"| the engine alone: parse, evaluate, serialise (pyoxigraph, no check, cap or hop) | "
        f"{ms(floor)} |",
        "",
        "Under cProfile, the web process's own time (tottime) by where it is spent, as a share "
        "of all of it:",
        "",
        "| where | share |",
        "|---|--:|",
        *(f"| {name} | {share / total:.0%} |" for name, share in by_caller.items()),
        "",
        f"The {SHOWN} functions the web process spends most time in, cumulative:",
        "",
        "```text",
        _top(stats),
        "```",
        "",
        f"The {SHOWN} functions the query process's work spends most time in, cumulative "
        "(the same requests, run here):",
        "",
        "```text",
        _top(worker_stats),
        "```",
        "",
    ]
    return "\n".join(lines)


def _top(stats: pstats.Stats) -> str:
    buffer = io.StringIO()
    stats.stream = buffer  # type: ignore[attr-defined]
    stats.strip_dirs().sort_stats("cumulative").print_stats(SHOWN)
    kept = buffer.getvalue().split("\n")
    start = next(i for i, line in enumerate(kept) if line.lstrip().startswith("ncalls"))
    return "\n".join(line.rstrip() for line in kept[start:] if line.strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=10_000, help="triples to generate")
    parser.add_argument("--requests", type=int, default=2000, help="unique requests to send")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="write the report here too")
    args = parser.parse_args(argv)
    show(profile(args.size, args.requests, args.seed), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
