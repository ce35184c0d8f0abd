"""A RowStream writes a table's rows as XlsxWriter's constant-memory mode writes them.

Each test writes the same cells twice — through XlsxWriter and through a RowStream spliced in
by ``close_workbook`` — and compares the two workbooks part by part with the benchmark's own
comparator (``bench/same_outputs.py``: every part byte for byte, cell formats by what they are).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zjkcollect.outputs import FormatCache, add_worksheet, put_row
from zjkcollect.row_stream import RowStream, close_workbook, excel_serial

ROOT = Path(__file__).resolve().parent.parent
FIRST = 4  # title in row 1, headers in row 3, the stream from row 4


def _comparator() -> Any:
    spec = importlib.util.spec_from_file_location("same_outputs", ROOT / "bench" / "same_outputs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.difference


difference = _comparator()

Row = tuple[int, float | None, list[object], list[int]]  # gap above, height, values, format picks


def _write(path: Path, rows: list[Row], streamed: bool, below: list[object] | None = None) -> None:
    workbook = xlsxwriter.Workbook(
        str(path),
        {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    workbook.set_properties({"created": dt.datetime(2025, 6, 26)})  # both files the same, whenever written
    styles = FormatCache(workbook, font_name="宋体", font_size=11)
    formats = [None, styles(border=1), styles(border=1, num_format="yyyy-mm-dd"), styles(bold=True, text_wrap=True)]
    sheet = add_worksheet(workbook, "项目明细")
    sheet.set_column(0, 7, 14)
    sheet.set_row(0, 30)
    put_row(sheet, 1, 1, ["标题"], [styles(bold=True, font_size=16)])
    put_row(sheet, 3, 1, ["序号", "名称", "金额"], [styles(bold=True, border=1)] * 3)
    target: Any = RowStream(sheet, FIRST) if streamed else sheet
    row = FIRST - 1
    for gap, height, values, picks in rows:
        row += 1 + gap
        if height is not None:
            target.set_row(row - 1, height)
        put_row(target, row, 1, values, [formats[pick] for pick in picks])
    for offset, value in enumerate(below or [], start=2):
        put_row(target, row + offset, 2, [value], [formats[1]])
    sheet.freeze_panes(FIRST - 1, 0)
    sheet.autofilter(FIRST - 2, 0, max(row, FIRST) - 1, 7)
    close_workbook(workbook, path)


def _both(tmp_path: Path, rows: list[Row], below: list[object] | None = None) -> tuple[Path, Path]:
    old, new = tmp_path / "xlsxwriter.xlsx", tmp_path / "stream.xlsx"
    _write(old, rows, streamed=False, below=below)
    _write(new, rows, streamed=True, below=below)
    return old, new


TEXTS = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=12),
    st.sampled_from(
        [
            "_x0041_",
            "a\r\nb",
            " 前导空格",
            "末尾空格 ",
            "\n",
            "=SUM(A1:A3)",
            "+86 0313",
            "-",
            "@x",
            "\t制表",
            "&<>\"'",
            "\x01\x1f\x0b",
            "\ufffe\uffff",
            "𠀀𠀁 astral",
        ]
    ),
).filter(lambda text: not (text.startswith("<r>") and text.endswith("</r>")))
VALUES = st.one_of(
    st.none(),
    st.just(""),
    TEXTS,
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
)
ROWS = st.lists(
    st.integers(0, 8).flatmap(
        lambda width: st.tuples(
            st.integers(0, 2),
            st.one_of(st.none(), st.floats(1, 200), st.just(15.0)),
            st.lists(VALUES, min_size=width, max_size=width),
            st.lists(st.integers(0, 3), min_size=width, max_size=width),
        )
    ),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_stream_writes_what_xlsxwriter_writes(tmp_path: Path, rows: list[Row]) -> None:
    old, new = _both(tmp_path, rows)
    assert difference(old, new) is None


def test_cells_below_the_table_and_blank_rows_with_heights(tmp_path: Path) -> None:
    rows: list[Row] = [
        (0, 40.0, [1, "甲", 2.5], [1, 1, 1]),
        (1, 30.0, [None, None], [0, 0]),  # a height and no cell: counted, not written (as XlsxWriter)
        (0, None, [None, ""], [0, 0]),  # nothing at all
        (0, None, [2, "乙", None], [1, 1, 1]),
    ]
    old, new = _both(tmp_path, rows, below=["未报送联系人的单位（2个）", "某县"])
    assert difference(old, new) is None
    with zipfile.ZipFile(new) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert '<dimension ref="A1:C11"/>' in sheet  # the table and the notes below it, in columns A to C


def test_long_text_is_cut_in_utf16_units_like_excel(tmp_path: Path) -> None:
    text = "𠀀" * 16000 + "字" * 2000  # 34,000 UTF-16 units
    old, new = _both(tmp_path, [(0, None, [text], [1])])
    assert difference(old, new) is None
    cell = openpyxl.load_workbook(new)["项目明细"].cell(FIRST, 1).value
    assert len(cell.encode("utf-16-le")) // 2 <= 32767 and text.startswith(cell)


def test_rich_text_lookalike_from_an_inbox_stays_text(tmp_path: Path) -> None:
    hostile = "<r><t>x</t></r>"
    path = tmp_path / "stream.xlsx"
    _write(path, [(0, None, [hostile, "=1+1"], [1, 1])], streamed=True)
    sheet = openpyxl.load_workbook(path)["项目明细"]
    assert sheet.cell(FIRST, 1).value == hostile
    assert sheet.cell(FIRST, 2).value == "=1+1" and sheet.cell(FIRST, 2).data_type == "s"
    assert sheet.cell(FIRST, 2).quotePrefix


def test_rows_go_top_to_bottom_once(tmp_path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(tmp_path / "x.xlsx"), {"constant_memory": True})
    sheet = add_worksheet(workbook, "表")
    stream = RowStream(sheet, FIRST)
    put_row(stream, FIRST + 1, 1, ["a"])
    with pytest.raises(ValueError):
        put_row(stream, FIRST + 1, 1, ["b"])
    with pytest.raises(ValueError):
        put_row(stream, FIRST, 1, ["c"])
    with pytest.raises(ValueError):
        put_row(RowStream(add_worksheet(workbook, "表2"), FIRST), FIRST - 1, 1, ["above the stream"])
    close_workbook(workbook, tmp_path / "x.xlsx")


def test_a_cell_xlsxwriter_wrote_inside_the_stream_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = add_worksheet(workbook, "表")
    stream = RowStream(sheet, FIRST)
    put_row(stream, FIRST, 1, ["streamed"])
    put_row(sheet, FIRST + 2, 1, ["written by XlsxWriter below the stream's rows"])
    with pytest.raises(ValueError, match="past the stream"):
        close_workbook(workbook, path)


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(9999, 12, 31)))
def test_serial_numbers_are_xlsxwriters(moment: dt.datetime) -> None:
    from xlsxwriter.utility import _datetime_to_excel_datetime  # the reference, for this test only

    assert excel_serial(moment) == _datetime_to_excel_datetime(moment, False, False)
    assert excel_serial(moment.date()) == _datetime_to_excel_datetime(moment.date(), False, False)


@pytest.mark.parametrize("streaming", [True, False])
def test_rich_text_lookalikes_through_xlsxwriter_stay_text(tmp_path: Path, streaming: bool) -> None:
    """XlsxWriter writes text shaped like <r>…</r> as raw XML; through put() it stays the text."""
    texts = ["<r><t>x</t></r>", "<r>unclosed <t></r>", "<r></r>", "<r> 空格 </r>"]
    path = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": streaming})
    sheet = add_worksheet(workbook, "表")
    bold = workbook.add_format({"bold": True})
    for row, text in enumerate(texts, start=1):
        put_row(sheet, row, 1, [text, text], [None, bold])
    workbook.close()
    read = openpyxl.load_workbook(path)["表"]
    assert [[cell.value for cell in row] for row in read.iter_rows()] == [[text, text] for text in texts]
    assert read.cell(1, 2).font.b and not read.cell(1, 1).font.b
