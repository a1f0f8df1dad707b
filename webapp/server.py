"""Serve the app under gunicorn, a production WSGI server, from the process that loaded it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from kuopio_graph import Settings

from . import MAX_URL_LENGTH


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with the app already built: workers fork from a process that holds the store."""

    def __init__(self, app: Flask, settings: Settings) -> None:
        self.application = app
        self.options = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.workers,
            "worker_class": "sync",
            "preload_app": True,
            # A request waits at most twice the query limit (for a free worker, then the query).
            "timeout": int(2 * settings.query_timeout + 30),
            "accesslog": "-",
            "errorlog": "-",
            "proc_name": "kuopio-graph",
            "control_socket_disable": True,
            # The longest request line gunicorn allows, for long queries sent with GET.
            "limit_request_line": MAX_URL_LENGTH,
        }
        super().__init__()

    def load_config(self) -> None:
        """Hand gunicorn the options above."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The WSGI app."""
        return self.application


def serve(app: Flask, settings: Settings) -> None:
    """Run until stopped (Ctrl+C or SIGTERM)."""
    Server(app, settings).run()
