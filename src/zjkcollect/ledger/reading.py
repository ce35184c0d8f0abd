"""Reading the ledger: its files and the returns they hold, with rows and findings."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
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
    _listed_fields,
    _load_values,
    _optional_date,
    _share_texts,
    _stored_file,
    file_verdict,
    slim_values,
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

    def submissions(self, campaign: Campaign, slim: Slim | None = None) -> list[Submission]:
        """Every return with its rows and findings, ordered by SHA-256 and part (never by arrival).

        A file holding no table (unrecognised, unreadable content) is one return without a kind.
        The campaign's attachments say which stored values are dates. ``slim`` (attachment id →
        fields) keeps only those fields of that attachment's rows, and their typed cells only
        where the row has no project name: what the roll-up computes from. The rest of a row
        is read again, when a sheet writes it, by :meth:`project_values`.
        """
        tables: dict[str, list[dict[str, Any]]] = {}
        cursor = self.connection.execute("SELECT * FROM tables ORDER BY file_sha, seq")
        names = [column[0] for column in cursor.description]
        for record in cursor.fetchall():
            table = dict(zip(names, record, strict=True))
            tables.setdefault(table["file_sha"], []).append(table)
        # Rows come in the order the files are read, one table at a time, never all as text at once.
        texts: dict[str, str] = {}  # the listed texts (tracks, statuses ...) seen so far, one copy each
        rows = _RowsInOrder(
            self.connection.execute(
                "SELECT file_sha, table_seq, row_number, has_error, values_json, raw_json, rowid FROM rows"
                " ORDER BY file_sha, table_seq, row_number"
            )
        )
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
            file_rows = {table["seq"]: rows.take(stored.sha256, table["seq"]) for table in tables[stored.sha256]}
            for part, members in sorted(parts.items()):
                found.append(_submission(stored, part, members, file_rows, own, campaign, texts, slim or {}))
        return found

    def project_values(self, campaign: Campaign, row_ids: Iterable[int]) -> Iterator[dict[str, Any]]:
        """The whole stored values of the rows ``row_ids`` (``StoredRow.row_id``), one at a time, in that order.

        The roll-up keeps its projects slim; the sheets that list every column read each row
        here as they write it. The wanted rows go into a temporary table with their place, so
        SQLite hands them out in the sheet's order and no more than one is held at a time.
        """
        connection = self.connection
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS wanted_rows (seq INTEGER PRIMARY KEY, row_id INTEGER)")
        connection.execute("DELETE FROM temp.wanted_rows")
        connection.executemany("INSERT INTO temp.wanted_rows VALUES (?, ?)", enumerate(row_ids))
        dates: dict[str, frozenset[str]] = {}
        cursor = connection.execute(
            "SELECT t.kind, r.values_json FROM temp.wanted_rows w"
            " JOIN rows r ON r.rowid = w.row_id"
            " JOIN tables t ON t.file_sha = r.file_sha AND t.seq = r.table_seq"
            " ORDER BY w.seq"
        )
        while batch := cursor.fetchmany(_VALUES_BATCH):
            # one parse for a batch: the decoder shares the field names among its rows
            parsed = json.loads(f"[{','.join(values_json for _, values_json in batch)}]")
            for (kind, _), values in zip(batch, parsed, strict=True):
                fields = dates.get(kind)
                if fields is None:
                    fields = dates[kind] = _date_fields(campaign, kind)
                yield _load_values(values, fields)

    def counts(self) -> dict[str, int]:
        return {
            table: int(self.connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            for table in ("files", "tables", "rows", "findings")
        }


_VALUES_BATCH = 500  # rows parsed together by Reading.project_values: fast, and still a small part of the list
RowRecord = tuple[str, int, int, int, str, str, int]  # file_sha, table_seq, row_number, has_error, values, raw, rowid
Slim = Mapping[str, frozenset[str]]  # attachment id → the fields of its rows to keep (see Reading.submissions)


class _RowsInOrder:
    """The rows of a cursor ordered by (file, table), handed out one table at a time in that order."""

    def __init__(self, cursor: Iterable[RowRecord]) -> None:
        self.groups = itertools.groupby(cursor, key=lambda record: (record[0], record[1]))
        self.current = next(self.groups, None)

    def take(self, sha256: str, seq: int) -> list[RowRecord]:
        """The rows of table ``seq`` of file ``sha256``; ask for tables in (file, table) order."""
        key = (sha256, seq)
        while self.current is not None and self.current[0] < key:
            self.current = next(self.groups, None)  # rows of a table no file lists: skipped, as before
        if self.current is None or self.current[0] != key:
            return []
        records = list(self.current[1])
        self.current = next(self.groups, None)
        return records


def _submission(
    stored: StoredFile,
    part: int,
    tables: list[dict[str, Any]],
    rows: dict[int, list[RowRecord]],
    findings: list[Finding],
    campaign: Campaign,
    texts: dict[str, str],
    slim: Slim,
) -> Submission:
    """One return of a file: its tables' rows, and the findings on its sheets (file-wide ones with part 0)."""
    first = tables[0]
    kind = str(first["kind"])
    dates = _date_fields(campaign, kind)
    listed = _listed_fields(campaign, kind)
    mine = [
        item for item in findings if any(_holds(table, item) for table in tables) or (item.sheet is None and part == 0)
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
    kept = slim.get(kind)
    make_slim = slim_values(kept) if kept is not None else None
    if kept is not None:
        # A slim row is held to the end of the merge: the same unit name or code in many rows,
        # one copy (the texts table goes when the reading ends).
        listed = listed | kept
    for table in tables:
        records = rows.get(table["seq"], [])
        # One parse for the table: the decoder then shares one copy of each field name among all rows.
        parsed = json.loads(f"[{','.join(record[4] for record in records)}]")
        sheet = table["sheet"]
        for (_, _, number, has_error, _, raw_json, row_id), values in zip(records, parsed, strict=True):
            _share_texts(values, listed, texts)
            loaded: Mapping[str, Any] = _load_values(values, dates)
            typed: str | None = raw_json
            if make_slim is not None:
                loaded = make_slim(loaded)
                typed = None if loaded.get("project_name") else raw_json
            submission.rows.append(StoredRow(number, bool(has_error), loaded, typed, sheet, row_id))
    return submission


def _holds(table: dict[str, Any], finding: Finding) -> bool:
    """Whether a finding is about this stored table (as layout.Table.holds decides it)."""
    last = table["last_row"]
    return finding.within(table["sheet"], int(table["first_row"]), None if last is None else int(last))


def archived_files(archive_dir: Path) -> list[tuple[str, Path]]:
    """(sha256, path) of every file kept in the archive folder, temp files and journal left out."""
    if not archive_dir.is_dir():
        return []
    return sorted(
        (path.name.split(".")[0], path)
        for path in archive_dir.glob("*/*")
        if path.is_file() and not path.name.startswith(".") and len(path.name.split(".")[0]) == 64
    )
