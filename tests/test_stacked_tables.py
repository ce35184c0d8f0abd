"""Two attachments' tables one under the other on one sheet: each is found, checked and counted
on its own (findings belong to the table whose rows they are on)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.builders import W1, W2, at, stack_sheets, write_contacts, write_registered, write_survey
from tests.test_tables import CAMPAIGN, LEADER, STAFF, A, B, C
from zjkcollect.attachments import Kind
from zjkcollect.inbox import validate_paths
from zjkcollect.ledger import Ledger
from zjkcollect.ledger.model import Verdict
from zjkcollect.merge import run_merge

FIRST_DATA_ROW = 4  # the builders' layout: title, block, header, then data


def _parts(folder: Path, order: list[str], contacts: list[dict]) -> dict[str, Path]:
    writers = {
        "weekly": lambda: write_registered(folder / "parts" / "r.xlsx", "桥东区", W1, [A, B]),
        "survey": lambda: write_survey(folder / "parts" / "s.xlsx", "桥东区", "2025-06-20", [A, B]),
        "contacts": lambda: write_contacts(folder / "parts" / "c.xlsx", "桥东区", "2025-06-20", contacts),
    }
    return {kind: writers[kind]() for kind in order}


@pytest.mark.parametrize(
    "order", [["weekly", "contacts"], ["contacts", "weekly"], ["survey", "contacts"], ["weekly", "survey"]]
)
@pytest.mark.parametrize("gap", [0, 3])
def test_tables_one_under_the_other_are_each_checked(tmp_path: Path, order: list[str], gap: int) -> None:
    staff_without_email = {**STAFF, "email": None}
    parts = _parts(tmp_path, order, [LEADER, staff_without_email])
    path, offsets = stack_sheets(tmp_path / "inbox" / "桥东区.xlsx", parts.values(), gap)
    [result] = validate_paths([path], CAMPAIGN, workers=0).files
    assert [(table.kind.value, table.reporter, len(table.rows)) for table in result.tables] == [
        (kind, "桥东区", 2) for kind in order
    ]
    found = {(f.rule, f.sheet, f.cell) for f in result.findings}
    expected = set()
    if "contacts" in order:  # the staff member (second data row of the contacts part) has no e-mail: column H
        row = FIRST_DATA_ROW + 1 + offsets[order.index("contacts")]
        expected = {("email-missing", "报表", f"H{row}")}
    assert found == expected
    # each table's summary counts only what is on its own rows
    summaries = [table.summary(result.findings) for table in result.tables]
    first_rows = [summary["first_row"] for summary in summaries]
    assert first_rows[0] == 1 and first_rows[1] > summaries[0]["last_row"] and summaries[1]["last_row"] is None
    problems = [int(summary["errors"]) + int(summary["warnings"]) for summary in summaries]
    assert problems == [int(kind == "contacts") for kind in order]


def test_a_contacts_error_under_the_projects_blocks_neither_the_projects_nor_their_count(tmp_path: Path) -> None:
    # two leaders: a contacts error (the count of leaders) on the contacts table's rows only
    parts = _parts(tmp_path, ["weekly", "contacts"], [LEADER, {**LEADER, "name": "王五"}, STAFF])
    inbox = tmp_path / "inbox"
    stack_sheets(inbox / "桥东区.xlsx", parts.values())
    db = tmp_path / "zjkcollect.db"
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert sorted(project.values["project_name"] for project in run.rollup.projects) == ["冷链物流", "智慧工厂"]
    assert {contact.values["name"] for contact in run.rollup.contacts} >= {"李四"}
    with Ledger(db) as ledger:
        verdicts = {s.file.kind: s.file.verdict for s in ledger.submissions(CAMPAIGN) if s.file.reporter == "桥东区"}
    # the leader count fails on the contacts table's rows; the projects above it stay clean
    assert verdicts == {"weekly": Verdict.OK, "contacts": Verdict.ERRORS}


def test_next_weeks_table_pasted_under_this_weeks_is_its_own_return(tmp_path: Path) -> None:
    week1 = write_registered(tmp_path / "parts" / "1.xlsx", "桥东区", W1, [A])
    week2 = write_registered(tmp_path / "parts" / "2.xlsx", "桥东区", W2, [A, C])
    inbox, db = tmp_path / "inbox", tmp_path / "zjkcollect.db"
    stack_sheets(inbox / "桥东区附件3.xlsx", [week1, week2])
    [result] = validate_paths([inbox], CAMPAIGN, workers=0).files
    assert [(submission.week, len(submission.rows())) for submission in result.submissions()] == [(W1, 1), (W2, 2)]
    assert result.findings == []
    first = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert [project.values["project_name"] for project in first.rollup.projects] == ["智慧工厂"]
    second = run_merge(CAMPAIGN, W2, inbox, tmp_path / "out", db, now=at(W2))
    assert sorted(project.values["project_name"] for project in second.rollup.projects) == ["数据资产融资", "智慧工厂"]


def test_the_same_block_and_header_again_on_one_sheet_is_one_return_in_parts(tmp_path: Path) -> None:
    # a long list printed with the block and header on every page: one return, every row counted
    first = write_registered(tmp_path / "parts" / "1.xlsx", "桥东区", W1, [A, B])
    second = write_registered(tmp_path / "parts" / "2.xlsx", "桥东区", W1, [C])
    path, _ = stack_sheets(tmp_path / "inbox" / "桥东区.xlsx", [first, second], gap=1)
    [result] = validate_paths([path], CAMPAIGN, workers=0).files
    assert len(result.tables) == 2 and len(result.submissions()) == 1
    assert result.row_count == 3 and result.findings == []


def _one_sheet(path: Path, footer_unit: str | None, contacts_block: bool = True) -> Path:
    """附件3 without a 填报单位 above it (its unit, if any, in the signature line at its foot), then
    附件4 under it with its own title and block, as 涿鹿县 sends it in the example inbox."""
    from tests.test_messy_layout import data_rows, one_row_header, write_sheet

    rows: list[list[object]] = [["附件3 参赛项目统计表（截至2025年6月26日）"], [None], *one_row_header(Kind.REGISTERED)]
    rows += data_rows(Kind.REGISTERED, [A, B])
    rows += [[None], [f"填报单位（盖章）：{footer_unit}" if footer_unit else None, None, None, None, "填表人：杨帆"]]
    rows += [[None], [None], ["附件4 联系人信息表"]]
    rows += [["填报单位：桥东区", None, None, None, "填报日期：2025-06-20"]] if contacts_block else []
    rows += [*one_row_header(Kind.CONTACTS), *data_rows(Kind.CONTACTS, [LEADER, STAFF])]
    return write_sheet(path, rows)


def test_the_unit_at_the_foot_of_the_upper_table_stays_with_it(tmp_path: Path) -> None:
    [result] = validate_paths([_one_sheet(tmp_path / "a.xlsx", "桥东区")], CAMPAIGN, workers=0).files
    assert [(t.kind, t.reporter, t.date, len(t.rows)) for t in result.tables] == [
        (Kind.REGISTERED, "桥东区", W1, 2),
        (Kind.CONTACTS, "桥东区", dt.date(2025, 6, 20), 2),
    ]
    assert result.findings == []
    first, second = (table.table for table in result.tables)
    assert first.last_row is not None and second.first_row == first.last_row + 1
    assert second.first_row > 7  # the signature line (row 7) is the upper table's


def test_a_unit_missing_from_one_of_two_tables_is_that_tables_finding(tmp_path: Path) -> None:
    [result] = validate_paths([_one_sheet(tmp_path / "a.xlsx", None)], CAMPAIGN, workers=0).files
    [finding] = result.findings
    assert (finding.rule, finding.row) == ("reporter-missing", 1)
    summaries = [table.summary(result.findings) for table in result.tables]
    assert [summary["errors"] for summary in summaries] == [1, 0]
