"""The runaway-query test: one client's query would run for minutes while 16 others keep asking.

Starts the project's server over a generated file (100,000 triples by default) with
``--query-timeout 5``. In each phase, ``--clients`` threads send light queries (an entity's
description, a different entity each time) for ``--duration`` seconds while one more client
sends a runaway query again and again, back to back:

- ``cpu``: ``COUNT(*)`` over a three-way cartesian product of every triple (constant memory,
  runs for ever);
- ``memory``: the same product ``ORDER BY RAND()`` (must hold every row before the first
  answer, so its memory grows until something stops it).

It reports the other clients' p50 / p99 / max and errors, how long each runaway took to be
answered (and with what status), and the server's peak memory against its cap: its memory
(PSS) while only the others run, plus the per-query allowance (``query_memory``) of the one
query process that runs the runaway.
Everything is bounded: each phase ends after ``--duration`` seconds and the server is stopped.

    .venv/bin/python -m benchmarks.runaway --triples 100000 --clients 16 --duration 20
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/runaway.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"  # noqa: A001

import argparse
import datetime
import json
import os
import random
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from .common import (
    MIB,
    ROOT,
    Client,
    LoadResult,
    MemorySampler,
    Request,
    cache_dir,
    cleanup,
    dataset,
    mib,
    ms,
    percentile,
    run_load,
    wait_for_quiet,
)
from .mix import BY_NAME, SELECT, Manifest
from .servers import PROJECT, start

RUNAWAYS = {
    "cpu": "SELECT (COUNT(*) AS ?rows) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    "memory": "SELECT ?a ?d ?g WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()",
}


@dataclass
class Attempt:
    """One runaway request: how long until the answer, and what it was."""

    seconds: float
    status: str


@dataclass
class Phase:
    """One runaway kind's phase."""

    kind: str
    others: LoadResult
    attempts: list[Attempt] = field(default_factory=list)
    baseline_pss: int = 0
    peak_pss: int = 0
    peak_rss: int = 0
    peak_single: int = 0


def query_memory_mib() -> int | None:
    """The per-query memory allowance the server's settings give (MiB), if it has one."""
    try:
        from kuopio_graph.settings import Settings

        value = getattr(Settings.read({}), "query_memory", None)
    except Exception:  # noqa: BLE001 - the setting is optional; report without a cap
        return None
    return int(value) if value is not None else None


def light_request(endpoint: str, manifest: Manifest) -> Callable[[random.Random], Request]:
    """The others' query: one entity's description, a different entity each time."""
    query = BY_NAME["entity_description"]

    def next_request(rng: random.Random) -> Request:
        text = query.render(rng, manifest)
        path = f"{endpoint}?{urllib.parse.urlencode({'query': text})}"
        return Request("light", "GET", path, {"Accept": SELECT})

    return next_request


def run_phase(
    kind: str,
    port: int,
    endpoint: str,
    root_pid: int,
    manifest: Manifest,
    args: argparse.Namespace,
) -> Phase:
    """Others load the server while one client keeps sending the runaway query."""
    sampler = MemorySampler(root_pid, interval=0.1)
    result: dict[str, LoadResult] = {}
    attempts: list[Attempt] = []
    stop = threading.Event()

    def others() -> None:
        result["load"] = run_load(
            port,
            light_request(endpoint, manifest),
            args.clients,
            args.duration,
            args.timeout,
            args.seed,
            stop,
            server_pid=root_pid,
        )

    load = threading.Thread(target=others, daemon=True)
    load.start()
    time.sleep(1.0)  # let the others reach a steady state first
    baseline = MemorySampler(root_pid, interval=3600)  # one sample: the others, no runaway
    baseline.stop()
    client = Client(port, timeout=args.query_timeout + 30, number=args.clients)  # its own address
    deadline = time.monotonic() + args.duration - 2.0
    path = f"{endpoint}?{urllib.parse.urlencode({'query': RUNAWAYS[kind]})}"
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                answer = client.request("GET", path, {"Accept": SELECT})
                status = str(answer.status)
                if answer.status == 429:
                    status += f" (Retry-After {answer.headers.get('retry-after')})"
            except OSError as error:
                status = type(error).__name__
                client.close()
            attempts.append(Attempt(time.perf_counter() - started, status))
            print(
                f"  runaway ({kind}) answered {status} after {attempts[-1].seconds:.2f} s",
                file=sys.stderr,
                flush=True,
            )
            if status.startswith("429"):
                time.sleep(1.0)
    finally:
        client.close()
        load.join(timeout=args.duration + args.timeout + 15)
        stop.set()
        sampler.stop()
    return Phase(
        kind,
        result["load"],
        attempts,
        baseline.peak_pss,
        sampler.peak_pss,
        sampler.peak_rss,
        sampler.peak_single,
    )


def phase_report(phase: Phase, args: argparse.Namespace, cap_mib: int | None) -> list[str]:
    """Markdown lines for one phase."""
    others = phase.others
    latencies = others.all_latencies()
    p99 = percentile(latencies, 0.99)
    limit = args.query_timeout + 1.0
    stopped = [a for a in phase.attempts if a.status.startswith(("503", "500"))]
    slowest = max((a.seconds for a in stopped), default=None)
    kinds = others.error_kinds()
    answers = ", ".join(f"{a.status} after {a.seconds:.2f} s" for a in phase.attempts)
    lines = [
        f"#### Runaway `{phase.kind}`: `{RUNAWAYS[phase.kind]}`",
        "",
        "| | value |",
        "|---|---|",
        f"| others: requests answered | {others.ok} ({others.throughput:.0f}/s) |",
        f"| others: p50 / p99 / max (ms) | {ms(percentile(latencies, 0.5))} / {ms(p99)}"
        f" / {ms(max(latencies, default=None))} |",
        f"| others: errors | {others.errors}"
        + (f" ({', '.join(f'{k}: {v}' for k, v in sorted(kinds.items()))})" if kinds else "")
        + " |",
        f"| runaway answers | {answers or 'none'} |",
        f"| memory: PSS with the others only → peak with the runaway (MiB) |"
        f" {mib(phase.baseline_pss)} →"
        f" {mib(phase.peak_pss)} |",
        f"| CPU: server / load generator / other processes (share of a core) |"
        f" {others.server_cpu / others.elapsed:.0%} / {others.client_cpu / others.elapsed:.0%}"
        f" / {others.other_cpu / others.elapsed:.0%} |",
        f"| peak memory: RSS of the tree / of the largest process (MiB) |"
        f" {mib(phase.peak_rss)} / {mib(phase.peak_single)} |",
        "",
        "Targets:",
        "",
        f"- others' p99 < 2 s: {ms(p99)} ms {_verdict(p99 is not None and p99 < 2.0)}",
        f"- others' errors: {others.errors} {_verdict(others.errors == 0)}",
        (
            f"- runaway stopped within {args.query_timeout:g} + 1 s: slowest"
            f" {slowest:.2f} s over {len(stopped)} attempts"
            f" {_verdict(slowest <= limit and len(stopped) == len(phase.attempts))}"
            if slowest is not None
            else "- runaway stopped within its limit + 1 s: **missed** (never answered with 503)"
        ),
    ]
    if cap_mib is not None:
        cap = phase.baseline_pss + cap_mib * MIB
        lines.append(
            f"- memory within the cap (PSS without the runaway + query_memory {cap_mib} MiB"
            f" = {mib(cap)} MiB):"
            f" peak {mib(phase.peak_pss)} MiB {_verdict(phase.peak_pss <= cap)}"
        )
    return lines


def _verdict(ok: bool) -> str:
    return "**met**" if ok else "**missed**"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.runaway", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--triples", type=int, default=100_000, help="size of the generated data")
    parser.add_argument("--data", type=Path, help="a file made by benchmarks.generate instead")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clients", type=int, default=16, help="clients besides the runaway")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--query-timeout", type=float, default=5.0)
    parser.add_argument("--workers", type=int, help="the project's --workers (default: its own)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per light request")
    parser.add_argument("--kinds", nargs="+", choices=sorted(RUNAWAYS), default=["cpu", "memory"])
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results-runaway.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run each phase, print the report and write it to ``--output``."""
    args = parse_args(argv)
    began = time.monotonic()
    data = args.data or dataset(args.triples, args.seed)
    manifest = Manifest(json.loads(data.with_name(data.name + ".json").read_text()))
    logs = cache_dir() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    cap = query_memory_mib()
    phases: list[Phase] = []
    waited, busy = wait_for_quiet()
    with cleanup():
        running = start(
            PROJECT,
            data,
            logs,
            120.0,
            workers=args.workers,
            extra=("--query-timeout", f"{args.query_timeout:g}"),
        )
        try:
            print(f"{PROJECT} answering after {running.startup:.1f} s", file=sys.stderr)
            for kind in args.kinds:
                phases.append(
                    run_phase(
                        kind, running.port, running.endpoint, running.process.pid, manifest, args
                    )
                )
        finally:
            running.stop()
    lines = [
        "# Runaway-query test",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')};"
        f" `nproc` {len(os.sched_getaffinity(0))}",
        "- command: `python -m benchmarks.runaway " + " ".join(sys.argv[1:]) + "`",
        f"- data: {manifest.data['triples']:,} generated triples; {PROJECT} with"
        f" `{f'--workers {args.workers} ' if args.workers else ''}--query-timeout"
        f" {args.query_timeout:g}`; {args.clients}"
        f" other clients sending entity descriptions for {args.duration:g} s per phase",
        f"- took {time.monotonic() - began:.0f} s (waited {waited:.0f} s for a quiet machine"
        f" first; {busy:.0%} busy then)",
        "",
    ]
    for phase in phases:
        lines += phase_report(phase, args, cap) + [""]
    text = "\n".join(lines)
    print(text)
    args.output.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
