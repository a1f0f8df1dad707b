"""The library's public names are deliberate: adding or removing one is a visible change."""

from __future__ import annotations

import doctest

import kuopio_graph
from kuopio_graph import formats, namespaces


def test_exported_names_are_sorted_and_exist() -> None:
    names = kuopio_graph.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(kuopio_graph, name), name


def test_docstring_examples_run() -> None:
    for module in (formats, namespaces):
        assert doctest.testmod(module).failed == 0
