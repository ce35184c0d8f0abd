"""A long table's rows written as sheet XML by us, then spliced into the workbook XlsxWriter wrote.

Why: in a province merge XlsxWriter's per-cell work (argument checks, a cell record, an
attribute list, escaping in three passes, one row behind) was about 60% of the whole run, for
2.4 million cells of plain values. A :class:`RowStream` takes a sheet's rows from its first
data row on and writes each as the ``<row>`` element XlsxWriter's constant-memory mode writes
(inline strings, the same attributes in the same order: a test compares both, part by part),
into a temporary file of its own. :func:`close_workbook` closes the XlsxWriter workbook and
puts those rows into their sheets' ``<sheetData>``, widening ``<dimension>`` to match. Everything
else of the sheet — widths, panes, filter, validations, page set-up — stays XlsxWriter's.

What the cells mean is decided by :mod:`zjkcollect.outputs` for both writers (text is always a
string cell, quote-prefixed when Excel would read it as a formula). One difference from
XlsxWriter on purpose: text that starts with ``<r>`` and ends with ``</r>`` is escaped like any
other; XlsxWriter would copy it into the file as rich-text XML, which an inbox must not decide.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from zjkcollect.guard import sheet_parts
from zjkcollect.outputs import as_cell_text, atomic_write, is_formula_like, quote_prefixed

# What XlsxWriter escapes in cell text: XML's three, control characters as _xHHHH_ (and an
# existing _xHHHH_ by escaping its underscore), the two non-characters.
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b-\x1f\ufffe\uffff]|_x[0-9a-fA-F]{4}_")
_ESCAPED_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile("([\x00-\x08\x0b-\x1f])")
_DEFAULT_ROW_PIXELS = 20  # XlsxWriter's default row height (15 points)
_EXCEL_EPOCH = dt.datetime(1899, 12, 31)
_SHEET_DATA_END = re.compile(r"</sheetData>|<sheetData/>")
_DIMENSION = re.compile(r'<dimension ref="([A-Z0-9:]+)"/>')
_ROW_NUMBER = re.compile(r'<row r="(\d+)"')


def _escaped(text: str) -> str:
    """Cell text as XlsxWriter writes an inline string: control characters first, then XML's three."""
    text = _ESCAPED_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda match: f"_x{ord(match.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def excel_serial(value: dt.date) -> float:
    """A date or naive datetime as Excel's serial number (1900 system), as XlsxWriter computes it."""
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromordinal(value.toordinal())
    delta = moment - _EXCEL_EPOCH
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    if isinstance(value, dt.datetime) and moment.isocalendar() == (1900, 1, 1):
        serial -= 1  # Excel's time-only day is 1899-12-31, Python's 1900-01-01
    return serial + 1 if serial > 59 else serial  # Excel's phantom 1900-02-29


class RowStream:
    """The rows of one XlsxWriter worksheet from ``first_row`` (1-based) down, top to bottom.

    Takes the two calls a table makes of a sheet: ``set_row`` (0-based row, height in points,
    before the row's cells) and, through :func:`zjkcollect.outputs.put_row`, one whole row of
    cells. Each row is given once, in increasing order; XlsxWriter keeps writing the rows
    above ``first_row`` and everything that is not a cell.
    """

    def __init__(self, sheet: Any, first_row: int) -> None:
        self.sheet = sheet
        self.name: str = sheet.name
        self.first_row = first_row
        self._default_date_style = getattr(sheet, "default_date_format", None)
        # closed by close_workbook (discard), whatever happens to the workbook
        self._file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self._write = self._file.write
        self._last_row = first_row - 1
        self._height_row: tuple[int, int] | None = None  # a row given a height, its cells not yet written
        self._xf: dict[int, tuple[Any, str]] = {}  # id(format) -> (format, ' s="N"')
        self._columns: list[str] = []
        # what the rows cover, 0-based, as XlsxWriter's <dimension> counts it: rows, then columns of cells
        self.rows: tuple[int, int] | None = None
        self.columns: tuple[int, int] | None = None
        sheet.zjk_workbook.__dict__.setdefault("zjk_row_streams", []).append(self)

    def set_row(self, row: int, height: float | None = None) -> None:
        """The height (points) of 0-based ``row``, given before its cells, as XlsxWriter's ``set_row``."""
        self._flush_height()
        self._claim(row + 1)
        pixels = _DEFAULT_ROW_PIXELS if height is None else int(height * 4.0 / 3.0 + 0.5)
        self._height_row = (row + 1, pixels)

    def put_row(self, row: int, first: int, values: Sequence[object], styles: Sequence[Any]) -> None:
        """Write 1-based ``row`` from 1-based column ``first``: one ``<row>`` element."""
        pending = self._height_row
        if pending is not None and pending[0] == row:
            self._height_row, height = None, pending[1]
        else:
            self._flush_height()
            self._claim(row)
            height = None
        cells = self._cells(row, first - 1, values, styles)
        if cells or height is not None:
            self._cover(row - 1)
        if cells:  # a height alone is counted, not written (see _flush_height)
            self._write(f'<row r="{row}"{_height_attributes(height)}>{cells}</row>')

    def _cells(self, row: int, first: int, values: Sequence[object], styles: Sequence[Any]) -> str:
        columns = self._column_names(first + len(values))
        suffix = str(row)
        parts: list[str] = []
        append = parts.append
        xf = self._xf
        written: list[int] = []
        for column, value, style in zip(range(first, first + len(values)), values, styles, strict=True):
            if value is None or value == "":
                if style is None:
                    continue  # XlsxWriter writes no cell for a blank without a format
                kind, body = "", None
            elif value.__class__ is str or not isinstance(value, int | float | dt.date):
                text = as_cell_text(value)
                if is_formula_like(text):
                    style = quote_prefixed(self.sheet, style)
                if _NEEDS_ESCAPE.search(text):
                    text = _escaped(text)
                space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
                kind, body = ' t="inlineStr"', f"<is><t{space}>{text}</t></is>"
            elif isinstance(value, bool):
                kind, body = ' t="b"', f"<v>{int(value)}</v>"
            elif isinstance(value, int | float):
                if isinstance(value, float) and not math.isfinite(value):
                    raise TypeError("NAN/INF not supported in write_number()")  # what XlsxWriter says
                kind, body = "", f"<v>{value:.16G}</v>"
            else:
                if style is None:
                    style = self._default_date_style
                kind, body = "", f"<v>{excel_serial(value):.16G}</v>"
            if style is None:
                attributes = ""
            else:
                known = xf.get(id(style))
                if known is None:  # the format's index in styles.xml, given when first used
                    known = xf[id(style)] = (style, f' s="{style._get_xf_index()}"')
                attributes = known[1]
            ref = columns[column] + suffix
            append(
                f'<c r="{ref}"{attributes}{kind}/>' if body is None else f'<c r="{ref}"{attributes}{kind}>{body}</c>'
            )
            written.append(column)
        if written:
            low, high = written[0], written[-1]
            self.columns = (
                (low, high) if self.columns is None else (min(self.columns[0], low), max(self.columns[1], high))
            )
        return "".join(parts)

    def _column_names(self, count: int) -> list[str]:
        from xlsxwriter.utility import xl_col_to_name  # XlsxWriter is imported only when a workbook is written

        names = self._columns
        while len(names) < count:
            names.append(xl_col_to_name(len(names)))
        return names

    def _claim(self, row: int) -> None:
        if row < self.first_row or row <= self._last_row:
            raise ValueError(f"{self.name}: row {row} after row {self._last_row}: rows go top to bottom, once each")
        self._last_row = row

    def _cover(self, row: int) -> None:
        self.rows = (row, row) if self.rows is None else (self.rows[0], row)

    def _flush_height(self) -> None:
        """A row given a height and no cells: counted in the dimension, not written.

        As XlsxWriter's constant-memory mode does: it writes a row when a later row's cell
        arrives, and only the row it last wrote a cell to.
        """
        if self._height_row is not None:
            self._cover(self._height_row[0] - 1)
            self._height_row = None

    def finish(self) -> None:
        self._flush_height()
        self._file.flush()

    def copy_rows_to(self, target: Any) -> None:
        raw = self._file.buffer
        raw.seek(0)
        # 64 KiB pieces: glibc serves them from the heap it reuses (1 MiB pieces would raise its
        # mmap threshold and leave the heap grown for the rest of the run)
        shutil.copyfileobj(raw, target, 64 * 1024)

    def size(self) -> int:
        return self._file.buffer.seek(0, io.SEEK_END)

    def discard(self) -> None:
        self._file.close()


def _height_attributes(pixels: int | None) -> str:
    if pixels is None or pixels == _DEFAULT_ROW_PIXELS:
        return ""
    return f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def close_workbook(workbook: Any, path: Path) -> None:
    """Close an XlsxWriter workbook written to ``path`` and splice in its sheets' row streams."""
    streams: list[RowStream] = workbook.__dict__.get("zjk_row_streams", [])
    try:
        workbook.close()
        if streams:
            for stream in streams:
                stream.finish()
            _splice(path, streams)
    finally:
        for stream in streams:
            stream.discard()


def _splice(path: Path, streams: list[RowStream]) -> None:
    """The package at ``path`` again, with each stream's rows in its sheet (through a temp file beside it)."""
    # closed in reverse: the new package is complete before atomic_write moves it over the old
    with (
        atomic_write(path) as temp,
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        # the guard's reading of workbook.xml and its relationships: part -> sheet name
        by_name = {name: part for part, name in sheet_parts(source).items()}
        by_part = {by_name[stream.name]: stream for stream in streams}
        for info in source.infolist():
            stream = by_part.get(info.filename)
            if stream is None:
                target.writestr(info, source.read(info.filename))
                continue
            head, tail = _sheet_around_rows(source.read(info.filename).decode("utf-8"), stream)
            fresh = zipfile.ZipInfo(info.filename, info.date_time)
            fresh.compress_type, fresh.external_attr = info.compress_type, info.external_attr
            with target.open(fresh, "w", force_zip64=stream.size() > 1 << 30) as part:
                part.write(head.encode("utf-8"))
                stream.copy_rows_to(part)
                part.write(tail.encode("utf-8"))


def _sheet_around_rows(xml: str, stream: RowStream) -> tuple[str, str]:
    """The sheet's XML before and after where the stream's rows go, its dimension widened."""
    end = _SHEET_DATA_END.search(xml)
    if end is None:
        raise ValueError(f"{stream.name}: the sheet XlsxWriter wrote has no sheetData")
    rows_above = [int(number) for number in _ROW_NUMBER.findall(xml, 0, end.start())]
    if rows_above and max(rows_above) >= stream.first_row:
        raise ValueError(f"{stream.name}: row {max(rows_above)} written past the stream's first row {stream.first_row}")
    head, tail = xml[: end.start()], xml[end.start() :]
    if end.group() == "<sheetData/>":
        head, tail = head + "<sheetData>", "</sheetData>" + tail[len("<sheetData/>") :]
    if stream.rows is not None:
        head = _DIMENSION.sub(lambda match: _widened(match.group(1), stream, bool(rows_above)), head, count=1)
    return head, tail


def _widened(ref: str, stream: RowStream, cells_above: bool) -> str:
    """XlsxWriter's dimension of the rows above, widened by the stream's rows and cells."""
    from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

    assert stream.rows is not None
    top, bottom = stream.rows
    left, right = stream.columns if stream.columns is not None else (None, None)
    first, _, last = ref.partition(":")
    (row1, col1), (row2, col2) = xl_cell_to_rowcol(first), xl_cell_to_rowcol(last or first)
    if cells_above:  # rows above (cells or heights): XlsxWriter counted them
        top, bottom = min(top, row1), max(bottom, row2)
    if cells_above or ref != "A1":  # a bare "A1" without rows above is XlsxWriter's "no dimension at all"
        left, right = (col1, col2) if left is None or right is None else (min(left, col1), max(right, col2))
    left, right = (0, 0) if left is None or right is None else (left, right)
    if (top, left) == (bottom, right):
        return f'<dimension ref="{xl_rowcol_to_cell(top, left)}"/>'
    return f'<dimension ref="{xl_rowcol_to_cell(top, left)}:{xl_rowcol_to_cell(bottom, right)}"/>'
