"""A real nginx on loopback running ``deploy/nginx.conf``, and HTTP clients that each come from
an address of their own (the whole of 127.0.0.0/8 is loopback)."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from servers import STARTUP_DEADLINE, STOP_DEADLINE, TIMEOUT, free_port

ROOT = Path(__file__).resolve().parent.parent
NGINX_ENV = "NGINX"
"""Names the nginx binary where it is not on the PATH (as ``make test NGINX=...`` does)."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Message
    body: bytes


def fetch_from(
    source: str, url: str, accept: str | None = None, headers: dict[str, str] | None = None
) -> Answer:
    """GET ``url`` from the loopback address ``source`` (no redirects followed)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(
        parts.hostname or "127.0.0.1", parts.port, timeout=TIMEOUT, source_address=(source, 0)
    )
    try:
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        sent = {**({"Accept": accept} if accept else {}), **(headers or {})}
        connection.request("GET", target, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


@dataclass(frozen=True)
class Nginx:
    """A running nginx and the port it listens on."""

    process: subprocess.Popen[bytes]
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def error_log(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")


def nginx_binary() -> str:
    found = os.environ.get(NGINX_ENV) or shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(found).is_file():
        pytest.fail(f"no nginx at {found}: install Debian's nginx, or set {NGINX_ENV}")
    return found


def start_nginx(folder: Path, replica_ports: list[int]) -> Nginx:
    """nginx running the project's ``deploy/nginx.conf`` as it is written, but for the ports:
    its replicas are ``replica_ports`` on loopback, and it listens on a free loopback port."""
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = iter(replica_ports)
    config, replaced = re.subn(
        r"server 127\.0\.0\.1:\d+", lambda _: f"server 127.0.0.1:{next(upstreams)}", config
    )
    assert replaced == len(replica_ports), "deploy/nginx.conf lists a replica per port"
    port = free_port()
    config, listens = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", config)
    assert listens == 1
    (folder / "kuopio-graph.conf").write_text(config)
    # The surroundings deploy/nginx.conf expects: an http { } block that includes it.
    user = "user root root;" if os.geteuid() == 0 else ""
    temporary = "\n".join(
        f"    {kind}_temp_path {folder / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (folder / "nginx.conf").write_text(
        f"""{user}
worker_processes 1;
pid {folder / "nginx.pid"};
error_log {folder / "error.log"} info;
events {{ worker_connections 256; }}
http {{
    access_log {folder / "access.log"};
{temporary}
    include {folder / "kuopio-graph.conf"};
}}
"""
    )
    process = subprocess.Popen(
        [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    nginx = Nginx(process, port, folder)
    deadline = time.monotonic() + STARTUP_DEADLINE
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            stop_nginx(nginx)
            pytest.fail(f"nginx did not start:\n{nginx.error_log()}")
        try:
            if fetch_from("127.0.0.1", nginx.url, "text/html").status == 200:
                return nginx
        except OSError:
            time.sleep(0.1)


def stop_nginx(nginx: Nginx) -> None:
    """Stop nginx by its process id (SIGTERM, a fast shutdown, then SIGKILL)."""
    for signum in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(nginx.process.pid, signum)
        except ProcessLookupError:
            return
        try:
            nginx.process.wait(timeout=STOP_DEADLINE)
            return
        except subprocess.TimeoutExpired:
            continue
