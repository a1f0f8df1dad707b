"""CSV that is safe to open in a spreadsheet program.

Excel and LibreOffice run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return before one) as a formula, which a value in the data could use to run
commands or leak other cells ("CSV injection"). This CSV has every such cell prefixed with an
apostrophe, which spreadsheets show as text; numbers such as ``-12.5`` are left as they are.
It starts with a byte-order mark so that Excel reads it as UTF-8. The plain CSV of the SPARQL
endpoint stays exactly as the SPARQL 1.1 specification says.
"""

from __future__ import annotations

import csv
import io

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a cell as a formula."""
BOM = "\ufeff"


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet will show it, never run it."""
    if not cell.startswith(TRIGGERS) or _is_number(cell):
        return cell
    return "'" + cell


def spreadsheet_csv(sparql_csv: bytes) -> bytes:
    """The SPARQL CSV results ``sparql_csv``, every cell neutralised, for spreadsheets."""
    rows = csv.reader(io.StringIO(sparql_csv.decode("utf-8"), newline=""))
    out = io.StringIO(newline="")
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue().encode("utf-8")


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return cell.strip() == cell
