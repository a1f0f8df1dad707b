"""Start and stop a real ``kuopio-graph serve`` on a free loopback port, for tests, and the real
SPARQL stores it can serve from: ``oxigraph serve`` and Virtuoso Open Source 7 (``virtuoso-t``)."""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
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

    @property
    def update_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/update"

    @property
    def publish_options(self) -> list[str]:
        """What ``publish`` needs besides ``--to``: nothing (it finds ``/update`` itself)."""
        return []

    @property
    def credentials(self) -> dict[str, str]:
        """The environment that gives ``kuopio-graph`` the store's credentials: none here."""
        return {}


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
    wait_for_store(server, log)
    return server


@dataclass
class Virtuoso:
    """A running Virtuoso Open Source (``virtuoso-t``) on loopback, with its database, its
    settings (``virtuoso.ini``) and a user allowed to update, in a folder of its own."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path
    log: Path
    password: str = field(repr=False)

    @property
    def query_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    @property
    def update_url(self) -> str:
        """Virtuoso's endpoint for updates, behind HTTP digest authentication."""
        return f"http://127.0.0.1:{self.port}/sparql-auth"

    @property
    def publish_options(self) -> list[str]:
        """What ``publish`` needs besides ``--to``: the update endpoint."""
        return ["--update", self.update_url]

    @property
    def credentials(self) -> dict[str, str]:
        """The environment that gives ``kuopio-graph`` the store's credentials."""
        return {"KUOPIO_STORE_USER": VIRTUOSO_USER, "KUOPIO_STORE_PASSWORD": self.password}


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {folder}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{port}
ServerRoot = {folder}
ServerThreads = 10
MaxClientConnections = 10
Charset = UTF-8

[SPARQL]
ResultSetMaxRows = {row_cap}
MaxQueryExecutionTime = 60
"""
"""Virtuoso's settings for a test: its files in one folder, loopback ports, and answers of up to
:data:`VIRTUOSO_ROW_CAP` rows."""
VIRTUOSO_ROW_CAP = 20000
"""The most rows Virtuoso gives in one answer here: more than the service's default result cap
(10,000; Debian's default, 10,000, is no more) and the rows of the bundled data's dumps."""
VIRTUOSO_USER = "kuopio"


def start_virtuoso(folder: Path) -> Virtuoso:
    """Start Virtuoso with a new database in ``folder/virtuoso`` on free loopback ports, create
    a user allowed to update (SPARQL_UPDATE), and wait until it answers."""
    binary = shutil.which(VIRTUOSO)
    if binary is None or shutil.which(ISQL) is None:
        pytest.fail(f"no {VIRTUOSO} or {ISQL}: install Debian's virtuoso-opensource (make test)")
    home = folder / "virtuoso"
    home.mkdir()
    port, sql_port = free_port(), free_port()
    ini = home / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(folder=home, port=port, sql_port=sql_port, row_cap=VIRTUOSO_ROW_CAP)
    )
    server = Virtuoso(
        _start_virtuoso_process(binary, ini, folder / "virtuoso.log"),
        port,
        home,
        folder / "virtuoso.log",
        secrets.token_urlsafe(12),
    )
    try:
        wait_for_store(server, server.log)
        statements = (
            f"DB.DBA.USER_CREATE('{VIRTUOSO_USER}', '{server.password}');"
            f' GRANT SPARQL_UPDATE TO "{VIRTUOSO_USER}";'
        )
        done = subprocess.run(
            [ISQL, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            pytest.fail(f"isql could not create the user:\n{done.stdout}{done.stderr}")
    except BaseException:
        stop_store(server)
        raise
    return server


def _start_virtuoso_process(binary: str, ini: Path, log: Path) -> subprocess.Popen[bytes]:
    """``virtuoso-t`` in the foreground, in a process group of its own."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [binary, "+foreground", "+configfile", str(ini)],
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=ini.parent,
            start_new_session=True,
        )


VIRTUOSO = os.environ.get("VIRTUOSO") or "virtuoso-t"
ISQL = shutil.which("isql-vt", path=os.path.dirname(VIRTUOSO) or None) or "isql-vt"
"""Virtuoso's server (``VIRTUOSO``, as ``make test`` names it) and its SQL client beside it:
Debian's names (package virtuoso-opensource)."""

Store = Oxigraph | Virtuoso
"""A real SPARQL store the tests publish to and serve from."""
STORES = {"oxigraph": start_oxigraph, "virtuoso": start_virtuoso}


def start_store(kind: str, folder: Path) -> Store:
    """Start a store of ``kind`` (a key of :data:`STORES`) with its data in ``folder``."""
    return STORES[kind](folder)


def wait_for_store(server: Store, log: Path) -> None:
    """Wait until ``server`` answers a query; fail the test if it exits or takes too long."""
    deadline = time.monotonic() + STARTUP_DEADLINE
    while fetch_status(f"{server.query_url}?query=ASK%7B%7D") != 200:
        if server.process.poll() is not None or time.monotonic() > deadline:
            stop_store(server)
            pytest.fail(f"the store did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)


def restart_store(server: Store) -> None:
    """Start ``server`` again, on its port and with its data, after :func:`stop_store`."""
    if isinstance(server, Oxigraph):
        server.process = start_oxigraph(server.location.parent, port=server.port).process
        return
    binary = shutil.which(VIRTUOSO) or VIRTUOSO
    server.process = _start_virtuoso_process(binary, server.folder / "virtuoso.ini", server.log)
    wait_for_store(server, server.log)


def stop_store(server: Store) -> None:
    """Stop the server by its process id (SIGTERM, then SIGKILL) and wait for it."""
    _signal_group(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=STORE_STOP_DEADLINE)
    except subprocess.TimeoutExpired:
        _signal_group(server.process.pid, signal.SIGKILL)
        server.process.wait()


STORE_STOP_DEADLINE = 10.0
"""Seconds a store may take to stop on SIGTERM (Virtuoso writes a checkpoint) before it is
killed."""


def fetch_status(url: str) -> int | None:
    """The status ``url`` answers with, or None if nothing answers."""
    try:
        return fetch(url, timeout=2).status
    except OSError:
        return None


def publish(folder: Path, server: Store, base: str, *options: str) -> str:
    """``kuopio-graph publish`` the bundled data with ``base`` into ``server``; its output."""
    done = subprocess.run(
        [str(SCRIPT), "publish", "--to", server.query_url, *server.publish_options]
        + ["--base", base, *options],
        cwd=folder,
        env={**os.environ, **server.credentials},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stderr


def start_remote_service(
    folder: Path, *options: str, kind: str = "oxigraph"
) -> tuple[Service, Store]:
    """A store of ``kind`` holding the bundled data, published for a service on a port chosen
    here, and that service, started with ``--store`` pointing at it."""
    server = start_store(kind, folder)
    port = free_port()
    try:
        publish(folder, server, f"http://127.0.0.1:{port}/")
        service = start_service(folder, "--store", server.query_url, *options, port=port)
    except BaseException:
        stop_store(server)
        raise
    return service, server
