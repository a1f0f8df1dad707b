"""One line on standard output for every request, with the client's own address (behind a
trusted proxy, the one it forwards): ``addr - [time] "METHOD path protocol" status time``."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from werkzeug.wsgi import ClosingIterator

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment


class AccessLog:
    """WSGI middleware writing one line per request once its answer has been sent."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Answer the request, and log it when the answer is done."""
        started = time.perf_counter()
        status: list[str] = []

        def keep_status(code: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
            status.append(code)
            return start_response(code, headers, *rest)

        def log() -> None:
            path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
            when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S %z")
            print(
                f"{environ.get('REMOTE_ADDR', '-')} - [{when}]"
                f' "{environ["REQUEST_METHOD"]} {path} {environ.get("SERVER_PROTOCOL", "")}"'
                f" {status[-1].split(' ', 1)[0] if status else '-'}"
                f" {(time.perf_counter() - started) * 1000:.1f}ms",
                flush=True,
            )

        return ClosingIterator(self.app(environ, keep_status), [log])
