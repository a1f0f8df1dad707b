"""What the benchmark scripts share: starting and stopping servers, sampling their memory,
an HTTP client for loopback, closed-loop load with concurrent clients, and statistics.

Every process is started in a session of its own and stopped by its process group, at the end
of its use, on error, on Ctrl+C and on SIGTERM (see :class:`Processes`). Only 127.0.0.1 is used.
"""

# ruff: noqa: S311 - seeded generators, for repeatable runs

from __future__ import annotations

import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import psutil

from .generate import GENERATOR_VERSION, generate

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
MIB = 1024 * 1024


# ----------------------------------------------------------------------------- processes


class Processes:
    """Every process the benchmark started, each the leader of its own process group."""

    def __init__(self) -> None:
        self.running: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()

    def start(self, argv: Sequence[str], log: IO[bytes], **kwargs: Any) -> subprocess.Popen[bytes]:
        """Start ``argv`` in a new session (so its group can be stopped whole)."""
        process = subprocess.Popen(  # noqa: S603 - argv is built here, never from a shell
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            **kwargs,
        )
        with self._lock:
            self.running.append(process)
        return process

    def stop(self, process: subprocess.Popen[bytes], grace: float = 10.0) -> None:
        """SIGTERM the process group, then SIGKILL it if it is not gone within ``grace`` s."""
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        # The leader may be gone while children of its group linger: kill the group anyway.
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            print(f"warning: process {process.pid} did not exit", file=sys.stderr)
        with self._lock:
            if process in self.running:
                self.running.remove(process)

    def stop_all(self) -> None:
        """Stop every process still running."""
        for process in list(reversed(self.running)):
            self.stop(process, grace=5.0)


PROCESSES = Processes()


@contextmanager
def cleanup() -> Iterator[None]:
    """Stop every started process on exit, error, Ctrl+C, SIGTERM or SIGHUP.

    SIGINT is handled even where it was ignored (a background job of a script), so that an
    interrupt always stops the run and its servers.
    """

    def terminate(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {signum: signal.signal(signum, terminate) for signum in handled}
    try:
        yield
    except KeyboardInterrupt as interrupt:
        print(f"interrupted ({interrupt}); stopping the servers", file=sys.stderr)
        raise SystemExit(130) from None
    finally:
        PROCESSES.stop_all()
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def tool(name: str) -> str:
    """The path of a command installed in this virtual environment (or on PATH)."""
    candidate = VENV_BIN / name
    if candidate.exists():
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(
            f"{name} is not installed; install it into the virtual environment"
            f" ({VENV_BIN / 'pip'} install {name})"
        )
    return found


# ----------------------------------------------------------------------------- memory


def process_tree(pid: int) -> list[psutil.Process]:
    """``pid`` and all its live descendants."""
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def rss(process: psutil.Process) -> int:
    """Resident set size of one process, in bytes (0 if it is gone)."""
    try:
        return int(process.memory_info().rss)
    except psutil.Error:
        return 0


def pss(process: psutil.Process) -> int:
    """Proportional set size of one process, in bytes: shared pages divided among sharers."""
    try:
        return int(process.memory_full_info().pss)
    except psutil.Error:
        return 0


def machine_cpu() -> float:
    """CPU seconds every core of the machine has spent busy since boot."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def tree_cpu(pid: int) -> float:
    """CPU seconds used by ``pid``'s tree: each live process and the children it has reaped."""
    total = 0.0
    for member in process_tree(pid):
        try:
            times = member.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def wait_for_quiet(
    limit: float = 0.25, patience: float = 120.0, ignore: int | None = None
) -> tuple[float, float]:
    """Wait until the rest of the machine uses under ``limit`` of its cores (2 s samples).

    Gives up after ``patience`` seconds. Returns (seconds waited, the last busy fraction).
    """
    cores = len(os.sched_getaffinity(0))
    began = time.monotonic()
    while True:
        before, mine = machine_cpu(), _own_cpu() + (tree_cpu(ignore) if ignore else 0.0)
        time.sleep(2.0)
        used = machine_cpu() - before
        used -= _own_cpu() + (tree_cpu(ignore) if ignore else 0.0) - mine
        fraction = max(0.0, used) / (2.0 * cores)
        waited = time.monotonic() - began
        if fraction < limit or waited >= patience:
            return waited, fraction


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


class MemorySampler:
    """Samples the memory of a process tree in the background; keeps the peaks.

    ``peak_rss`` is the largest sum of resident set sizes over the tree, counting pages that
    forked processes share once per process (so it overstates a forking server);
    ``peak_pss`` is the largest sum of proportional set sizes, which counts each page once.
    """

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_single = 0
        """The largest RSS of any one process of the tree."""
        self.peak_processes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        """Take one sample now."""
        tree = process_tree(self.pid)
        sizes = [rss(process) for process in tree]
        self.peak_rss = max(self.peak_rss, sum(sizes))
        self.peak_single = max(self.peak_single, max(sizes, default=0))
        self.peak_pss = max(self.peak_pss, sum(pss(process) for process in tree))
        self.peak_processes = max(self.peak_processes, len(tree))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample()

    def stop(self) -> None:
        """Stop sampling (after one last sample)."""
        self.sample()
        self._stop.set()
        self._thread.join(timeout=5)


# ----------------------------------------------------------------------------- HTTP


@dataclass
class Answer:
    """One HTTP exchange."""

    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


class Client:
    """One keep-alive HTTP/1.1 connection to a loopback server, reopened when it drops.

    Client ``number`` connects from its own loopback address (127.0.0.2, 127.0.0.3, …: Linux
    answers for all of 127.0.0.0/8), so a server that keeps per-client budgets by address sees
    as many clients as there are, as it would on a network.
    """

    def __init__(self, port: int, timeout: float, number: int = 0) -> None:
        self.port = port
        self.timeout = timeout
        self.source = (f"127.0.{(number + 2) // 256}.{(number + 2) % 256}", 0)
        self.connection: http.client.HTTPConnection | None = None

    def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Answer:
        """Send one request and read the whole answer; raises OSError / HTTPException."""
        started = time.perf_counter()
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=self.timeout, source_address=self.source
                )
            try:
                self.connection.request(method, path, body=body, headers=headers or {})
                response = self.connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if reused and attempt == 1:
                    started = time.perf_counter()
                    continue  # the server closed an idle keep-alive connection: retry once
                raise
            except BaseException:
                self.close()
                raise
            if response.will_close:
                self.close()
            return Answer(
                response.status,
                {name.lower(): value for name, value in response.getheaders()},
                data,
                time.perf_counter() - started,
            )
        raise AssertionError("unreachable")

    def sparql(self, endpoint: str, query: str, accept: str) -> Answer:
        """A SPARQL query by GET, as the protocol's first form."""
        path = f"{endpoint}?{urllib.parse.urlencode({'query': query})}"
        return self.request("GET", path, {"Accept": accept})

    def close(self) -> None:
        """Drop the connection."""
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# ----------------------------------------------------------------------------- load


@dataclass
class Request:
    """What one client sends next: a name for the statistics, and the request itself."""

    name: str
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Outcome:
    """What happened to requests of one name."""

    latencies: list[float] = field(default_factory=list)
    """Seconds, of the successful (200) requests."""
    errors: dict[str, int] = field(default_factory=dict)
    truncated: int = 0
    error_latencies: list[float] = field(default_factory=list)

    @property
    def count(self) -> int:
        """Successful requests."""
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        """Failed requests."""
        return sum(self.errors.values())


@dataclass
class LoadResult:
    """The outcome of a load run, by request name."""

    outcomes: dict[str, Outcome]
    elapsed: float
    clients: int
    distinct: int
    """Distinct request paths sent."""
    client_cpu: float = 0.0
    """CPU seconds the load generator (this process) used meanwhile."""
    server_cpu: float = 0.0
    """CPU seconds the server's process tree used meanwhile (if its pid was given)."""
    other_cpu: float = 0.0
    """CPU seconds every other process on the machine used meanwhile: the run's noise."""

    @property
    def ok(self) -> int:
        """Successful requests, all names together."""
        return sum(o.count for o in self.outcomes.values())

    @property
    def errors(self) -> int:
        """Failed requests, all names together."""
        return sum(o.error_count for o in self.outcomes.values())

    @property
    def throughput(self) -> float:
        """Successful requests per second of wall time."""
        return self.ok / self.elapsed if self.elapsed > 0 else 0.0

    def error_kinds(self) -> dict[str, int]:
        """Failures by kind (status code or exception), all names together."""
        kinds: dict[str, int] = {}
        for outcome in self.outcomes.values():
            for kind, count in outcome.errors.items():
                kinds[kind] = kinds.get(kind, 0) + count
        return kinds

    def all_latencies(self) -> list[float]:
        """Latencies of every successful request."""
        return [t for o in self.outcomes.values() for t in o.latencies]


def run_load(
    port: int,
    next_request: Callable[[random.Random], Request],
    clients: int,
    duration: float,
    timeout: float,
    seed: int,
    stop: threading.Event | None = None,
    server_pid: int | None = None,
) -> LoadResult:
    """``clients`` threads, each sending requests back to back for ``duration`` seconds.

    Each client has its own keep-alive connection and a random generator seeded from ``seed``
    and its number. A request still running at the deadline is waited for (at most
    ``timeout``); the throughput is counted over the whole wall time.
    """
    outcomes: dict[str, Outcome] = {}
    paths: set[str] = set()
    lock = threading.Lock()
    deadline = time.perf_counter() + duration
    stop = stop or threading.Event()

    def client_loop(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        client = Client(port, timeout, number)
        try:
            while time.perf_counter() < deadline and not stop.is_set():
                request = next_request(rng)
                kind: str | None = None
                truncated = False
                started = time.perf_counter()
                try:
                    answer = client.request(request.method, request.path, request.headers)
                    seconds = answer.seconds
                    if answer.status != 200:
                        kind = str(answer.status)
                    truncated = "result-truncated" in answer.headers
                except TimeoutError:
                    kind, seconds = "timed out", time.perf_counter() - started
                except (OSError, http.client.HTTPException) as error:
                    kind, seconds = type(error).__name__, time.perf_counter() - started
                with lock:
                    paths.add(request.path)
                    outcome = outcomes.setdefault(request.name, Outcome())
                    if kind is None:
                        outcome.latencies.append(seconds)
                    else:
                        outcome.errors[kind] = outcome.errors.get(kind, 0) + 1
                        outcome.error_latencies.append(seconds)
                    outcome.truncated += truncated
        finally:
            client.close()

    cpu = os.times()
    busy = machine_cpu()
    server = tree_cpu(server_pid) if server_pid else 0.0
    started = time.perf_counter()
    threads = [
        threading.Thread(target=client_loop, args=(number,), daemon=True)
        for number in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.perf_counter()) + timeout + 10)
    elapsed = time.perf_counter() - started
    now = os.times()
    used = now.user + now.system - cpu.user - cpu.system
    server = tree_cpu(server_pid) - server if server_pid else 0.0
    other = max(0.0, machine_cpu() - busy - used - server) if server_pid else 0.0
    return LoadResult(outcomes, elapsed, clients, len(paths), used, server, other)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """The nearest-rank percentile (``fraction`` in 0..1), or None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(fraction * len(ordered) + 0.4999)))
    return ordered[rank - 1]


def p50_p99(latencies: Sequence[float]) -> str:
    """ "p50 / p99" in milliseconds."""
    return f"{ms(percentile(latencies, 0.5))} / {ms(percentile(latencies, 0.99))}"


def ms(seconds: float | None) -> str:
    """Seconds as milliseconds for a table ("–" for none)."""
    if seconds is None:
        return "–"
    value = seconds * 1000
    return f"{value:.0f}" if value >= 100 else f"{value:.1f}"


def show(report: str, output: Path | None) -> None:
    """Print a report, and write it to ``output`` too if one is named."""
    sys.stdout.write(report if report.endswith("\n") else report + "\n")
    if output:
        output.write_text(report, encoding="utf-8")


def mib(size: int) -> str:
    """Bytes as MiB for a table."""
    return f"{size / MIB:.0f}"


# ----------------------------------------------------------------------------- data


def cache_dir() -> Path:
    """Where generated data is kept between runs."""
    path = Path(tempfile.gettempdir()) / "kuopio-graph-bench"
    path.mkdir(parents=True, exist_ok=True)
    return path


def dataset(triples: int, seed: int, directory: Path | None = None) -> Path:
    """The generated file for ``triples`` and ``seed``, generated on first use."""
    directory = directory or cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-v{GENERATOR_VERSION}-{triples}-s{seed}.nt"
    manifest = path.with_name(path.name + ".json")
    if not path.exists() or not manifest.exists():
        started = time.perf_counter()
        result = generate(triples, seed, path)
        print(
            f"generated {result['triples']} triples in {time.perf_counter() - started:.1f} s:"
            f" {path}",
            file=sys.stderr,
        )
    return path


def wait_until(
    check: Callable[[], bool], deadline: float, process: subprocess.Popen[bytes] | None = None
) -> bool:
    """Poll ``check`` every 50 ms until it is true (True) or the monotonic ``deadline`` (False).

    Gives up early (False) if ``process`` exits.
    """
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            if check():
                return True
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.05)
    return False
