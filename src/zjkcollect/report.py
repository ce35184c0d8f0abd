"""The result of validating: one entry per file, each with its rows and findings."""

from __future__ import annotations

import datetime as dt
import pickle
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from zjkcollect.attachments import Attachment, Kind
from zjkcollect.findings import Finding, Severity
from zjkcollect.layout import Table
from zjkcollect.row_columns import RowColumns

if TYPE_CHECKING:
    from zjkcollect.mailbox import Origin


@dataclass(slots=True)
class CheckedRow:
    number: int
    values: Mapping[str, Any]  # normalised values of the fields that passed
    raw: dict[str, object]
    has_error: bool


# What the rules across files need of a row; the rest stays in the worker when only a verdict is wanted.
SLIM_FIELDS = ("project_name", "credit_code", "track", "topic")


class SlimValues(Mapping[str, object]):
    """The four values of a row the inbox rules read, in a fraction of a dict's memory."""

    __slots__ = SLIM_FIELDS

    def __init__(self, values: Mapping[str, object]) -> None:
        for name in SLIM_FIELDS:
            setattr(self, name, values.get(name))

    @classmethod
    def of(cls, project_name: object, credit_code: object, track: object, topic: object) -> SlimValues:
        values = cls.__new__(cls)
        values.project_name, values.credit_code, values.track, values.topic = project_name, credit_code, track, topic
        return values

    def __getitem__(self, key: str) -> object:
        if key not in SLIM_FIELDS:
            raise KeyError(key)
        return getattr(self, key)

    def get(self, key: str, default: object = None) -> object:  # Mapping.get would go through __getitem__
        return getattr(self, key) if key in SLIM_FIELDS else default

    def __iter__(self) -> Iterator[str]:
        return iter(SLIM_FIELDS)

    def __len__(self) -> int:
        return len(SLIM_FIELDS)


_NO_RAW: dict[str, object] = {}  # shared by every slim row; nothing writes to it


class SlimRows(RowColumns[CheckedRow]):
    """A table's rows as columns of what the inbox rules read: cheap to send back and to keep.

    A province inbox holds 50,000 rows; as row objects they would be pickled one by one in the
    workers, unpickled in the parent and kept there until the end. Rows are made when read.
    """

    __slots__ = ("columns", "errors")

    def __init__(self, numbers: list[int], columns: list[list[object]], errors: list[bool]) -> None:
        super().__init__(numbers)
        self.columns = columns  # one list per SLIM_FIELDS name
        self.errors = errors

    def column(self, name: str) -> list[object]:
        """Every row's value of one of SLIM_FIELDS."""
        return self.columns[SLIM_FIELDS.index(name)]

    def _row(self, index: int) -> CheckedRow:
        names, codes, tracks, topics = (column[index] for column in self.columns)
        return CheckedRow(self.numbers[index], SlimValues.of(names, codes, tracks, topics), _NO_RAW, self.errors[index])

    def __iter__(self) -> Iterator[CheckedRow]:
        no_raw, make = _NO_RAW, SlimValues.of
        for number, names, codes, tracks, topics, error in zip(self.numbers, *self.columns, self.errors, strict=True):
            yield CheckedRow(number, make(names, codes, tracks, topics), no_raw, error)

    def __reduce__(self) -> tuple[object, ...]:
        return (_unpickle_slim_rows, (self.numbers, self.columns, self.errors))


class PackedSlimRows(SlimRows):
    """:class:`SlimRows` kept as one pickled bytes object until the inbox rules read them.

    ``merge`` records each file as its result arrives and keeps its slim rows for the rules
    across files at the end. Kept as 200,000 small strings, made among each file's passing
    row objects, they pinned the memory those left behind (5 MB of a province merge's peak);
    packed they are one block per table, unpacked together when the rules run.
    """

    __slots__ = ("packed",)

    def __init__(self, rows: SlimRows) -> None:
        super().__init__(rows.numbers, [], rows.errors)
        self.packed: bytes | None = pickle.dumps(rows.columns, pickle.HIGHEST_PROTOCOL)

    def _unpack(self) -> None:
        if self.packed is not None:
            self.columns, self.packed = pickle.loads(self.packed), None

    def column(self, name: str) -> list[object]:
        self._unpack()
        return super().column(name)

    def _row(self, index: int) -> CheckedRow:
        self._unpack()
        return super()._row(index)

    def __iter__(self) -> Iterator[CheckedRow]:
        self._unpack()
        return super().__iter__()

    def __reduce__(self) -> tuple[object, ...]:
        self._unpack()
        return super().__reduce__()


class RecordedRows(RowColumns[CheckedRow]):
    """A recorded table's rows once the run's rules across files are done: numbers and error flags.

    The ledger holds their values; the run's report shows only how many and which had errors,
    so a merge of 50,000 rows does not keep their texts to the end.
    """

    __slots__ = ("errors",)

    def __init__(self, numbers: list[int], errors: list[bool]) -> None:
        super().__init__(numbers)
        self.errors = errors

    def _row(self, index: int) -> CheckedRow:
        return CheckedRow(self.numbers[index], _NO_RAW, _NO_RAW, self.errors[index])


# Tracks and topics repeat in every file: one copy of each in the parent, not one per file.
_SHARED_COLUMNS = frozenset(SLIM_FIELDS.index(name) for name in ("track", "topic"))


def _unpickle_slim_rows(numbers: list[int], columns: list[list[object]], errors: list[bool]) -> SlimRows:
    for position in _SHARED_COLUMNS:
        columns[position] = [sys.intern(value) if type(value) is str else value for value in columns[position]]
    return SlimRows(numbers, columns, errors)


@dataclass(slots=True)
class TableResult:
    """One table read from one sheet of a file: which attachment, whose, of which day, and its rows."""

    table: Table
    reporter: str | None = None  # registry name when recognised, else the text read
    reporter_known: bool = False
    date: dt.date | None = None
    week: dt.date | None = None
    rows: list[CheckedRow] = field(default_factory=list)
    part: int = 0  # which submission of the file this table belongs to (see FileResult.submissions)
    superseded: bool = False

    @property
    def kind(self) -> Kind:
        return self.table.kind

    @property
    def attachment(self) -> Attachment:
        return self.table.attachment

    @property
    def sheet(self) -> str:
        return self.table.sheet

    def summary(self, findings: list[Finding]) -> dict[str, object]:
        mine = [finding for finding in findings if self.table.holds(finding)]
        return {
            "kind": self.attachment.label,
            "sheet": self.sheet,
            # where on the sheet (two attachments' tables may share one): its first row, its last (None: the end)
            "first_row": self.table.first_row,
            "last_row": self.table.last_row,
            "reporter": self.reporter,
            "date": self.date.isoformat() if self.date else None,
            "rows": len(self.rows),
            "errors": sum(1 for finding in mine if finding.severity is Severity.ERROR),
            "warnings": sum(1 for finding in mine if finding.severity is Severity.WARNING),
            "superseded": self.superseded,
            "ignored_columns": list(self.table.ignored),
        }


@dataclass(slots=True)
class Submission:
    """What one reporter sent as one return in one file: a table, or one list split over sheets."""

    result: FileResult
    tables: list[TableResult]

    @property
    def first(self) -> TableResult:
        return self.tables[0]

    @property
    def kind(self) -> Kind:
        return self.first.kind

    @property
    def attachment(self) -> Attachment:
        return self.first.attachment

    @property
    def reporter(self) -> str | None:
        return self.first.reporter

    @property
    def reporter_known(self) -> bool:
        return self.first.reporter_known

    @property
    def date(self) -> dt.date | None:
        return self.first.date

    @property
    def week(self) -> dt.date | None:
        return self.first.week

    @property
    def superseded(self) -> bool:
        return self.first.superseded

    def mark_superseded(self) -> None:
        for table in self.tables:
            table.superseded = True

    def rows(self) -> list[tuple[TableResult, CheckedRow]]:
        return [(table, row) for table in self.tables for row in table.rows]


def submission_key(table: TableResult) -> tuple[object, ...]:
    """Tables of one file with the same attachment, reporter and date are one return in parts."""
    return (table.attachment.id, table.reporter, table.date)


@dataclass(slots=True)
class FileResult:
    path: Path
    label: str  # the path as the clerk gave it
    sha256: str = ""
    format: str | None = None
    mtime: float = 0.0
    tables: list[TableResult] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False  # lock files and non-spreadsheets: noted, not validated
    origin: Origin | None = None  # the mail or zip it was taken out of (see mailbox.py)

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)

    def number_parts(self) -> None:
        """Give each table the index of the submission it belongs to, in sheet order."""
        parts: dict[tuple[object, ...], int] = {}
        for table in self.tables:
            table.part = parts.setdefault(submission_key(table), len(parts))

    def submissions(self) -> list[Submission]:
        grouped: dict[int, list[TableResult]] = {}
        for table in self.tables:
            grouped.setdefault(table.part, []).append(table)
        return [Submission(self, tables) for _, tables in sorted(grouped.items())]

    # The file's first table, for views that show one line per file.
    @property
    def first(self) -> TableResult | None:
        return self.tables[0] if self.tables else None

    @property
    def kind(self) -> Kind | None:
        return self.tables[0].kind if self.tables else None

    @property
    def reporter(self) -> str | None:
        return self.tables[0].reporter if self.tables else None

    @property
    def reporter_known(self) -> bool:
        return bool(self.tables) and self.tables[0].reporter_known

    @property
    def date(self) -> dt.date | None:
        return self.tables[0].date if self.tables else None

    @property
    def week(self) -> dt.date | None:
        return self.tables[0].week if self.tables else None

    @property
    def table(self) -> Table | None:
        return self.tables[0].table if self.tables else None

    @property
    def sheet(self) -> str | None:
        return self.tables[0].sheet if self.tables else None

    @property
    def rows(self) -> list[CheckedRow]:
        """Every data row of every table."""
        return [row for table in self.tables for row in table.rows]

    @property
    def row_count(self) -> int:
        return sum(len(table.rows) for table in self.tables)

    @property
    def superseded(self) -> bool:
        """Every return in the file was replaced by a newer one."""
        return bool(self.tables) and all(table.superseded for table in self.tables)

    @property
    def ignored_columns(self) -> list[str]:
        """The headers of columns no attachment reads, over every table of the file."""
        return list(dict.fromkeys(name for table in self.tables for name in table.table.ignored))

    @property
    def kinds(self) -> str | None:
        """The attachments in the file, e.g. "附件2+附件4"."""
        names = list(dict.fromkeys(table.attachment.label for table in self.tables))
        return "+".join(names) if names else None

    def summary(self) -> dict[str, object]:
        return {
            "file": self.label,
            "kind": self.kinds,
            "reporter": self.reporter,
            "date": self.date.isoformat() if self.date else None,
            "rows": self.row_count,
            "errors": self.errors,
            "warnings": self.warnings,
            "tables": [table.summary(self.findings) for table in self.tables],
            "origin": self.origin.to_dict() if self.origin else None,
        }


@dataclass(slots=True)
class Report:
    files: list[FileResult]

    @property
    def findings(self) -> list[Finding]:
        return sorted((f for result in self.files for f in result.findings), key=Finding.sort_key)

    @property
    def has_errors(self) -> bool:
        return any(result.errors for result in self.files)

    def to_dict(self) -> dict[str, object]:
        return {
            "files": [result.summary() for result in self.files],
            "findings": [finding.to_dict() for finding in self.findings],
        }
