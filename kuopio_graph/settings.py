"""One settings object, read from command-line flags, the environment and a TOML file.

Precedence: flags, then ``KUOPIO_*`` environment variables, then the file named by
``--config`` or ``KUOPIO_CONFIG``, then the defaults below.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import KuopioGraphError
from .namespaces import DEFAULT_BASE

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout that holds the bundled ``ontology/``, ``data/``, ``shapes/`` and ``queries/``."""

ENV_PREFIX = "KUOPIO_"


def _paths(*names: str) -> tuple[Path, ...]:
    return tuple(PROJECT_ROOT / name for name in names)


@dataclass(frozen=True)
class Settings:
    """Everything that configures loading, validating and serving the graph."""

    base: str = field(default=DEFAULT_BASE, metadata={"help": "Base IRI of every minted resource."})
    ontology: tuple[Path, ...] = field(
        default=_paths("ontology"), metadata={"help": "Ontology files or folders."}
    )
    data: tuple[Path, ...] = field(
        default=_paths("data"),
        metadata={"help": "Data folders; each subfolder is one source's named graph."},
    )
    shapes: tuple[Path, ...] = field(
        default=_paths("shapes"), metadata={"help": "SHACL shapes files or folders."}
    )
    queries: tuple[Path, ...] = field(
        default=_paths("queries"),
        metadata={"help": "Folders of named example queries (.rq)."},
    )
    extra: tuple[Path, ...] = field(
        default=(),
        metadata={"help": "Further RDF files or folders, loaded into the default graph."},
    )

    def __post_init__(self) -> None:
        if not self.base.startswith(("http://", "https://")) or not self.base.endswith("/"):
            raise SettingsError(f"base must be an http(s) IRI ending in '/', not {self.base!r}")

    @classmethod
    def load(
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
                values[item.name] = raw.split(os.pathsep) if item.name != "base" else raw
        values.update({key: value for key, value in (flags or {}).items() if value is not None})
        return cls().with_values(values)

    def with_values(self, values: Mapping[str, Any]) -> Settings:
        """Return a copy with ``values`` applied, converting path lists to tuples of paths."""
        known = {item.name for item in fields(self)}
        unknown = set(values) - known
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        converted: dict[str, Any] = {
            key: value if key == "base" else tuple(Path(p) for p in _as_list(value))
            for key, value in values.items()
        }
        return replace(self, **converted)


class SettingsError(KuopioGraphError):
    """A setting has a value that cannot be used."""


def setting_help() -> dict[str, str]:
    """Return each setting's name and help text, for documentation and ``--help``."""
    return {item.name: item.metadata["help"] for item in fields(Settings)}


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
        key: value if key == "base" else [str(path.parent / item) for item in _as_list(value)]
        for key, value in table.items()
    }
