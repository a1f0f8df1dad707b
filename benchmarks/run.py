"""One command: the project's server, native Oxigraph and rdflib-endpoint, side by side.

For each size: generate the data (cached), then for each server in turn (alone on the machine,
so they do not compete for its cores): start it on a free loopback port and time the start-up,
send every mix query with a few parameter sets and keep the answers, run the mix with
``--clients`` concurrent clients for ``--duration`` seconds, and, for the project's server,
its HTML entity pages too; stop it, keeping its peak memory. Then compare the answers and
print a Markdown table (also written to ``benchmarks/results.md``).

    .venv/bin/python -m benchmarks.run --sizes 10000 100000 --clients 4 --duration 20
    .venv/bin/python -m benchmarks.run --sizes 1000000 --skip rdflib-endpoint
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "benchmarks"  # noqa: A001

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import random
import shlex
import subprocess
import time
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field

from .common import (
    ROOT,
    Client,
    LoadResult,
    Request,
    cache_dir,
    cleanup,
    dataset,
    mib,
    ms,
    p50_p99,
    percentile,
    run_load,
    tool,
    wait_for_quiet,
)
from .compare import Normalised, difference, normalise
from .mix import HTML, MIX, Manifest, entity_page_path
from .servers import OXIGRAPH, PROJECT, RDFLIB, SERVERS, Running, StartFailed, start

TARGET_OXIGRAPH = 0.8
TARGET_RDFLIB = 50.0
TARGET_STARTUP = 5.0
TARGET_MEMORY = 2.0
"""The most the project's peak PSS may be, as a multiple of Oxigraph's."""
PAGES = {
    "entity_page": ("HTML", 0.050),
    "entity_page_hub": ("HTML", 0.050),
    "search": ("JSON", 0.020),
}
"""The project's own requests measured after the mix, each kind in a phase of its own (entity
pages, then searches): how each answers, and its p99 target."""
NOISY = 0.15
"""Share of a core that other processes may use during a mix before it is run again."""


@dataclass
class ServerResult:
    """What one server did at one size."""

    name: str
    startup: float | None = None
    failure: str = ""
    note: str = ""
    peak_rss: int = 0
    peak_pss: int = 0
    processes: int = 0
    answers: dict[tuple[str, int], Normalised | str] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)
    mix: LoadResult | None = None
    pages: LoadResult | None = None
    seconds: float = 0.0


@dataclass
class SizeResult:
    """Every server's result at one size."""

    requested: int
    triples: int
    servers: dict[str, ServerResult]
    seconds: float


def skipped(name: str, size: int, skips: list[str]) -> bool:
    """Whether ``--skip NAME`` or ``--skip NAME@MINSIZE`` leaves ``name`` out at ``size``."""
    for skip in skips:
        skip_name, _, minimum = skip.partition("@")
        if skip_name == name and (not minimum or size >= int(minimum)):
            return True
    return False


def check_queries(manifest: Manifest, samples: int, seed: int) -> list[tuple[str, int, str]]:
    """(query name, sample number, text) for every mix query, ``samples`` parameter sets each."""
    rng = random.Random(seed)
    return [
        (query.name, number, query.render(rng, manifest))
        for query in MIX
        for number in range(samples)
    ]


def mix_request(
    endpoint: str, manifest: Manifest, unique: bool = False
) -> Callable[[random.Random], Request]:
    """A function that draws the next mix request for a client.

    With ``unique``, each query text ends with a comment holding a random number, so no two
    requests are the same and no answer cache can serve one.
    """
    weights = [query.weight for query in MIX]

    def next_request(rng: random.Random) -> Request:
        (query,) = rng.choices(MIX, weights)
        text = query.render(rng, manifest)
        if unique:
            text += f"\n# request {rng.getrandbits(64):016x}\n"
        path = f"{endpoint}?{urllib.parse.urlencode({'query': text})}"
        return Request(query.name, "GET", path, {"Accept": query.accept})

    return next_request


def page_request(manifest: Manifest) -> Callable[[random.Random], Request]:
    """A function that draws the next entity page: a typical resource, one time in five a hub."""

    def next_request(rng: random.Random) -> Request:
        language = rng.choice(["fi", "en"])
        hub = rng.random() < 0.2
        path = entity_page_path(rng, manifest, hub)
        headers = {"Accept": HTML, "Accept-Language": language}
        return Request("entity_page_hub" if hub else "entity_page", "GET", path, headers)

    return next_request


def search_request(manifest: Manifest) -> Callable[[random.Random], Request]:
    """A function that draws the next search: the beginning of a word of the labels, half the
    time without its accents, as JSON. A random parameter the app ignores keeps the answer
    cache out of the measure."""

    def next_request(rng: random.Random) -> Request:
        return _search(rng, manifest, rng.choice(["fi", "en"]))

    return next_request


def _search(rng: random.Random, manifest: Manifest, language: str) -> Request:
    """One search request (see :func:`search_request`)."""
    word = rng.choice(manifest.data["label_words"])
    typed = word[: rng.randint(min(3, len(word)), len(word))]
    if rng.random() < 0.5:
        typed = "".join(
            c for c in unicodedata.normalize("NFKD", typed) if not unicodedata.combining(c)
        )
    arguments = {"q": typed, "format": "json", "uncached": f"{rng.getrandbits(32):08x}"}
    path = "/search?" + urllib.parse.urlencode(arguments)
    return Request(
        "search", "GET", path, {"Accept": "application/json", "Accept-Language": language}
    )


def bench_server(
    name: str,
    data: Path,
    manifest: Manifest,
    checks: list[tuple[str, int, str]],
    args: argparse.Namespace,
    log_dir: Path,
) -> ServerResult:
    """Start one server, check its answers, load it, stop it."""
    result = ServerResult(name)
    began = time.monotonic()
    is_rdflib = name == RDFLIB
    timeout = args.rdflib_timeout if is_rdflib else args.timeout
    deadline = args.rdflib_startup_deadline if is_rdflib else args.startup_deadline
    waited, busy = wait_for_quiet(patience=args.quiet_patience)
    if waited > 2.5 or busy >= 0.25:
        result.note = f"waited {waited:.0f} s for the machine to be quiet ({busy:.0%} busy after)"
    print(f"  {name}: starting", file=sys.stderr, flush=True)
    try:
        running = start(name, data, log_dir, deadline, workers=args.workers)
    except StartFailed as error:
        result.failure = f"start-up failed: {error}"
        print(f"  {name}: {result.failure}", file=sys.stderr, flush=True)
        result.seconds = time.monotonic() - began
        return result
    result.startup = running.startup
    result.note = "; ".join(n for n in (running.note, result.note) if n)
    print(f"  {name}: answering after {running.startup:.1f} s", file=sys.stderr, flush=True)
    try:
        _check(running, checks, result, timeout, args.check_budget)
        print(f"  {name}: mix, {args.clients} clients for {args.duration:g} s", file=sys.stderr)
        for attempt in (1, 2):
            mix = run_load(
                running.port,
                mix_request(running.endpoint, manifest, args.unique),
                args.clients,
                args.duration,
                timeout,
                args.seed,
                server_pid=running.process.pid,
            )
            if result.mix is None or mix.other_cpu < result.mix.other_cpu:
                result.mix = mix
            if attempt == 2 or mix.other_cpu / mix.elapsed <= NOISY:
                break
            print(f"  {name}: other work ran during the mix; once more", file=sys.stderr)
            wait_for_quiet(patience=args.quiet_patience, ignore=running.process.pid)
        if name == PROJECT and args.page_duration > 0:
            print(f"  {name}: pages, then searches, {args.page_duration:g} s each", file=sys.stderr)
            result.pages = run_load(
                running.port,
                page_request(manifest),
                args.clients,
                args.page_duration,
                timeout,
                args.seed,
                server_pid=running.process.pid,
            )
            searches = run_load(
                running.port,
                search_request(manifest),
                args.clients,
                args.page_duration,
                timeout,
                args.seed,
                server_pid=running.process.pid,
            )
            result.pages.outcomes.update(searches.outcomes)
    finally:
        running.stop()
        result.peak_rss = running.sampler.peak_rss
        result.peak_pss = running.sampler.peak_pss
        result.processes = running.sampler.peak_processes
    result.seconds = time.monotonic() - began
    return result


def _check(
    running: Running,
    checks: list[tuple[str, int, str]],
    result: ServerResult,
    timeout: float,
    budget: float,
) -> None:
    """Send each check query once, one at a time, and keep the normalised answers."""
    by_name = {query.name: query for query in MIX}
    client = Client(running.port, timeout)
    stop_at = time.monotonic() + budget
    try:
        for name, number, text in checks:
            if time.monotonic() > stop_at:
                result.answers[(name, number)] = "not run (check budget spent)"
                continue
            query = by_name[name]
            try:
                answer = client.sparql(running.endpoint, text, query.accept)
            except TimeoutError:
                result.answers[(name, number)] = f"timed out after {timeout:g} s"
                client.close()
                continue
            except OSError as error:
                result.answers[(name, number)] = f"failed: {error}"
                client.close()
                continue
            if answer.status != 200:
                result.answers[(name, number)] = f"HTTP {answer.status}: {answer.body[:120]!r}"
                continue
            if "result-truncated" in answer.headers:
                result.truncated.append(f"{name}#{number}")
            try:
                result.answers[(name, number)] = normalise(query.kind, answer.body)
            except (ValueError, SyntaxError, KeyError) as error:
                result.answers[(name, number)] = f"unreadable answer: {error}"
    finally:
        client.close()


def bench_size(size: int, args: argparse.Namespace, log_dir: Path) -> SizeResult:
    """Every server at one size."""
    began = time.monotonic()
    data = dataset(size, args.seed, args.data_dir)
    manifest = Manifest(json.loads(data.with_name(data.name + ".json").read_text()))
    checks = check_queries(manifest, args.check_samples, args.seed)
    print(f"{manifest.data['triples']} triples: {data}", file=sys.stderr, flush=True)
    results: dict[str, ServerResult] = {}
    for name in args.servers:
        if skipped(name, size, args.skip):
            results[name] = ServerResult(name, failure="skipped (--skip)")
            continue
        results[name] = bench_server(name, data, manifest, checks, args, log_dir)
    return SizeResult(size, manifest.data["triples"], results, time.monotonic() - began)


# ----------------------------------------------------------------------------- report


def _ratio(mine: float, theirs: float) -> str:
    return f"{mine / theirs:.2f}×" if theirs > 0 else "–"


def agreement(size: SizeResult) -> tuple[dict[str, str], list[str]]:
    """Per query: whether the servers' answers agree with the reference's; and the details.

    The reference is Oxigraph's answer where it has one. An answer a server could not give
    (timed out, not run) is not compared, and is listed apart from the disagreements.
    """
    servers = [s for s in size.servers.values() if s.answers]
    reference = next((s for s in servers if s.name == OXIGRAPH), servers[0] if servers else None)
    cells: dict[str, str] = {}
    details: list[str] = []
    unanswered: dict[str, dict[str, int]] = {}
    if reference is None:
        return cells, details
    for query in MIX:
        agreed = compared = missing = 0
        for key in sorted(k for k in reference.answers if k[0] == query.name):
            expected = reference.answers[key]
            for other in servers:
                if other is reference:
                    continue
                got = other.answers.get(key, "missing")
                failed = [
                    (s, a) for s, a in ((reference, expected), (other, got)) if isinstance(a, str)
                ]
                if failed:
                    missing += 1
                    for server, why in failed:
                        reason = str(why).split(":")[0]
                        counts = unanswered.setdefault(server.name, {})
                        counts[reason] = counts.get(reason, 0) + 1
                    continue
                assert not isinstance(expected, str) and not isinstance(got, str)  # noqa: S101
                compared += 1
                diff = difference(expected, got)
                if diff:
                    details.append(f"{other.name} {key[0]}#{key[1]}: {diff}")
                else:
                    agreed += 1
        cell = "–" if not compared else f"agree ({agreed}/{compared})"
        if compared and agreed < compared:
            cell = f"**differ** ({compared - agreed}/{compared})"
        if missing:
            cell += f"; {missing} not compared"
        cells[query.name] = cell
    for name, reasons in unanswered.items():
        details.append(
            f"{name} gave no answer to "
            + ", ".join(f"{count} checks ({reason})" for reason, count in reasons.items())
        )
    return cells, details


def size_report(size: SizeResult, args: argparse.Namespace) -> str:
    """The Markdown section for one size."""
    lines = [
        f"### {size.triples:,} triples (asked for {size.requested:,}; seed {args.seed};"
        f" {args.clients} clients × {args.duration:g} s per server"
        + ("; every query text unique" if args.unique else "")
        + ")",
        "",
    ]
    servers = size.servers
    project = servers.get(PROJECT)
    project_rate = project.mix.throughput if project and project.mix else 0.0
    lines += [
        "| server | start-up (s) | peak RSS, tree (MiB) | peak PSS (MiB) | mix (req/s)"
        " | server CPU per request (ms) | errors | distinct queries | kuopio-graph ÷ it |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for result in servers.values():
        if result.startup is None:
            lines.append(f"| {result.name} | {result.failure} | | | | | | | |")
            continue
        mix = result.mix
        rate = mix.throughput if mix else 0.0
        errors = ""
        if mix:
            kinds = mix.error_kinds()
            errors = str(mix.errors) + (
                " (" + ", ".join(f"{k}: {v}" for k, v in sorted(kinds.items())) + ")"
                if kinds
                else ""
            )
        lines.append(
            f"| {result.name} | {result.startup:.1f} | {mib(result.peak_rss)}"
            f" ({result.processes} proc.) | {mib(result.peak_pss)} | {rate:.1f}"
            f" | {ms(mix.server_cpu / mix.ok) if mix and mix.ok else '–'} | {errors}"
            f" | {mix.distinct if mix else ''} | {_ratio(project_rate, rate) if mix else ''} |"
        )
    cells, details = agreement(size)
    ran = [s for s in servers.values() if s.mix is not None]
    header = " | ".join(f"{s.name} p50 / p99 (ms)" for s in ran)
    lines += ["", f"| query | {header} | answers |", "|---|" + "--:|" * len(ran) + "---|"]
    for query in MIX:
        row = []
        for result in ran:
            outcome = result.mix.outcomes.get(query.name) if result.mix else None
            if outcome is None or not outcome.count:
                failed = f"{outcome.error_count} failed" if outcome else "none sent"
                row.append(failed)
                continue
            extra = f" ({outcome.error_count} failed)" if outcome.error_count else ""
            row.append(f"{p50_p99(outcome.latencies)} (n={outcome.count}){extra}")
        lines.append(f"| {query.name} | {' | '.join(row)} | {cells.get(query.name, '–')} |")
    if project and project.pages:
        for page in PAGES:
            outcome = project.pages.outcomes.get(page)
            if outcome is None:
                continue
            row = [
                f"{p50_p99(outcome.latencies)}"
                f" (n={outcome.count})"
                + (f" ({outcome.error_count} failed)" if outcome.error_count else "")
            ] + ["–"] * (len(ran) - 1)
            kind = PAGES[page][0]
            lines.append(f"| {page} ({kind}, {PROJECT} only) | {' | '.join(row)} | |")
    notes = [f"{s.name}: {s.note}" for s in servers.values() if s.note]
    notes += [
        f"{s.name} cut answers at its result cap: {', '.join(s.truncated)}"
        for s in servers.values()
        if s.truncated
    ]
    notes += [
        f"{s.name}: {s.seconds:.0f} s in all; during its mix the server used"
        f" {s.mix.server_cpu / s.mix.elapsed:.0%} of a core, the load generator"
        f" {s.mix.client_cpu / s.mix.elapsed:.0%}, and other processes"
        f" {s.mix.other_cpu / s.mix.elapsed:.0%}"
        + (
            " (**noisy: other work on the machine**)"
            if s.mix.other_cpu / s.mix.elapsed > 0.15
            else ""
        )
        for s in servers.values()
        if s.mix
    ]
    if details:
        notes.append("answers that differ or are missing: " + "; ".join(details[:12]))
    lines += [""] + [f"- {note}" for note in notes]
    lines += ["", *targets(size)]
    return "\n".join(lines) + "\n"


def targets(size: SizeResult) -> list[str]:
    """The issue's targets, judged on this size's numbers."""
    servers = size.servers
    project = servers.get(PROJECT)
    if project is None or project.mix is None:
        return []
    out = ["Targets:", ""]

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**missed**"

    for other, target in ((OXIGRAPH, TARGET_OXIGRAPH), (RDFLIB, TARGET_RDFLIB)):
        result = servers.get(other)
        if result is None or result.mix is None:
            reason = result.failure if result else "not run"
            out.append(f"- throughput ≥ {target:g}× {other}: not measured ({reason})")
            continue
        ratio = (
            project.mix.throughput / result.mix.throughput
            if result.mix.throughput
            else float("inf")
        )
        out.append(f"- throughput ≥ {target:g}× {other}: {ratio:.2f}× {verdict(ratio >= target)}")
    if project.pages:
        for page in PAGES:
            outcome = project.pages.outcomes.get(page)
            if outcome and outcome.latencies:
                p99 = percentile(outcome.latencies, 0.99) or 0.0
                target = PAGES[page][1]
                out.append(
                    f"- {page} p99 < {ms(target)} ms: {ms(p99)} ms {verdict(p99 < target)}"
                    + ("" if size.requested >= 1_000_000 else " (the target is set at 1M)")
                )
    if project.startup is not None:
        out.append(
            f"- answering within {TARGET_STARTUP:g} s of start: {project.startup:.1f} s"
            f" {verdict(project.startup <= TARGET_STARTUP)}"
            + ("" if size.requested >= 1_000_000 else " (the target is set at 1M)")
        )
    oxigraph = servers.get(OXIGRAPH)
    if project.peak_pss and oxigraph and oxigraph.peak_pss:
        ratio = project.peak_pss / oxigraph.peak_pss
        out.append(
            f"- peak PSS ≤ {TARGET_MEMORY:g}× {OXIGRAPH}'s: {ratio:.1f}×"
            f" {verdict(ratio <= TARGET_MEMORY)}"
            + ("" if size.requested >= 1_000_000 else " (the target is set at 1M)")
        )
    if project.mix.errors:
        out.append(f"- errors in the mix: {project.mix.errors} ({project.mix.error_kinds()})")
    return out


def environment(module: str = "benchmarks.run") -> list[str]:
    """Machine, versions and the command line that ran ``module``, for the report's header."""

    def version(package: str) -> str:
        try:
            return importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    try:
        commit = subprocess.run(  # noqa: S603
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],  # noqa: S607
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    try:
        oxigraph = subprocess.run(  # noqa: S603
            [tool("oxigraph"), "--version"], capture_output=True, text=True, timeout=10, check=False
        ).stdout.strip()
    except (OSError, SystemExit):
        oxigraph = "not installed"
    return [
        f"- date: {datetime.datetime.now(datetime.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- machine: {os.cpu_count()} cores (`nproc` {len(os.sched_getaffinity(0))}),"
        f" {platform.system()} {platform.release()}, Python {platform.python_version()};"
        f" load average at the start {os.getloadavg()[0]:.2f}",
        f"- project: `{commit}`; pyoxigraph {version('pyoxigraph')}, {oxigraph},"
        f" rdflib-endpoint {version('rdflib-endpoint')}, rdflib {version('rdflib')},"
        f" uvicorn {version('uvicorn')}",
        "- command: `"
        + " ".join(shlex.quote(a) for a in ["python", "-m", module, *sys.argv[1:]])
        + "`",
    ]


def report(
    sizes: list[SizeResult], args: argparse.Namespace, head: list[str], seconds: float
) -> str:
    """The whole report."""
    text = [
        "# Benchmark results",
        "",
        *head,
        f"- took {seconds:.0f} s",
        "",
        "Each server runs alone, one after the other, on the same generated file, once the"
        " machine is quiet; the clients run on the same machine. Latencies are under load"
        " (closed loop, keep-alive)."
        " `kuopio-graph ÷ it` is the project's mix throughput over that server's."
        " Peak RSS sums every process of the server's tree (pages shared after fork counted"
        " in each); PSS counts shared pages once.",
        "",
    ]
    return "\n".join(text) + "\n" + "\n".join(size_report(size, args) for size in sizes)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of mix per server")
    parser.add_argument(
        "--page-duration",
        type=float,
        default=10.0,
        help="seconds of entity pages, and then of searches (0: none)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--servers", nargs="+", choices=SERVERS, default=list(SERVERS))
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        metavar="NAME[@MINSIZE]",
        help="leave a server out (at sizes of at least MINSIZE triples); repeatable",
    )
    parser.add_argument(
        "--unique",
        action="store_true",
        help="make every query text unique (a comment), so that no answer cache helps",
    )
    parser.add_argument("--workers", type=int, help="the project's --workers (default: its own)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0)
    parser.add_argument("--startup-deadline", type=float, default=120.0)
    parser.add_argument("--rdflib-startup-deadline", type=float, default=150.0)
    parser.add_argument("--check-samples", type=int, default=3, help="parameter sets per query")
    parser.add_argument(
        "--check-budget", type=float, default=180.0, help="seconds for the answer checks"
    )
    parser.add_argument(
        "--quiet-patience",
        type=float,
        default=120.0,
        help="seconds to wait, before each server, for other work on the machine to stop",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="where data is cached")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every size, print the report and write it to ``--output``."""
    args = parse_args(argv)
    began = time.monotonic()
    head = environment()
    done: list[SizeResult] = []
    logs = (args.data_dir or cache_dir()) / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    with cleanup():
        for size in args.sizes:
            done.append(bench_size(size, args, logs))
            text = report(done, args, head, time.monotonic() - began)
            args.output.write_text(text)
            print(size_report(done[-1], args), flush=True)
    print(f"wrote {args.output} ({time.monotonic() - began:.0f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
