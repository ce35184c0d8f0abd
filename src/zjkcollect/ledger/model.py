"""What the ledger holds, as the rest of the program sees it: files, rows, returns, verdicts."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from zjkcollect.attachments import ColumnKind
from zjkcollect.campaign import Campaign
from zjkcollect.findings import Finding, Severity
from zjkcollect.mailbox import describe_origin
from zjkcollect.report import FileResult
from zjkcollect.rules import codes_with

ARCHIVE_FOLDER = "archive"


def archive_relative(sha256: str, suffix: str) -> str:
    """Where a file's archive copy goes, relative to the ledger's folder."""
    return f"{ARCHIVE_FOLDER}/{sha256[:2]}/{sha256}{suffix.lower()}"


INBOX_RULES = codes_with(scope="inbox")


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
    values: Mapping[str, Any]  # a dictionary, or SlimValues when read slim
    # the cells as typed, kept as the ledger's JSON text until someone asks; None when a slim
    # reading (Reading.submissions) left them out: it keeps them for rows without a project name
    raw_json: str | None
    sheet: str | None = None
    row_id: int | None = None  # the row's place in the ledger, to read its whole values again

    @property
    def raw(self) -> dict[str, str | None]:
        """The cells as typed (read for a problem's project name, rarely): parsed when asked.

        As dictionaries, 50,000 rows' typed cells took more memory than everything else the
        roll-up holds.
        """
        return json.loads(self.raw_json) if self.raw_json is not None else {}


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


def _json_default(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} in the ledger")


# One encoder each, made once: json.dumps with options builds a new encoder for every call,
# and a province inbox stores 50,000 rows twice over. The text is what json.dumps gives.
_VALUES_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_json_default)
_RAW_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dump_values(values: Mapping[str, Any]) -> str:
    return _VALUES_ENCODER.encode(values)


def _dump_raw(raw: Mapping[str, str | None]) -> str:
    return _RAW_ENCODER.encode(raw)


def _date_fields(campaign: Campaign, kind: str) -> frozenset[str]:
    """The date columns of an attachment; none when the campaign no longer has it (its files are checked again)."""
    attachment = campaign.attachment_by_id.get(kind)
    if attachment is None:
        return frozenset()
    return frozenset(column.field for column in attachment.columns if column.kind is ColumnKind.DATE)


# Columns whose values come from a short list: their texts repeat down a return and across returns.
_LISTED_KINDS = frozenset(
    {
        ColumnKind.UNIT_TYPE,
        ColumnKind.YES_NO,
        ColumnKind.MUST_BE_YES,
        ColumnKind.TRACK,
        ColumnKind.TOPIC,
        ColumnKind.JIEBANG,
        ColumnKind.CHOICE,
        ColumnKind.DIVISION,
        ColumnKind.REGISTERED_UNIT,
    }
)


def _listed_fields(campaign: Campaign, kind: str) -> frozenset[str]:
    """The columns of an attachment whose values are one of a list (see :func:`_share_texts`)."""
    attachment = campaign.attachment_by_id.get(kind)
    if attachment is None:
        return frozenset()
    return frozenset(column.field for column in attachment.columns if column.kind in _LISTED_KINDS)


def _share_texts(values: dict[str, Any], fields: frozenset[str], texts: dict[str, str]) -> None:
    """One copy of each listed text (a track, a status) for all rows, instead of one per row."""
    for name in fields:
        value = values.get(name)
        if type(value) is str:
            values[name] = texts.setdefault(value, value)


class SlimValues(Mapping[str, Any]):
    """Some fields of a stored row in slots (see :func:`slim_values`): a third of a dictionary's memory.

    A field the row does not have is missing, as from the dictionary it was taken from.
    """

    __slots__ = ()

    def __getitem__(self, name: str) -> Any:
        try:
            return getattr(self, name)
        except AttributeError:
            raise KeyError(name) from None

    def get(self, name: str, default: Any = None) -> Any:  # Mapping.get would go through __getitem__
        return getattr(self, name, default)

    def __iter__(self) -> Iterator[str]:
        return (name for name in self.__slots__ if hasattr(self, name))

    def __len__(self) -> int:
        return sum(1 for _ in self)


@functools.cache
def slim_values(fields: frozenset[str]) -> Callable[[Mapping[str, Any]], SlimValues]:
    """A maker of :class:`SlimValues` holding ``fields`` (those of them a row has), one class per set of fields."""
    names = tuple(sorted(fields))
    kind = type("SlimValues", (SlimValues,), {"__slots__": names})

    def make(values: Mapping[str, Any]) -> SlimValues:
        slim = kind()
        for name in names:
            if name in values:
                setattr(slim, name, values[name])
        return slim

    return make


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
