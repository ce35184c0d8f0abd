"""The result of validating: one entry per file, each with its rows and findings."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjkcollect.attachments import Kind
from zjkcollect.findings import Finding, Severity
from zjkcollect.layout import Table


@dataclass(slots=True)
class CheckedRow:
    number: int
    values: Mapping[str, Any]  # normalised values of the fields that passed
    raw: dict[str, object]
    has_error: bool


@dataclass(slots=True)
class FileResult:
    path: Path
    label: str  # the path as the clerk gave it
    sha256: str = ""
    format: str | None = None
    kind: Kind | None = None
    reporter: str | None = None  # registry name when recognised, else the text read
    reporter_known: bool = False
    date: dt.date | None = None
    week: dt.date | None = None
    mtime: float = 0.0
    table: Table | None = None
    rows: list[CheckedRow] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    skipped: bool = False  # lock files and non-spreadsheets: noted, not validated
    superseded: bool = False

    @property
    def errors(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for finding in self.findings if finding.severity is Severity.WARNING)

    @property
    def sheet(self) -> str | None:
        return self.table.sheet if self.table else None

    def summary(self) -> dict[str, object]:
        return {
            "file": self.label,
            "kind": self.kind.value if self.kind else None,
            "reporter": self.reporter,
            "date": self.date.isoformat() if self.date else None,
            "rows": len(self.rows),
            "errors": self.errors,
            "warnings": self.warnings,
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
