"""Serve the app under Granian, a production HTTP server, from the process that loaded it.

Granian parses HTTP and keeps connections alive in compiled code and hands each request to the
WSGI app on one of a few threads; its worker processes fork from this one, so they share the
loaded store copy-on-write. The defaults, two processes of two threads, suit two cores: a thread
mostly waits while its query runs in a query process (see :mod:`kuopio_graph.executor`), and
pages, which are Python, need both cores.
"""

from __future__ import annotations

import gc

from flask import Flask
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.server import MPServer

from kuopio_graph import Settings

from .limits import HEAD_BUFFER
from .state import app_state


def server(app: Flask, settings: Settings) -> MPServer:
    """A Granian server for ``app`` with the workers and address ``settings`` name."""
    return MPServer(
        # Granian names the app by import path; the loader below hands it the built app instead.
        "webapp:create_app",
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.workers,
        blocking_threads=settings.threads,
        # Room for the longest request line and headers the app answers (it gives 414 and 431
        # past them); Granian answers 431 to a head that does not fit.
        http1_settings=HTTP1Settings(max_buffer_size=HEAD_BUFFER),
        # A worker that dies is replaced, forked again from this process.
        respawn_failed_workers=True,
        respawn_interval=0.5,
        workers_kill_timeout=int(settings.query_timeout) + 5,
        # The app writes the access log itself (webapp.access_log), with the address of the
        # client behind a trusted proxy rather than the proxy's.
        log_access=False,
    )


def serve(app: Flask, settings: Settings) -> None:
    """Run until stopped (Ctrl+C or SIGTERM)."""
    # The label index is built beside serving, so start-up does not wait for it; workers
    # forked from here open it when it is there.
    with app.app_context():
        app_state().served.build_search_index_in_background()
    # Compile the templates once here rather than on each worker's first pages.
    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    # What is loaded now lives as long as the server: keep it out of the garbage collector's
    # full passes, which would otherwise walk every object of rdflib, pySHACL and Flask (some
    # 60 ms each) in the middle of requests, and would dirty the pages workers share.
    gc.freeze()
    server(app, settings).serve(target_loader=lambda *_: app, wrap_loader=False)
