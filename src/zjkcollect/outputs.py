"""Everything that writes an output file goes through here.

* :func:`put` is the one helper that writes an output cell, for both writers we use
  (XlsxWriter for new workbooks, openpyxl for marked-up copies of returned ones);
  :func:`put_row` writes a row of them the same way, and ``put`` is its one-cell case.
  Text is always stored as a string cell: a county's ``=HYPERLINK(...)`` stays inert
  text, and text that Excel would treat as a formula gets the quote-prefix flag.
* :func:`atomic_write` writes to a temp file beside the target and ``os.replace``-s it
  into place, so an interrupted run never leaves half a workbook; when the target is
  open in Excel (a PermissionError on Windows) the output goes to a time-stamped name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# Text starting with these would be read by Excel as a formula, a DDE call or a sign.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_MAX_CELL_CHARS = 32767
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_TRIGGERS)


def put(sheet: Any, row: int, column: int, value: object, style: Any = None) -> None:
    """Write ``value`` at 1-based (row, column) as data, never as a formula.

    ``sheet`` is an XlsxWriter worksheet or an openpyxl worksheet. ``style`` is an
    XlsxWriter Format or, for openpyxl, a dict of cell attributes (``font``, ``fill`` ...).
    The one-cell case of :func:`put_row`.
    """
    put_row(sheet, row, column, (value,), (style,))


def put_row(sheet: Any, row: int, column: int, values: Sequence[object], styles: Sequence[Any] | None = None) -> None:
    """Write ``values`` left to right from 1-based (row, column), each as :func:`put` writes one cell.

    ``styles`` gives each value its style (None: unstyled). A whole row in one call: a
    writer in XlsxWriter's constant-memory mode writes rows top to bottom, and the
    per-cell work here is the least that keeps text from the inbox inert.
    """
    if styles is None:
        styles = (None,) * len(values)
    own_rows = getattr(sheet, "put_row", None)  # a RowStream: a long table's rows as sheet XML
    if own_rows is not None:
        own_rows(row, column, values, styles)
    elif hasattr(sheet, "write_string"):
        _put_xlsxwriter(sheet, row - 1, column - 1, values, styles)
    else:
        for offset, (value, style) in enumerate(zip(values, styles, strict=True)):
            _put_openpyxl(sheet, row, column + offset, _clip(value), style)


def _clip(value: object) -> object:
    if isinstance(value, str) and len(value) > EXCEL_MAX_CELL_CHARS:
        return value[:EXCEL_MAX_CELL_CHARS]
    return value


def as_cell_text(value: object) -> str:
    """What a text cell of a new workbook holds for ``value``: its text, cut to Excel's limit.

    The limit counts UTF-16 units, as Excel (and XlsxWriter) do: a character beyond U+FFFF
    counts twice and is never split.
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) > EXCEL_MAX_CELL_CHARS // 2:
        units = 0
        for index, char in enumerate(text):
            units += 2 if ord(char) > 0xFFFF else 1
            if units > EXCEL_MAX_CELL_CHARS:
                return text[:index]
    return text


def _put_xlsxwriter(sheet: Any, row: int, first: int, values: Sequence[object], styles: Sequence[Any]) -> None:
    write_string, write_blank = sheet.write_string, sheet.write_blank
    for column, (value, style) in enumerate(zip(values, styles, strict=True), start=first):
        if value is None or value == "":
            write_blank(row, column, None, style)
        elif isinstance(value, bool):
            sheet.write_boolean(row, column, value, style)
        elif isinstance(value, int | float):
            sheet.write_number(row, column, value, style)
        elif isinstance(value, dt.datetime | dt.date):
            sheet.write_datetime(row, column, value, style)
        else:
            text = as_cell_text(value)
            if is_formula_like(text):
                style = quote_prefixed(sheet, style)
            if text.startswith("<r>") and text.endswith("</r>"):
                # XlsxWriter copies such text into the file as rich-text XML ("<r><t></r>" from an
                # inbox makes a workbook no program opens); as three plain runs it is escaped
                fragments = (text[:1], text[1:2], text[2:])
                sheet.write_rich_string(row, column, *fragments, *(() if style is None else (style,)))
                continue
            write_string(row, column, text, style)


def quote_prefixed(sheet: Any, style: Any) -> Any:
    """An XlsxWriter format equal to ``style`` plus quote-prefix, cached per workbook."""
    workbook = sheet.zjk_workbook
    cache: dict[int, Any] = workbook.__dict__.setdefault("_zjk_quote_formats", {})
    key = id(style)
    if key not in cache:
        properties = dict(getattr(style, "zjk_properties", {}) or {})
        properties["quote_prefix"] = True
        cache[key] = workbook.add_format(properties)
    return cache[key]


def _put_openpyxl(sheet: Any, row: int, column: int, value: object, style: Any) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        # control characters are not allowed in the file format; the validator already said so
        value = _ILLEGAL_XML.sub("", value)
        # Assigning through .value would turn "=..." into a formula; set the string directly.
        cell._value = value
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True
    else:
        cell.value = value
    for attribute, setting in (style or {}).items():
        setattr(cell, attribute, setting)


def add_format(workbook: Any, properties: dict[str, Any]) -> Any:
    """XlsxWriter ``add_format`` that remembers its properties, so quote-prefixed twins can be made."""
    fmt = workbook.add_format(properties)
    fmt.zjk_properties = dict(properties)
    return fmt


class FormatCache:
    """XlsxWriter formats made once per distinct set of properties, over shared defaults."""

    def __init__(self, workbook: Any, **defaults: Any) -> None:
        self.workbook = workbook
        self.defaults = defaults
        self.cache: dict[tuple[tuple[str, Any], ...], Any] = {}

    def __call__(self, **properties: Any) -> Any:
        properties = {**self.defaults, **properties}
        key = tuple(sorted(properties.items()))
        if key not in self.cache:
            self.cache[key] = add_format(self.workbook, properties)
        return self.cache[key]


def add_worksheet(workbook: Any, name: str) -> Any:
    sheet = workbook.add_worksheet(name)
    sheet.zjk_workbook = workbook
    return sheet


@contextmanager
def atomic_write(target: Path, on_redirect: Callable[[Path, Path], None] | None = None) -> Iterator[Path]:
    """Yield a temp path beside ``target``; on success move it into place.

    If the target is locked (open in Excel), the result is kept under a time-stamped
    name and ``on_redirect(target, actual)`` is called so the clerk can be told.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=".~zjk-", suffix=target.suffix, dir=target.parent)
    os.close(handle)
    temp = Path(temp_name)
    # mkstemp makes the file owner-only; outputs are ordinary documents, readable as the umask allows.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(temp, 0o666 & ~umask)
    try:
        yield temp
        try:
            os.replace(temp, target)
        except PermissionError:
            stamped = target.with_name(f"{target.stem}_{dt.datetime.now():%Y%m%d-%H%M%S}{target.suffix}")
            os.replace(temp, stamped)
            if on_redirect is not None:
                on_redirect(target, stamped)
    finally:
        if temp.exists():
            temp.unlink()
