"""The ledger: schema versions, content-addressed archive, idempotent and transactional recording."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
from pathlib import Path

import pytest

from tests.builders import W1, code, person, project, write_contacts, write_registered
from zjkcollect import ledger as ledger_module
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.errors import ZjkError
from zjkcollect.inbox import validate_file
from zjkcollect.ledger import SCHEMA_VERSION, Ledger
from zjkcollect.report import FileResult

CAMPAIGN = load_campaign()
TAKEN_IN = dt.datetime(2025, 6, 26, 9, 30)


def _validated(path: Path) -> tuple[FileResult, bytes]:
    data = path.read_bytes()
    return validate_file(path, str(path), CAMPAIGN, data), data


def _registered(tmp_path: Path, name: str = "附件3.xlsx") -> Path:
    rows = [
        project("智慧工厂", "张家口甲科技有限公司", "MA0F1231"),
        project("坏行", "乙公司", "MA0F1232", track="不存在"),
    ]
    return write_registered(tmp_path / "inbox" / name, "桥东区", W1, rows)


def test_new_ledger_has_the_current_schema_version(tmp_path: Path) -> None:
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        assert ledger.user_version == SCHEMA_VERSION
        assert ledger.counts() == {"files": 0, "tables": 0, "rows": 0, "findings": 0}


def test_recording_keeps_file_rows_findings_and_an_archive_copy(tmp_path: Path) -> None:
    result, data = _validated(_registered(tmp_path))
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        with ledger.transaction():
            outcome = ledger.record(result, data, TAKEN_IN)
        assert outcome.added
        [submission] = ledger.submissions(CAMPAIGN)
    stored = submission.file
    sha = hashlib.sha256(data).hexdigest()
    assert stored.sha256 == sha
    assert stored.original_name == "附件3.xlsx"
    assert (stored.reporter, stored.reporter_known, stored.kind) == ("桥东区", True, Kind.REGISTERED)
    assert (stored.report_date, stored.week, stored.ingested_at) == (W1, W1, TAKEN_IN)
    assert (stored.verdict, stored.row_count, stored.error_count, stored.warning_count) == ("errors", 2, 1, 0)
    assert stored.columns["track"] == 7
    archive = tmp_path / stored.archive_path
    assert archive == tmp_path / "archive" / sha[:2] / f"{sha}.xlsx"
    assert archive.read_bytes() == data
    first, second = submission.rows
    assert (first.number, first.has_error, second.number, second.has_error) == (4, False, 5, True)
    # Dates come back as dates, codes as the normalised text that passed.
    assert first.values["registered_on"] == dt.date(2025, 6, 20)
    assert first.values["credit_code"] == code("MA0F1231")
    assert second.raw["track"] == "不存在"
    assert [finding.rule for finding in submission.findings] == ["track-unknown"]
    assert submission.findings == list(result.findings)


def test_the_same_bytes_twice_change_nothing(tmp_path: Path) -> None:
    path = _registered(tmp_path)
    result, data = _validated(path)
    copy = tmp_path / "inbox" / "另一个名字.xlsx"
    copy.write_bytes(data)
    again, _ = _validated(copy)
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        with ledger.transaction():
            ledger.record(result, data, TAKEN_IN)
        before = ledger.counts()
        with ledger.transaction():
            outcome = ledger.record(again, data, TAKEN_IN + dt.timedelta(days=7))
        assert not outcome.added
        assert ledger.counts() == before
        [stored] = ledger.files()
    assert stored.original_name == "附件3.xlsx"
    assert stored.ingested_at == TAKEN_IN


def test_a_resend_under_the_same_name_is_a_second_file(tmp_path: Path) -> None:
    path = _registered(tmp_path)
    first, first_data = _validated(path)
    write_registered(path, "桥东区", "2025-07-03", [project("新项目", "丙公司", "MA0F1233")])
    second, second_data = _validated(path)
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        with ledger.transaction():
            ledger.record(first, first_data, TAKEN_IN)
            ledger.record(second, second_data, TAKEN_IN + dt.timedelta(days=7))
        files = ledger.files()
    assert sorted(stored.week.isoformat() for stored in files) == ["2025-06-26", "2025-07-03"]
    for stored in files:
        assert (tmp_path / stored.archive_path).exists()


def test_cross_file_findings_are_not_recorded(tmp_path: Path) -> None:
    """Which other files are around is not a property of the file: the roll-up recomputes those."""
    rows = [project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")]
    one = write_registered(tmp_path / "a.xlsx", "桥东区", W1, rows)
    two = write_registered(tmp_path / "b.xlsx", "怀来县", W1, rows)
    from zjkcollect.inbox import apply_inbox_rules

    results = [validate_file(path, path.name, CAMPAIGN) for path in (one, two)]
    apply_inbox_rules(results)
    assert any(f.rule == "project-duplicate-reporters" for f in results[0].findings)
    with Ledger(tmp_path / "zjkcollect.db") as ledger, ledger.transaction():
        ledger.record(results[0], one.read_bytes(), TAKEN_IN)
        assert ledger.counts()["findings"] == 0
        assert ledger.files()[0].verdict == "ok"


def test_an_exception_inside_a_transaction_leaves_the_ledger_as_it_was(tmp_path: Path) -> None:
    result, data = _validated(_registered(tmp_path))
    contacts = write_contacts(
        tmp_path / "inbox" / "附件4.xlsx",
        "桥东区",
        "2025-06-20",
        [person("桥东区", "主管领导", "张三", "13800000002"), person("桥东区", "具体负责人", "李四", "13800000003")],
    )
    other, other_data = _validated(contacts)
    db = tmp_path / "zjkcollect.db"
    with Ledger(db) as ledger:
        with ledger.transaction():
            ledger.record(result, data, TAKEN_IN)
        before = ledger.counts()
        with pytest.raises(RuntimeError), ledger.transaction():
            ledger.record(other, other_data, TAKEN_IN)
            raise RuntimeError("killed mid-run")
        assert ledger.counts() == before
    with Ledger(db) as reopened:
        assert reopened.counts() == before
        assert reopened.user_version == SCHEMA_VERSION


def test_lock_files_and_non_spreadsheets_are_not_recordable(tmp_path: Path) -> None:
    lock = tmp_path / "~$附件3.xlsx"
    lock.write_bytes(b"\x00" * 165)
    note = tmp_path / "说明.txt"
    note.write_text("请查收", encoding="utf-8")
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        for path in (lock, note):
            result = validate_file(path, path.name, CAMPAIGN)
            assert not ledger_module.is_recordable(result)
            with pytest.raises(ValueError):
                ledger.record(result, path.read_bytes(), TAKEN_IN)


def test_a_ledger_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    Ledger(db).close()
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(ZjkError, match="更新版本"):
        Ledger(db)


def test_a_file_that_is_not_a_ledger_is_refused_in_chinese(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    db.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ZjkError, match="账本文件"):
        Ledger(db)


def test_migrations_run_in_order_and_keep_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "zjkcollect.db"
    result, data = _validated(_registered(tmp_path))
    with Ledger(db) as ledger, ledger.transaction():
        ledger.record(result, data, TAKEN_IN)
    extended = (*ledger_module.MIGRATIONS, "ALTER TABLE files ADD COLUMN clerk_note TEXT")
    monkeypatch.setattr(ledger_module, "MIGRATIONS", extended)
    monkeypatch.setattr(ledger_module, "SCHEMA_VERSION", len(extended))
    with Ledger(db) as upgraded:
        assert upgraded.user_version == len(extended)
        assert upgraded.counts()["files"] == 1
        columns = [row[1] for row in upgraded.connection.execute("PRAGMA table_info(files)")]
        assert "clerk_note" in columns


def test_a_ledger_busy_with_another_command_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "zjkcollect.db"
    Ledger(db).close()
    monkeypatch.setattr(ledger_module, "LOCK_WAIT_SECONDS", 0.1)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Ledger(db) as ledger, pytest.raises(ZjkError, match="正被另一个"), ledger.transaction():
            pass
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_a_version_1_ledger_is_upgraded_in_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "zjkcollect.db"
    with monkeypatch.context() as patch:
        patch.setattr(ledger_module, "MIGRATIONS", ledger_module.MIGRATIONS[:1])
        patch.setattr(ledger_module, "SCHEMA_VERSION", 1)
        with Ledger(db) as old:
            assert old.user_version == 1
    with Ledger(db) as upgraded:
        assert upgraded.user_version == SCHEMA_VERSION == 6
        columns = [row[1] for row in upgraded.connection.execute("PRAGMA table_info(files)")]
        assert columns[-4:] == ["checked_with", "mail_from", "mail_subject", "mail_time"]
        table_columns = [row[1] for row in upgraded.connection.execute("PRAGMA table_info(tables)")]
        assert table_columns[-2:] == ["first_row", "last_row"]
        row_columns = [row[1] for row in upgraded.connection.execute("PRAGMA table_info(rows)")]
        assert row_columns[:3] == ["file_sha", "table_seq", "row_number"]


def test_a_version_2_ledger_keeps_its_files_and_rows_as_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A ledger written before workbooks could hold several tables: each file becomes table 0, part 0."""
    db = tmp_path / "zjkcollect.db"
    with monkeypatch.context() as patch:
        patch.setattr(ledger_module, "MIGRATIONS", ledger_module.MIGRATIONS[:2])
        patch.setattr(ledger_module, "SCHEMA_VERSION", 2)
        with Ledger(db) as old, old.transaction() as connection:
            # what version 2 of the program wrote for a one-table 附件3 with one row
            connection.execute(
                "INSERT INTO files VALUES ('ab', 'inbox/附件3.xlsx', '附件3.xlsx', 'archive/ab/ab.xlsx', '桥东区', 1,"
                " '附件3', '2025-06-26', '2025-06-26', '2025-06-26T09:30:00', 0.0, 'ok', 1, 0, 0, 'xlsx', '附件3',"
                " '{\"track\": 7}', 'stamp')"
            )
            connection.execute(
                'INSERT INTO rows VALUES (\'ab\', 4, 0, \'{"project_name": "智慧工厂"}\', \'{"project_name": "智慧工厂"}\')'
            )
    with Ledger(db) as upgraded:
        assert upgraded.user_version == SCHEMA_VERSION
        [submission] = upgraded.submissions(CAMPAIGN)
    assert (submission.file.kind, submission.file.reporter, submission.file.week) == (Kind.REGISTERED, "桥东区", W1)
    assert (submission.file.sheet, submission.file.columns, submission.file.part) == ("附件3", {"track": 7}, 0)
    assert [(row.sheet, row.number, row.values) for row in submission.rows] == [
        ("附件3", 4, {"project_name": "智慧工厂"})
    ]
