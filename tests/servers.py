"""Start and stop a real ``kuopio-graph serve`` on a free loopback port, for tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / ("kuopio-graph.exe" if os.name == "nt" else "kuopio-graph")
"""The console script installed beside the interpreter running the tests."""
OXIGRAPH = Path(sys.executable).parent / "oxigraph"
"""The Oxigraph server (the ``oxigraph`` package of the dev extras)."""
STARTUP_DEADLINE = 60.0
STOP_DEADLINE = 5.0
"""Seconds the service may take to stop on SIGTERM before it is killed."""
TIMEOUT = 30.0
"""Seconds any one HTTP request may take."""
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@dataclass(frozen=True)
class Service:
    """A running ``kuopio-graph serve``, its port and the file its output goes to."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        """The base IRI, which is also the service's root URL."""
        return f"http://127.0.0.1:{self.port}/"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_service(
    folder: Path, *options: str, port: int | None = None, script: Path = SCRIPT
) -> Service:
    """Start ``kuopio-graph serve`` (``script``) from ``folder`` with ``options`` (on ``port``,
    else a free one) and wait until it answers."""
    if not script.is_file():
        pytest.fail(f"no kuopio-graph script at {script}: install the project")
    port = port or free_port()
    base = f"http://127.0.0.1:{port}/"
    log = folder / "service.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(script), "serve", "--port", str(port), "--base", base, "--workers", "2", *options],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=folder,
            start_new_session=True,
        )
    service = Service(process, port, log)
    deadline = time.monotonic() + STARTUP_DEADLINE
    while True:
        if process.poll() is not None:
            stop_service(service)
            pytest.fail(f"the service exited with {process.returncode}:\n{service.log_text()}")
        try:
            if fetch(base, BROWSER, timeout=2).status == 200:
                return service
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_service(service)
            pytest.fail(
                f"the service did not answer within {STARTUP_DEADLINE:g} s:\n{service.log_text()}"
            )
        time.sleep(0.2)


def stop_service(service: Service, grace: float = STOP_DEADLINE) -> list[int]:
    """SIGTERM to the service's process group, then SIGKILL to whatever is left after ``grace``.

    Returns the processes that outlived the grace period (empty on a clean stop).
    """
    group = service.process.pid
    _signal_group(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    survivors = wait_for_group(service.process, group, deadline)
    if survivors:
        _signal_group(group, signal.SIGKILL)
        wait_for_group(service.process, group, time.monotonic() + STOP_DEADLINE)
    # Reap the main process: a zombie counts as gone above, but must still be waited for.
    try:
        service.process.wait(timeout=STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        service.process.kill()
        service.process.wait()
    return survivors


def _signal_group(group: int, signum: signal.Signals) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def wait_for_group(process: subprocess.Popen[bytes], group: int, deadline: float) -> list[int]:
    """Wait until the group has no live process or the deadline passes; return who is left."""
    while True:
        try:
            process.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            pass
        left = sorted(group_members(group))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.1)


def group_members(group: int) -> dict[int, int]:
    """The live (not zombie) processes of a process group, each with its parent's id."""
    proc = Path("/proc")
    if not proc.is_dir():  # no /proc: ask the kernel whether the group has any process
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return {}
        return {group: 0}
    members = {}
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command) state ppid pgrp …": the command may hold spaces and parentheses.
        state, parent, process_group = stat[stat.rindex(")") + 2 :].split()[:3]
        if int(process_group) == group and state != "Z":
            members[int(entry.name)] = int(parent)
    return members


@dataclass(frozen=True)
class Fetched:
    """One HTTP answer, after redirects."""

    url: str
    status: int
    media_type: str
    headers: Message
    body: bytes


def fetch(url: str, accept: str | None = None, timeout: float = TIMEOUT) -> Fetched:
    """GET ``url`` with urllib, following redirects; 4xx and 5xx are answers too."""
    headers = {"Accept": accept} if accept else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - http://127.0.0.1 only
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Fetched(
                response.geturl(),
                response.status,
                response.headers.get_content_type(),
                response.headers,
                response.read(),
            )
    except urllib.error.HTTPError as error:
        with error:
            return Fetched(
                url, error.code, error.headers.get_content_type(), error.headers, error.read()
            )


@dataclass
class Oxigraph:
    """A running ``oxigraph serve`` on loopback, with its data in a folder of its own."""

    process: subprocess.Popen[bytes]
    port: int
    location: Path
    log: Path

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/query"


def start_oxigraph(folder: Path, port: int | None = None) -> Oxigraph:
    """Start ``oxigraph serve`` with its data in ``folder`` (on ``port``, else a free one) and
    wait until it answers."""
    if not OXIGRAPH.is_file():
        pytest.fail(f"no oxigraph server beside {sys.executable}: install the dev extras")
    port = port or free_port()
    location = folder / "oxigraph"
    log = folder / "oxigraph.log"
    with log.open("ab") as output:
        process = subprocess.Popen(
            [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Oxigraph(process, port, location, log)
    deadline = time.monotonic() + STARTUP_DEADLINE
    while fetch_status(f"{server.query_url}?query=ASK%7B%7D") != 200:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_oxigraph(server)
            pytest.fail(f"oxigraph did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    return server


def restart_oxigraph(server: Oxigraph) -> None:
    """Start ``server`` again, on its port and with its data, after :func:`stop_oxigraph`."""
    server.process = start_oxigraph(server.location.parent, port=server.port).process


def stop_oxigraph(server: Oxigraph) -> None:
    """Stop the server by its process id (SIGTERM, then SIGKILL) and wait for it."""
    _signal_group(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        _signal_group(server.process.pid, signal.SIGKILL)
        server.process.wait()


def fetch_status(url: str) -> int | None:
    """The status ``url`` answers with, or None if nothing answers."""
    try:
        return fetch(url, timeout=2).status
    except OSError:
        return None


def publish(folder: Path, server: Oxigraph, base: str, *options: str) -> str:
    """``kuopio-graph publish`` the bundled data with ``base`` into ``server``; its output."""
    done = subprocess.run(
        [str(SCRIPT), "publish", "--to", server.query_url, "--base", base, *options],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def start_remote_service(folder: Path, *options: str) -> tuple[Service, Oxigraph]:
    """An Oxigraph server holding the bundled data, published for a service on a port chosen
    here, and that service, started with ``--store`` pointing at it."""
    server = start_oxigraph(folder)
    port = free_port()
    try:
        publish(folder, server, f"http://127.0.0.1:{port}/")
        service = start_service(folder, "--store", server.query_url, *options, port=port)
    except BaseException:
        stop_oxigraph(server)
        raise
    return service, server
