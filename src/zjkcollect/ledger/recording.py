"""Writing to the ledger: a validated file's records and its archive copy."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from zjkcollect.ledger.model import (
    IngestOutcome,
    _dump_raw,
    _dump_values,
    archive_relative,
    file_verdict,
    is_recordable,
    own_findings,
)
from zjkcollect.outputs import atomic_write
from zjkcollect.report import FileResult, TableResult
from zjkcollect.schemas import display


class Recording:
    """The writing half of :class:`zjkcollect.ledger.Ledger` (call inside its transaction)."""

    connection: sqlite3.Connection
    path: Path

    # --- writing ------------------------------------------------------------------------------

    def knows(self, sha256: str) -> bool:
        row = self.connection.execute("SELECT 1 FROM files WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

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
            "INSERT INTO tables VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                table.table.first_row,
                table.table.last_row,
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
                    _dump_raw({key: display(value) for key, value in row.raw.items()}),
                )
                for row in table.rows
            ],
        )

    def _archive(self, sha256: str, suffix: str, data: bytes) -> tuple[str, bool]:
        """The archive copy's path (relative to the ledger's folder) and whether this call wrote it."""
        relative = archive_relative(sha256, suffix)
        target = self.path.parent / relative
        if target.exists():
            return relative, False
        self._note_written(target)
        with atomic_write(target) as temp:
            temp.write_bytes(data)
        return relative, True
