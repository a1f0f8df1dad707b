"""Per-client budgets of query time and of errors, as the Wikidata Query Service keeps them.

Each client (by address) may spend ``query_budget`` seconds of query time and make
``error_budget`` failed queries in any sliding minute; past either it gets 429 Too Many
Requests with ``Retry-After`` saying when it may try again. The budgets are kept per web server
process, so a client spread over several processes may spend a few times its budget.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from werkzeug.exceptions import TooManyRequests

WINDOW = 60.0
"""Seconds over which spending is added up."""


@dataclass
class _Account:
    spent: deque[tuple[float, float]] = field(default_factory=deque)
    spent_total: float = 0.0
    """The sum of the seconds in ``spent``, kept as it changes (a busy client has thousands)."""
    errors: deque[float] = field(default_factory=deque)


@dataclass
class Budgets:
    """The query-time and error budgets of every client seen in the last minute; thread-safe."""

    query_seconds: float
    errors: int
    clock: Callable[[], float] = time.monotonic
    _accounts: dict[str, _Account] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, client: str) -> None:
        """Raise 429 with ``Retry-After`` if ``client`` has spent either budget."""
        with self._lock:
            account = self._current(client)
            now = self.clock()
            spent, first_spent = account.spent_total, account.spent[0][0] if account.spent else now
            errors, first_error = len(account.errors), account.errors[0] if account.errors else now
        if spent >= self.query_seconds:
            self._refuse(first_spent + WINDOW - now, "query time")
        if errors >= self.errors:
            self._refuse(first_error + WINDOW - now, "failed queries")

    def charge_time(self, client: str, seconds: float) -> None:
        """Add ``seconds`` of query time to ``client``'s spending."""
        with self._lock:
            account = self._current(client)
            account.spent.append((self.clock(), seconds))
            account.spent_total += seconds

    def charge_error(self, client: str) -> None:
        """Count one failed query against ``client``."""
        with self._lock:
            self._current(client).errors.append(self.clock())

    def _current(self, client: str) -> _Account:
        """The client's account with spending older than the window dropped."""
        horizon = self.clock() - WINDOW
        account = self._accounts.setdefault(client, _Account())
        while account.spent and account.spent[0][0] < horizon:
            account.spent_total -= account.spent.popleft()[1]
        if not account.spent:
            account.spent_total = 0.0  # no rounding error outlives the spending
        while account.errors and account.errors[0] < horizon:
            account.errors.popleft()
        if len(self._accounts) > 10_000:  # forget idle clients, so memory stays bounded
            for idle in [
                name for name, a in self._accounts.items() if not a.spent and not a.errors
            ]:
                del self._accounts[idle]
        return account

    @staticmethod
    def _refuse(wait: float, what: str) -> None:
        error = TooManyRequests(
            f"this client has used its budget of {what} for the last minute; try again later"
        )
        error.retry_after = max(1, int(wait) + 1)
        raise error
