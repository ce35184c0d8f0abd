"""Rebuilding a lost ledger from the original files kept in ``archive/``.

Every archived file is validated again with the current campaign and recorded in a new ledger.
What the archive cannot tell — when a file was taken in, and under which name — is taken from
the old ledger where it can still be read, else from the newest backup that has the file;
failing both, the archive copy's own modification time (it was written when the file was taken
in) stands in for the day it was received. The old ledger is set aside, never deleted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from zjkcollect.campaign import Campaign
from zjkcollect.errors import ZjkError
from zjkcollect.inbox import Progress, validate_files
from zjkcollect.ledger import Ledger, archived_files, is_recordable
from zjkcollect.merge import validation_stamp
from zjkcollect.safekeeping import list_backups, set_aside


@dataclass(frozen=True, slots=True)
class Rebuilt:
    files: int
    dated_from_backups: int
    dated_from_archive: int
    unreadable: int
    set_aside: Path | None


@dataclass(frozen=True, slots=True)
class Recorded:
    """What a ledger knew about a file that its archive copy cannot tell."""

    ingested_at: dt.datetime
    original_path: str
    original_name: str


def recorded_files(db: Path) -> dict[str, Recorded]:
    """What the old ledger, ledgers set aside earlier and the backups say, the most recent source first."""
    db = Path(db)
    set_aside_earlier = sorted(db.parent.glob(f"{db.name}.旧-*"), reverse=True)
    backups = [backup.path for backup in reversed(list_backups(db))]
    known: dict[str, Recorded] = {}
    set_aside_earlier = [path for path in set_aside_earlier if not path.name.endswith(("-journal", "-wal", "-shm"))]
    for source in [db, *set_aside_earlier, *backups]:
        for sha, recorded in _readable_files(source).items():
            known.setdefault(sha, recorded)
    return known


def _readable_files(source: Path) -> dict[str, Recorded]:
    """The files recorded in ``source``; a damaged ledger is read as far as it still can be."""
    if not source.is_file():
        return {}
    with tempfile.TemporaryDirectory(prefix="zjk-rebuild-") as folder:
        copy = Path(folder) / "copy.db"
        try:
            reader = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            try:
                target = sqlite3.connect(copy)
                reader.backup(target)
                target.close()
            finally:
                reader.close()
        except sqlite3.Error:
            return {}
        try:
            # Through the ledger (opening may migrate, hence the copy) while the file is intact ...
            with Ledger(copy) as ledger:
                return {
                    stored.sha256: Recorded(stored.ingested_at, stored.original_path, stored.original_name)
                    for stored in ledger.files()
                }
        except (sqlite3.Error, ZjkError, ValueError, KeyError):
            return _salvage(copy)


def _salvage(copy: Path) -> dict[str, Recorded]:
    """... and row by row from a damaged one: whatever SQLite can still hand over."""
    found: dict[str, Recorded] = {}
    connection = sqlite3.connect(copy)
    try:
        cursor = connection.execute("SELECT sha256, ingested_at, original_path, original_name FROM files")
        while True:
            try:
                row = cursor.fetchone()
            except sqlite3.Error:
                break
            if row is None:
                break
            with contextlib.suppress(TypeError, ValueError):
                found[str(row[0])] = Recorded(dt.datetime.fromisoformat(row[1]), str(row[2]), str(row[3]))
    except sqlite3.Error:
        pass
    finally:
        connection.close()
    return found


def rebuild_ledger(campaign: Campaign, db: Path, progress: Progress | None = None) -> Rebuilt:
    """Build a new ledger at ``db`` from the archive beside it."""
    db = Path(db)
    archive = db.parent / "archive"
    files = archived_files(archive)
    if not files:
        raise ZjkError(f"{archive} 中没有保存的原文件，无法重建账本（archive 文件夹应在账本文件旁边）")
    known = recorded_files(db)
    pairs = [(path, known[sha].original_path if sha in known else path.name) for sha, path in files]
    expected = {path: sha for sha, path in files}
    report = validate_files(pairs, campaign, progress)
    stamp = validation_stamp(campaign)
    temp = db.with_name(f".~zjk-rebuild-{os.getpid()}-{db.name}")
    temp.unlink(missing_ok=True)
    from_backups = from_archive = unreadable = 0
    try:
        with Ledger(temp) as ledger, ledger.transaction():
            for result in report.files:
                if not is_recordable(result) or result.sha256 != expected.get(result.path):
                    unreadable += 1
                    continue
                recorded = known.get(result.sha256)
                archived = result.path
                if recorded is not None:
                    taken_in = recorded.ingested_at
                    result.path = Path(recorded.original_name)  # the name it came under, for the record
                    from_backups += 1
                else:
                    taken_in = dt.datetime.fromtimestamp(archived.stat().st_mtime).replace(microsecond=0)
                    from_archive += 1
                ledger.record(result, archived.read_bytes(), taken_in, stamp)
        aside = set_aside(db)
        os.replace(temp, db)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    return Rebuilt(from_backups + from_archive, from_backups, from_archive, unreadable, aside)
