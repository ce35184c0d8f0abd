"""Keeping the ledger safe: integrity checks, rotating backups and restoring from them.

Nothing here knows the ledger's tables: a backup is a page-for-page copy made with SQLite's
online backup API (consistent even while another reader has the file open), and integrity is
SQLite's own ``quick_check``. So a migration that changes the schema changes nothing here.

* Every run that writes the ledger first copies it to ``backups/<名>-YYYYMMDD-HHMMSS.db``
  beside it, unless nothing was written since the newest backup; the last
  :data:`BACKUPS_KEPT` are kept.
* Opening a damaged ledger stops with the one command that restores the newest intact backup.
* Restoring never deletes: the damaged ledger is renamed beside itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from zjkcollect.errors import ZjkError

BACKUP_FOLDER = "backups"
BACKUPS_KEPT = 5
_STAMP = re.compile(r"-(\d{8}-\d{6})(?:-(\d+))?\.db$")
_SIDE_FILES = ("-journal", "-wal", "-shm")


class LedgerDamaged(ZjkError):
    """The ledger file fails SQLite's integrity check, or is not a database at all."""


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken: dt.datetime


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Backup
    set_aside: Path | None  # the ledger that was replaced, kept under another name
    missing: int  # archived files the restored ledger does not know (taken in after the backup)


def integrity_problem(connection: sqlite3.Connection) -> str | None:
    """What SQLite finds wrong with the open database, or None when it is intact."""
    try:
        rows = connection.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    if rows == [("ok",)]:
        return None
    # SQLite lists every broken page; the first line says enough for the clerk.
    lines = [line for row in rows for line in str(row[0]).splitlines() if line.strip() and "***" not in line]
    first = lines[0] if lines else "完整性检查未通过"
    return first[:120] + (f" 等 {len(lines)} 处问题" if len(lines) > 1 else "")


def backup_folder(db: Path) -> Path:
    return Path(db).parent / BACKUP_FOLDER


def list_backups(db: Path) -> list[Backup]:
    """The ledger's backups, oldest first."""
    folder = backup_folder(db)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob(f"{Path(db).stem}-*.db"):
        match = _STAMP.search(path.name)
        if match is None or path.name.startswith("."):
            continue
        found.append(Backup(path, dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")))
    # Several backups in one second are numbered -2, -3 …: order by the number, not its text.
    return sorted(found, key=lambda backup: (backup.taken, _number(backup.path)))


def _number(path: Path) -> int:
    match = _STAMP.search(path.name)
    return int(match.group(2) or 1) if match else 0


def take_backup(connection: sqlite3.Connection, db: Path, now: dt.datetime | None = None) -> Path | None:
    """Copy the open ledger into the backup folder; None when nothing changed since the newest backup."""
    db = Path(db)
    backups = list_backups(db)
    if backups and backups[-1].path.stat().st_mtime >= db.stat().st_mtime:
        return None
    folder = backup_folder(db)
    folder.mkdir(parents=True, exist_ok=True)
    moment = (now or dt.datetime.now()).replace(microsecond=0)
    stamp = f"{moment:%Y%m%d-%H%M%S}"
    # Several backups in one second are numbered on from the highest (a pruned name is never reused).
    numbers = [_number(backup.path) for backup in backups if backup.taken == moment]
    suffix = f"-{max(numbers) + 1}" if numbers else ""
    target = folder / f"{db.stem}-{stamp}{suffix}.db"
    _copy_database(connection, target)
    for old in backups[: max(0, len(backups) + 1 - BACKUPS_KEPT)]:
        old.path.unlink(missing_ok=True)
    return target


def _copy_database(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy via SQLite's backup API, moved into place only when complete."""
    temp = target.with_name(f".~zjk-{target.name}")
    temp.unlink(missing_ok=True)
    try:
        copy = sqlite3.connect(temp)
        try:
            source.backup(copy)
        finally:
            copy.close()
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)


def _open_read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)


def is_intact(path: Path) -> bool:
    try:
        connection = _open_read_only(path)
    except sqlite3.Error:
        return False
    try:
        return integrity_problem(connection) is None
    finally:
        connection.close()


def newest_intact_backup(db: Path) -> Backup | None:
    return next((backup for backup in reversed(list_backups(db)) if is_intact(backup.path)), None)


def command_argument(path: Path) -> str:
    """``path`` as it would be typed after an option (quoted when it has spaces)."""
    text = str(path)
    return f'"{text}"' if " " in text else text


def damaged(db: Path, reason: str) -> LedgerDamaged:
    """The error for a damaged ledger: which backup to restore, with the one command that does it."""
    db = Path(db)
    option = f" --db {command_argument(db)}"
    lines = [f"账本文件 {db} 已损坏（技术信息：{reason}）。"]
    backup = newest_intact_backup(db)
    if backup is not None:
        lines += [
            f"最近一份完好的备份是 {backup.taken:%Y-%m-%d %H:%M} 的：",
            f"  {backup.path}",
            "恢复账本请运行（原来的账本会改名保留，不会删除）：",
            f"  zjkcollect ledger restore{option}",
            "恢复后，备份之后收录的报表可用下面的命令从 archive 文件夹补回：",
            f"  zjkcollect ledger rebuild{option}",
        ]
    else:
        lines += [
            "没有找到完好的备份。从 archive 文件夹中保存的原文件重建账本请运行：",
            f"  zjkcollect ledger rebuild{option}",
        ]
    return LedgerDamaged("\n".join(lines))


def check_ledger(db: Path) -> None:
    """Raise :class:`LedgerDamaged` (with what to do) unless ``db`` is an intact ledger."""
    db = Path(db)
    if not db.is_file():
        raise ZjkError(f"找不到账本文件 {db}：请用 --db 指定账本，或先运行 zjkcollect merge 或 ingest")
    try:
        connection = _open_read_only(db)
    except sqlite3.Error as exc:
        raise damaged(db, str(exc)) from exc
    try:
        problem = integrity_problem(connection)
    finally:
        connection.close()
    if problem is not None:
        raise damaged(db, problem)


def set_aside(db: Path, now: dt.datetime | None = None) -> Path | None:
    """Rename the ledger (and SQLite's side files) out of the way, never deleting it."""
    db = Path(db)
    if not db.exists():
        return None
    target = db.with_name(f"{db.name}.旧-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}")
    counter = 1
    while target.exists():
        counter += 1
        target = db.with_name(f"{db.name}.旧-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}-{counter}")
    # A hot journal left beside the old ledger must go with it, or SQLite would replay it into the new one.
    for suffix in _SIDE_FILES:
        side = db.with_name(db.name + suffix)
        if side.exists():
            os.replace(side, target.with_name(target.name + suffix))
    os.replace(db, target)
    return target


def restore_ledger(db: Path, chosen: Path | None = None) -> Restored:
    """Put a backup (the newest intact one unless ``chosen``) in the ledger's place."""
    db = Path(db)
    if chosen is not None:
        chosen = Path(chosen)
        if not chosen.is_file():
            raise ZjkError(f"找不到备份文件 {chosen}")
        if not is_intact(chosen):
            raise ZjkError(f"备份文件 {chosen} 也已损坏，请换一份备份（zjkcollect ledger check 列出全部备份）")
        match = _STAMP.search(chosen.name)
        taken = (
            dt.datetime.strptime(match.group(1), "%Y%m%d-%H%M%S")
            if match
            else dt.datetime.fromtimestamp(chosen.stat().st_mtime)
        )
        backup = Backup(chosen, taken)
    else:
        found = newest_intact_backup(db)
        if found is None:
            raise ZjkError(
                f"{backup_folder(db)} 中没有完好的备份。"
                f"请运行 zjkcollect ledger rebuild --db {command_argument(db)} 从 archive 文件夹重建账本"
            )
        backup = found
    source = _open_read_only(backup.path)
    try:
        temp = db.with_name(f".~zjk-restore-{db.name}")
        _copy_database(source, temp)
    finally:
        source.close()
    aside = set_aside(db)
    os.replace(temp, db)
    return Restored(backup, aside, _missing_from(db))


def _missing_from(db: Path) -> int:
    """Archived files the ledger does not know: taken in after the backup it was restored from."""
    from zjkcollect.ledger import Ledger, archived_files

    with Ledger(db) as ledger:
        return sum(1 for sha, _path in archived_files(ledger.archive_dir) if not ledger.knows(sha))
