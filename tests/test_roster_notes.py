"""What the roster tells the clerk: returns that could not count, and byte-identical resends."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl

from tests.builders import W1, W2, at, project, write_attachment, write_registered
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.merge import run_merge, status_table
from zjkcollect.rollup import RosterStatus

CAMPAIGN = load_campaign()
A = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")


def test_a_return_dated_off_the_calendar_is_shown_as_rejected_with_the_reason(tmp_path: Path) -> None:
    inbox, db, out = tmp_path / "inbox", tmp_path / "zjkcollect.db", tmp_path / "out"
    write_registered(inbox / "桥东区.xlsx", "桥东区", W1, [A])
    write_registered(inbox / "蔚县.xlsx", "蔚县", dt.date(2025, 7, 2), [A])  # a Wednesday: not an update day
    run = run_merge(CAMPAIGN, W2, inbox, out, db, now=at(W2))
    stats = {item.reporter: item for item in run.rollup.reporters}
    assert stats["蔚县"].status is RosterStatus.REJECTED
    assert stats["蔚县"].note is not None and "蔚县.xlsx" in stats["蔚县"].note and "2025-07-02" in stats["蔚县"].note
    assert stats["桥东区"].status is RosterStatus.STALE
    assert stats["张北县"].status is RosterStatus.MISSING
    roster = {row.reporter: row for row in run.rollup.roster}
    assert roster["蔚县"].statuses == [RosterStatus.MISSING, RosterStatus.REJECTED]
    assert roster["蔚县"].notes[0] is None and roster["蔚县"].notes[1] == stats["蔚县"].note
    table = status_table(CAMPAIGN, db, W2)
    assert table.counts[RosterStatus.REJECTED] == 1
    assert [row.reporter for row in table.rows if row.statuses[-1] is RosterStatus.REJECTED] == ["蔚县"]
    sheet = openpyxl.load_workbook(run.rollup_path)["报送情况"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True) if row[1]}
    assert rows["蔚县"][3:5] == ("未报送", "报送有误")
    assert "2025-07-03：" in rows["蔚县"][5] and "蔚县.xlsx" in rows["蔚县"][5]


def test_a_table_without_required_columns_is_rejected_not_missing(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    path = write_registered(inbox / "怀来县.xlsx", "怀来县", W1, [A])
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.delete_cols(11)  # 报名日期
    workbook.save(path)
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W1))
    stats = {item.reporter: item for item in run.rollup.reporters}
    assert stats["怀来县"].status is RosterStatus.REJECTED
    assert "报名日期" in (stats["怀来县"].note or "")


def test_a_later_valid_resend_for_the_week_clears_the_rejection(tmp_path: Path) -> None:
    inbox, db = tmp_path / "inbox", tmp_path / "zjkcollect.db"
    write_attachment(inbox / "蔚县.xlsx", Kind.REGISTERED, "蔚县", None, [A])  # no date
    run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    write_registered(inbox / "蔚县-改.xlsx", "蔚县", W1, [A])
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    stats = {item.reporter: item for item in run.rollup.reporters}
    assert stats["蔚县"].status is RosterStatus.ON_TIME and stats["蔚县"].note is None


def test_a_byte_identical_resend_is_named_with_the_original(tmp_path: Path) -> None:
    inbox, db, out = tmp_path / "inbox", tmp_path / "zjkcollect.db", tmp_path / "out"
    first = write_registered(inbox / "第1周" / "桥东区-附件3.xlsx", "桥东区", W1, [A])
    run_merge(CAMPAIGN, W1, inbox, out, db, now=at(W1))
    shutil.copy(first, inbox / "桥东区 附件3（重发）.xlsx")
    run = run_merge(CAMPAIGN, W2, inbox, out, db, now=at(W2))
    resends = [copy for copy in run.ingest.known if copy.is_resend]
    assert [(Path(c.label).name, Path(c.original).name, c.reporter, c.week, c.received_on) for c in resends] == [
        ("桥东区 附件3（重发）.xlsx", "桥东区-附件3.xlsx", "桥东区", W1, W1)
    ]
    assert "2025-06-26 收到的桥东区的" in resends[0].describe()
    assert [c.is_resend for c in run.ingest.known].count(False) == 1  # the original, seen again


def test_two_identical_new_files_in_one_run_are_recorded_once_and_named(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    first = write_registered(inbox / "a.xlsx", "桥东区", W1, [A])
    shutil.copy(first, inbox / "b.xlsx")
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W1))
    assert [Path(r.label).name for r in run.ingest.new] == ["a.xlsx"]
    assert [(Path(c.label).name, Path(c.original).name) for c in run.ingest.known] == [("b.xlsx", "a.xlsx")]


def test_a_fault_while_recording_one_file_costs_that_file_only(tmp_path: Path, monkeypatch) -> None:
    """A bug of ours while writing one file's rows: that file is not recorded, with an internal-error
    finding; the other files, the roll-up and the ledger go on, and no stray archive copy is left."""
    from zjkcollect.ledger import recording as ledger_module

    inbox, db = tmp_path / "inbox", tmp_path / "zjkcollect.db"
    write_registered(inbox / "桥东区.xlsx", "桥东区", W1, [A])
    poison = project("无法记录的项目", "张家口乙数据有限公司", "MA0F1232")
    write_registered(inbox / "怀来县.xlsx", "怀来县", W1, [poison])
    real_dump = ledger_module._dump_values

    def dump(values: dict) -> str:
        if values.get("project_name") == "无法记录的项目":
            raise TypeError("simulated fault of ours")
        return real_dump(values)

    monkeypatch.setattr(ledger_module, "_dump_values", dump)
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert [Path(r.label).name for r in run.ingest.new] == ["桥东区.xlsx"]
    [failed] = run.ingest.ignored
    assert Path(failed.label).name == "怀来县.xlsx"
    assert [f.rule for f in failed.findings] == ["internal-error"]
    assert [p.values["project_name"] for p in run.rollup.projects] == ["智慧工厂"]
    archived = sorted(path.name for path in (tmp_path / "archive").rglob("*.xlsx"))
    assert len(archived) == 1
    monkeypatch.setattr(ledger_module, "_dump_values", real_dump)
    again = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", db, now=at(W1))
    assert [Path(r.label).name for r in again.ingest.new] == ["怀来县.xlsx"]  # recorded once the fault is gone
