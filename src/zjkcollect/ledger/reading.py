"""Reading the ledger: its files and the returns they hold, with rows and findings."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

from zjkcollect.campaign import Campaign
from zjkcollect.findings import Finding
from zjkcollect.ledger.model import (
    StoredFile,
    StoredRow,
    Submission,
    _date_fields,
    _load_values,
    _optional_date,
    _stored_file,
    file_verdict,
)


class Reading:
    """The reading half of :class:`zjkcollect.ledger.Ledger`."""

    connection: sqlite3.Connection

    def file(self, sha256: str) -> StoredFile | None:
        """The file recorded with these bytes (its first table's fields), or None."""
        cursor = self.connection.execute("SELECT * FROM files WHERE sha256 = ?", (sha256,))
        row = cursor.fetchone()
        if row is None:
            return None
        names = [column[0] for column in cursor.description]
        return _stored_file(dict(zip(names, row, strict=True)))

    def stale(self, checked_with: str) -> list[StoredFile]:
        """Files validated against other rules (an edited campaign file, another program version)."""
        return [stored for stored in self.files() if stored.checked_with != checked_with]

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
    mine = [
        item
        for item in findings
        if any(_holds(table, item) for table in tables) or (item.sheet is None and part == 0)
    ]
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


def _holds(table: dict[str, Any], finding: Finding) -> bool:
    """Whether a finding is about this stored table: on its sheet, within its rows (see layout.Table.holds)."""
    if finding.sheet != table["sheet"]:
        return False
    row, last = finding.row, table["last_row"]
    return row is None or (int(table["first_row"]) <= row and (last is None or row <= int(last)))


def archived_files(archive_dir: Path) -> list[tuple[str, Path]]:
    """(sha256, path) of every file kept in the archive folder, temp files and journal left out."""
    if not archive_dir.is_dir():
        return []
    return sorted(
        (path.name.split(".")[0], path)
        for path in archive_dir.glob("*/*")
        if path.is_file() and not path.name.startswith(".") and len(path.name.split(".")[0]) == 64
    )
