"""The bounded load test: 16 clients for 60 s against the project's server, expecting no error.

Starts the project's server over a generated file (100,000 triples by default) and has
``--clients`` threads send the query mix and the HTML entity pages (one request in
``--page-share`` is a page) back to back for ``--duration`` seconds, over loopback. Reports
throughput, errors by kind and p50 / p99 / max per request name, and the peak memory; then
stops the server.

    .venv/bin/python -m benchmarks.load --triples 100000 --clients 16 --duration 60
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/load.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"  # noqa: A001

import argparse
import datetime
import json
import os
import random
import time
import urllib.parse
from collections.abc import Callable

from .common import (
    ROOT,
    Request,
    cache_dir,
    cleanup,
    dataset,
    mib,
    ms,
    p50_p99,
    run_load,
    wait_for_quiet,
)
from .mix import HTML, MIX, Manifest, entity_page_path
from .servers import PROJECT, start


def requests(
    endpoint: str, manifest: Manifest, page_share: float
) -> Callable[[random.Random], Request]:
    """Mix queries, weighted as in the mix, and entity pages (a hub one time in five)."""
    weights = [query.weight for query in MIX]

    def next_request(rng: random.Random) -> Request:
        if rng.random() < page_share:
            hub = rng.random() < 0.2
            path = entity_page_path(rng, manifest, hub)
            name = "entity_page_hub" if hub else "entity_page"
            return Request(name, "GET", path, {"Accept": HTML})
        (query,) = rng.choices(MIX, weights)
        text = query.render(rng, manifest)
        path = f"{endpoint}?{urllib.parse.urlencode({'query': text})}"
        return Request(query.name, "GET", path, {"Accept": query.accept})

    return next_request


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--triples", type=int, default=100_000, help="size of the generated data")
    parser.add_argument("--data", type=Path, help="a file made by benchmarks.generate instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--page-share", type=float, default=0.25)
    parser.add_argument("--workers", type=int, help="the project's --workers (default: its own)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results-load.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the load, print the report and write it to ``--output``."""
    args = parse_args(argv)
    began = time.monotonic()
    data = args.data or dataset(args.triples, args.seed)
    manifest = Manifest(json.loads(data.with_name(data.name + ".json").read_text()))
    logs = cache_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    waited, busy = wait_for_quiet()
    with cleanup():
        running = start(PROJECT, data, logs, 120.0, workers=args.workers)
        try:
            print(
                f"{PROJECT} answering after {running.startup:.1f} s; {args.clients} clients"
                f" for {args.duration:g} s",
                file=sys.stderr,
            )
            result = run_load(
                running.port,
                requests(running.endpoint, manifest, args.page_share),
                args.clients,
                args.duration,
                args.timeout,
                args.seed,
                server_pid=running.process.pid,
            )
        finally:
            running.stop()
    kinds = result.error_kinds()
    lines = [
        "# Load test",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')};"
        f" `nproc` {len(os.sched_getaffinity(0))}",
        "- command: `python -m benchmarks.load " + " ".join(sys.argv[1:]) + "`",
        f"- data: {manifest.data['triples']:,} generated triples; {PROJECT} with"
        f" {f'`--workers {args.workers}`' if args.workers else 'its default settings'},"
        f" started in {running.startup:.1f} s",
        f"- {args.clients} clients for {args.duration:g} s ({result.elapsed:.1f} s with the"
        f" last answers): {result.ok} answered ({result.throughput:.1f}/s), {result.errors}"
        " errors"
        + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))})" if kinds else ""),
        f"- peak memory: RSS of the tree {mib(running.sampler.peak_rss)} MiB"
        f" ({running.sampler.peak_processes} processes), PSS {mib(running.sampler.peak_pss)} MiB",
        f"- CPU: the server used {result.server_cpu / result.elapsed:.0%} of a core, the load"
        f" generator {result.client_cpu / result.elapsed:.0%}, other processes"
        f" {result.other_cpu / result.elapsed:.0%} (waited {waited:.0f} s for a quiet machine"
        f" first; {busy:.0%} busy then)",
        f"- took {time.monotonic() - began:.0f} s",
        "",
        "| request | answered | errors | p50 / p99 (ms) | max (ms) |",
        "|---|--:|--:|--:|--:|",
    ]
    for name, outcome in sorted(result.outcomes.items()):
        lines.append(
            f"| {name} | {outcome.count} | {outcome.error_count} | {p50_p99(outcome.latencies)}"
            f" | {ms(max(outcome.latencies, default=None))} |"
        )
    everything = result.all_latencies()
    lines += [
        f"| **all** | {result.ok} | {result.errors} | {p50_p99(everything)}"
        f" | {ms(max(everything, default=None))} |",
        "",
        f"Target: zero errors with {args.clients} clients for {args.duration:g} s:"
        f" {'**met**' if result.errors == 0 else '**missed**'}",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
