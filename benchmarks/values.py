"""The page of a resource with many values of one property, against an ordinary page.

In one process (Flask's test client, no HTTP): the bundled data plus, for each size, a
resource with that many values of one property. Each page is rendered ``--repeat`` times, none
from the answer cache; the baseline is the city's page in the same run. Reading the same
resource's statements the way a page read them before they were paged (every row, sorted) is
timed beside it.

    python -m benchmarks.values --sizes 1000 10000 100000 --output benchmarks/results-values.md
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from kuopio_graph import Settings, load
from kuopio_graph.resource import STATEMENTS
from webapp import create_app

from .common import ROOT, ms, percentile, show
from .run import environment

ID = "https://w3id.org/kuopio-graph/id/"
CITY = "/id/organisation/city-of-kuopio"
MANY = "/id/test/many-values"
LINKS_TO = f"<{ID}test/links-to>"


def timings(action: Callable[[], object], repeat: int) -> list[float]:
    """How long ``action`` takes, ``repeat`` times, after one untimed run."""
    action()
    found = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        found.append(time.perf_counter() - start)
    return found


def measure(size: int, repeat: int) -> list[str]:
    """One table row per page kind, for a resource with ``size`` values."""
    with tempfile.TemporaryDirectory() as directory:
        extra = Path(directory) / "many.nt"
        subject = f"<{ID}{MANY.removeprefix('/id/')}>"
        lines = (f"{subject} {LINKS_TO} <{ID}test/target-{n}> .\n" for n in range(size))
        extra.write_text("".join(lines))
        settings = Settings(
            ontology=(ROOT / "ontology",),
            data=(ROOT / "data",),
            shapes=(ROOT / "shapes",),
            queries=(ROOT / "queries",),
        ).with_values({"extra": [extra]})
        store = load(settings)
        client = create_app(settings, store=store, config={"TESTING": True}).test_client()

    def page(path: str) -> Callable[[], object]:
        counter = iter(range(sys.maxsize))

        def get() -> object:
            # A new query string each time, so that no answer comes from the answer cache.
            uncached = f"{path}{'&' if '?' in path else '?'}uncached={next(counter)}"
            response = client.get(uncached, headers={"Accept": "text/html"})
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status}")
            return response.data

        return get

    entity = {"entity": ox.NamedNode(ID + MANY.removeprefix("/id/"))}
    kinds = {
        "ordinary page (the city)": page(CITY),
        f"page with {size:,} values": page(MANY),
        f"page with {size:,} values, its last page": page(
            f"{MANY}?property={LINKS_TO[1:-1]}&values={-(-size // 25)}"
        ),
        "all its statements, read at once (as before)": lambda: store.select(STATEMENTS, entity),
    }
    results = {name: timings(action, repeat) for name, action in kinds.items()}
    baseline = percentile(results["ordinary page (the city)"], 0.5) or 1.0
    rows = []
    for name, found in results.items():
        p50, p99 = percentile(found, 0.5), percentile(found, 0.99)
        rows.append(f"| {name} | {ms(p50)} / {ms(p99)} | {(p50 or 0) / baseline:.1f}× |")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args(argv)
    lines = ["# Pages of resources with many values", "", *environment("benchmarks.values"), ""]
    for size in args.sizes:
        lines += [
            f"### {size:,} values of one property ({args.repeat} renderings each)",
            "",
            "| what | p50 / p99 (ms) | p50 ÷ ordinary page |",
            "|---|--:|--:|",
            *measure(size, args.repeat),
            "",
        ]
    show("\n".join(lines), args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
