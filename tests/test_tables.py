"""Several tables in one workbook: each is validated, recorded and rolled up as its own table."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.builders import W1, W2, at, combine_sheets, person, project, write_contacts, write_registered, write_survey
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_paths
from zjkcollect.ledger import Ledger
from zjkcollect.merge import run_merge
from zjkcollect.rollup import RosterStatus

CAMPAIGN = load_campaign()
A = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")
B = project("冷链物流", "张家口庚物流有限公司", "MA0F1236", track="交通运输", topic="冷链运输")
C = project("数据资产融资", "张家口辛金融有限公司", "MA0F1237", track="金融服务", topic="数据资产融资")
LEADER = person("桥东区", "主管领导", "张三", "13800000002")
STAFF = person("桥东区", "具体负责人", "李四", "13800000003")


def _survey_and_contacts(folder: Path, contacts_first: bool, contacts: list[dict]) -> Path:
    survey = write_survey(folder / "parts" / "s.xlsx", "桥东区", "2025-06-20", [A, B])
    people = write_contacts(folder / "parts" / "c.xlsx", "桥东区", "2025-06-20", contacts)
    parts = [("附件2", survey), ("附件4", people)]
    return combine_sheets(folder / "inbox" / "桥东区.xlsx", reversed(parts) if contacts_first else parts)


@pytest.mark.parametrize("contacts_first", [False, True])
def test_survey_and_contacts_in_one_workbook_are_both_checked(tmp_path: Path, contacts_first: bool) -> None:
    staff_without_email = {**STAFF, "email": None}
    path = _survey_and_contacts(tmp_path, contacts_first, [LEADER, {**LEADER, "name": "王五"}, staff_without_email])
    [result] = validate_paths([path], CAMPAIGN, workers=0).files
    assert sorted((table.sheet, table.kind, len(table.rows)) for table in result.tables) == [
        ("附件2", Kind.SURVEY, 2),
        ("附件4", Kind.CONTACTS, 3),
    ]
    found = {(f.rule, f.sheet, f.cell) for f in result.findings}
    # rows 4 and 5 hold the two leaders; the staff member on row 6 has no e-mail (column H)
    assert found == {("contacts-leader-count", "附件4", "C4"), ("email-missing", "附件4", "H6")}


def test_survey_and_contacts_in_one_workbook_feed_the_rollup(tmp_path: Path) -> None:
    _survey_and_contacts(tmp_path, False, [LEADER, STAFF])
    inbox, db = tmp_path / "inbox", tmp_path / "zjkcollect.db"
    write_registered(inbox / "附件3.xlsx", "桥东区", W1, [A])
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert {contact.values["name"] for contact in run.rollup.contacts} == {"张三", "李四"}
    assert "桥东区" not in run.rollup.units_without_contacts
    assert [project.values["project_name"] for project in run.rollup.surveyed_not_registered] == ["冷链物流"]
    with Ledger(db) as ledger:
        kinds = sorted(s.file.kind for s in ledger.submissions(CAMPAIGN) if s.file.kind and s.file.reporter == "桥东区")
    assert kinds == ["contacts", "survey", "weekly"]


def test_two_weeks_on_two_sheets_are_two_submissions(tmp_path: Path) -> None:
    week1 = write_registered(tmp_path / "parts" / "1.xlsx", "桥东区", W1, [A])
    week2 = write_registered(tmp_path / "parts" / "2.xlsx", "桥东区", W2, [A, C])
    inbox, db = tmp_path / "inbox", tmp_path / "zjkcollect.db"
    combine_sheets(inbox / "桥东区附件3.xlsx", [("6.26", week1), ("7.3", week2)])
    [result] = validate_paths([inbox], CAMPAIGN, workers=0).files
    assert [submission.week for submission in result.submissions()] == [W1, W2]
    assert result.findings == []
    first = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert [project.values["project_name"] for project in first.rollup.projects] == ["智慧工厂"]
    second = run_merge(CAMPAIGN, W2, inbox, tmp_path / "out", db, now=at(W2))
    assert sorted(project.values["project_name"] for project in second.rollup.projects) == ["数据资产融资", "智慧工厂"]
    sources = {project.values["project_name"]: project.sources[0].sheet for project in second.rollup.projects}
    assert sources == {"智慧工厂": "7.3", "数据资产融资": "7.3"}
    stats = {item.reporter: item for item in second.rollup.reporters}
    assert stats["桥东区"].status is RosterStatus.ON_TIME


def test_one_list_split_over_sheets_counts_every_row(tmp_path: Path) -> None:
    first = write_registered(tmp_path / "parts" / "1.xlsx", "桥东区", W1, [A, B])
    second = write_registered(tmp_path / "parts" / "2.xlsx", "桥东区", W1, [C])
    inbox = tmp_path / "inbox"
    combine_sheets(inbox / "桥东区.xlsx", [("第一批", first), ("第二批", second)])
    [result] = validate_paths([inbox], CAMPAIGN, workers=0).files
    assert len(result.submissions()) == 1 and result.findings == []
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W1))
    assert sorted(project.values["project_name"] for project in run.rollup.projects) == [
        "冷链物流",
        "数据资产融资",
        "智慧工厂",
    ]
    assert sorted(p.sources[0].sheet for p in run.rollup.projects) == ["第一批", "第一批", "第二批"]


def test_an_older_date_on_another_sheet_of_the_same_week_is_superseded(tmp_path: Path) -> None:
    older = write_registered(tmp_path / "parts" / "1.xlsx", "桥东区", dt.date(2025, 6, 25), [A, B])
    newer = write_registered(tmp_path / "parts" / "2.xlsx", "桥东区", W1, [A])
    path = combine_sheets(tmp_path / "inbox" / "桥东区.xlsx", [("旧", older), ("新", newer)])
    [result] = validate_paths([path], CAMPAIGN, workers=0).files
    superseded = [(f.rule, f.sheet) for f in result.findings if f.rule == "superseded"]
    assert superseded == [("superseded", "旧")]
    assert [table.superseded for table in result.tables] == [True, False]
