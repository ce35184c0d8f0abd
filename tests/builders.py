"""Filled 附件2/3/4 workbooks built in code, in the canonical template layout.

Row 1 title, row 2 header block (A2 填报单位, B2 the unit; F2 the date label, G2 the date),
row 3 the canonical headers, data from row 4. Every credit code is made valid with
:func:`zjkcollect.codes.build_credit_code`, so a test only breaks a rule on purpose.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl

from tests.specs import ATTACHMENTS
from zjkcollect.attachments import Attachment, Kind
from zjkcollect.codes import build_credit_code
from zjkcollect.templates import FIRST_DATA_ROW, HEADER_BLOCK_ROW, header_block


def code(org8: str, division: str = "130730", registration: str = "91") -> str:
    """A valid credit code; ``org8`` is the 8-character organisation body, e.g. "MA0F1234"."""
    return build_credit_code(registration, division, org8)


def project(name: str, unit: str, org8: str, **overrides: Any) -> dict[str, Any]:
    """A 附件2/附件3 row that passes every check, keyed by field name."""
    row: dict[str, Any] = {
        "project_name": name,
        "unit_name": unit,
        "credit_code": code(org8),
        "unit_type": "企业",
        "legal_person": "是",
        "partners": None,
        "track": "工业制造",
        "topic": "智能制造数据应用",
        "jiebang": "否",
        "applied": "是",
        "summary": "以生产数据优化排产",
        "benefits": None,
        "platform_registered": "是",
        "status": "已报名",
        "registered_on": "2025-06-20",
        "division": "张家口赛区",
        "contact_name": "王工",
        "contact_phone": "13800000001",
        "note": None,
    }
    row.update(overrides)
    return row


def person(unit: str, role: str, name: str, mobile: str, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "unit": unit,
        "role": role,
        "name": name,
        "position": "科长" if role == "具体负责人" else "副局长",
        "office_phone": "0313-7680129",
        "mobile": mobile,
        "email": f"{mobile}@example.com" if role == "具体负责人" else None,
        "note": None,
    }
    row.update(overrides)
    return row


def write_attachment(
    path: Path,
    kind: Kind,
    reporter: str | None,
    date: dt.date | str | None,
    rows: Iterable[dict[str, Any]],
    mtime: float | None = None,
) -> Path:
    """Write one filled attachment workbook; ``mtime`` pins the file's modification time."""
    attachment = ATTACHMENTS[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = attachment.label
    sheet["A1"] = attachment.label
    sheet["B1"] = attachment.title
    sheet["A2"] = "填报单位"
    sheet["B2"] = reporter
    sheet["F2"] = attachment.date_label
    if date is not None:
        sheet["G2"] = dt.date.fromisoformat(date) if isinstance(date, str) else date
        sheet["G2"].number_format = "yyyy-mm-dd"
    for index, column in enumerate(attachment.columns, start=1):
        sheet.cell(row=3, column=index, value=column.header)
    for number, row in enumerate(rows, start=1):
        for index, column in enumerate(attachment.columns, start=1):
            value = number if column.field == "serial" else row.get(column.field)
            cell = sheet.cell(row=3 + number, column=index)
            if isinstance(value, str) and value.startswith("="):
                # A county's formula-looking text, stored as a string cell like Excel's '=… does.
                cell._value = value
                cell.data_type = "s"
            else:
                cell.value = value
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def fill_template(
    template: Path,
    target: Path,
    attachment: Attachment,
    reporter: str,
    day: dt.date | str,
    rows: Iterable[dict[str, Any]],
) -> Path:
    """A written template, filled in as a reporter would: header block, then one row per record.

    ``day`` as a date is typed into the date cell; as text, it is what the reporter wrote.
    """
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    block = header_block(attachment)
    sheet.cell(HEADER_BLOCK_ROW, block.reporter_value_column, reporter)
    sheet.cell(HEADER_BLOCK_ROW, block.date_value_column, day)
    for offset, row in enumerate(rows):
        for index, column in enumerate(attachment.columns, start=1):
            value = offset + 1 if column.field == "serial" else row.get(column.field)
            if value is not None:
                sheet.cell(FIRST_DATA_ROW + offset, index, value)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return target


def write_registered(
    path: Path, reporter: str, week: dt.date | str, rows: Iterable[dict[str, Any]], mtime: float | None = None
) -> Path:
    return write_attachment(path, Kind.REGISTERED, reporter, week, rows, mtime)


def write_survey(
    path: Path, reporter: str, date: dt.date | str, rows: Iterable[dict[str, Any]], mtime: float | None = None
) -> Path:
    return write_attachment(path, Kind.SURVEY, reporter, date, rows, mtime)


def write_contacts(
    path: Path, reporter: str, date: dt.date | str, rows: Iterable[dict[str, Any]], mtime: float | None = None
) -> Path:
    return write_attachment(path, Kind.CONTACTS, reporter, date, rows, mtime)


# --- a season ---------------------------------------------------------------------------------------
# Five units over two Thursdays (see tests/test_merge.py for what the roll-up must say):
# week 1: 桥东区 (5 projects' worth, one formula-looking name), 怀来县 (one project also reported by
#         桥东区), 张北县 (one row with a bad credit code; then silent), plus 桥东区's 附件2 and 附件4;
# week 2: 桥东区 resends 附件3.xlsx under the same name (a status change, a withdrawal, a project
#         dropped, a new one); 市工信局 reports 怀来县's project under another track (a conflict);
#         蔚县 sends its first file a day late; 怀来县 and 张北县 send nothing.

W1 = dt.date(2025, 6, 26)
W2 = dt.date(2025, 7, 3)
HYPERLINK = '=HYPERLINK("http://example.com","点我")'

P1 = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")
P2 = project(HYPERLINK, "张家口乙数据有限公司", "MA0F1232", track="城市治理", topic="城市运行监测")
P3 = project("葡萄酒溯源", "怀来丙酒业有限公司", "MA0F1233", track="现代农业", topic="农产品质量追溯")
P4 = project("风电运维", "张北丁能源有限公司", "MA0F1234", track="绿色低碳", topic="新能源运维")
P5_BAD = project("坏代码项目", "张北戊公司", "MA0F1235", credit_code="123")
P6 = project("冷链物流", "张家口庚物流有限公司", "MA0F1236", track="交通运输", topic="冷链运输")
P7 = project("数据资产融资", "张家口辛金融有限公司", "MA0F1237", track="金融服务", topic="数据资产融资")
P8 = project("文旅客流", "蔚县壬旅游有限公司", "MA0F1238", track="文化旅游", topic="智慧景区")
P10 = project("智能质检", "张家口癸制造有限公司", "MA0F1240", topic="工业质检")


def _write_all(jobs: list[tuple[Any, ...]], reverse: bool) -> None:
    for job in reversed(jobs) if reverse else jobs:
        writer, *args = job
        writer(*args)


def season_week1(inbox: Path, prefix: str = "", reverse: bool = False) -> None:
    _write_all(
        [
            (write_registered, inbox / f"{prefix}附件3.xlsx", "桥东区", W1, [P1, P2, P10]),
            (write_registered, inbox / f"{prefix}怀来县-附件3.xlsx", "怀来县", W1, [P1, P3]),
            (write_registered, inbox / "张北县" / f"{prefix}附件3.xlsx", "张北县", W1, [P4, P5_BAD]),
            (write_survey, inbox / f"{prefix}附件2.xlsx", "桥东区", "2025-06-20", [P1, P6]),
            (
                write_contacts,
                inbox / f"{prefix}附件4.xlsx",
                "桥东区",
                "2025-06-20",
                [
                    person("桥东区", "主管领导", "张三", "13800000002"),
                    person("桥东区", "具体负责人", "李四", "13800000003"),
                ],
            ),
        ],
        reverse,
    )


def season_week2_on_time(inbox: Path, prefix: str = "", reverse: bool = False) -> None:
    _write_all(
        [
            (
                write_registered,
                inbox / f"{prefix}附件3.xlsx",  # the same name as week 1: the old file is overwritten
                "桥东区",
                W2,
                [{**P1, "status": "已提交材料"}, {**P2, "status": "已退赛"}, P7],
            ),
            (
                write_registered,
                inbox / f"{prefix}市工信局.xlsx",
                "市工信局",
                W2,
                [{**P3, "track": "工业制造", "topic": "工业互联网"}],
            ),
        ],
        reverse,
    )


def season_week2_late(inbox: Path, prefix: str = "") -> None:
    write_registered(inbox / f"{prefix}蔚县附件3.xlsx", "蔚县", W2, [P8])


def at(day: dt.date, hour: int = 9) -> Any:
    """A clock stopped at ``day`` ``hour``:00, for the time files are taken in."""
    moment = dt.datetime.combine(day, dt.time(hour))
    return lambda: moment


def run_season(campaign: Any, root: Path, prefix: str = "", reverse: bool = False, week: dt.date = W2) -> Any:
    """Play the season into ``root``/inbox, ``root``/zjkcollect.db and ``root``/out; the last merge's run.

    Week 1 is merged on its Thursday. Week 2's on-time files are taken in on their Thursday
    (``ingest``), 蔚县's the day after, by the week-2 merge itself.
    """
    from zjkcollect.merge import run_ingest, run_merge

    inbox, db, out = root / "inbox", root / "zjkcollect.db", root / "out"
    season_week1(inbox, prefix, reverse)
    run = run_merge(campaign, W1, inbox, out, db, now=at(W1))
    if week == W1:
        return run
    season_week2_on_time(inbox, prefix, reverse)
    run_ingest(campaign, [inbox], db, now=at(W2))
    season_week2_late(inbox, prefix)
    return run_merge(campaign, W2, inbox, out, db, root / "summary.json", now=at(W2 + dt.timedelta(days=1)))


def combine_sheets(path: Path, parts: Iterable[tuple[str, Path]]) -> Path:
    """One workbook whose sheets are the first sheets of other workbooks (values and number formats),
    as a reporter makes who pastes 附件2 and 附件4, or two weeks of 附件3, into one file."""
    combined = openpyxl.Workbook()
    combined.remove(combined.active)
    for title, source in parts:
        sheet = combined.create_sheet(title)
        for row in openpyxl.load_workbook(source).worksheets[0].iter_rows():
            for cell in row:
                if cell.value is not None:
                    target = sheet.cell(row=cell.row, column=cell.column, value=cell.value)
                    target.number_format = cell.number_format
    path.parent.mkdir(parents=True, exist_ok=True)
    combined.save(path)
    return path


def stack_sheets(path: Path, parts: Iterable[Path], gap: int = 2) -> tuple[Path, list[int]]:
    """One sheet holding the first sheets of other workbooks one under another, ``gap`` blank rows
    apart (values, number formats and merged cells), as a reporter makes who pastes 附件4 under
    附件3. Returns the path and, for each part, how many rows it was moved down."""
    combined = openpyxl.Workbook()
    sheet = combined.active
    sheet.title = "报表"
    offsets: list[int] = []
    offset = 0
    for source in parts:
        part = openpyxl.load_workbook(source).worksheets[0]
        offsets.append(offset)
        for row in part.iter_rows():
            for cell in row:
                if cell.value is not None:
                    target = sheet.cell(row=cell.row + offset, column=cell.column, value=cell.value)
                    target.number_format = cell.number_format
        for merged in part.merged_cells.ranges:
            bounds = merged.bounds  # (min_col, min_row, max_col, max_row)
            sheet.merge_cells(
                start_row=bounds[1] + offset, start_column=bounds[0], end_row=bounds[3] + offset, end_column=bounds[2]
            )
        offset += part.max_row + gap
    path.parent.mkdir(parents=True, exist_ok=True)
    combined.save(path)
    return path, offsets
