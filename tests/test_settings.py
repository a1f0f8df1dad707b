"""Settings: flags over environment over file over defaults, documented in the README."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuopio_graph import DEFAULT_BASE, Settings, SettingsError
from kuopio_graph.settings import setting_help

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_use_the_bundled_files() -> None:
    settings = Settings.read(environ={})
    assert settings.base == DEFAULT_BASE
    assert settings.data == (ROOT / "data",)


def test_precedence_flag_over_environment_over_file(tmp_path: Path) -> None:
    config = tmp_path / "kuopio.toml"
    config.write_text('base = "https://file.example/"\ndata = ["mydata"]\n')
    from_file = Settings.read(environ={}, config_file=config)
    assert from_file.base == "https://file.example/"
    assert from_file.data == (tmp_path / "mydata",)  # relative to the file
    environ = {"KUOPIO_BASE": "https://env.example/", "KUOPIO_CONFIG": str(config)}
    assert Settings.read(environ=environ).base == "https://env.example/"
    flags = {"base": "https://flag.example/"}
    assert Settings.read(flags, environ=environ).base == "https://flag.example/"


def test_environment_paths_are_separated_by_the_path_separator(tmp_path: Path) -> None:
    settings = Settings.read(environ={"KUOPIO_EXTRA": f"{tmp_path / 'a'}:{tmp_path / 'b'}"})
    assert settings.extra == (tmp_path / "a", tmp_path / "b")


@pytest.mark.parametrize("base", ["ftp://x/", "https://no-trailing-slash", "relative/"])
def test_a_base_that_cannot_serve_iris_is_refused(base: str) -> None:
    with pytest.raises(SettingsError, match="base"):
        Settings(base=base)


def test_unknown_settings_are_refused(tmp_path: Path) -> None:
    config = tmp_path / "kuopio.toml"
    config.write_text('colour = "blue"\n')
    with pytest.raises(SettingsError, match="colour"):
        Settings.read(environ={}, config_file=config)


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in setting_help():
        assert f"`KUOPIO_{name.upper()}`" in readme, name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("yes", True), ("false", False), ("0", False)],
)
def test_switches_read_the_words_people_write(raw: str, expected: bool) -> None:
    assert Settings.read(environ={"KUOPIO_ACCESS_LOG": raw}).access_log is expected


def test_a_switch_refuses_other_words() -> None:
    with pytest.raises(SettingsError, match="access_log"):
        Settings.read(environ={"KUOPIO_ACCESS_LOG": "sometimes"})
