"""Findings are data: one record per problem, from every level of checking.

The console table, the JSON report and the marked-up workbook are three views of
the same list of :class:`Finding` records.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum
from typing import Any

from zjkcollect.rules import RULES


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


def column_letter(index: int) -> str:
    """1-based column index → Excel letters (1 → A, 27 → AA)."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@dataclass(frozen=True, slots=True)
class Finding:
    file: str
    sheet: str | None
    row: int | None
    column: str | None
    field: str | None
    rule: str
    severity: Severity
    value: str | None
    message: str

    @property
    def cell(self) -> str | None:
        if self.row is None or self.column is None:
            return None
        return f"{self.column}{self.row}"

    def within(self, sheet: str, first_row: int, last_row: int | None) -> bool:
        """Whether this finding is about the rows ``first_row``..``last_row`` (None: to the end) of ``sheet``.

        A finding without a row is about its whole sheet.
        """
        row = self.row
        return self.sheet == sheet and (row is None or (first_row <= row and (last_row is None or row <= last_row)))

    def to_dict(self) -> dict[str, object]:
        """The JSON record: the fields in the report's order, with the derived ``cell``."""
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "cell": self.cell,
            "field": self.field,
            "rule": self.rule,
            "severity": self.severity.value,
            "value": self.value,
            "message": self.message,
        }

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Finding:
        """The inverse of :meth:`to_dict` (the derived ``cell`` is dropped)."""
        values = {name: record[name] for name in _FIELDS}
        return cls(**{**values, "severity": Severity(record["severity"])})

    def sort_key(self) -> tuple[str, str, int, int, str]:
        column = self.column or ""
        return (self.file, self.sheet or "", self.row or 0, len(column) * 100 + _column_rank(column), self.rule)


_FIELDS = tuple(field.name for field in fields(Finding))


def _column_rank(column: str) -> int:
    rank = 0
    for char in column:
        rank = rank * 26 + (ord(char) - 64)
    return rank


def make_finding(
    rule: str,
    *,
    file: str,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
    field: str | None = None,
    value: object = None,
    **context: object,
) -> Finding:
    """Build a finding from the rule catalog: its severity and message template come from there."""
    spec = RULES[rule]
    shown = None if value is None else str(value)
    message = spec.message.format(field=field or "", value=shown or "", **context)
    return Finding(
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        field=field,
        rule=rule,
        severity=Severity(spec.severity),
        value=shown,
        message=message,
    )
