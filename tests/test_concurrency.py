"""Under load and with a runaway query, the real service keeps answering everyone else.

Scaled down from the benchmarks (benchmarks/runaway.py, benchmarks/load.py) to fit the test
suite: a runaway query with a 3 s limit while 16 clients keep querying, and 16 clients for
10 s. Traffic goes to a server of the suite's own on loopback, and every loop is bounded.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlencode

import psutil
import pytest
from servers import Service, fetch, start_service, stop_service

JSON = "application/sparql-results+json"
LIGHT = "SELECT ?network WHERE { ?network a kuopio:ThematicNetwork }"
RUNAWAY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY RAND()"
LIMIT = 3.0
CLIENTS = 16


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    running = start_service(
        tmp_path_factory.mktemp("concurrency"),
        "--query-timeout",
        str(LIMIT),
    )
    try:
        yield running
    finally:
        stop_service(running)


def query_url(service: Service, query: str) -> str:
    return f"{service.url}sparql?{urlencode({'query': query})}"


def clients(service: Service, seconds: float, salt: str) -> tuple[list[float], list[int]]:
    """``CLIENTS`` threads sending light queries for ``seconds``: latencies and error codes."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(number: int) -> None:
        sent = 0
        while time.monotonic() < stop:
            sent += 1
            # Each request differs, so the answer cache cannot hide the engine's work.
            url = query_url(service, f"{LIGHT} # {salt} {number} {sent}")
            started = time.monotonic()
            answer = fetch(url, JSON, timeout=30)
            with lock:
                latencies.append(time.monotonic() - started)
                if answer.status != 200:
                    errors.append(answer.status)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return latencies, errors


def p99(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=100)[98]


def test_a_runaway_query_stalls_no_one(service: Service) -> None:
    outcome: dict[str, float] = {}

    def runaway() -> None:
        started = time.monotonic()
        answer = fetch(query_url(service, RUNAWAY), JSON, timeout=60)
        outcome["status"] = answer.status
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=runaway)
    thread.start()
    time.sleep(0.2)
    latencies, errors = clients(service, LIMIT + 3, "runaway")
    thread.join(60)
    assert outcome["status"] == 503
    assert outcome["seconds"] < LIMIT + 1
    assert errors == []
    assert p99(latencies) < 2.0, f"p99 {p99(latencies):.2f} s over {len(latencies)} requests"


def test_sixteen_clients_for_ten_seconds_without_an_error(service: Service) -> None:
    latencies, errors = clients(service, 10, "load")
    assert errors == []
    assert len(latencies) > 100
    assert p99(latencies) < 2.0


MEMORY_BUDGET = 250 * 1024 * 1024
"""The whole service's proportional set size on the bundled data: small enough for a small VM."""


def test_memory_stays_bounded(service: Service) -> None:
    """The whole service (web and query processes, each sharing what it shares counted once,
    as proportional set sizes count it) fits a small VM after serving a load."""
    main = psutil.Process(service.process.pid)
    processes = [main, *main.children(recursive=True)]
    assert len(processes) >= 3  # the server, its workers and their query processes
    total = sum(process.memory_full_info().pss for process in processes)
    assert total < MEMORY_BUDGET, f"{total / 2**20:.0f} MB"
