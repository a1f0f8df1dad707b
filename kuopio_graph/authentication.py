"""HTTP authentication with a remote store, by the scheme the store asks for.

A store names its scheme in the ``WWW-Authenticate`` header of a 401 answer: Virtuoso's update
endpoint (``/sparql-auth``) asks for Digest, a proxy in front of Oxigraph or Jena Fuseki usually
for Basic. Before the first request with credentials, the store is asked once without them and
without a body (so that a large update is not sent only to be refused); a Digest challenge is
then answered with a digest of the password, anything else with Basic, as a store that asks for
nothing was always sent. The password is kept out of every ``repr`` and message.
"""

from __future__ import annotations

import base64
import threading
import urllib.error
import urllib.request
from collections.abc import Mapping
from email.message import Message
from http.client import HTTPException

PROBE_TIMEOUT = 10.0
"""Seconds the request that asks the store for its scheme may take."""


class Authenticator:
    """The ``Authorization`` header for each request to one store, from one user's credentials.

    Shared by the threads of a process: the digest's nonce count is kept under a lock.
    """

    def __init__(self, user: str, password: str) -> None:
        self._basic = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self._digest = urllib.request.AbstractDigestAuthHandler(_Passwords(user, password))
        self._challenge: dict[str, str] | None = None
        """The store's Digest challenge; empty for Basic; None until the store is asked."""
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "Authenticator(…)"

    def header(self, method: str, url: str, timeout: float = PROBE_TIMEOUT) -> str:
        """The ``Authorization`` header for a ``method`` request to ``url`` (asking the store
        for its scheme first, within ``timeout`` seconds, if it has not been asked)."""
        with self._lock:
            if self._challenge is None:
                self._challenge = _ask(url, timeout)
            challenge = self._challenge
            if not challenge:
                return self._basic
            request = urllib.request.Request(url, method=method)  # noqa: S310 - never opened
            answer = self._digest.get_authorization(request, challenge)
            if answer is None:
                raise ValueError("the store's digest challenge cannot be answered")
            return f"Digest {answer}"

    def refused(self, headers: Mapping[str, str] | Message | None = None) -> None:
        """The store answered 401 to credentials sent: take the challenge in ``headers``, or
        ask the store again before the next request (its nonce may have expired)."""
        with self._lock:
            self._challenge = _challenge(headers) if headers is not None else None


class _Passwords(urllib.request.HTTPPasswordMgr):
    """The one user's credentials, whatever the realm (the store's URL is known)."""

    def __init__(self, user: str, password: str) -> None:
        super().__init__()
        self._pair = (user, password)

    def find_user_password(self, realm: str | None, authuri: str) -> tuple[str, str]:
        return self._pair


def _ask(url: str, timeout: float) -> dict[str, str] | None:
    """The store's Digest challenge for ``url``, or ``{}`` (Basic) if it names none: a GET with
    no credentials, which an authenticating store answers 401 with its scheme. None if the
    store could not be asked (the request itself will then say why)."""
    probe = urllib.request.Request(url, method="GET")  # noqa: S310 - the store's own URL
    try:
        with urllib.request.urlopen(probe, timeout=timeout):  # noqa: S310
            return {}
    except urllib.error.HTTPError as error:
        with error:
            return _challenge(error.headers) if error.code == 401 else {}
    except (urllib.error.URLError, OSError, HTTPException):
        return None


def _challenge(headers: Mapping[str, str] | Message) -> dict[str, str]:
    """The parameters of a ``WWW-Authenticate: Digest …`` header, or ``{}`` for any other."""
    scheme, _, parameters = (headers.get("WWW-Authenticate") or "").strip().partition(" ")
    if scheme.lower() != "digest":
        return {}
    return urllib.request.parse_keqv_list(urllib.request.parse_http_list(parameters))
