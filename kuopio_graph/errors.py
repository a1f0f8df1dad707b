"""Errors the library raises; the command line and the web app map them to exit codes and HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class KuopioGraphError(Exception):
    """Base class of every error the library raises on purpose."""


@dataclass
class LoadError(KuopioGraphError):
    """A source file could not be read or parsed."""

    path: Path
    message: str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}"


class QuerySyntaxError(KuopioGraphError):
    """A SPARQL query did not parse; the message is the parser's."""


class QueryNotSupported(KuopioGraphError):
    """A query the engine reads but cannot run, such as one calling a function it does not
    know; the message is the engine's."""


class UnknownFormat(KuopioGraphError):
    """A format name or media type that no serialiser handles."""


class InvalidIRI(KuopioGraphError):
    """A string given as an IRI is not one."""


class StoreError(KuopioGraphError):
    """The remote store could not give an answer: nothing is wrong with the request."""


class StoreUnavailable(StoreError):
    """The store could not be reached (it is down, refuses connections, or is overloaded)."""


class StoreTimeout(StoreError):
    """The store did not answer within the time limit."""


class StoreFailed(StoreError):
    """The store answered with an error of its own, or with something that is no answer."""


class StoreUnsuitable(StoreFailed):
    """The store cannot give what the service needs (found when the service starts)."""
