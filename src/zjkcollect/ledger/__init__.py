"""The ledger: every workbook ever taken in, with its rows and findings, in one SQLite file.

* Content-addressed: a file is known by the SHA-256 of its bytes. Taking the same bytes in
  twice changes nothing; a county that resends ``附件3.xlsx`` under the same name every week
  adds a new file each time, and each is copied to ``archive/ab/abcdef….xlsx`` beside the
  database, so last week's data survives the inbox being overwritten.
* Versioned: ``PRAGMA user_version`` is the schema version; :data:`MIGRATIONS` takes a ledger
  from any older version to the current one, each step in its own transaction.
* Transactional: the connection runs in autocommit mode and every change happens inside
  :meth:`Ledger.transaction` (``BEGIN IMMEDIATE`` … ``COMMIT``), so an interrupted run rolls
  back to the ledger as it was. Archive copies are written before the rows that name them and
  are journalled: a rolled-back transaction deletes the copies it wrote, and the next
  transaction deletes those of a run that was killed outright.
* Safe: opening checks integrity, and a run that writes first keeps a backup
  (:mod:`zjkcollect.safekeeping`).

Only the file's own findings are kept. Rules that compare files (superseded resends, the same
project reported twice) depend on which other files are around, so the roll-up recomputes
them from the ledger instead (the rule catalog's ``inbox`` scope).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from zjkcollect.errors import ZjkError, check_writable_folder
from zjkcollect.safekeeping import damaged, integrity_problem, take_backup

PENDING_JOURNAL = ".pending"  # archive files written by a transaction that has not committed yet
LOCK_WAIT_SECONDS = 10.0  # another command holding the ledger: wait this long, then say so

from zjkcollect.ledger.model import (  # noqa: E402 - the public names of the ledger, in one place
    ARCHIVE_FOLDER,
    INBOX_RULES,
    IngestOutcome,
    StoredFile,
    StoredRow,
    Submission,
    Verdict,
    archive_relative,
    file_verdict,
    is_recordable,
    own_findings,
)
from zjkcollect.ledger.reading import Reading, archived_files  # noqa: E402
from zjkcollect.ledger.recording import Recording  # noqa: E402
from zjkcollect.ledger.schema import MIGRATIONS  # noqa: E402

SCHEMA_VERSION = len(MIGRATIONS)
__all__ = [
    "ARCHIVE_FOLDER",
    "INBOX_RULES",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "IngestOutcome",
    "Ledger",
    "StoredFile",
    "StoredRow",
    "Submission",
    "Verdict",
    "archived_files",
    "file_verdict",
    "is_recordable",
    "own_findings",
]


class Ledger(Recording, Reading):
    """An open ledger. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str, writing: bool = False) -> None:
        """Open (or create) the ledger; ``writing`` checks the folder and keeps a backup first."""
        self.path = Path(path)
        self._written: list[Path] = []  # archive files written by the open transaction
        self._journaled: set[Path] = set()  # archive files already named in the journal (expect_archives)
        existed = self._check_place(writing)
        try:
            self.connection = sqlite3.connect(self.path, isolation_level=None, timeout=LOCK_WAIT_SECONDS)
        except sqlite3.Error as exc:
            raise ZjkError(
                f"无法打开账本文件 {self.path}（{exc}）：请检查 --db 给出的位置是否存在、是否可以写入"
            ) from exc
        try:
            self._open(existed, writing)
        except BaseException:
            self.connection.close()
            raise

    def _check_place(self, writing: bool) -> bool:
        """Whether a ledger is already there; a folder, or a folder that takes no files, is refused."""
        if self.path.is_dir():
            raise ZjkError(
                f"--db 应给出账本文件名，而 {self.path} 是一个文件夹：请写成例如 {self.path / 'zjkcollect.db'}"
            )
        if writing:
            check_writable_folder(self.path.parent, "账本所在的文件夹", "--db")
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.path.is_file() and self.path.stat().st_size > 0

    def _open(self, existed: bool, writing: bool) -> None:
        """Integrity first, then a backup (of an intact ledger only), then migrations."""
        try:
            self.connection.execute("PRAGMA foreign_keys = ON")
            problem = integrity_problem(self.connection) if existed else None
            if problem is not None:
                raise damaged(self.path, problem)
            if writing and existed:
                take_backup(self.connection, self.path)
            self._migrate()
        except sqlite3.DatabaseError as exc:
            if "unable to open" in str(exc) or "readonly" in str(exc):
                raise ZjkError(f"账本文件 {self.path} 无法写入（{exc}）：请检查文件和所在文件夹是否只读") from exc
            raise damaged(self.path, str(exc)) from exc

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @property
    def archive_dir(self) -> Path:
        return self.path.parent / ARCHIVE_FOLDER

    def archived(self, stored: StoredFile) -> Path:
        return self.path.parent / stored.archive_path

    @property
    def user_version(self) -> int:
        return int(self.connection.execute("PRAGMA user_version").fetchone()[0])

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Everything inside is committed together or not at all (archive copies included)."""
        connection = self.connection
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise ZjkError(f"账本文件 {self.path} 正被另一个 zjkcollect 命令使用（{exc}），请等它结束后再运行") from exc
        try:
            self._tidy_interrupted()
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            self._discard_written()
            raise
        connection.execute("COMMIT")
        self._forget_written()

    # --- archive copies of a transaction that does not commit ----------------------------------------
    # Before an archive file is written its name goes into a journal; a rolled-back transaction
    # deletes what it wrote, and one killed outright is tidied by the next transaction.

    @property
    def _journal(self) -> Path:
        return self.archive_dir / PENDING_JOURNAL

    def expect_archives(self, files: Iterable[tuple[str, str]]) -> None:
        """Name in the journal, with one fsync, the archive copies about to be written: (sha256, suffix).

        Each copy is then written without a journal entry of its own: a thousand files meant a
        thousand fsyncs, seconds on any disk. Copies named but never written are tidied alike.
        """
        targets = [self.path.parent / archive_relative(sha256, suffix) for sha256, suffix in files]
        targets = [target for target in targets if target not in self._journaled and not target.exists()]
        if targets:
            self._append_to_journal(targets)
            self._journaled.update(targets)

    def _note_written(self, target: Path) -> None:
        if target not in self._journaled:
            self._append_to_journal([target])
        self._written.append(target)

    def _append_to_journal(self, targets: list[Path]) -> None:
        self._journal.parent.mkdir(parents=True, exist_ok=True)
        with self._journal.open("a", encoding="utf-8") as journal:
            journal.write("".join(target.relative_to(self.archive_dir).as_posix() + "\n" for target in targets))
            journal.flush()
            os.fsync(journal.fileno())

    def _discard_written(self) -> None:
        for target in self._written:
            target.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # the two-letter folder, when this run made it
                target.parent.rmdir()
        self._forget_written()

    def _forget_written(self) -> None:
        self._written.clear()
        self._journaled.clear()
        self._journal.unlink(missing_ok=True)

    def _tidy_interrupted(self) -> None:
        """Remove archive files of a run that was killed before it committed (inside the write lock)."""
        if not self._journal.is_file():
            return
        for line in self._journal.read_text(encoding="utf-8").splitlines():
            target = self.archive_dir / line.strip()
            if not line.strip() or ".." in Path(line.strip()).parts:
                continue
            for temp in target.parent.glob(".~zjk-*"):
                temp.unlink(missing_ok=True)
            if not self.knows(target.name.split(".")[0]):
                target.unlink(missing_ok=True)
        self._journal.unlink(missing_ok=True)

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """One file's changes inside the run's transaction: undone alone when they fail."""
        connection = self.connection
        connection.execute("SAVEPOINT one_file")
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK TO one_file")
            connection.execute("RELEASE one_file")
            raise
        connection.execute("RELEASE one_file")

    def _migrate(self) -> None:
        version = self.user_version
        if version > SCHEMA_VERSION:
            raise ZjkError(
                f"账本文件 {self.path} 由更新版本的 zjkcollect 创建（结构版本 {version}，本程序支持到 {SCHEMA_VERSION}），"
                "请升级 zjkcollect 后再使用"
            )
        for target in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction() as connection:
                for statement in _statements(MIGRATIONS[target - 1]):
                    connection.execute(statement)
                # PRAGMA takes no parameters; target is an int we computed.
                connection.execute(f"PRAGMA user_version = {int(target)}")


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]
