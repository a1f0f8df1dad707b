"""A bar chart of SELECT results that pair a label with a number (counts per network, say)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    f"{XSD}{name}"
    for name in (
        "integer", "decimal", "double", "float", "int", "long", "short", "byte",
        "nonNegativeInteger", "positiveInteger", "unsignedInt", "unsignedLong",
    )
}  # fmt: skip
"""Datatypes whose values a bar can stand for."""
MAX_BARS = 50
"""Results with more rows than this are left as a table."""


@dataclass(frozen=True)
class Bar:
    """One bar: what it is, its value, and its length as a share of the longest."""

    label: str
    value: float
    text: str
    share: float


def bars(table: dict[str, Any], name_of: Callable[[str], str]) -> list[Bar]:
    """Bars for a SELECT result of two columns, one a label (text or IRI) and one a number,
    in the order of the rows; empty for any other shape. ``name_of`` names an IRI."""
    names = table.get("head", {}).get("vars", [])
    rows = table.get("results", {}).get("bindings", [])
    if len(names) != 2 or not 0 < len(rows) <= MAX_BARS:
        return []
    for label_column, number_column in (names, names[::-1]):
        if all(_is_number(row.get(number_column)) for row in rows) and all(
            row.get(label_column) and not _is_number(row.get(label_column)) for row in rows
        ):
            values = [float(row[number_column]["value"]) for row in rows]
            longest = max((abs(value) for value in values), default=0.0) or 1.0
            return [
                Bar(
                    label=_label(row[label_column], name_of),
                    value=value,
                    text=row[number_column]["value"],
                    share=abs(value) / longest,
                )
                for row, value in zip(rows, values, strict=True)
            ]
    return []


def _is_number(cell: dict[str, str] | None) -> bool:
    if not cell:
        return False
    return cell.get("type") == "literal" and cell.get("datatype") in NUMERIC


def _label(cell: dict[str, str], name_of: Callable[[str], str]) -> str:
    return name_of(cell["value"]) if cell["type"] == "uri" else cell["value"]
