"""A remote SPARQL 1.1 store as the back end, in place of the embedded one: reading it
(:mod:`.store`), answering the endpoint's queries from it (:mod:`.queries`), publishing the
dataset into it (:mod:`.publish`) and checking at start-up that it can serve
(:mod:`.suitability`), all over one HTTP client (:mod:`.protocol`)."""

from __future__ import annotations

from .protocol import PASSWORD_VARIABLE, USER_VARIABLE
from .publish import Published, PublishError, publish, update_url_for
from .queries import RemoteQueries
from .store import Endpoint, RemoteStore, dataset_graph, remote_store
from .suitability import check_store

__all__ = [
    "PASSWORD_VARIABLE",
    "USER_VARIABLE",
    "Endpoint",
    "PublishError",
    "Published",
    "RemoteQueries",
    "RemoteStore",
    "check_store",
    "dataset_graph",
    "publish",
    "remote_store",
    "update_url_for",
]
