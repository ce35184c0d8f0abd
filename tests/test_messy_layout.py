"""Returns shaped the way clerks really fill forms: multi-row headers, header blocks, table ends, dates.

Every case is a real workbook written in code and compared as an exact ``(rule, sheet, cell)`` set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.styles import Font

from tests.workbooks import project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.codes import DateReading, read_date
from zjkcollect.inbox import validate_paths

CAMPAIGN = load_campaign()
R = Kind.REGISTERED


def found(path: Path) -> set[tuple[str, str, str | None]]:
    report = validate_paths([path], CAMPAIGN, workers=0)
    return {(finding.rule, finding.sheet, finding.cell) for finding in report.findings}


# --- formulas without cached values -----------------------------------------------------------


def test_uncached_formula_is_reported_at_its_own_cell_beside_styled_empty_cells(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R, project_name="二期")]
    path = write_workbook(tmp_path / "a.xlsx", R, rows, rows_above=1)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet["A5"] = "=ROW()-3"
    sheet["A6"] = "=ROW()-3"
    # Styled empty cells at the ends of rows are written self-closed (<c r="P4" s="1"/>), as Excel does.
    for cell in ("P4", "P5", "P6"):
        sheet[cell].font = Font(bold=True)
    workbook.save(path)
    assert found(path) == {("formula-not-calculated", sheet.title, "A5"), ("formula-not-calculated", sheet.title, "A6")}


# --- dates as people write them ---------------------------------------------------------------

_CN = "〇一二三四五六七八九"
_WEEKDAYS = "一二三四五六日"


def _cn_number(number: int) -> str:
    """1..31 in Chinese numerals the way they are written in dates: 六, 十, 十二, 二十六, 三十一."""
    tens, units = divmod(number, 10)
    text = ("" if tens == 1 else _CN[tens]) + "十" if tens else ""
    return text + (_CN[units] if units else "")


def _spellings(day: dt.date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    cn_year = "".join(_CN[int(digit)] for digit in str(y))
    return [
        f"{y}-{m:02d}-{d:02d}",
        f"{y}-{m}-{d}",
        f"{y}/{m}/{d}",
        f"{y}.{m:02d}.{d:02d}",
        f"{y}{m:02d}{d:02d}",
        f"{y}年{m}月{d}日",
        f"{y} 年 {m:02d} 月 {d:02d} 日",
        f"{y}年{m}月{d}号",
        f"{cn_year}年{_cn_number(m)}月{_cn_number(d)}日",
        f"{y}年{_cn_number(m)}月{_cn_number(d)}日",
        f"{y}年{m}月{d}日".translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"}),
    ]


_NOTES = ["", "（周{w}）", "(星期{w})", " 星期{w}", "周{w}", "（礼拜{w}）"]
_TIMES = ["", " 10:30", " 08:05:09", "T00:00:00", " 14时30分", " 下午3点"]


@given(
    day=st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2110, 12, 31)),
    spelling=st.integers(0, 10),
    note=st.sampled_from(_NOTES),
    time=st.sampled_from(_TIMES),
)
def test_any_date_in_any_accepted_spelling_reads_as_itself(day: dt.date, spelling: int, note: str, time: str) -> None:
    text = _spellings(day)[spelling]
    weekday = _WEEKDAYS[day.weekday()]
    for written in (text, text + note.format(w=weekday), text + time, text + time + note.format(w=weekday)):
        assert read_date(written) == DateReading(day), written
        assert read_date(written, 2025) == DateReading(day), written


@given(day=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2024, 12, 31)), year=st.integers(1990, 2100))
def test_a_month_and_day_without_a_year_read_in_the_given_year(day: dt.date, year: int) -> None:
    expected = _make_day(year, day.month, day.day)
    weekday = _WEEKDAYS[day.weekday()]
    for written in (
        f"{day.month}月{day.day}日",
        f"{_cn_number(day.month)}月{_cn_number(day.day)}日",
        f"{day.month}月{day.day}号（周{weekday}）",
        f"{day.month}/{day.day}",
    ):
        assert read_date(written) is None, written
        reading = read_date(written, year)
        assert reading == (DateReading(expected, year_assumed=True) if expected else None), written


def _make_day(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:  # 2月29日 outside a leap year
        return None


@pytest.mark.parametrize(
    "text",
    [
        "二〇二五年十三月一日",
        "二〇二五年六月三十二日",
        "2025年6月",
        "周四",
        "6月",
        "13/40",
        "2025年6月26日x",
        "二五年六月一日",
    ],
)
def test_not_dates_even_with_a_year_to_assume(text: str) -> None:
    assert read_date(text, 2025) is None
