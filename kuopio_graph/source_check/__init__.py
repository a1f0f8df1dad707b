"""Checking that the source documents still say what their passages quote: ``kuopio-graph
sources check`` fetches each page (:mod:`.fetch`), reads its text (:mod:`.page_text`) and looks
each passage up in it (:mod:`.matching`), and reports what it found (:mod:`.report`).

Only that command fetches: the web service never imports this package, and the library's
public names (``kuopio_graph/__init__.py``) leave it out.
"""

from __future__ import annotations

from .check import SourceDocument, check_sources, source_documents
from .fetch import Fetcher, NotFetched, user_agent
from .report import PassageCheck, SourceCheck, SourcesReport

__all__ = [
    "Fetcher",
    "NotFetched",
    "PassageCheck",
    "SourceCheck",
    "SourceDocument",
    "SourcesReport",
    "check_sources",
    "source_documents",
    "user_agent",
]
