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
import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from zjkcollect.attachments import ColumnKind
from zjkcollect.campaign import Campaign
from zjkcollect.errors import ZjkError, check_writable_folder
from zjkcollect.findings import Finding, Severity
from zjkcollect.mailbox import describe_origin
from zjkcollect.outputs import atomic_write
from zjkcollect.report import FileResult, TableResult
from zjkcollect.rules import codes_with
from zjkcollect.safekeeping import damaged, integrity_problem, take_backup
from zjkcollect.schemas import display

ARCHIVE_FOLDER = "archive"
PENDING_JOURNAL = ".pending"  # archive files written by a transaction that has not committed yet
LOCK_WAIT_SECONDS = 10.0  # another command holding the ledger: wait this long, then say so
INBOX_RULES = codes_with(scope="inbox")

# MIGRATIONS[i] takes the schema from user_version i to i + 1. Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE files (
        sha256 TEXT PRIMARY KEY,
        original_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        archive_path TEXT NOT NULL,
        reporter TEXT,
        reporter_known INTEGER NOT NULL,
        kind TEXT,
        report_date TEXT,
        week TEXT,
        ingested_at TEXT NOT NULL,
        mtime REAL NOT NULL,
        verdict TEXT NOT NULL,
        row_count INTEGER NOT NULL,
        error_count INTEGER NOT NULL,
        warning_count INTEGER NOT NULL,
        format TEXT,
        sheet TEXT,
        columns_json TEXT NOT NULL
    );
    CREATE TABLE rows (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        row_number INTEGER NOT NULL,
        has_error INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        raw_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, row_number)
    );
    CREATE TABLE findings (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        seq INTEGER NOT NULL,
        severity TEXT NOT NULL,
        finding_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, seq)
    );
    CREATE INDEX files_by_reporter ON files (reporter, kind, week);
    """,
    # 2: which rules each file was checked against, so an edited campaign file re-checks the archive.
    "ALTER TABLE files ADD COLUMN checked_with TEXT",
    # 3: a workbook may hold several tables (附件2 and 附件4 on two sheets, two weeks of 附件3, one list
    # split over sheets); each is recorded, and rows belong to a table. Tables with the same ``part``
    # are one return in parts. Older ledgers held one table per file: it becomes table 0, part 0.
    """
    CREATE TABLE tables (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        seq INTEGER NOT NULL,
        part INTEGER NOT NULL,
        sheet TEXT NOT NULL,
        kind TEXT NOT NULL,
        reporter TEXT,
        reporter_known INTEGER NOT NULL,
        report_date TEXT,
        week TEXT,
        row_count INTEGER NOT NULL,
        columns_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, seq)
    );
    INSERT INTO tables
        SELECT sha256, 0, 0, COALESCE(sheet, ''), kind, reporter, reporter_known, report_date, week, row_count,
               columns_json
        FROM files WHERE kind IS NOT NULL;
    CREATE TABLE table_rows (
        file_sha TEXT NOT NULL REFERENCES files(sha256),
        table_seq INTEGER NOT NULL,
        row_number INTEGER NOT NULL,
        has_error INTEGER NOT NULL,
        values_json TEXT NOT NULL,
        raw_json TEXT NOT NULL,
        PRIMARY KEY (file_sha, table_seq, row_number)
    );
    INSERT INTO table_rows SELECT file_sha, 0, row_number, has_error, values_json, raw_json FROM rows;
    DROP TABLE rows;
    ALTER TABLE table_rows RENAME TO rows;
    CREATE INDEX tables_by_reporter ON tables (reporter, kind, week)
    """,
    # 4: a file taken out of an e-mail keeps who sent it, the subject and the mail's own time (its
    # ingested_at is that time unless the clerk gave --received). NULL for files saved by hand.
    """
    ALTER TABLE files ADD COLUMN mail_from TEXT;
    ALTER TABLE files ADD COLUMN mail_subject TEXT;
    ALTER TABLE files ADD COLUMN mail_time TEXT
    """,
    # 5: a table's kind is its attachment's id from the campaign file ("weekly"), no longer its label ("附件3").
    """
    UPDATE files SET kind = CASE kind WHEN '附件2' THEN 'survey' WHEN '附件3' THEN 'weekly'
        WHEN '附件4' THEN 'contacts' ELSE kind END;
    UPDATE tables SET kind = CASE kind WHEN '附件2' THEN 'survey' WHEN '附件3' THEN 'weekly'
        WHEN '附件4' THEN 'contacts' ELSE kind END
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class Verdict:
    OK = "ok"
    WARNINGS = "warnings"
    ERRORS = "errors"


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A file in the ledger, seen as one of its returns (``part``): the table fields are that return's."""

    sha256: str
    original_path: str
    original_name: str
    archive_path: str  # relative to the archive folder's parent (the database's folder)
    reporter: str | None
    reporter_known: bool
    kind: str | None  # the attachment's id (for the survey, weekly and contacts attachments, their Kind)
    report_date: dt.date | None
    week: dt.date | None
    ingested_at: dt.datetime
    mtime: float
    verdict: str
    row_count: int
    error_count: int
    warning_count: int
    format: str | None
    sheet: str | None
    columns: dict[str, int]
    checked_with: str | None = None
    part: int = 0
    mail_from: str | None = None  # the sender, when the file came out of an e-mail
    mail_subject: str | None = None

    @property
    def received_on(self) -> dt.date:
        return self.ingested_at.date()

    @property
    def origin(self) -> str | None:
        """ "来自 qx@163.com，主题：桥西区附件3" for a file that came by mail."""
        return describe_origin(self.mail_from, self.mail_subject)

    @property
    def shown_name(self) -> str:
        """The file's name, with the mail it came in when it came by mail."""
        origin = self.origin
        return f"{self.original_name}（{origin}）" if origin else self.original_name

    @property
    def key(self) -> str:
        """Names one return: the file's SHA-256 and the part within it."""
        return f"{self.sha256}:{self.part}"


@dataclass(frozen=True, slots=True)
class StoredRow:
    number: int
    has_error: bool
    values: dict[str, Any]
    raw: dict[str, str | None]
    sheet: str | None = None


@dataclass(slots=True)
class Submission:
    """One return from the ledger (a file, or one of the returns a file holds) with its rows and findings."""

    file: StoredFile
    rows: list[StoredRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    sha256: str
    added: bool  # False when the same bytes were already in the ledger


def file_verdict(findings: list[Finding]) -> tuple[str, int, int]:
    errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
    warnings = sum(1 for finding in findings if finding.severity is Severity.WARNING)
    verdict = Verdict.ERRORS if errors else Verdict.WARNINGS if warnings else Verdict.OK
    return verdict, errors, warnings


def own_findings(result: FileResult) -> list[Finding]:
    """The findings about the file itself, without those that depend on other files."""
    return [finding for finding in result.findings if finding.rule not in INBOX_RULES]


def is_recordable(result: FileResult) -> bool:
    """Lock files, non-spreadsheets and unreadable paths carry no content worth keeping."""
    return bool(result.sha256) and not result.skipped


class Ledger:
    """An open ledger. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str, writing: bool = False) -> None:
        """Open (or create) the ledger; ``writing`` checks the folder and keeps a backup first."""
        self.path = Path(path)
        self._written: list[Path] = []  # archive files written by the open transaction
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

    def _note_written(self, target: Path) -> None:
        self._journal.parent.mkdir(parents=True, exist_ok=True)
        with self._journal.open("a", encoding="utf-8") as journal:
            journal.write(target.relative_to(self.archive_dir).as_posix() + "\n")
            journal.flush()
            os.fsync(journal.fileno())
        self._written.append(target)

    def _discard_written(self) -> None:
        for target in self._written:
            target.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # the two-letter folder, when this run made it
                target.parent.rmdir()
        self._forget_written()

    def _forget_written(self) -> None:
        self._written.clear()
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

    # --- writing ------------------------------------------------------------------------------

    def knows(self, sha256: str) -> bool:
        row = self.connection.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def file(self, sha256: str) -> StoredFile | None:
        """The file recorded with these bytes (its first table's fields), or None."""
        cursor = self.connection.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,))
        row = cursor.fetchone()
        if row is None:
            return None
        names = [column[0] for column in cursor.description]
        return _stored_file(dict(zip(names, row, strict=True)))

    def record(
        self, result: FileResult, data: bytes, ingested_at: dt.datetime, checked_with: str = ""
    ) -> IngestOutcome:
        """Record one validated file and archive its bytes; call inside :meth:`transaction`.

        ``checked_with`` names the rules the file was validated against (see :meth:`stale`).
        """
        if not is_recordable(result):
            raise ValueError(f"{result.label} has no content to record")
        if self.knows(result.sha256):
            return IngestOutcome(result.sha256, added=False)
        archive, created = self._archive(result.sha256, result.path.suffix, data)
        try:
            self._insert_file(result, archive, ingested_at, checked_with)
        except BaseException:
            if created:  # no row names it: leave no stray copy behind
                (self.path.parent / archive).unlink(missing_ok=True)
            raise
        return IngestOutcome(result.sha256, added=True)

    def _insert_file(self, result: FileResult, archive: str, ingested_at: dt.datetime, checked_with: str) -> None:
        origin = result.origin
        self.connection.execute(
            "INSERT INTO files (sha256, original_path, original_name, archive_path, ingested_at, mtime,"
            " reporter_known, verdict, row_count, error_count, warning_count, columns_json,"
            " mail_from, mail_subject, mail_time)"
            " VALUES (?, ?, ?, ?, ?, ?, 0, '', 0, 0, 0, '{}', ?, ?, ?)",
            (
                result.sha256,
                result.label,
                result.path.name,
                archive,
                ingested_at.isoformat(timespec="seconds"),
                result.mtime,
                origin.sender if origin else None,
                origin.subject if origin else None,
                origin.received_at.isoformat() if origin and origin.received_at else None,
            ),
        )
        self._store_check(result, checked_with)

    def stale(self, checked_with: str) -> list[StoredFile]:
        """Files validated against other rules (an edited campaign file, another program version)."""
        return [stored for stored in self.files() if stored.checked_with != checked_with]

    def recheck(self, sha256: str, result: FileResult, checked_with: str) -> None:
        """Replace a file's validation with ``result`` (from its archived bytes); call inside a transaction.

        What the file is and when it was taken in stay; what it says is read again.
        """
        if result.sha256 != sha256:
            raise ValueError(f"the archive of {sha256} no longer holds the same bytes")
        for table in ("rows", "tables", "findings"):
            self.connection.execute(f"DELETE FROM {table} WHERE file_sha = ?", (sha256,))
        self._store_check(result, checked_with)

    def _store_check(self, result: FileResult, checked_with: str) -> None:
        findings = own_findings(result)
        verdict, errors, warnings = file_verdict(findings)
        self.connection.execute(
            "UPDATE files SET reporter = ?, reporter_known = ?, kind = ?, report_date = ?, week = ?,"
            " verdict = ?, row_count = ?, error_count = ?, warning_count = ?, format = ?, sheet = ?,"
            " columns_json = ?, checked_with = ? WHERE sha256 = ?",
            (
                result.reporter,
                int(result.reporter_known),
                result.tables[0].attachment.id if result.tables else None,
                result.date.isoformat() if result.date else None,
                result.week.isoformat() if result.week else None,
                verdict,
                len(result.rows),
                errors,
                warnings,
                result.format,
                result.sheet,
                json.dumps(result.table.columns if result.table else {}, ensure_ascii=False, sort_keys=True),
                checked_with,
                result.sha256,
            ),
        )
        for seq, table in enumerate(result.tables):
            self._store_table(result.sha256, seq, table)
        self.connection.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?)",
            [
                (result.sha256, seq, str(finding.severity), json.dumps(finding.to_dict(), ensure_ascii=False))
                for seq, finding in enumerate(findings)
            ],
        )

    def _store_table(self, sha256: str, seq: int, table: TableResult) -> None:
        self.connection.execute(
            "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                sha256,
                seq,
                table.part,
                table.sheet,
                table.attachment.id,
                table.reporter,
                int(table.reporter_known),
                table.date.isoformat() if table.date else None,
                table.week.isoformat() if table.week else None,
                len(table.rows),
                json.dumps(table.table.columns, ensure_ascii=False, sort_keys=True),
            ),
        )
        self.connection.executemany(
            "INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    sha256,
                    seq,
                    row.number,
                    int(row.has_error),
                    _dump_values(row.values),
                    json.dumps({key: display(value) for key, value in row.raw.items()}, ensure_ascii=False),
                )
                for row in table.rows
            ],
        )

    def _archive(self, sha256: str, suffix: str, data: bytes) -> tuple[str, bool]:
        """The archive copy's path (relative to the ledger's folder) and whether this call wrote it."""
        relative = Path(ARCHIVE_FOLDER) / sha256[:2] / f"{sha256}{suffix.lower()}"
        target = self.path.parent / relative
        if target.exists():
            return relative.as_posix(), False
        self._note_written(target)
        with atomic_write(target) as temp:
            temp.write_bytes(data)
        return relative.as_posix(), True

    # --- reading ------------------------------------------------------------------------------

    def files(self) -> list[StoredFile]:
        cursor = self.connection.execute("SELECT * FROM files ORDER BY sha256")
        names = [column[0] for column in cursor.description]
        return [_stored_file(dict(zip(names, row, strict=True))) for row in cursor.fetchall()]

    def submissions(self, campaign: Campaign) -> list[Submission]:
        """Every return with its rows and findings, ordered by SHA-256 and part (never by arrival).

        A file holding no table (unrecognised, unreadable content) is one return without a kind.
        The campaign's attachments say which stored values are dates.
        """
        tables: dict[str, list[dict[str, Any]]] = {}
        cursor = self.connection.execute("SELECT * FROM tables ORDER BY file_sha, seq")
        names = [column[0] for column in cursor.description]
        for record in cursor.fetchall():
            table = dict(zip(names, record, strict=True))
            tables.setdefault(table["file_sha"], []).append(table)
        rows: dict[tuple[str, int], list[tuple[int, bool, str, str]]] = {}
        for sha, seq, number, has_error, values_json, raw_json in self.connection.execute(
            "SELECT file_sha, table_seq, row_number, has_error, values_json, raw_json FROM rows"
            " ORDER BY file_sha, table_seq, row_number"
        ):
            rows.setdefault((sha, seq), []).append((number, bool(has_error), values_json, raw_json))
        findings: dict[str, list[Finding]] = {}
        for sha, finding_json in self.connection.execute(
            "SELECT file_sha, finding_json FROM findings ORDER BY file_sha, seq"
        ):
            findings.setdefault(sha, []).append(Finding.from_dict(json.loads(finding_json)))
        found: list[Submission] = []
        for stored in self.files():
            own = findings.get(stored.sha256, [])
            if stored.sha256 not in tables:
                found.append(Submission(stored, findings=own))
                continue
            parts: dict[int, list[dict[str, Any]]] = {}
            for table in tables[stored.sha256]:
                parts.setdefault(table["part"], []).append(table)
            for part, members in sorted(parts.items()):
                found.append(_submission(stored, part, members, rows, own, campaign))
        return found

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("files", "tables", "rows", "findings")
        }


def _submission(
    stored: StoredFile,
    part: int,
    tables: list[dict[str, Any]],
    rows: dict[tuple[str, int], list[tuple[int, bool, str, str]]],
    findings: list[Finding],
    campaign: Campaign,
) -> Submission:
    """One return of a file: its tables' rows, and the findings on its sheets (file-wide ones with part 0)."""
    first = tables[0]
    kind = str(first["kind"])
    dates = _date_fields(campaign, kind)
    sheets = {table["sheet"] for table in tables}
    mine = [item for item in findings if item.sheet in sheets or (item.sheet is None and part == 0)]
    verdict, errors, warnings = file_verdict(mine)
    view = replace(
        stored,
        reporter=first["reporter"],
        reporter_known=bool(first["reporter_known"]),
        kind=kind,
        report_date=_optional_date(first["report_date"]),
        week=_optional_date(first["week"]),
        verdict=verdict,
        row_count=sum(int(table["row_count"]) for table in tables),
        error_count=errors,
        warning_count=warnings,
        sheet=first["sheet"],
        columns={key: int(value) for key, value in json.loads(first["columns_json"]).items()},
        part=part,
    )
    submission = Submission(view, findings=mine)
    for table in tables:
        for number, has_error, values_json, raw_json in rows.get((stored.sha256, table["seq"]), []):
            values = _load_values(json.loads(values_json), dates)
            submission.rows.append(StoredRow(number, has_error, values, json.loads(raw_json), table["sheet"]))
    return submission


def archived_files(archive_dir: Path) -> list[tuple[str, Path]]:
    """(sha256, path) of every file kept in the archive folder, temp files and journal left out."""
    if not archive_dir.is_dir():
        return []
    return sorted(
        (path.name.split(".")[0], path)
        for path in archive_dir.glob("*/*")
        if path.is_file() and not path.name.startswith(".") and len(path.name.split(".")[0]) == 64
    )


def _statements(script: str) -> list[str]:
    return [statement.strip() for statement in script.split(";") if statement.strip()]


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in the ledger")


def _dump_values(values: dict[str, Any]) -> str:
    return json.dumps(values, ensure_ascii=False, sort_keys=True, default=_json_default)


def _date_fields(campaign: Campaign, kind: str) -> frozenset[str]:
    """The date columns of an attachment; none when the campaign no longer has it (its files are checked again)."""
    attachment = campaign.attachment_by_id.get(kind)
    if attachment is None:
        return frozenset()
    return frozenset(column.field for column in attachment.columns if column.kind is ColumnKind.DATE)


def _load_values(values: dict[str, Any], dates: frozenset[str]) -> dict[str, Any]:
    for name in dates:
        if isinstance(values.get(name), str):
            values[name] = dt.date.fromisoformat(values[name])
    return values


def _optional_date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _stored_file(row: dict[str, Any]) -> StoredFile:
    return StoredFile(
        sha256=row["sha256"],
        original_path=row["original_path"],
        original_name=row["original_name"],
        archive_path=row["archive_path"],
        reporter=row["reporter"],
        reporter_known=bool(row["reporter_known"]),
        kind=row["kind"] or None,
        report_date=_optional_date(row["report_date"]),
        week=_optional_date(row["week"]),
        ingested_at=dt.datetime.fromisoformat(row["ingested_at"]),
        mtime=float(row["mtime"]),
        verdict=row["verdict"],
        row_count=int(row["row_count"]),
        error_count=int(row["error_count"]),
        warning_count=int(row["warning_count"]),
        format=row["format"],
        sheet=row["sheet"],
        columns={key: int(value) for key, value in json.loads(row["columns_json"]).items()},
        checked_with=row["checked_with"],
        mail_from=row["mail_from"],
        mail_subject=row["mail_subject"],
    )
