"""A ledger that cannot be lost: backups before writing, integrity on open, restore, rebuild, no stray archive files."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.builders import W1, project, run_season, write_registered
from tests.clerk import ROOT
from zjkcollect import safekeeping
from zjkcollect.campaign import load_campaign
from zjkcollect.errors import ZjkError
from zjkcollect.inbox import validate_file
from zjkcollect.ledger import Ledger, archived_files
from zjkcollect.rebuild import rebuild_ledger
from zjkcollect.safekeeping import LedgerDamaged, list_backups, restore_ledger

CAMPAIGN = load_campaign()
TAKEN_IN = dt.datetime(2025, 6, 26, 9, 30)


def _record(db: Path, source: Path, when: dt.datetime = TAKEN_IN) -> str:
    data = source.read_bytes()
    result = validate_file(source, str(source), CAMPAIGN, data)
    with Ledger(db, writing=True) as ledger, ledger.transaction():
        ledger.record(result, data, when)
    return result.sha256


def _workbook(folder: Path, name: str, reporter: str = "桥东区") -> Path:
    return write_registered(folder / name, reporter, W1, [project(f"项目{name}", "张家口甲科技有限公司", "MA0F1231")])


def _damage(db: Path, pages: list[int] | None = None) -> None:
    """Break the b-tree headers of ``pages`` (1-based), all but the first by default."""
    data = bytearray(db.read_bytes())
    size = 4096
    for page in pages or range(2, len(data) // size + 1):
        start = (page - 1) * size
        data[start : start + 300] = b"\xff" * 300
    db.write_bytes(bytes(data))


def _root_page(db: Path, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return int(connection.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0])
    finally:
        connection.close()


def test_a_run_that_writes_keeps_a_backup_and_only_the_last_few(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    _record(db, _workbook(tmp_path / "in", "a.xlsx"))
    assert list_backups(db) == []  # a new ledger has nothing to back up
    runs = safekeeping.BACKUPS_KEPT + 3
    for index in range(runs):
        time.sleep(0.02)  # the ledger changes after the newest backup
        _record(db, _workbook(tmp_path / "in", f"b{index}.xlsx"))
    backups = list_backups(db)
    assert len(backups) == safekeeping.BACKUPS_KEPT
    # Each backup is the whole ledger as it was before its run; the newest are kept, oldest first.
    counts = []
    for backup in backups:
        with Ledger(backup.path) as copy:
            counts.append(copy.counts()["files"])
    assert counts == list(range(runs + 1 - safekeeping.BACKUPS_KEPT, runs + 1))
    # The next run backs up what the last one wrote; with nothing written since, no new backup is taken.
    Ledger(db, writing=True).close()
    latest = list_backups(db)
    assert latest[:-1] == backups[1:]
    Ledger(db, writing=True).close()
    assert list_backups(db) == latest


def test_opening_a_damaged_ledger_says_which_backup_restores_it(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    _record(db, _workbook(tmp_path / "in", "a.xlsx"))
    time.sleep(0.02)
    _record(db, _workbook(tmp_path / "in", "b.xlsx"))
    [backup] = list_backups(db)
    _damage(db)
    with pytest.raises(LedgerDamaged) as raised:
        Ledger(db)
    message = str(raised.value)
    assert str(backup.path) in message and f"zjkcollect ledger restore --db {db}" in message
    assert len(list_backups(db)) == 1  # a damaged ledger is never backed up over a good backup
    restored = restore_ledger(db)
    assert restored.backup == backup and restored.set_aside is not None and restored.set_aside.exists()
    assert restored.missing == 1  # b.xlsx came in after the backup
    with Ledger(db) as ledger:
        assert ledger.counts()["files"] == 1


def test_restore_skips_damaged_backups_and_refuses_without_any(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    _record(db, _workbook(tmp_path / "in", "a.xlsx"))
    for name in ("b", "c"):
        time.sleep(1.05)  # backups are named by the second
        _record(db, _workbook(tmp_path / "in", f"{name}.xlsx"))
    older, newer = list_backups(db)
    newer.path.write_bytes(b"garbage" * 1000)
    assert restore_ledger(db).backup == older
    for backup in list_backups(db):
        backup.path.unlink()
    with pytest.raises(ZjkError, match="ledger rebuild"):
        restore_ledger(db)


def test_rebuild_keeps_each_files_received_date(tmp_path: Path) -> None:
    """A lost ledger comes back from the archive; received dates come from a backup, else the archive copy."""
    run_season(CAMPAIGN, tmp_path)
    db = tmp_path / "zjkcollect.db"
    with Ledger(db) as ledger:
        before = {stored.sha256: stored for stored in ledger.files()}
    assert len(list_backups(db)) >= 1
    newest_backup = list_backups(db)[-1]
    with Ledger(newest_backup.path) as backup:
        in_backup = {stored.sha256 for stored in backup.files()}
    assert 0 < len(in_backup) < len(before)
    db.write_bytes(b"lost" * 1000)  # beyond salvage: only the backups and the archive are left
    rebuilt = rebuild_ledger(CAMPAIGN, db)
    assert rebuilt.files == len(before) and rebuilt.unreadable == 0
    assert rebuilt.dated_from_backups == len(in_backup)
    with Ledger(db) as ledger:
        after = {stored.sha256: stored for stored in ledger.files()}
    assert set(after) == set(before)
    for sha, stored in after.items():
        if sha in in_backup:
            assert stored.ingested_at == before[sha].ingested_at
            assert stored.original_path == before[sha].original_path
        assert (stored.reporter, stored.kind, stored.week, stored.row_count) == (
            before[sha].reporter,
            before[sha].kind,
            before[sha].week,
            before[sha].row_count,
        )


def test_rebuild_reads_what_it_can_from_the_damaged_ledger(tmp_path: Path) -> None:
    run_season(CAMPAIGN, tmp_path)
    db = tmp_path / "zjkcollect.db"
    with Ledger(db) as ledger:
        before = {stored.sha256: stored.ingested_at for stored in ledger.files()}
    for backup in list_backups(db):
        backup.path.unlink()
    _damage(db, [_root_page(db, "findings")])  # the list of files itself is still readable
    with pytest.raises(LedgerDamaged):
        Ledger(db)
    rebuilt = rebuild_ledger(CAMPAIGN, db)
    with Ledger(db) as ledger:
        after = {stored.sha256: stored.ingested_at for stored in ledger.files()}
    assert set(after) == set(before)
    assert after == before
    assert rebuilt.dated_from_backups == len(before)


def test_rebuild_without_archive_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ZjkError, match="archive"):
        rebuild_ledger(CAMPAIGN, tmp_path / "zjkcollect.db")


def test_rolled_back_transaction_leaves_no_archive_copies(tmp_path: Path) -> None:
    db = tmp_path / "zjkcollect.db"
    source = _workbook(tmp_path / "in", "a.xlsx")
    data = source.read_bytes()
    result = validate_file(source, str(source), CAMPAIGN, data)
    with Ledger(db, writing=True) as ledger:
        with pytest.raises(KeyboardInterrupt), ledger.transaction():
            ledger.record(result, data, TAKEN_IN)
            assert archived_files(ledger.archive_dir)
            raise KeyboardInterrupt
        assert archived_files(ledger.archive_dir) == []
        assert ledger.counts()["files"] == 0
    assert [path for path in (tmp_path / "archive").rglob("*") if path.is_file()] == []


def test_a_killed_run_is_tidied_by_the_next(tmp_path: Path) -> None:
    """A process killed mid-transaction cannot clean up; the next transaction removes its archive copies."""
    db = tmp_path / "zjkcollect.db"
    kept = _workbook(tmp_path / "in", "kept.xlsx")
    kept_sha = _record(db, kept)
    source = _workbook(tmp_path / "in", "killed.xlsx", reporter="怀来县")
    script = f"""
import os, sys
from pathlib import Path
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_file
from zjkcollect.ledger import Ledger
import datetime as dt
source = Path({str(source)!r})
data = source.read_bytes()
result = validate_file(source, str(source), load_campaign(), data)
ledger = Ledger(Path({str(db)!r}), writing=True)
with ledger.transaction():
    ledger.record(result, data, dt.datetime(2025, 6, 26))
    os._exit(9)  # killed: no rollback, no clean-up
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 9, done.stderr
    assert len(archived_files(tmp_path / "archive")) == 2  # the killed run's copy is left behind
    with Ledger(db, writing=True) as ledger, ledger.transaction():
        pass
    assert [sha for sha, _path in archived_files(tmp_path / "archive")] == [kept_sha]
    assert not (tmp_path / "archive" / ".pending").exists()
