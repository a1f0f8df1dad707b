"""What a query process touches: the memory a forked process makes its own, query by query,
and a read-only on-disk store as the other way to share the data between processes.

The service forks its query processes from the process that loaded the in-memory store, so
that they share its pages copy-on-write. This measures how much of it each stays sharing:
the private memory (USS) of a process forked from the loaded store, after each query of the
benchmark's mix, in order. Then the same data in Oxigraph's on-disk store (RocksDB), built once
and opened read-only, which processes share through the kernel's page cache: its build and
opening times, the private memory of a process that opens it and runs the same queries, and
each query's time on disk against in memory, in the same process.

    python -m benchmarks.memory --size 1000000 --output benchmarks/results-memory.md
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import psutil
import pyoxigraph as ox

from kuopio_graph import Settings, load

from .common import MIB, dataset, ms, show
from .mix import MIX, Manifest
from .run import environment

ROUNDS = 5
"""How many times each query is timed on each store (the mean is reported)."""
Runner = Callable[[str], object]
"""Runs a query and reads its whole answer."""


def private_memory() -> int:
    """This process's unique set size: the pages no other process shares."""
    return int(psutil.Process().memory_full_info().uss)


def touched(open_runner: Callable[[], Runner], queries: list[tuple[str, str]]) -> list[int]:
    """In a process forked from this one: its private memory once it has called
    ``open_runner``, then after each of ``queries`` (name, text) run by what that returned."""
    context = multiprocessing.get_context("fork")
    parent, child = context.Pipe()
    process = context.Process(target=_touch, args=(child, open_runner, queries))
    process.start()
    sizes: list[int] = parent.recv()
    process.join()
    return sizes


def _touch(
    connection: Connection, open_runner: Callable[[], Runner], queries: list[tuple[str, str]]
) -> None:
    run = open_runner()
    sizes = [private_memory()]
    for _, text in queries:
        run(text)
        sizes.append(private_memory())
    connection.send(sizes)


def mean_seconds(run: Runner, text: str) -> float:
    """The mean time of ``run(text)`` over :data:`ROUNDS` runs, after one not timed."""
    run(text)
    started = time.perf_counter()
    for _ in range(ROUNDS):
        run(text)
    return (time.perf_counter() - started) / ROUNDS


def measure(size: int, seed: int) -> str:
    """The report for about ``size`` generated triples."""
    data = dataset(size, seed)
    manifest = Manifest(json.loads(data.with_name(data.name + ".json").read_text()))
    rng = random.Random(seed)  # noqa: S311 - a seeded draw, for repeatable runs
    queries = [(query.name, query.render(rng, manifest)) for query in MIX]
    settings = Settings.read({"data": [], "extra": [data]})
    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    memory = load(settings)
    loaded = time.perf_counter() - started
    store_rss = psutil.Process().memory_info().rss - before

    def in_memory(text: str) -> object:
        return _all(memory.query(text).answer)

    def read_only(path: Path) -> Runner:
        store = ox.Store.read_only(str(path))
        return lambda text: _all(
            store.query(text, base_iri=f"{memory.base}id/", prefixes=memory.prefixes)
        )

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store"
        started = time.perf_counter()
        builder = ox.Store(str(path))
        builder.bulk_load(path=str(data), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.DefaultGraph())
        builder.optimize()
        del builder
        built = time.perf_counter() - started
        on_disk_bytes = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        # Each process opens the on-disk store itself: RocksDB's threads do not survive a fork.
        memory_sizes = touched(lambda: in_memory, queries)
        disk_sizes = touched(lambda: read_only(path), queries)
        started = time.perf_counter()
        on_disk = read_only(path)
        opened = time.perf_counter() - started
        times = [
            (mean_seconds(in_memory, text), mean_seconds(on_disk, text)) for _, text in queries
        ]
        del on_disk
    return report(
        size, loaded, store_rss, built, on_disk_bytes, opened, queries, memory_sizes, disk_sizes,
        times,
    )  # fmt: skip


def _all(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]) -> object:
    """Read every solution or triple of an answer (the engine evaluates lazily)."""
    return bool(answer) if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)


def report(
    size: int,
    loaded: float,
    store_rss: int,
    built: float,
    on_disk_bytes: int,
    opened: float,
    queries: list[tuple[str, str]],
    memory_sizes: list[int],
    disk_sizes: list[int],
    times: list[tuple[float, float]],
) -> str:
    """The measurements as Markdown."""
    lines = [
        "# What a query process touches",
        "",
        *environment("benchmarks.memory"),
        "",
        f"{size:,} generated triples. In memory: loaded in {loaded:.1f} s, and the loading "
        f"process grew by {store_rss / MIB:.0f} MiB. On disk (RocksDB): built with "
        f"`bulk_load` in {built:.1f} s, {on_disk_bytes / MIB:.0f} MiB, opened read-only in "
        f"{opened * 1000:.0f} ms.",
        "",
        "A process forked from the loading one, then each query of the mix in turn (one of each, "
        "in this order); its private memory (USS) after each, and the mean time of each query "
        f"over {ROUNDS} runs in one process:",
        "",
        "| after | USS, forked from the in-memory store (MiB) | USS, on-disk store opened "
        "read-only (MiB) | in memory (ms) | on disk (ms) | on disk ÷ in memory |",
        "|---|--:|--:|--:|--:|--:|",
        f"| the fork, no query yet | {memory_sizes[0] / MIB:.0f} | {disk_sizes[0] / MIB:.0f} "
        "| | | |",
    ]
    for (name, _), in_memory, on_disk, (memory_time, disk_time) in zip(
        queries, memory_sizes[1:], disk_sizes[1:], times, strict=True
    ):
        lines.append(
            f"| {name} | {in_memory / MIB:.0f} | {on_disk / MIB:.0f} | {ms(memory_time)} "
            f"| {ms(disk_time)} | {disk_time / memory_time:.1f}× |"
        )
    memory_total = sum(t for t, _ in times)
    disk_total = sum(t for _, t in times)
    lines += [
        f"| the mix, one of each | | | {ms(memory_total)} | {ms(disk_total)} "
        f"| {disk_total / memory_total:.1f}× |",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="triples to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", type=Path, help="write the report here too")
    args = parser.parse_args(argv)
    show(measure(args.size, args.seed), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
