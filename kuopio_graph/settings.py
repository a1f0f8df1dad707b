"""One settings object, read from command-line flags, the environment and a TOML file.

Precedence: flags, then ``KUOPIO_*`` environment variables, then the file named by
``--config`` or ``KUOPIO_CONFIG``, then the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import resources
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any

from .errors import KuopioGraphError
from .namespaces import DEFAULT_BASE

CHECKOUT = Path(__file__).resolve().parent.parent
"""The repository, when the package runs from a checkout (or an editable install of one)."""

ENV_PREFIX = "KUOPIO_"


def bundled(name: str) -> Path:
    """The bundled dataset's folder ``name`` (``ontology``, ``data``, ``shapes``, ``queries``).

    A wheel carries them inside the package, in ``kuopio_graph/bundled/`` (the build copies the
    repository's top-level folders there); a checkout has only the repository's own.
    """
    packaged = resources.files(__package__) / "bundled" / name
    return Path(str(packaged)) if packaged.is_dir() else CHECKOUT / name


def _paths(*names: str) -> tuple[Path, ...]:
    return tuple(bundled(name) for name in names)


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Everything that configures loading, validating and serving the graph."""

    base: str = _setting(DEFAULT_BASE, "Base IRI of every minted resource.")
    ontology: tuple[Path, ...] = _setting(_paths("ontology"), "Ontology files or folders.")
    data: tuple[Path, ...] = _setting(
        _paths("data"), "Data folders; each subfolder is one source's named graph."
    )
    shapes: tuple[Path, ...] = _setting(_paths("shapes"), "SHACL shapes files or folders.")
    queries: tuple[Path, ...] = _setting(
        _paths("queries"), "Folders of named example queries (.rq)."
    )
    extra: tuple[Path, ...] = _setting(
        (), "Further RDF files or folders, loaded into the default graph."
    )
    public_url: str = _setting(
        "",
        "The URL at which clients reach the service, ending in '/' (for the addresses that VoID,"
        " DCAT, the service description and the sitemap give); empty: the URL each request came"
        " in on.",
    )
    trusted_proxies: str = _setting(
        "",
        "Addresses or CIDR ranges of the reverse proxies in front of the service, separated by"
        " commas; X-Forwarded-For, -Proto and -Host are honoured only from them (empty: none).",
    )
    host: str = _setting("127.0.0.1", "Address the service listens on.")
    port: int = _setting(8080, "Port the service listens on.")
    workers: int = _setting(2, "Web server worker processes.")
    threads: int = _setting(2, "Requests each web server worker handles at once.")
    query_workers: int = _setting(2, "Query processes per web server worker.")
    query_timeout: float = _setting(10.0, "Seconds a SPARQL query may run before it is stopped.")
    max_results: int = _setting(10000, "Most rows (or triples) a SPARQL answer holds.")
    query_memory: int = _setting(1024, "Megabytes of memory a query may use beyond the store.")
    query_budget: float = _setting(60.0, "Seconds of query time a client may use per minute.")
    error_budget: int = _setting(30, "Failed queries a client may send per minute.")
    cache_size: int = _setting(
        64, "Megabytes of answers each web server process keeps for repeated requests."
    )
    access_log: bool = _setting(False, "Log every request on standard output.")
    store: str = _setting(
        "",
        "SPARQL 1.1 query endpoint of a remote store to serve from (empty: load the files into"
        " the embedded store). Credentials: KUOPIO_STORE_USER and KUOPIO_STORE_PASSWORD.",
    )
    store_update: str = _setting(
        "",
        "SPARQL 1.1 Update endpoint of the remote store, which publish writes to"
        " (empty: .../update beside .../query or .../sparql; Virtuoso's is .../sparql-auth).",
    )
    store_graph: str = _setting(
        "",
        "Named graph that holds the merged dataset in the remote store"
        " (empty: {base}graph/dataset).",
    )
    store_timeout_parameter: str = _setting(
        "",
        "A query parameter that gives the remote store the time limit: name={seconds} or"
        " name={milliseconds} (Virtuoso: timeout={milliseconds}); empty for none. The limit"
        " holds here either way.",
    )

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")) or not self.base.endswith("/"):
            raise SettingsError(f"base must be an http(s) IRI ending in '/', not {self.base!r}")
        if self.public_url and (
            not self.public_url.startswith(("http://", "https://"))
            or not self.public_url.endswith("/")
        ):
            raise SettingsError(
                f"public_url must be an http(s) URL ending in '/', not {self.public_url!r}"
            )
        try:
            _ = self.proxy_networks
        except ValueError as error:
            raise SettingsError(f"trusted_proxies: {error}") from None
        for name in ("store", "store_update"):
            url = getattr(self, name)
            if url and not url.startswith(("http://", "https://")):
                raise SettingsError(f"{name} must be an http(s) URL, not {url!r}")
        for name in (
            "port",
            "workers",
            "threads",
            "query_workers",
            "query_timeout",
            "max_results",
            "query_memory",
            "query_budget",
            "error_budget",
        ):
            if getattr(self, name) <= 0:
                raise SettingsError(f"{name} must be positive, not {getattr(self, name)!r}")

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The trusted proxies' addresses, as networks (one address is a network of one)."""
        return tuple(
            ip_network(entry.strip(), strict=False)
            for entry in self.trusted_proxies.split(",")
            if entry.strip()
        )

    @classmethod
    def read(
        cls,
        flags: Mapping[str, Any] | None = None,
        environ: Mapping[str, str] | None = None,
        config_file: Path | None = None,
    ) -> Settings:
        """Build settings from flags, environment variables and a TOML file, in that order."""
        environ = os.environ if environ is None else environ
        config_path = config_file or _optional_path(environ.get(f"{ENV_PREFIX}CONFIG"))
        values: dict[str, Any] = {}
        if config_path is not None:
            values.update(_read_toml(config_path))
        for item in fields(cls):
            raw = environ.get(ENV_PREFIX + item.name.upper())
            if raw:
                values[item.name] = raw.split(os.pathsep) if _is_paths(item.name) else raw
        values.update({key: value for key, value in (flags or {}).items() if value is not None})
        return cls().with_values(values)

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """Return a copy with ``values`` applied, each converted to its setting's type."""
        types = {item.name: type(getattr(self, item.name)) for item in fields(self)}
        unknown = set(values) - set(types)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        converted: dict[str, Any] = {}
        for key, value in values.items():
            try:
                if _is_paths(key):
                    converted[key] = tuple(Path(p) for p in _as_list(value))
                elif types[key] is str and isinstance(value, list):  # a list in a TOML file
                    converted[key] = ", ".join(str(item) for item in value)
                elif types[key] is bool:
                    converted[key] = _as_bool(value)
                else:
                    converted[key] = types[key](value)
            except (TypeError, ValueError):
                raise SettingsError(
                    f"{key} must be a {types[key].__name__}, not {value!r}"
                ) from None
        return replace(self, **converted)


class SettingsError(KuopioGraphError):
    """A setting has a value that cannot be used."""


def setting_help() -> dict[str, str]:
    """Return each setting's name and help text, for documentation and ``--help``."""
    return {item.name: item.metadata["help"] for item in fields(Settings)}


def _is_paths(name: str) -> bool:
    return name in {"ontology", "data", "shapes", "queries", "extra"}


def _as_bool(value: Any) -> bool:
    """``True``/``False``, or the words people write for them in files and variables."""
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in {"1", "true", "yes", "on"}:
        return True
    if word in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)


def _as_list(value: Any) -> list[Any]:
    return [value] if isinstance(value, str | Path) else list(value)


def _optional_path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from error
    # Relative paths in the file are relative to the file, not to the working directory.
    return {
        key: [str(path.parent / item) for item in _as_list(value)] if _is_paths(key) else value
        for key, value in table.items()
    }
