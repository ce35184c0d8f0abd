"""Finding the table in a returned workbook, wherever the reporter moved it.

Which attachment a workbook is comes from its content only: the template fingerprint
where present, else the header row (and the title to break a tie). The header row may
sit below extra rows; columns may be in any order, renamed within reason, or extra.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from zjkcollect.attachments import (
    ATTACHMENTS,
    FINGERPRINT_MARK,
    FINGERPRINT_SHEET,
    FP_KIND,
    FP_REPORTER,
    FP_TEMPLATE_VERSION,
    ISSUES_SHEET,
    LISTS_SHEET,
    Attachment,
    Kind,
    header_keys,
)
from zjkcollect.findings import column_letter
from zjkcollect.reader import Grid, WorkbookData
from zjkcollect.text import normalize_header, normalize_name

INTERNAL_SHEETS = {FINGERPRINT_SHEET, LISTS_SHEET, ISSUES_SHEET}
HEADER_SEARCH_ROWS = 40
MIN_HEADER_MATCHES = 3
REPORTER_LABELS = ("填报单位",)
DATE_LABELS = ("统计截止日期", "截止日期", "填报日期", "填报时间", "统计日期", "日期")
FOOTER_WORDS = (
    "填表人",
    "审核人",
    "制表人",
    "合计",
    "总计",
    "单位负责人",
    "负责人签字",
    "注:",
    "注：",
    "说明:",
    "说明：",
)
_STAMP = re.compile(r"[(（][^)）]*(盖章|签章|公章)[^)）]*[)）]")

# Columns that only one attachment has: they decide the kind when counts tie.
_TITLE_HINTS = {Kind.SURVEY: ("摸底",), Kind.REGISTERED: ("参赛项目统计",), Kind.CONTACTS: ("联系人信息",)}


@dataclass(slots=True)
class Fingerprint:
    kind: Kind | None
    version: str | None
    reporter: str | None


@dataclass(slots=True)
class LabelledValue:
    """A header-block value and where it stands (the cell a finding should point at)."""

    value: object
    row: int | None
    column: int | None


@dataclass(slots=True)
class DataRow:
    number: int  # the sheet's own row number
    values: dict[str, object]  # field -> raw cell value


@dataclass(slots=True)
class Table:
    kind: Kind
    sheet: str
    header_row: int
    columns: dict[str, int]  # field -> 1-based column index
    missing: list[str]
    reporter: LabelledValue
    date: LabelledValue
    rows: list[DataRow]
    fingerprint: Fingerprint | None

    @property
    def attachment(self) -> Attachment:
        return ATTACHMENTS[self.kind]

    def cell_of(self, field_name: str, row: int) -> tuple[int | None, str | None]:
        index = self.columns.get(field_name)
        return (row, column_letter(index)) if index else (row, None)


def _header_lookup() -> dict[Kind, dict[str, str]]:
    lookup: dict[Kind, dict[str, str]] = {}
    for kind, attachment in ATTACHMENTS.items():
        keys: dict[str, str] = {}
        for column in attachment.columns:
            for key in header_keys(column):
                keys.setdefault(key, column.field)
        lookup[kind] = keys
    return lookup


_HEADERS = _header_lookup()


def read_fingerprint(workbook: WorkbookData) -> Fingerprint | None:
    for grid in workbook.sheets:
        if grid.name != FINGERPRINT_SHEET or str(grid.value(1, 1)).strip() != FINGERPRINT_MARK:
            continue
        pairs = {str(row[0]).strip(): row[1] for row in grid.rows if len(row) >= 2 and row[0] != ""}
        kind_text = str(pairs.get(FP_KIND, "")).strip()
        kind = Kind(kind_text) if kind_text in {k.value for k in Kind} else None
        version = str(pairs.get(FP_TEMPLATE_VERSION, "")).strip() or None
        reporter = str(pairs.get(FP_REPORTER, "")).strip() or None
        return Fingerprint(kind=kind, version=version, reporter=reporter)
    return None


def _header_keys(cells: list[object]) -> list[tuple[int, str, str]]:
    """(column, normalised header, the same without a parenthetical) for every text cell of a row."""
    keys = []
    for index, cell in enumerate(cells, start=1):
        if isinstance(cell, str) and cell.strip():
            key = normalize_header(cell)
            cut = key.find("(")
            keys.append((index, key, key[:cut] if cut > 0 else ""))
    return keys


def _match_row(keys: list[tuple[int, str, str]], kind: Kind) -> dict[str, int]:
    headers = _HEADERS[kind]
    found: dict[str, int] = {}
    for index, key, short in keys:
        field_name = headers.get(key) or (headers.get(short) if short else None)
        if field_name is not None and field_name not in found:
            found[field_name] = index
    return found


def _complete(candidate: _Candidate) -> bool:
    return all(name in candidate.columns for name in ATTACHMENTS[candidate.kind].required_fields)


def _sheet_text(grid: Grid, rows: int) -> str:
    return "".join(normalize_name(str(cell)) for row in grid.rows[:rows] for cell in row if isinstance(cell, str))


@dataclass(slots=True)
class _Candidate:
    score: tuple[int, int, int, int]
    grid: Grid
    kind: Kind
    header_row: int
    columns: dict[str, int]


def _sheet_candidate(grid: Grid, order: int, fingerprint: Fingerprint | None) -> _Candidate | None:
    """The best header row of a known kind on one sheet, or None."""
    above: str | None = None
    sheet_best: _Candidate | None = None
    for row_index, cells in enumerate(grid.rows[:HEADER_SEARCH_ROWS], start=1):
        keys = _header_keys(cells)
        if len(keys) < MIN_HEADER_MATCHES:
            continue
        for kind in Kind:
            columns = _match_row(keys, kind)
            if len(columns) < MIN_HEADER_MATCHES:
                continue
            if above is None:
                above = _sheet_text(grid, HEADER_SEARCH_ROWS)
            distinct = len(columns) - _shared_count(columns, kind)
            fingerprint_bonus = 1 if fingerprint and fingerprint.kind == kind else 0
            title_bonus = 1 if any(hint in above for hint in _TITLE_HINTS[kind]) else 0
            score = (len(columns) + distinct, fingerprint_bonus + title_bonus, -int(grid.hidden), -order)
            if sheet_best is None or score > sheet_best.score:
                sheet_best = _Candidate(score, grid, kind, row_index, columns)
        if sheet_best is not None and _complete(sheet_best):
            break  # a full header row: the rows below it are data, not another header
    return sheet_best


def _is_table(candidate: _Candidate) -> bool:
    """A header row that names most of an attachment's required columns: a table, even with one missing."""
    required = ATTACHMENTS[candidate.kind].required_fields
    found = sum(1 for name in required if name in candidate.columns)
    return found * 5 >= len(required) * 3


def locate_tables(workbook: WorkbookData) -> list[Table]:
    """Every attachment table in the workbook, one per sheet that holds one, in sheet order.

    A sheet counts when its header row names most of an attachment's required columns. When
    no sheet does, the best partial match is still returned, so its missing columns are reported
    instead of the whole file being "unknown".
    """
    fingerprint = read_fingerprint(workbook)
    candidates = [
        candidate
        for order, grid in enumerate(workbook.sheets)
        if grid.name not in INTERNAL_SHEETS and (candidate := _sheet_candidate(grid, order, fingerprint)) is not None
    ]
    chosen = [candidate for candidate in candidates if _is_table(candidate)]
    if not chosen and candidates:
        chosen = [max(candidates, key=lambda candidate: candidate.score)]
    return [_table(candidate, fingerprint) for candidate in chosen]


def locate_table(workbook: WorkbookData) -> Table | None:
    """The best attachment table in the workbook (the one a single-table caller wants), or None."""
    tables = locate_tables(workbook)
    return tables[0] if tables else None


def _table(candidate: _Candidate, fingerprint: Fingerprint | None) -> Table:
    grid, kind = candidate.grid, candidate.kind
    attachment = ATTACHMENTS[kind]
    missing = [
        column.field for column in attachment.columns if column.required and column.field not in candidate.columns
    ]
    return Table(
        kind=kind,
        sheet=grid.name,
        header_row=candidate.header_row,
        columns=candidate.columns,
        missing=missing,
        reporter=_labelled(grid, candidate.header_row, REPORTER_LABELS),
        date=_labelled(grid, candidate.header_row, _date_labels(attachment)),
        rows=_data_rows(grid, candidate.header_row, candidate.columns),
        fingerprint=fingerprint,
    )


_SHARED_FIELDS = set.intersection(*({column.field for column in a.columns} for a in ATTACHMENTS.values()))


def _shared_count(columns: dict[str, int], kind: Kind) -> int:
    """How many matched fields every attachment has (they don't tell kinds apart)."""
    return sum(1 for name in columns if name in _SHARED_FIELDS)


def _date_labels(attachment: Attachment) -> tuple[str, ...]:
    return (attachment.date_label, *[label for label in DATE_LABELS if label != attachment.date_label])


def _labelled(grid: Grid, header_row: int, labels: tuple[str, ...]) -> LabelledValue:
    """Find ``label：value`` above the header row, in one cell or in the next cells to the right."""
    for label in labels:
        for row_index, cells in enumerate(grid.rows[: header_row - 1], start=1):
            for column_index, cell in enumerate(cells, start=1):
                if not isinstance(cell, str):
                    continue
                text = _STAMP.sub("", normalize_name(cell))
                if not text.startswith(label):
                    continue
                rest = text[len(label) :].lstrip(":：")
                if rest:
                    return LabelledValue(rest, row_index, column_index)
                for next_index in range(column_index + 1, len(cells) + 1):
                    value = cells[next_index - 1]
                    if _is_label(value):
                        break  # the next label: this one was left empty
                    if value not in ("", None):
                        return LabelledValue(value, row_index, next_index)
                return LabelledValue(None, row_index, column_index + 1)
    return LabelledValue(None, None, None)


def _is_label(value: object) -> bool:
    if not isinstance(value, str):
        return False
    text = normalize_name(value)
    return any(text.startswith(label) for label in (*REPORTER_LABELS, *DATE_LABELS))


def _is_footer(cells: list[object]) -> bool:
    first = next((cell for cell in cells if cell not in ("", None)), None)
    if not isinstance(first, str):
        return False
    text = normalize_name(first)
    return any(text.startswith(word) for word in FOOTER_WORDS)


def _filled_merges(grid: Grid, header_row: int) -> dict[tuple[int, int], object]:
    """Values a merged range shows in every cell it covers (0-based positions), below the header."""
    filled: dict[tuple[int, int], object] = {}
    for (top, left), (bottom, right) in grid.merged:
        if bottom + 1 <= header_row:
            continue
        value = grid.value(top + 1, left + 1)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    filled[(r, c)] = value
    return filled


def _data_rows(grid: Grid, header_row: int, columns: dict[str, int]) -> list[DataRow]:
    merges = _filled_merges(grid, header_row)
    content_fields = [name for name in columns if name != "serial"]
    rows: list[DataRow] = []
    total = max(len(grid.rows), max((bottom + 1 for _, (bottom, _) in grid.merged), default=0))
    positions = [(name, index - 1) for name, index in columns.items()]
    for number in range(header_row + 1, total + 1):
        cells = grid.rows[number - 1] if number <= len(grid.rows) else []
        if _is_footer(cells):
            break
        width = len(cells)
        values: dict[str, object] = {}
        for name, offset in positions:
            value = cells[offset] if offset < width else ""
            if merges:
                value = merges.get((number - 1, offset), value)
            values[name] = None if value == "" or (type(value) is str and value.isspace()) else value
        if any(values[name] is not None for name in content_fields):
            rows.append(DataRow(number=number, values=values))
    return rows
