"""Per-client budgets of query time and of errors, as the Wikidata Query Service keeps them.

Each client (by address; behind a trusted proxy, the address it forwards) may spend
``query_budget`` seconds of query time and make ``error_budget`` failed queries in any sliding
minute; past either it gets 429 Too Many Requests with ``Retry-After`` saying when it may try
again. The accounts live in a SQLite file that every process of the service shares, so a client
has one budget however many web server processes its requests reach.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from werkzeug.exceptions import TooManyRequests

WINDOW = 60
"""Seconds over which spending is added up."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS spending (
    client TEXT NOT NULL,
    second INTEGER NOT NULL,
    seconds REAL NOT NULL,
    errors INTEGER NOT NULL,
    PRIMARY KEY (client, second)
) WITHOUT ROWID
"""
"""What each client spent in each second (a busy client has at most a row a second)."""

SPENT = """
SELECT COALESCE(SUM(seconds), 0), COALESCE(SUM(errors), 0),
       MIN(CASE WHEN seconds > 0 THEN second END), MIN(CASE WHEN errors > 0 THEN second END)
FROM spending WHERE client = ? AND second > ?
"""

CHARGE = """
INSERT INTO spending (client, second, seconds, errors) VALUES (?, ?, ?, ?)
ON CONFLICT (client, second)
DO UPDATE SET seconds = seconds + excluded.seconds, errors = errors + excluded.errors
"""


class Budgets:
    """The query-time and error budgets of every client seen in the last minute, in the SQLite
    file at ``path``; safe to use from any thread of any process of the service."""

    def __init__(
        self,
        query_seconds: float,
        errors: int,
        path: Path,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Keep budgets in ``path``, made here (before the web server forks its workers).

        ``clock`` must read alike in every process: the default, the system's monotonic
        clock, does.
        """
        self.query_seconds = query_seconds
        self.errors = errors
        self.path = path
        self.clock = clock
        self._local = threading.local()
        self._forgotten = 0
        """The last second whose spending this process has dropped."""
        connection = self._connection()
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute(SCHEMA)

    def check(self, client: str) -> None:
        """Raise 429 with ``Retry-After`` if ``client`` has spent either budget."""
        now = self.clock()
        row = self._connection().execute(SPENT, (client, int(now) - WINDOW)).fetchone()
        spent, errors, first_spent, first_error = row
        if spent >= self.query_seconds:
            self._refuse(first_spent + WINDOW - now, "query time")
        if errors >= self.errors:
            self._refuse(first_error + WINDOW - now, "failed queries")

    def charge_time(self, client: str, seconds: float) -> None:
        """Add ``seconds`` of query time to ``client``'s spending."""
        self._charge(client, seconds, 0)

    def charge_error(self, client: str) -> None:
        """Count one failed query against ``client``."""
        self._charge(client, 0.0, 1)

    def _charge(self, client: str, seconds: float, errors: int) -> None:
        second = int(self.clock())
        connection = self._connection()
        connection.execute(CHARGE, (client, second, seconds, errors))
        if second > self._forgotten:  # at most once a second: drop what left the window
            self._forgotten = second
            connection.execute("DELETE FROM spending WHERE second <= ?", (second - WINDOW,))

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection to the file (a process forked from another opens its own)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is None or self._local.pid != os.getpid():
            # Autocommit; a write waits up to 5 s for another process's to end; the file is a
            # scratch file, thrown away with the process, so it need not survive a power cut.
            connection = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            connection.execute("PRAGMA synchronous = OFF")
            self._local.connection = connection
            self._local.pid = os.getpid()
        return connection

    @staticmethod
    def _refuse(wait: float, what: str) -> None:
        error = TooManyRequests(
            f"this client has used its budget of {what} for the last minute; try again later"
        )
        error.retry_after = max(1, int(wait) + 1)
        raise error
