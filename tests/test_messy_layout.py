"""Returns shaped the way clerks really fill forms: multi-row headers, header blocks, table ends, dates.

Every case is a real workbook written in code and compared as an exact ``(rule, sheet, cell)`` set.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter

from tests.builders import code
from tests.specs import ATTACHMENTS
from tests.workbooks import BAD_CHECKSUM, contact_row, libreoffice_convert, project_row, write_workbook
from zjkcollect import layout
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.codes import parse_date, read_date
from zjkcollect.header_block import read_header_block
from zjkcollect.inbox import validate_paths
from zjkcollect.layout import TableRows, locate_tables
from zjkcollect.reader import Grid, WorkbookData

CAMPAIGN = load_campaign()
R = Kind.REGISTERED


def found(path: Path) -> set[tuple[str, str, str | None]]:
    report = validate_paths([path], CAMPAIGN, workers=0)
    return {(finding.rule, finding.sheet, finding.cell) for finding in report.findings}


SHEET = "报表"
TITLE = "附件3 “数据要素×”大赛河北分赛参赛项目统计表"
BLOCK = ["填报单位", "怀来县", None, None, None, "统计截止日期", dt.date(2025, 6, 26)]
C2 = Kind.CONTACTS


def write_sheet(path: Path, rows: list[list[object]], merges: list[str] = ()) -> Path:
    """Write ``rows`` (None = empty cell) as given onto one sheet, merging ``merges`` (A1 ranges)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    for number, cells in enumerate(rows, start=1):
        for column, value in enumerate(cells, start=1):
            if value is not None:
                sheet.cell(row=number, column=column, value=value)
    for merged in merges:
        sheet.merge_cells(merged)
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def fields_of(kind: Kind) -> list[str]:
    return [column.field for column in ATTACHMENTS[kind].columns]


def data_rows(kind: Kind, rows: list[dict[str, object]]) -> list[list[object]]:
    """Rows as cells in the attachment's column order, numbered in 序号."""
    return [
        [number if name == "serial" else row.get(name) for name in fields_of(kind)]
        for number, row in enumerate(rows, start=1)
    ]


def cells_at(**by_column: object) -> list[object]:
    """One row's cells given by column letter: cells_at(A="序号", C="名称")."""
    width = max(column_index_from_string(letter) for letter in by_column)
    return [by_column.get(get_column_letter(index)) for index in range(1, width + 1)]


def one_row_header(kind: Kind) -> list[list[object]]:
    return [[column.header for column in ATTACHMENTS[kind].columns]]


def grouped_header(
    kind: Kind, groups: dict[str, list[tuple[str, str]]], top: int, merged: bool = True
) -> tuple[list[list[object]], list[str]]:
    """A two-row header: each group's name over its sub-headers, every other header over both rows.

    ``groups`` maps a group header to (field, sub-header) pairs of neighbouring columns. Without
    ``merged`` nothing is merged: the group's name stands in its first column only, as people type it.
    """
    upper: list[object] = []
    lower: list[object] = []
    merges: list[str] = []
    group_of = {name: (group, sub) for group, members in groups.items() for name, sub in members}
    for index, column in enumerate(ATTACHMENTS[kind].columns, start=1):
        letter = get_column_letter(index)
        if column.field in group_of:
            group, sub = group_of[column.field]
            first = groups[group][0][0] == column.field
            upper.append(group if first else None)
            lower.append(sub)
            if first and merged:
                last = get_column_letter(index + len(groups[group]) - 1)
                merges.append(f"{letter}{top}:{last}{top}")
        else:
            upper.append(column.header)
            lower.append(None)
            if merged:
                merges.append(f"{letter}{top}:{letter}{top + 1}")
    return [upper, lower], merges


UNIT_GROUP = [("unit_name", "名称"), ("credit_code", "统一社会信用代码"), ("unit_type", "单位类型")]
CONTACT_GROUP = [("contact_name", "姓名"), ("contact_phone", "联系电话")]
REGISTERED_GROUPS = {"参赛单位": UNIT_GROUP, "项目联系人": CONTACT_GROUP}


def clean_rows(count: int) -> list[dict[str, object]]:
    """``count`` different clean 附件3 projects."""
    return [
        project_row(R, project_name=f"项目{number}", credit_code=code(f"MA0F{number:04d}"))
        for number in range(1, count + 1)
    ]


def read(path: Path):
    report = validate_paths([path], CAMPAIGN, workers=0)
    return report.files[0]


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
        for reading in (read_date(written), read_date(written, 2025)):
            assert reading is not None and reading.day == day, written
            assert not reading.year_assumed and not reading.weekday_contradicted, written


@given(
    day=st.dates(min_value=dt.date(1960, 1, 1), max_value=dt.date(2110, 12, 31)),
    spelling=st.integers(0, 10),
    note=st.sampled_from(_NOTES[1:]),
    shift=st.integers(1, 6),
)
def test_a_weekday_note_naming_another_day_is_noticed_and_the_numbers_win(
    day: dt.date, spelling: int, note: str, shift: int
) -> None:
    noted = (day.weekday() + shift) % 7
    reading = read_date(_spellings(day)[spelling] + note.format(w=_WEEKDAYS[noted]))
    assert reading is not None and reading.day == day
    assert reading.weekday_contradicted and reading.noted_weekday == noted


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
        assert (reading.day, reading.year_assumed) == (expected, True) if expected else reading is None, written


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


# --- headers over two or three rows -----------------------------------------------------------


def registered_two_row(path: Path, rows: list[dict[str, object]], merged: bool = True) -> Path:
    header, merges = grouped_header(R, REGISTERED_GROUPS, top=3, merged=merged)
    return write_sheet(path, [[TITLE], BLOCK, *header, *data_rows(R, rows)], ["A1:O1", *merges])


def test_a_merged_two_row_header_is_read_as_one_header(tmp_path: Path) -> None:
    rows = clean_rows(3)
    result = read(registered_two_row(tmp_path / "a.xlsx", rows))
    table = result.tables[0].table
    assert (table.header_top, table.header_row) == (3, 4)
    assert table.columns["unit_name"] == 3 and table.columns["credit_code"] == 4 and table.columns["unit_type"] == 5
    assert table.columns["contact_name"] == 13 and table.columns["contact_phone"] == 14
    assert (result.reporter, result.date) == ("怀来县", dt.date(2025, 6, 26))
    assert [row.number for row in result.rows] == [5, 6, 7]
    assert [row.values["credit_code"] for row in result.rows] == [row["credit_code"] for row in rows]
    assert result.findings == []


def test_a_two_row_header_typed_without_merging_reads_the_same(tmp_path: Path) -> None:
    result = read(registered_two_row(tmp_path / "a.xlsx", clean_rows(2), merged=False))
    assert [row.number for row in result.rows] == [5, 6]
    assert result.findings == []


def test_findings_under_a_two_row_header_point_at_their_cells(tmp_path: Path) -> None:
    rows = clean_rows(2)
    rows[1] = {**rows[1], "credit_code": BAD_CHECKSUM, "contact_phone": "123"}
    assert found(registered_two_row(tmp_path / "a.xlsx", rows)) == {
        ("uscc-checksum", SHEET, "D6"),
        ("phone-invalid", SHEET, "N6"),
    }


def test_a_three_row_header_is_read_as_one_header(tmp_path: Path) -> None:
    header = [
        cells_at(
            A="序号",
            B="项目名称",
            C="参赛单位情况",
            G="参赛方向",
            J="报名状态",
            K="报名日期",
            L="参赛赛区",
            M="项目联系人",
            O="备注",
        ),
        cells_at(C="参赛单位", F="联合参赛单位", G="参赛赛道", H="参赛赛题", I="是否揭榜挂帅"),
        cells_at(C="名称", D="统一社会信用代码", E="单位类型", M="姓名", N="联系电话"),
    ]
    merges = ["A1:O1", "C3:F3", "G3:I3", "C4:E4", "M3:N4"]
    merges += [f"{letter}3:{letter}5" for letter in "ABJKLO"] + [f"{letter}4:{letter}5" for letter in "FGHI"]
    rows = clean_rows(4)
    result = read(write_sheet(tmp_path / "a.xlsx", [[TITLE], BLOCK, *header, *data_rows(R, rows)], merges))
    table = result.tables[0].table
    assert (table.header_top, table.header_row, table.missing) == (3, 5, [])
    assert [row.number for row in result.rows] == [6, 7, 8, 9]
    assert [row.values["unit_name"] for row in result.rows] == [row["unit_name"] for row in rows]
    assert result.findings == []


def test_header_cells_merged_down_over_two_rows(tmp_path: Path) -> None:
    header = [*one_row_header(R), []]
    merges = ["A1:O1"] + [f"{get_column_letter(index)}3:{get_column_letter(index)}4" for index in range(1, 16)]
    result = read(write_sheet(tmp_path / "a.xlsx", [[TITLE], BLOCK, *header, *data_rows(R, clean_rows(2))], merges))
    assert result.tables[0].table.header_row == 4
    assert [row.number for row in result.rows] == [5, 6]
    assert result.findings == []


def test_contacts_with_a_grouped_header_and_a_unit_name_column(tmp_path: Path) -> None:
    """附件4's 单位名称 header sits in the header's top row: it is a column, never the 填报单位 label."""
    groups = {"联系方式": [("office_phone", "办公电话"), ("mobile", "手机号码"), ("email", "电子邮箱")]}
    header, merges = grouped_header(C2, groups, top=3)
    people = [contact_row(role="主管领导", name="王局长", email=None), contact_row()]
    block = ["填报单位", "怀来县", None, None, "填报日期", dt.date(2025, 6, 20)]
    path = write_sheet(tmp_path / "a.xlsx", [["附件4 联系人信息表"], block, *header, *data_rows(C2, people)], merges)
    result = read(path)
    assert (result.kind, result.reporter, result.date) == (C2, "怀来县", dt.date(2025, 6, 20))
    assert result.tables[0].table.header_top == 3
    assert [row.values["email"] for row in result.rows] == [None, "lisi@example.com"]
    assert result.findings == []


def test_a_group_header_that_names_a_column_over_sub_headers_that_add_none(tmp_path: Path) -> None:
    """联系电话 merged over 手机 | 座机: the lower row is header, not a first data row."""
    headers = [column.header for column in ATTACHMENTS[R].columns]
    header = [[*headers[:14], None, headers[14]], cells_at(N="手机", O="座机")]
    merges = ["A1:P1", "N3:O3"] + [f"{get_column_letter(index)}3:{get_column_letter(index)}4" for index in range(1, 14)]
    rows = [[*row[:14], None, *row[14:]] for row in data_rows(R, clean_rows(2))]
    result = read(write_sheet(tmp_path / "a.xlsx", [[TITLE], BLOCK, *header, *rows], merges))
    assert result.tables[0].table.header_row == 4
    assert [row.number for row in result.rows] == [5, 6]
    assert result.findings == []


# --- the header block as people write it ------------------------------------------------------


def with_block(path: Path, block: list[object], merges: list[str] = (), kind: Kind = R, rows=None) -> Path:
    rows = rows if rows is not None else [project_row(kind)]
    return write_sheet(path, [[TITLE], block, *one_row_header(kind), *data_rows(kind, rows)], ["A1:O1", *merges])


JUNE_26 = dt.date(2025, 6, 26)
BLOCKS = {
    "one-cell-spaces": (["填报单位：怀来县      统计截止日期：2025/6/26"], ["A2:O2"]),
    "one-cell-date-first-newline": (["统计截止日期：2025/6/26\n填报单位：怀来县"], []),
    "one-cell-tab": (["填报单位：怀来县\t统计截止日期：2025年6月26日"], []),
    "one-cell-semicolon": (["填报单位：怀来县；统计截止日期：2025-06-26"], []),
    "one-cell-no-spaces": (["填报单位:怀来县统计截止日期:2025.6.26"], []),
    "label-name-colon": (["填报单位名称：", "怀来县", None, None, None, "统计截止日期：", JUNE_26], ["B2:D2"]),
    "label-stamp": (["填报单位（盖章）：怀来县", None, None, None, None, "统计截止日期", JUNE_26], []),
    "value-stamp": (["填报单位：怀来县（盖章）", None, None, None, None, "统计截止日期", JUNE_26], []),
    "label-baosong": (["报送单位：怀来县", None, None, None, None, "统计截止日期：2025-06-26"], []),
    "label-unit-name-stamp": (
        ["单位名称（盖章）", None, "怀来县", None, None, None, "日期", JUNE_26],
        ["A2:B2", "C2:E2"],
    ),
    "merged-label-and-value": (
        ["填报单位", None, "怀来县", None, None, None, "统计截止日期", None, JUNE_26],
        ["A2:B2", "C2:F2", "G2:H2", "I2:J2"],
    ),
    "spaced-label": (["填  报  单  位：怀来县", None, None, None, None, "统计截止日期：2025-06-26"], []),
    "label-then-shared-cell": (["填报单位：", "怀来县      统计截止日期：2025/6/26"], []),
    "date-weekday-note": (["填报单位：怀来县", None, None, None, None, "统计截止日期：2025年6月26日（周四）"], []),
    "date-weekday-word": (["填报单位：怀来县      统计截止日期：2025年6月26日 星期四"], []),
    "date-chinese-numerals": (["填报单位", "怀来县", None, None, None, "统计截止日期", "二〇二五年六月二十六日"], []),
    "date-with-time": (["填报单位", "怀来县", None, None, None, "统计截止日期", "2025-06-26 17:30"], []),
    "date-without-label": (["填报单位：怀来县 2025年6月26日"], []),
    "date-label-jiezhi-shijian": (["填报单位：怀来县", None, None, "截止时间：2025年6月26日"], []),
    "date-as-of-own-line": (["填报单位：怀来县", None, None, "（截至2025年6月26日）"], []),
    "date-as-of-no-brackets": (["填报单位：怀来县      截止到2025-06-26"], []),
}


@pytest.mark.parametrize(
    "title", [TITLE + "（截至2025年6月26日）", TITLE + "(2025年6月26日)", TITLE + "（数据截至2025.6.26）"]
)
def test_a_date_stated_in_the_title_is_the_tables_date(tmp_path: Path, title: str) -> None:
    rows = [[title], ["填报单位：怀来县"], *one_row_header(R), *data_rows(R, clean_rows(1))]
    result = read(write_sheet(tmp_path / "a.xlsx", rows, ["A1:O1"]))
    assert (result.reporter, result.date, result.findings) == ("怀来县", JUNE_26, [])


@pytest.mark.parametrize(
    ("top", "expected", "reporter"),
    [
        # the unit named only in the title (or a line above the header): read, with a warning there
        ([["怀来县" + TITLE], ["统计截止日期：2025-06-26"]], {("reporter-from-title", SHEET, "A1")}, "怀来县"),
        (
            [[TITLE], ["单位：怀来县", None, None, "统计截止日期：2025-06-26"]],
            {("reporter-from-title", SHEET, "A2")},
            "怀来县",
        ),
        # the unit's organ written out: counted as the registered unit, with a warning at the cell
        (
            [[TITLE], ["填报单位：怀来县人民政府", None, None, "统计截止日期：2025-06-26"]],
            {("reporter-read-as", SHEET, "A2")},
            "怀来县",
        ),
        (
            [[TITLE], ["填报单位", "怀来县数据和政务服务局", None, "统计截止日期：2025-06-26"]],
            {("reporter-read-as", SHEET, "B2")},
            "怀来县",
        ),
        # two units in the title: not guessed
        ([["怀来县、涿鹿县" + TITLE], ["统计截止日期：2025-06-26"]], {("reporter-missing", SHEET, None)}, None),
        # a name that merely resembles one is still unknown (and kept as written)
        (
            [[TITLE], ["填报单位：怀来", None, None, "统计截止日期：2025-06-26"]],
            {("reporter-unknown", SHEET, "A2")},
            "怀来",
        ),
    ],
)
def test_the_unit_is_found_where_reporters_put_it(
    tmp_path: Path, top: list[list[object]], expected: set, reporter: str | None
) -> None:
    rows = [*top, *one_row_header(R), *data_rows(R, clean_rows(1))]
    path = write_sheet(tmp_path / "a.xlsx", rows)
    assert found(path) == expected
    assert read(path).reporter == reporter


@pytest.mark.parametrize("name", list(BLOCKS))
def test_header_block_variants_read_the_unit_and_the_date(tmp_path: Path, name: str) -> None:
    block, merges = BLOCKS[name]
    result = read(with_block(tmp_path / "a.xlsx", block, merges))
    assert (result.reporter, result.date) == ("怀来县", JUNE_26)
    assert len(result.rows) == 1
    assert result.findings == []


def test_the_issue_example_unit_and_date_in_one_cell(tmp_path: Path) -> None:
    block = ["填报单位：阳原县      填报日期：2025/6/23"]
    rows = [project_row(Kind.SURVEY)]
    path = write_sheet(
        tmp_path / "a.xlsx", [["附件2 摸底统计表"], block, *one_row_header(Kind.SURVEY), *data_rows(Kind.SURVEY, rows)]
    )
    result = read(path)
    assert (result.kind, result.reporter, result.date) == (Kind.SURVEY, "阳原县", dt.date(2025, 6, 23))
    assert result.findings == []


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        # the date finding points at the cell that holds the date, shared with the unit or not
        (["填报单位：怀来县  统计截止日期：2025/6/25"], {("report-date-not-week", SHEET, "A2")}),
        (
            ["填报单位：怀来县", None, None, "统计截止日期：2025年6月25日（周三）"],
            {("report-date-not-week", SHEET, "D2")},
        ),
        (
            ["填报单位", "怀来县", None, None, None, "统计截止日期", None, "2025/6/25"],
            {("report-date-not-week", SHEET, "H2")},
        ),
        (["填报单位：怀来县  统计截止日期：6月26日"], {("date-year-assumed", SHEET, "A2")}),
        # 2025-06-26 is a Thursday: a note that says otherwise is a warning at the date's cell
        (
            ["填报单位：怀来县", None, None, "统计截止日期：2025年6月26日（周三）"],
            {("date-weekday-mismatch", SHEET, "D2")},
        ),
        (["填报单位：怀来县  统计截止日期：2025/6/26 星期五"], {("date-weekday-mismatch", SHEET, "A2")}),
        (["填报单位：怀来 统计截止日期：2025/6/26"], {("reporter-unknown", SHEET, "A2")}),
        (["填报单位名称：", None, None, "统计截止日期：2025/6/26"], {("reporter-missing", SHEET, "B2")}),
        (["填报单位：怀来县", None, "统计截止日期：", None, "备注：无"], {("date-missing", SHEET, "D2")}),
    ],
)
def test_header_block_findings_point_at_the_value(tmp_path: Path, block: list[object], expected: set) -> None:
    assert found(with_block(tmp_path / "a.xlsx", block)) == expected


def test_a_date_without_a_year_is_read_in_the_campaign_year(tmp_path: Path) -> None:
    result = read(with_block(tmp_path / "a.xlsx", ["填报单位：怀来县", None, "统计截止日期：7月3日"]))
    assert result.date == dt.date(CAMPAIGN.campaign.year, 7, 3)
    (finding,) = result.findings
    assert (finding.rule, finding.cell, finding.severity.value) == ("date-year-assumed", "C2", "warning")


FOOTERS = {
    "unit-in-the-signature-line": (
        ["统计截止日期：2025-06-26"],
        [[None], ["填报单位：怀来县", None, None, "填报人：张三", None, "联系电话：0313-1234567"]],
    ),
    "empty-label-above-filled-below": (
        ["填报单位：", None, None, None, None, "统计截止日期", JUNE_26],
        [["填报单位（盖章）：怀来县"], [None, None, None, None, None, "    年   月   日"]],
    ),
    "unit-and-date-both-below": ([None], [["填报单位：怀来县      统计截止日期：2025年6月26日"]]),
    "the-block-above-wins": (BLOCK, [["填报单位：涿鹿县", None, None, "填报人：李四"]]),
}


@pytest.mark.parametrize("name", list(FOOTERS))
def test_a_unit_or_date_written_below_the_table_is_read(tmp_path: Path, name: str) -> None:
    block, footer = FOOTERS[name]
    rows = [[TITLE], block, *one_row_header(R), *data_rows(R, clean_rows(2)), *footer]
    result = read(write_sheet(tmp_path / "a.xlsx", rows, ["A1:O1"]))
    assert (result.reporter, result.date) == ("怀来县", JUNE_26)
    assert len(result.rows) == 2
    assert result.findings == []


def test_a_finding_on_a_unit_written_below_points_at_its_cell(tmp_path: Path) -> None:
    footer = [[None], [None, "填报单位：怀来 ", None, "填报人：张三"]]
    rows = [[TITLE], ["统计截止日期：2025-06-26"], *one_row_header(R), *data_rows(R, clean_rows(2)), *footer]
    assert found(write_sheet(tmp_path / "a.xlsx", rows, ["A1:O1"])) == {("reporter-unknown", SHEET, "B7")}
    nowhere = [[TITLE], ["统计截止日期：2025-06-26"], *one_row_header(R), *data_rows(R, clean_rows(2))]
    assert {rule for rule, _, _ in found(write_sheet(tmp_path / "b.xlsx", nowhere, ["A1:O1"]))} == {"reporter-missing"}


# --- form lines under the header: 栏次, hints, the example row ---------------------------------


def _under_header(path: Path, lines: list[list[object]]) -> Path:
    rows = [[TITLE], BLOCK, *one_row_header(R), *lines, *data_rows(R, clean_rows(2))]
    return write_sheet(path, rows, ["A1:O1"])


WIDTH = len(one_row_header(R)[0])
EXAMPLE = data_rows(R, clean_rows(1))[0][1:]
FORM_LINES = {
    "column-numbers": ([list(range(1, WIDTH + 1))], set()),
    "column-numbers-as-text": ([[str(n) for n in range(1, WIDTH + 1)]], set()),
    "column-labels-then-numbers": ([["栏次", "甲", *range(1, WIDTH - 1)]], set()),
    "circled-numbers": ([[chr(0x2460 + n) for n in range(WIDTH)]], set()),
    "hints": ([[None, "填写项目全称", "与营业执照一致", "18位代码", "从下拉列表选择", "请填写"]], set()),
    "example": ([["示例", *EXAMPLE]], {("example-row-ignored", SHEET, "A4")}),
    "example-in-brackets": (
        [["（示例）", "XX项目", "XX公司", "9113XXXXXXXXXXXXXX"]],
        {("example-row-ignored", SHEET, "A4")},
    ),
    "numbers-blank-example": (
        [list(range(1, WIDTH + 1)), [None], ["例", "XX项目"]],
        {("example-row-ignored", SHEET, "A6")},
    ),
}


@pytest.mark.parametrize("name", list(FORM_LINES))
def test_form_lines_under_the_header_are_not_data(tmp_path: Path, name: str) -> None:
    lines, expected = FORM_LINES[name]
    path = _under_header(tmp_path / "a.xlsx", lines)
    assert len(read(path).rows) == 2
    assert found(path) == expected


def test_a_half_filled_project_right_under_the_header_is_not_taken_for_hints(tmp_path: Path) -> None:
    line = [None, "请假审批数据平台", "张家口某某科技有限公司", None, None, None, "工业制造"]
    path = _under_header(tmp_path / "a.xlsx", [line])
    assert len(read(path).rows) == 3
    assert ("required-missing", SHEET, "D4") in found(path)


def test_form_lines_are_only_looked_for_right_under_the_header(tmp_path: Path) -> None:
    # a 示例 row among the data is a row like any other: read, checked and reported, never dropped
    rows = [[TITLE], BLOCK, *one_row_header(R), *data_rows(R, clean_rows(1)), ["示例", "XX项目"]]
    path = write_sheet(tmp_path / "a.xlsx", rows, ["A1:O1"])
    assert len(read(path).rows) == 2
    assert "example-row-ignored" not in {rule for rule, _, _ in found(path)}


# --- where the table ends ---------------------------------------------------------------------


def with_rows(path: Path, rows: list[list[object]], merges: list[str] = ()) -> Path:
    """The canonical title, header block and header (rows 1-3), then ``rows`` from row 4."""
    return write_sheet(path, [[TITLE], BLOCK, *one_row_header(R), *rows], ["A1:O1", *merges])


TWO, THREE = data_rows(R, clean_rows(2)), data_rows(R, clean_rows(3))
HEADER = one_row_header(R)[0]
# (rows written from row 4, merges, the sheet rows that are data)
ENDS = {
    "total-merged": ([*TWO, ["合计"], THREE[2]], ["A6:C6"], [4, 5, 7]),
    "subtotal-with-a-count": ([*TWO, [None, "小计", "2"], THREE[2]], [], [4, 5, 7]),
    "grand-total-across": ([*TWO, ["总计：2个项目"]], ["A6:O6"], [4, 5]),
    "total-in-another-column": ([*TWO, cells_at(H="合  计"), THREE[2]], [], [4, 5, 7]),
    "notes": ([*TWO, ["注：1.统一社会信用代码填18位。"], ["2.每周四前报送。"]], ["A6:O6", "A7:O7"], [4, 5]),
    "explanation-then-text-in-data-columns": (
        [*TWO, ["说明：本表由各县区填报"], [None, "二、联系人填手机"]],
        [],
        [4, 5],
    ),
    "filled-by-checked-by": (
        [*TWO, cells_at(A="填表人：王五", F="审核人：李四", K="联系电话：13800000000")],
        [],
        [4, 5],
    ),
    "signature-words-in-their-own-cells": (
        [*TWO, cells_at(A="填表人", B="王五", E="审核人", F="李四", J="联系电话", K="13800000000")],
        [],
        [4, 5],
    ),
    "total-with-counts": ([*TWO, cells_at(A="合计", B=2, E=2, G=1, H=2), THREE[2]], [], [4, 5, 7]),
    "contact-line": ([*TWO, ["联系人：张三  电话：13800000000"]], [], [4, 5]),
    "signature-and-date": ([*TWO, cells_at(B="负责人签字：", J="单位（盖章）"), cells_at(J=JUNE_26)], [], [4, 5]),
    "seal-and-blank-date": ([*TWO, [], cells_at(L="（公章）"), cells_at(L="    年    月    日")], [], [4, 5]),
    "date-line-alone": ([*TWO, cells_at(K="2025年6月26日")], [], [4, 5]),
    "repeated-header": ([*TWO, HEADER, THREE[2]], [], [4, 5, 7]),
    "blank-row-in-the-middle": ([THREE[0], [], THREE[1], [], [], THREE[2]], [], [4, 6, 9]),
    "data-after-the-signature-is-still-read": ([*TWO, ["填表人：王五"], THREE[2]], [], [4, 5, 7]),
}


@pytest.mark.parametrize("name", list(ENDS))
def test_rows_that_are_not_data_are_left_out_and_nothing_else(tmp_path: Path, name: str) -> None:
    rows, merges, expected = ENDS[name]
    result = read(with_rows(tmp_path / "a.xlsx", rows, merges))
    assert [row.number for row in result.rows] == expected
    assert result.findings == []


def test_a_subtotal_row_is_not_read_as_a_project(tmp_path: Path) -> None:
    rows = [*TWO, ["小计", None, None, None, None, None, None, None, None, None, None, None, None, None, "2项"]]
    path = with_rows(tmp_path / "a.xlsx", rows)
    assert found(path) == set()
    assert len(read(path).rows) == 2


@pytest.mark.parametrize(
    "name",
    [
        "说明书智能审核平台",
        "审核人工智能平台",
        "合计算力调度平台",
        "注册企业服务平台",
        "总计划管理系统",
        "填表人员培训平台",
        "小计量器具检定数据平台",
    ],
)
def test_a_project_whose_name_starts_with_a_footer_word_is_data(tmp_path: Path, name: str) -> None:
    rows = data_rows(R, [*clean_rows(2), project_row(R, project_name=name, credit_code=code("MA0F0003"))])
    result = read(with_rows(tmp_path / "a.xlsx", [rows[2], *rows[:2]]))
    assert [row.values["project_name"] for row in result.rows] == [name, "项目1", "项目2"]
    assert result.findings == []


def test_a_half_filled_row_is_read_and_reported_not_dropped(tmp_path: Path) -> None:
    """Neither data-shaped nor a footer: read as data, so the reporter hears what is missing."""
    half = cells_at(B="审核人工智能平台", C="张家口某公司")
    path = with_rows(tmp_path / "a.xlsx", [*TWO, half])
    missing = {
        ("required-missing", SHEET, f"{get_column_letter(index)}6")
        for index, column in enumerate(ATTACHMENTS[R].columns, start=1)
        if column.required and column.field not in {"project_name", "unit_name"}
    }
    assert found(path) == missing
    assert [row.number for row in read(path).rows] == [4, 5, 6]


# --- a real client's round trip ---------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过真实客户端测试")
@pytest.mark.parametrize("target", ["xls", "ods", "xlsx"])
def test_a_messy_multi_row_header_file_reads_identically_after_libreoffice(tmp_path: Path, target: str) -> None:
    header, merges = grouped_header(R, REGISTERED_GROUPS, top=3)
    rows = clean_rows(3)
    rows[1] = {**rows[1], "credit_code": BAD_CHECKSUM}
    block = ["填报单位名称：怀来县      统计截止日期：2025年6月26日（周四）"]
    sheet = [[TITLE], block, *header, *data_rows(R, rows), ["小计", None, "3"], [], ["注：本表每周四报送。"]]
    source = write_sheet(tmp_path / "src" / "messy.xlsx", sheet, ["A1:O1", "A2:O2", "A8:B8", "A10:O10", *merges])
    converted = libreoffice_convert(source, target, tmp_path / "converted")
    original, other = read(source), read(converted)
    assert other.format == target
    assert (other.reporter, other.date) == (original.reporter, original.date) == ("怀来县", JUNE_26)
    assert [(row.number, row.values) for row in other.rows] == [(row.number, row.values) for row in original.rows]
    assert len(original.rows) == 3
    assert found(converted) == found(source) == {("uscc-checksum", SHEET, "D6")}


def test_one_header_cell_merged_down_by_accident_does_not_swallow_the_first_row(tmp_path: Path) -> None:
    result = read(with_rows(tmp_path / "a.xlsx", TWO, ["O3:O4"]))
    assert result.tables[0].table.header_row == 3
    assert [row.number for row in result.rows] == [4, 5]
    assert result.findings == []


def test_a_repeated_two_row_header_is_left_out(tmp_path: Path) -> None:
    header, merges = grouped_header(R, REGISTERED_GROUPS, top=3)
    again, merges_again = grouped_header(R, REGISTERED_GROUPS, top=7)
    rows = data_rows(R, clean_rows(4))
    sheet = [[TITLE], BLOCK, *header, *rows[:2], *again, *rows[2:]]
    result = read(write_sheet(tmp_path / "a.xlsx", sheet, ["A1:O1", *merges, *merges_again]))
    assert [row.number for row in result.rows] == [5, 6, 9, 10]
    assert result.findings == []


@pytest.mark.parametrize("kind", [Kind.SURVEY, R])
def test_a_merged_two_row_header_of_either_project_table_is_clean(tmp_path: Path, kind: Kind) -> None:
    header, merges = grouped_header(kind, REGISTERED_GROUPS, top=3)
    rows = [project_row(kind, project_name=f"项目{n}", credit_code=code(f"MA0E{n:04d}")) for n in (1, 2)]
    block = ["填报单位：怀来县      填报日期：2025/6/20"]
    width = get_column_letter(len(ATTACHMENTS[kind].columns))
    path = write_sheet(
        tmp_path / "a.xlsx", [["标题"], block, *header, *data_rows(kind, rows)], [f"A1:{width}1", *merges]
    )
    result = read(path)
    assert (result.kind, result.reporter, result.date) == (kind, "怀来县", dt.date(2025, 6, 20))
    assert [row.values["credit_code"] for row in result.rows] == [row["credit_code"] for row in rows]
    assert {(f.rule, f.cell) for f in result.findings} == ({("report-date-not-week", "A2")} if kind is R else set())


# --- any mix of rows: every data row is read, nothing else --------------------------------------

NAMES = [
    "智慧工厂",
    "说明书智能审核平台",
    "审核人工智能平台",
    "合计算力调度平台",
    "注册企业服务平台",
    "小计量器具检定平台",
]
TOTALS = [["合计"], [None, "小计", 2], cells_at(H="总 计：3项"), ["合计", 3, None, None, 3, None, 1]]
TRAILERS = [
    ["注：1.本表每周四报送。"],
    ["2.信用代码填18位。"],
    cells_at(A="填表人：王五", F="审核人：李四"),
    cells_at(A="填表人", B="王五", E="审核人", F="李四", J="联系电话", K="13800000000"),
    cells_at(J="单位（盖章）"),
    cells_at(J="2025年6月26日"),
]


@given(
    body=st.lists(st.sampled_from(["data", "data", "data", "blank", "total", "header"]), min_size=1, max_size=12),
    names=st.lists(st.sampled_from(NAMES), min_size=12, max_size=12),
    totals=st.lists(st.sampled_from(TOTALS), min_size=12, max_size=12),
    trailer=st.lists(st.sampled_from(TRAILERS), max_size=4),
)
def test_every_data_row_is_read_and_nothing_else(
    body: list[str], names: list[str], totals: list, trailer: list
) -> None:
    sheet: list[list[object]] = [[TITLE], BLOCK, HEADER]
    expected = []
    for index, kind in enumerate(body):
        if kind == "data":
            row = project_row(R, project_name=f"{names[index]}{index}", credit_code=code(f"MA0D{index:04d}"))
            sheet.append(data_rows(R, [row])[0])
            expected.append(len(sheet))
        else:
            sheet.append({"blank": [], "total": totals[index], "header": HEADER}[kind])
    sheet += trailer
    # The grid as the reader hands it over: rectangular, "" where a cell is empty.
    width = max(len(row) for row in sheet)
    grid = Grid(
        name=SHEET, rows=[["" if cell is None else cell for cell in row] + [""] * (width - len(row)) for row in sheet]
    )
    (table,) = locate_tables(WorkbookData(path=Path("x.xlsx"), format="xlsx", sheets=[grid]), CAMPAIGN)
    assert [row.number for row in table.rows] == expected


UNIT_LABELS = ["填报单位", "填报单位名称", "填报单位（盖章）", "报送单位", "单位名称（盖章）", "填 报 单 位"]
DATE_LABEL_SPELLINGS = ["统计截止日期", "填报日期", "日期", "截止日期"]
SEPARATORS = [" ", "      ", "\t", "\n", "；", "，", "　", " | "]


@given(
    unit_label=st.sampled_from(UNIT_LABELS),
    date_label=st.sampled_from(DATE_LABEL_SPELLINGS),
    colon=st.sampled_from(["：", ":", "： "]),
    separator=st.sampled_from(SEPARATORS),
    date_first=st.booleans(),
    day=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2025, 12, 31)),
    spelling=st.integers(0, 10),
)
def test_unit_and_date_in_one_cell_in_any_order_and_separation(
    unit_label: str, date_label: str, colon: str, separator: str, date_first: bool, day: dt.date, spelling: int
) -> None:
    unit, date = f"{unit_label}{colon}张北县", f"{date_label}{colon}{_spellings(day)[spelling]}"
    cell = f"{date}{separator}{unit}" if date_first else f"{unit}{separator}{date}"
    reporter, found_date = read_header_block([["标题"], [None, cell]], "统计截止日期")
    assert (reporter.value, reporter.row, reporter.column) == ("张北县", 2, 2)
    assert (parse_date(found_date.value), found_date.row, found_date.column) == (day, 2, 2)


@given(
    body=st.lists(
        st.sampled_from(["data", "data", "no-code", "bad-code", "blank", "spaces", "total", "trailer", "label"]),
        min_size=0,
        max_size=14,
    ),
    names=st.lists(st.sampled_from(NAMES), min_size=14, max_size=14),
    totals=st.lists(st.sampled_from(TOTALS), min_size=14, max_size=14),
    trailers=st.lists(st.sampled_from(TRAILERS), min_size=14, max_size=14),
)
def test_rows_taken_a_column_at_a_time_are_the_rows_read_one_by_one(
    body: list[str], names: list[str], totals: list, trailers: list
) -> None:
    """The usual table's column-wise reading keeps and leaves out exactly the rows the row-wise one does."""
    sheet: list[list[object]] = [[TITLE], BLOCK, HEADER]
    for index, kind in enumerate(body):
        if kind in {"data", "no-code", "bad-code"}:
            spoilt = {"data": {}, "no-code": {"credit_code": None}, "bad-code": {"credit_code": "9113 0730"}}[kind]
            row = project_row(R, project_name=f"{names[index]}{index}", credit_code=code(f"MA0D{index:04d}"))
            sheet.append(data_rows(R, [{**row, **spoilt}])[0])
        else:
            sheet.append(
                {
                    "blank": [],
                    "spaces": ["  ", None, "\u3000"],
                    "total": totals[index],
                    "trailer": trailers[index],
                    "label": ["项目简介：无", None, "联系电话"],
                }[kind]
            )
    width = max(len(row) for row in sheet)
    grid = Grid(
        name=SHEET, rows=[["" if cell is None else cell for cell in row] + [""] * (width - len(row)) for row in sheet]
    )
    workbook = WorkbookData(path=Path("x.xlsx"), format="xlsx", sheets=[grid])
    original = layout._plain_columns
    taken: list[object] = []
    layout._plain_columns = lambda grid, candidate: taken.append(original(grid, candidate)) or taken[-1]  # type: ignore[assignment]
    try:
        (columnwise,) = locate_tables(workbook, CAMPAIGN)
    finally:
        layout._plain_columns = original
    assert taken and taken[0] is not None  # the column-wise reading did read this table
    layout._plain_columns = lambda grid, candidate: None  # type: ignore[assignment]
    try:
        (rowwise,) = locate_tables(workbook, CAMPAIGN)
    finally:
        layout._plain_columns = original
    assert isinstance(columnwise.rows, TableRows) and isinstance(rowwise.rows, TableRows)
    assert columnwise.rows.numbers == rowwise.rows.numbers
    assert columnwise.rows.columns == rowwise.rows.columns
    assert [row.values for row in columnwise.rows] == [row.values for row in rowwise.rows]


_CELLS = st.one_of(
    st.sampled_from(["", " ", "\u3000", "\t\n", "\xa0", "a", " a ", "张三", "0"]),
    st.text(max_size=3),
    st.floats(allow_nan=False),
    st.integers(),
    st.booleans(),
    st.dates(),
)


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(_CELLS, min_size=1, max_size=12))
def test_blank_cells_of_a_column_are_none_as_the_row_by_row_reading_has_them(cells: list[object]) -> None:
    """Empty and all-space texts become None, every other cell stays the very object it was."""
    got = layout._blanks_as_none(tuple(cells))
    assert len(got) == len(cells)
    for cell, value in zip(cells, got, strict=True):
        if type(cell) is str and (cell == "" or cell.isspace()):
            assert value is None
        else:
            assert value is cell
