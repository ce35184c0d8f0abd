"""Finding the tables in a returned workbook, wherever and however the reporter laid them out.

Which attachment a table is comes from its content only: the template fingerprint where
present, else the header (and the title to break a tie). The header may sit below extra rows
and span two or three rows (a merged group header such as 参赛单位 over 名称 | 统一社会信用代码 |
单位类型, cells merged down over two rows); columns may be in any order, renamed within reason,
or extra. Below the header, rows that are not data (合计/小计, notes, signatures, a repeated
header) are left out; every other row is read, so nothing is dropped silently.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter

from zjkcollect.attachments import (
    FINGERPRINT_MARK,
    FINGERPRINT_SHEET,
    FP_KIND,
    FP_REPORTER,
    FP_TEMPLATE_VERSION,
    ISSUES_SHEET,
    LISTS_SHEET,
    Attachment,
    Kind,
)
from zjkcollect.campaign import Campaign
from zjkcollect.codes import read_date
from zjkcollect.findings import Finding, column_letter
from zjkcollect.header_block import LabelledValue, names_a_label, read_header_block
from zjkcollect.reader import Grid, WorkbookData
from zjkcollect.row_columns import RowColumns
from zjkcollect.text import normalize_header, normalize_name

__all__ = [
    "DataRow",
    "Fingerprint",
    "LabelledValue",
    "Table",
    "TableRows",
    "locate_table",
    "locate_tables",
    "read_fingerprint",
]

INTERNAL_SHEETS = {FINGERPRINT_SHEET, LISTS_SHEET, ISSUES_SHEET}
HEADER_SEARCH_ROWS = 40
MAX_HEADER_DEPTH = 3  # a title row over a group row over sub-headers is the deepest seen
MIN_HEADER_MATCHES = 3
# A row with this many different plain values is data, whatever words it starts with.
DATA_SHAPED_VALUES = 3


def _words(*words: str) -> str:
    """Alternatives that may be typed with spaces between the characters (合  计)."""
    return "|".join(r"\s*".join(re.escape(char) for char in word) for word in words)


# Rows that sum up the table: left out, and the rows after them are still read.
_TOTAL = re.compile(rf"\s*(?:{_words('合计', '小计', '总计', '共计')})(?=$|[\s:：(（\d、.．,，])")
# Rows after the table: notes, who filled it in, who checked it. The word must stand as a label
# (followed by a colon, a space, a number or nothing), so a project called 说明书智能审核平台 or
# 审核人工智能平台 is not one.
_TRAILER = re.compile(
    rf"\s*(?:(?:{_words('注', '说明', '填表说明', '备注说明', '填表人', '填报人', '审核人', '制表人', '复核人', '经办人', '单位负责人', '分管领导')})"
    r"(?=$|[\s:：(（\d、.．])"
    rf"|(?:{_words('联系人', '联系电话', '负责人', '填报单位', '报送单位', '填报日期', '日期')})\s*[:：])"
)
# A place to sign or stamp: 负责人签字：, 单位（盖章）, （公章）.
_SIGNATURE = re.compile(r"(?:签字|签名|盖章|签章|公章|[(（]\s*章\s*[)）])\s*[)）]?\s*[:：]?\s*$")
# The date line under a signature, left for filling in by hand: "    年   月   日".
_BLANK_DATE = re.compile(
    r"^\s*(?:\d{4}|[〇零○一二三四五六七八九]{4})?\s*年\s*(?:\d{1,2})?\s*月\s*(?:\d{1,2})?\s*日\s*$"
)
# Words of a signature line that stand alone in their cells: 联系电话 | 13800000000.
_WORD_ALONE = re.compile(rf"\s*(?:{_words('联系人', '联系电话', '电话', '手机', '负责人', '日期', '填报日期')})\s*$")
# "项目简介：…" style text: a short label and a colon; such cells don't make a row look like data.
_LABEL_LIKE = re.compile(r"^\s*[^\s:：]{1,8}\s*[:：]")
_NUMBER_LIKE = re.compile(r"^[\s\d+\-.()（）]*$")  # a count or a phone number typed as text
_CODE_LIKE = re.compile(r"^\s*[0-9A-Za-z]{18}\s*$")


@dataclass(slots=True)
class Fingerprint:
    kind: str | None  # the attachment's id
    version: str | None
    reporter: str | None


@dataclass(slots=True)
class DataRow:
    number: int  # the sheet's own row number
    values: dict[str, object]  # field -> raw cell value


class TableRows(RowColumns[DataRow]):
    """A table's data rows as columns: the row numbers, and per field (in the table's column order) its raw cells.

    The row check reads a column at a time, so the rows are never made into dictionaries on the
    way; a :class:`DataRow` is made when one is asked for.
    """

    __slots__ = ("columns",)

    def __init__(self, numbers: list[int], columns: dict[str, list[object]]) -> None:
        super().__init__(numbers)
        self.columns = columns

    def _row(self, index: int) -> DataRow:
        return DataRow(self.numbers[index], {name: cells[index] for name, cells in self.columns.items()})

    def __iter__(self) -> Iterator[DataRow]:
        names = list(self.columns)
        for number, values in zip(self.numbers, zip(*self.columns.values(), strict=True), strict=True):
            yield DataRow(number, dict(zip(names, values, strict=True)))

    @classmethod
    def of(cls, rows: list[DataRow], names: list[str]) -> TableRows:
        """The columns of rows made one at a time (each with every name)."""
        return cls([row.number for row in rows], {name: [row.values[name] for row in rows] for name in names})


@dataclass(slots=True)
class Table:
    attachment: Attachment
    sheet: str
    header_row: int  # the last header row: data starts below it
    header_top: int  # the first header row: the header block is above it
    columns: dict[str, int]  # field -> 1-based column index
    missing: list[str]
    ignored: list[str]  # headers of the columns the attachment does not have, as written (not read)
    reporter: LabelledValue
    date: LabelledValue
    rows: TableRows
    fingerprint: Fingerprint | None
    # The rows of the sheet that belong to this table (its block, header, data and foot): the whole
    # sheet, unless another attachment's table stands above or below it on the same sheet.
    first_row: int = 1
    last_row: int | None = None
    # Example rows left under the header (序号 says 示例): (row, column, the text), not read as data.
    examples: list[tuple[int, int, str]] = field(default_factory=list)
    # The text lines above the header (title and block): (row, column, text), e.g. a unit named in the title.
    block_lines: list[tuple[int, int, str]] = field(default_factory=list)

    @property
    def kind(self) -> Kind:
        """The attachment's role."""
        return self.attachment.role

    def cell_of(self, field_name: str, row: int) -> tuple[int | None, str | None]:
        index = self.columns.get(field_name)
        return (row, column_letter(index)) if index else (row, None)

    def holds(self, finding: Finding) -> bool:
        """Whether a finding is about this table: on its rows of its sheet."""
        return finding.within(self.sheet, self.first_row, self.last_row)


def read_fingerprint(workbook: WorkbookData, campaign: Campaign) -> Fingerprint | None:
    for grid in workbook.sheets:
        if grid.name != FINGERPRINT_SHEET or str(grid.value(1, 1)).strip() != FINGERPRINT_MARK:
            continue
        pairs = {str(row[0]).strip(): row[1] for row in grid.rows if len(row) >= 2 and row[0] != ""}
        # an id, or in a template made before attachments had ids, the label ("附件3")
        attachment = campaign.find_attachment(str(pairs.get(FP_KIND, "")))
        kind = attachment.id if attachment else None
        version = str(pairs.get(FP_TEMPLATE_VERSION, "")).strip() or None
        reporter = str(pairs.get(FP_REPORTER, "")).strip() or None
        return Fingerprint(kind=kind, version=version, reporter=reporter)
    return None


# --- the header ---------------------------------------------------------------------------------


def _short(key: str) -> str:
    """A header without its parenthetical note: 参赛单位名称(牵头单位) → 参赛单位名称."""
    cut = key.find("(")
    return key[:cut] if cut > 0 else ""


class _HeaderArea:
    """The first rows of a sheet as header text, each row read when the search first needs it.

    ``row(r)[c]`` is (normalised text, the row its cell or merge starts in, whether cell (r, c) holds
    it itself) for 1-based r and c; a merged cell's text stands in every cell the merge covers.
    ``known`` holds every header text of every attachment.
    """

    __slots__ = ("covered", "down", "grid", "keys_memo", "known", "limit", "texts", "wide")

    def __init__(self, grid: Grid, limit: int, known: frozenset[str]) -> None:
        self.grid = grid
        self.known = known
        self.limit = min(len(grid.rows), limit)
        self.texts: dict[int, dict[int, tuple[str, int, bool]]] = {}
        self.keys_memo: dict[tuple[int, int], list[tuple[int, tuple[str, ...]]]] = {}
        self.covered: dict[int, list[tuple[int, str, int, str]]] = {}  # row → (column, text, origin, raw text)
        self.wide: set[tuple[int, int]] = set()  # (row, column) covered by a merge at least two columns wide
        self.down: dict[int, int] = {}  # row → the lowest row a merge starting in it reaches
        for (top, left), (bottom, right) in grid.merged:
            if top >= self.limit:
                continue
            if bottom > top:
                self.down[top + 1] = max(self.down.get(top + 1, 0), bottom + 1)
            value = grid.value(top + 1, left + 1)
            text = normalize_header(value) if isinstance(value, str) and value.strip() else None
            width = len(grid.rows[top])
            for r in range(top + 1, min(bottom + 1, self.limit) + 1):
                for c in range(left + 1, min(right + 1, width) + 1):
                    if right > left:
                        self.wide.add((r, c))
                    if text is not None and (r, c) != (top + 1, left + 1):
                        self.covered.setdefault(r, []).append((c, text, top + 1, value.strip()))

    def row(self, number: int) -> dict[int, tuple[str, int, bool]]:
        texts = self.texts.get(number)
        if texts is None:
            texts = {}
            for index, cell in enumerate(self.grid.rows[number - 1], start=1):
                if type(cell) is str and cell and not cell.isspace():
                    texts[index] = (normalize_header(cell), number, True)
            for column, text, origin, _ in self.covered.get(number, ()):
                texts.setdefault(column, (text, origin, False))
            self.texts[number] = texts
        return texts

    def raw(self, number: int, column: int) -> str | None:
        """The text cell (number, column) shows, merged or its own, as typed."""
        value = self.grid.value(number, column)
        if isinstance(value, str) and value.strip():
            return value
        return next((raw for c, _, _, raw in self.covered.get(number, ()) if c == column), None)

    def column_keys(self, top: int, depth: int) -> list[tuple[int, tuple[str, ...]]]:
        memo = self.keys_memo.get((top, depth))
        if memo is None:
            memo = self.keys_memo[(top, depth)] = _column_keys([self.row(r) for r in range(top, top + depth)], top)
        return memo


def _column_keys(rows: list[dict[int, tuple[str, int, bool]]], top: int) -> list[tuple[int, tuple[str, ...]]]:
    """For every column with header text in ``rows`` (from row ``top``): the names it may go by, best first.

    One row: its text. Several: the texts read downwards (参赛单位 + 名称 → 参赛单位名称), then the
    lower ones alone (统一社会信用代码 under 参赛单位), then a group header alone where the cell
    holds it itself (项目联系人 over 姓名 | 联系电话: the first column is the contact's name).
    """
    result = []
    if len(rows) == 1:
        for column, (text, origin, _) in sorted(rows[0].items()):
            if origin >= top:  # text merged down from a row above belongs to that row's header
                short = _short(text)
                result.append((column, (text, short) if short else (text,)))
        return result
    for column in sorted({column for row in rows for column in row}):
        stack: list[tuple[str, bool]] = []
        for row in rows:
            entry = row.get(column)
            if entry is not None and entry[1] >= top and (not stack or stack[-1][0] != entry[0]):
                stack.append((entry[0], entry[2]))
        if not stack:
            continue
        texts = [text for text, _ in stack]
        names = ["".join(texts[start:]) for start in range(len(texts))]
        names += [text for text, own in reversed(stack[:-1]) if own]
        keys: list[str] = []
        for name in names:
            keys.append(name)
            if short := _short(name):
                keys.append(short)
        result.append((column, tuple(keys)))
    return result


def _match(keys: list[tuple[int, tuple[str, ...]]], attachment: Attachment) -> dict[str, int]:
    headers = attachment.header_lookup
    found: dict[str, int] = {}
    for index, names in keys:
        for name in names:
            field_name = headers.get(name)
            if field_name is not None and field_name not in found:
                found[field_name] = index
                break
    return found


def _is_header_key(text: str, known: frozenset[str]) -> bool:
    return text in known or _short(text) in known


def _header_like(area: _HeaderArea, row: int) -> bool:
    """Whether a row could continue a header: it names a column of some attachment, or sits under a group that does."""
    known = area.known
    own = [(column, text) for column, (text, _, is_own) in area.row(row).items() if is_own]
    if any(_is_header_key(text, known) for _, text in own):
        return True
    above = area.row(row - 1)
    return bool(own) and all(
        (row - 1, column) in area.wide and column in above and _is_header_key(above[column][0], known)
        for column, _ in own
    )


def _under_groups(area: _HeaderArea, row: int, attachment: Attachment) -> bool:
    """Every cell of ``row`` stands under a merged group header of the row above that names a column.

    E.g. 联系电话 merged over 手机 | 座机: the lower row adds no column, but it is header, not data.
    """
    above, cells = area.row(row - 1), area.row(row)
    own = [column for column, (_, _, is_own) in cells.items() if is_own]
    headers = attachment.header_lookup
    return bool(own) and all(
        (row - 1, column) in area.wide and column in above and above[column][0] in headers for column in own
    )


@dataclass(slots=True)
class _Candidate:
    score: tuple[int, int, int, int]
    grid: Grid
    attachment: Attachment
    header_top: int
    header_row: int
    columns: dict[str, int]
    area: _HeaderArea
    first: int = 1  # the first row of the table's region (its header block starts here)
    end: int | None = None  # the last row of its region; None: the end of the sheet
    data_top: int = 0  # the first row that may be data: under the header and the form lines below it


class _Matches:
    """Which fields each block of header rows names, computed once per (top, depth, attachment)."""

    def __init__(self, area: _HeaderArea) -> None:
        self.area = area
        self.memo: dict[tuple[int, int, str], dict[str, int]] = {}

    def __call__(self, top: int, depth: int, attachment: Attachment) -> dict[str, int]:
        key = (top, depth, attachment.id)
        if key not in self.memo:
            keys = self.area.column_keys(top, depth)
            self.memo[key] = _match(keys, attachment) if len(keys) >= MIN_HEADER_MATCHES else {}
        return self.memo[key]

    def header(self, top: int, depth: int, attachment: Attachment) -> dict[str, int] | None:
        """The columns rows top..top+depth-1 name as one header, or None when they are not one.

        Every row of a multi-row header must add something: the top row names more than the rows
        below it alone (so a title or a 填报单位 row above is not taken in), and the bottom row more
        than the rows above it alone, or it sits under group headers (so the first data row is not).
        """
        columns = self(top, depth, attachment)
        if depth == 1 or len(columns) < MIN_HEADER_MATCHES:
            return columns
        if len(columns) <= len(self(top + 1, depth - 1, attachment)):
            return None
        bottom = top + depth - 1
        if len(columns) <= len(self(top, depth - 1, attachment)) and not _under_groups(self.area, bottom, attachment):
            return None
        return columns


def _sheet_candidate(
    grid: Grid, order: int, fingerprint: Fingerprint | None, campaign: Campaign, first: int = 1
) -> _Candidate | None:
    """The best header (one to three rows) of one of the campaign's attachments on one sheet, or None.

    The search starts at row ``first`` (1, or below a table already found on the sheet).
    """
    start = first - 1
    area = _HeaderArea(grid, start + HEADER_SEARCH_ROWS + MAX_HEADER_DEPTH - 1, campaign.all_header_keys)
    matches = _Matches(area)
    title = _TitleText(grid, first)
    sheet_best: _Candidate | None = None
    rows = area.limit
    for top in range(first, min(rows, start + HEADER_SEARCH_ROWS) + 1):
        texts = area.row(top)
        if not texts or (len(texts) < MIN_HEADER_MATCHES and not (top < rows and _header_like(area, top + 1))):
            continue
        depth_limit = 1
        while depth_limit < MAX_HEADER_DEPTH and top + depth_limit <= rows and _header_like(area, top + depth_limit):
            depth_limit += 1
        # Deeper first: a valid multi-row header wins over its own top row on a tie.
        for depth in range(depth_limit, 0, -1):
            for attachment in campaign.attachments:
                columns = matches.header(top, depth, attachment)
                if columns is None or len(columns) < MIN_HEADER_MATCHES:
                    continue
                above = title.upto(top + depth - 1)
                # fields every attachment has don't tell them apart; the fingerprint and the title may
                distinct = len(columns) - sum(1 for name in columns if name in campaign.shared_fields)
                fingerprint_bonus = 1 if fingerprint and fingerprint.kind == attachment.id else 0
                title_bonus = 1 if any(normalize_name(hint) in above for hint in attachment.title_hints) else 0
                score = (len(columns) + distinct, fingerprint_bonus + title_bonus, -int(grid.hidden), -order)
                if sheet_best is None or score > sheet_best.score:
                    bottom = _header_bottom(area, top, top + depth - 1)
                    sheet_best = _Candidate(score, grid, attachment, top, bottom, columns, area, first)
        if sheet_best is not None and _complete(sheet_best):
            break  # a full header: the rows below it are data, not another header
    return sheet_best


def _header_bottom(area: _HeaderArea, top: int, bottom: int) -> int:
    """The last header row: header cells merged down over the next row(s) take those rows in too.

    Only rows with nothing of their own (or more header text) are taken in, so a single header
    cell merged down by accident does not swallow the first data row.
    """
    reach = max((area.down.get(row, 0) for row in range(top, bottom + 1)), default=0)
    limit = min(reach, top + MAX_HEADER_DEPTH - 1, area.limit)
    while bottom < limit and (_empty_row(area.grid, bottom + 1) or _header_like(area, bottom + 1)):
        bottom += 1
    return bottom


def _empty_row(grid: Grid, row: int) -> bool:
    return all(cell is None or cell == "" for cell in grid.rows[row - 1])


def _complete(candidate: _Candidate) -> bool:
    return all(name in candidate.columns for name in candidate.attachment.required_fields)


class _TitleText:
    """The text of a header and the rows above it (the title's place), each row normalised once.

    Rows below the header are data: a project called 企业摸底数据平台 says nothing about which
    attachment the table is, so its cells are not searched for the attachments' title hints.
    """

    __slots__ = ("grid", "rows", "start")

    def __init__(self, grid: Grid, first: int = 1) -> None:
        self.grid = grid
        self.start = first - 1  # rows above the table's region belong to another table
        self.rows: list[str] = []

    def upto(self, last: int) -> str:
        """The normalised text of rows ``first``..``last``, without spaces."""
        grid_rows = self.grid.rows
        wanted = min(last, len(grid_rows)) - self.start
        while len(self.rows) < wanted:
            cells = grid_rows[self.start + len(self.rows)]
            self.rows.append("".join(normalize_name(cell) for cell in cells if isinstance(cell, str)))
        return "".join(self.rows[: max(wanted, 0)])


def _is_table(candidate: _Candidate) -> bool:
    """A header row that names most of an attachment's required columns: a table, even with one missing."""
    required = candidate.attachment.required_fields
    found = sum(1 for name in required if name in candidate.columns)
    return found * 5 >= len(required) * 3


def locate_tables(workbook: WorkbookData, campaign: Campaign) -> list[Table]:
    """Every attachment table in the workbook, one per sheet that holds one, in sheet order.

    A sheet counts when its header names most of an attachment's required columns. When
    no sheet does, the best partial match is still returned, so its missing columns are reported
    instead of the whole file being "unknown".
    """
    fingerprint = read_fingerprint(workbook, campaign)
    candidates = [
        candidate
        for order, grid in enumerate(workbook.sheets)
        if grid.name not in INTERNAL_SHEETS
        for candidate in _sheet_candidates(grid, order, fingerprint, campaign)
    ]
    chosen = [candidate for candidate in candidates if _is_table(candidate)]
    if not chosen and candidates:
        chosen = [max(candidates, key=lambda candidate: candidate.score)]
    return [_table(candidate, fingerprint) for candidate in chosen]


def _sheet_candidates(grid: Grid, order: int, fingerprint: Fingerprint | None, campaign: Campaign) -> list[_Candidate]:
    """The tables of one sheet, top to bottom: usually one; several when a clerk put, say, the
    contacts table under the project table on the same sheet."""
    found: list[_Candidate] = []
    candidate = _sheet_candidate(grid, order, fingerprint, campaign)
    while candidate is not None:
        found.append(candidate)
        candidate = _table_below(grid, candidate, order, fingerprint, campaign) if _is_table(candidate) else None
    return found


def _table_below(
    grid: Grid, above: _Candidate, order: int, fingerprint: Fingerprint | None, campaign: Campaign
) -> _Candidate | None:
    """The next table further down the sheet, ending ``above`` where the new one's block starts.

    A row holding several header texts of the campaign's attachments (set look-ups, cheap enough
    for a 100,000-row sheet) is where the header search is run again. Another attachment's header
    starts a table; so does the same attachment's header under a block of its own (填报单位 or a
    date: next week's table pasted under this week's). The same header alone again is a header
    repeated down the table for printing, left out as such.
    """
    known = campaign.all_header_keys
    rows = grid.rows
    own = {cell for number in range(above.header_top, above.header_row + 1) for cell in rows[number - 1]}
    for number in range(above.header_row + 1, len(rows) + 1):
        cells = rows[number - 1]
        # a row opening with a number (the usual 序号) is data, not a header: no set look-ups for it
        if not cells or type(cells[0]) in _NUMBER_TYPES or known.isdisjoint(cells):
            continue
        hits = [cell for cell in cells if cell in known]
        if len(hits) < MIN_HEADER_MATCHES:
            continue
        if all(cell in own for cell in hits) and not _block_above(grid, number, above.header_row, above.attachment)[1]:
            continue
        first = max(above.header_row + 1, number - MAX_HEADER_DEPTH + 1)
        below = _sheet_candidate(grid, order, fingerprint, campaign, first)
        if below is None or not _is_table(below) or below.header_top > number:
            continue
        block, labelled = _block_above(grid, below.header_top, above.header_row, below.attachment)
        if below.attachment.id == above.attachment.id and not labelled:
            continue
        above.end, below.first = block - 1, block
        return below
    return None


_NUMBER_TYPES = (int, float)


def _block_above(grid: Grid, header_top: int, floor: int, attachment: Attachment) -> tuple[int, bool]:
    """Where the lines above a header that belong to it start, and whether one names a 填报单位 or date.

    They are the block lines right above the header (blank lines between them and the header
    too), up to and including the table's title; not above row ``floor``. A blank line above
    block lines, or the title, ends them: what is higher up (the table above's 填报单位 and
    signature lines) belongs to the table above.
    """
    block, labelled, seen = header_top, False, False
    while block - 1 > floor:
        line = _block_line(grid.rows[block - 2], attachment)
        if line is None or (seen and line == _BLANK):
            break
        block -= 1
        seen = seen or line != _BLANK
        labelled = labelled or line == _LABEL
        if line == _TITLE:
            break
    return block, labelled


_BLANK, _LABEL, _TITLE = "blank", "label", "title"


def _block_line(cells: list[object], attachment: Attachment) -> str | None:
    """What a row above a table's header is to it: blank, a header-block line, its title; None: none of these."""
    if _blank_line(cells):
        return _BLANK
    if names_a_label(cells, attachment.date_label):
        return _LABEL
    line = "".join(normalize_name(cell) for cell in cells if isinstance(cell, str))
    return _TITLE if any(normalize_name(hint) in line for hint in attachment.title_hints) else None


def _blank_line(cells: list[object]) -> bool:
    return all(cell is None or cell == "" or (isinstance(cell, str) and cell.isspace()) for cell in cells)


def locate_table(workbook: WorkbookData, campaign: Campaign) -> Table | None:
    """The best attachment table in the workbook (the one a single-table caller wants), or None."""
    tables = locate_tables(workbook, campaign)
    return tables[0] if tables else None


def _table(candidate: _Candidate, fingerprint: Fingerprint | None) -> Table:
    grid, attachment = candidate.grid, candidate.attachment
    missing = [
        column.field for column in attachment.columns if column.required and column.field not in candidate.columns
    ]
    ignored = _ignored_columns(candidate)
    last_form_row, examples = _form_rows_below(grid, candidate)
    candidate.data_top = last_form_row + 1
    rows = _data_rows(grid, candidate)
    above = candidate.first - 1
    reporter, date = read_header_block(grid.rows[above : candidate.header_top - 1], attachment.date_label)
    reporter, date = _shifted(reporter, above), _shifted(date, above)
    if _blank(reporter) or _blank(date):
        last = rows[-1].number if rows else candidate.header_row
        reporter, date = _with_footer(grid, last, candidate.end, reporter, date, attachment)
    return Table(
        attachment=attachment,
        sheet=grid.name,
        header_row=candidate.header_row,
        header_top=candidate.header_top,
        columns=candidate.columns,
        missing=missing,
        ignored=ignored,
        reporter=reporter,
        date=date,
        rows=rows,
        fingerprint=fingerprint,
        first_row=candidate.first,
        last_row=candidate.end,
        examples=examples,
        block_lines=[
            (number, column, cell)
            for number in range(candidate.first, candidate.header_top)
            for column, cell in enumerate(grid.rows[number - 1], start=1)
            if isinstance(cell, str) and cell.strip()
        ],
    )


# Lines printed forms carry right under the header, which are not data:
# 栏次 rows numbering the columns ("栏次 | 甲 | 1 | 2 | 3 …" or just 1, 2, 3 …),
_COLUMN_LABELS = frozenset({"栏次", "甲", "乙", "丙", "丁", "-", "—", "/"})
_CIRCLED = {chr(0x2460 + index): index + 1 for index in range(20)}  # ① … ⑳
# rows of filling hints ("填写项目全称", "从下拉列表选择", "18位代码"),
_HINT = re.compile(r"请填写|请选择|请输入|请按|填写|下拉|选择|格式|必填|选填|如[:：]|例如|不超过|字以内|\d+\s*位")
# and the example row a template shows (序号 says 示例), which a reporter may leave in.
_EXAMPLE = re.compile(r"^\s*[（(【\[]?\s*(?:填写|填报)?(?:示例|样例|举例|范例|例子|例)\s*\d*\s*[）)】\]]?\s*[:：]?\s*$")


def _form_rows_below(grid: Grid, candidate: _Candidate) -> tuple[int, list[tuple[int, int, str]]]:
    """Skip the 栏次, hint and example rows right under the header (blank rows between them too).

    Returns the last of those rows (the header row when there is none) and the example rows,
    which the reporter is told about. Only rows directly under the header are looked at: a
    table's data is never read as a form line further down.
    """
    last, examples = candidate.header_row, []
    number = last + 1
    serial = candidate.columns.get("serial")
    end = min(len(grid.rows), candidate.end or len(grid.rows))
    while number <= end:
        cells = grid.rows[number - 1]
        if not _blank_line(cells):
            filled = [(index, cell) for index, cell in enumerate(cells, start=1) if cell is not None and cell != ""]
            example = _example_cell(filled, serial)
            if example is not None:
                examples.append((number, *example))
            elif not (_numbers_columns(filled) or _hint_line(filled)):
                break
            last = number
        number += 1
    return last, examples


def _example_cell(filled: list[tuple[int, object]], serial: int | None) -> tuple[int, str] | None:
    """(column, text) of the 示例 marker in a row's 序号 cell (or its first cell), else None."""
    index, cell = next(((i, c) for i, c in filled if i == serial), filled[0])
    return (index, cell) if isinstance(cell, str) and _EXAMPLE.match(cell) else None


def _numbers_columns(filled: list[tuple[int, object]]) -> bool:
    """A 栏次 row: three or more column numbers counting up by one (after 栏次/甲/乙 labels)."""
    numbers: list[int] = []
    for _, cell in filled:
        if isinstance(cell, str) and cell.strip() in _COLUMN_LABELS and not numbers:
            continue
        number = _column_number(cell)
        if number is None:
            return False
        numbers.append(number)
    return len(numbers) >= 3 and all(later == earlier + 1 for earlier, later in itertools.pairwise(numbers))


def _column_number(cell: object) -> int | None:
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int | float):
        return int(cell) if float(cell).is_integer() and 0 <= cell < 100 else None
    if isinstance(cell, str):
        text = cell.strip().strip("()（）")
        if text.isascii() and text.isdigit() and len(text) <= 2:
            return int(text)
        return _CIRCLED.get(text)
    return None


def _hint_line(filled: list[tuple[int, object]]) -> bool:
    """A row of filling hints: text only, most of it instructions, and nothing shaped like a credit code."""
    texts = [cell for _, cell in filled if isinstance(cell, str)]
    if len(filled) < 2 or len(texts) < len(filled) or any(_CODE_LIKE.match(text) for text in texts):
        return False
    return sum(1 for text in texts if _HINT.search(text)) * 2 >= len(texts)


def _blank(cell: LabelledValue) -> bool:
    return cell.value is None or cell.value == ""


def _with_footer(
    grid: Grid, last_row: int, end: int | None, reporter: LabelledValue, date: LabelledValue, attachment: Attachment
) -> tuple[LabelledValue, LabelledValue]:
    """Fill what the block above the table lacks from the lines below it.

    Many units sign their tables at the foot ("填报单位：某某县  填报人：…  联系电话：…"), and some
    put the unit or the date only there. What the block above does say always wins; a value
    found below points at its own cell.
    """
    below_reporter, below_date = read_header_block(grid.rows[last_row:end], attachment.date_label)
    if _blank(reporter) and not _blank(below_reporter):
        reporter = _shifted(below_reporter, last_row)
    if _blank(date) and not _blank(below_date):
        date = _shifted(below_date, last_row)
    return reporter, date


def _shifted(cell: LabelledValue, rows_above: int) -> LabelledValue:
    if not rows_above or cell.row is None:
        return cell
    return LabelledValue(cell.value, cell.row + rows_above, cell.column)


def _ignored_columns(candidate: _Candidate) -> list[str]:
    """The header of every column with header text that names none of the attachment's fields.

    A column under a group header is named by both (其他信息／负责人); a header merged over
    several such columns is named once.
    """
    area, top, bottom = candidate.area, candidate.header_top, candidate.header_row
    used = set(candidate.columns.values())
    rows = range(top, bottom + 1)
    names: dict[str, None] = {}
    for column in sorted({column for row in rows for column in area.row(row)} - used):
        texts: list[str] = []
        for row in rows:
            entry = area.row(row).get(column)
            raw = area.raw(row, column) if entry is not None and entry[1] >= top else None
            text = " ".join(raw.split()) if raw else ""
            if text and text not in texts:
                texts.append(text)
        if texts:
            names.setdefault("／".join(texts), None)
    return list(names)


# --- the rows -----------------------------------------------------------------------------------


def _filled_merges(grid: Grid, header_row: int) -> dict[tuple[int, int], object]:
    """Values a merged range below the header shows in every cell it covers (0-based positions)."""
    filled: dict[tuple[int, int], object] = {}
    for (top, left), (bottom, right) in grid.merged:
        if top + 1 <= header_row:
            continue
        value = grid.value(top + 1, left + 1)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                if (r, c) != (top, left):
                    filled[(r, c)] = value
    return filled


def _header_texts(candidate: _Candidate) -> dict[str, frozenset[str]]:
    """Per field: what the header cells over its column say, as typed and stripped (to spot a repeated header)."""
    area = candidate.area
    texts: dict[str, frozenset[str]] = {}
    for name, column in candidate.columns.items():
        seen: set[str] = set()
        for number in range(candidate.header_top, candidate.header_row + 1):
            if (raw := area.raw(number, column)) is not None:
                seen.update((raw, raw.strip()))
        texts[name] = frozenset(seen)
    return texts


def _repeats_header(values: dict[str, object], same: int, attachment: Attachment) -> bool:
    """A header row again (pasted twice, repeated per page): most of its cells name their own column.

    ``same`` counts the cells that equal the header's own text; when that is not yet most of them,
    cells retyped in another spelling of their column's name count too.
    """
    filled = [(name, value) for name, value in values.items() if value is not None]
    if same < 2 or same * 2 < len(filled):
        headers = attachment.header_lookup
        same = sum(1 for name, value in filled if type(value) is str and headers.get(normalize_header(value)) == name)
    return same >= 2 and same * 2 >= len(filled)


def _data_shaped(values: dict[str, object], content_fields: list[str]) -> bool:
    """A credit code, or several different plain texts: a project or a person, whatever else the row says.

    Numbers (a 合计 row's counts, a phone number), "label：value" cells and footer words standing
    alone (填表人 | 王五 | 审核人 | 李四) are not plain texts.
    """
    code = values.get("credit_code")
    if type(code) is str and len(code) >= 18 and _CODE_LIKE.match(code):
        return True
    plain: set[object] = set()
    for name in content_fields:
        value = values[name]
        if value is None or isinstance(value, int | float) or (type(value) is str and _not_plain(value)):
            continue
        plain.add(value)
        if len(plain) >= DATA_SHAPED_VALUES:
            return True
    return False


def _not_plain(text: str) -> bool:
    if _NUMBER_LIKE.match(text) or ((":" in text or "：" in text) and _LABEL_LIKE.match(text)):
        return True
    return bool(_TOTAL.match(text) or _TRAILER.match(text) or _WORD_ALONE.match(text))


def _marker(cells: list[object]) -> str | None:
    """ "total" for a 合计/小计 row, "trailer" for notes, signatures and the like, else None."""
    texts = [cell for cell in cells if type(cell) is str and cell and not cell.isspace()]
    for text in texts:
        if _TOTAL.match(text):
            return "total"
    for text in texts:
        if _TRAILER.match(text) or (("签" in text or "章" in text) and _SIGNATURE.search(text)):
            return "trailer"
    others = [cell for cell in cells if cell is not None and cell != ""]
    if len(others) == 1 and not isinstance(others[0], int | float):
        only = others[0]
        if (isinstance(only, str) and _BLANK_DATE.match(only)) or read_date(only) is not None:
            return "trailer"  # a date line alone: the date under a signature
    return None


def _data_rows(grid: Grid, candidate: _Candidate) -> TableRows:
    """The table's data rows, from below the last header row to the end of the sheet.

    Blank rows, 合计/小计 rows and a repeated header are left out and reading goes on. Notes,
    signatures and the like mark the table's end: after one, only rows shaped like data are read.
    Any other row is data, so a half-filled row is checked (and reported), never dropped.
    """
    columns = _plain_columns(grid, candidate)
    if columns is not None:
        return columns
    return TableRows.of(_rows_one_by_one(grid, candidate), list(candidate.columns))


def _plain_columns(grid: Grid, candidate: _Candidate) -> TableRows | None:
    """The usual table's rows taken a column at a time; None when a row needs reading on its own.

    The usual table: nothing merged below the header, every row as wide as the columns read, and
    no cell repeating the header's text. Its rows with a code-shaped credit code, and its rows
    with nothing in any cell, are decided without looking further (data; left out); the others
    go through the rules of :func:`_rows_one_by_one`, in order, exactly as there.
    """
    header_row, fields = candidate.header_row, candidate.columns
    if any(top + 1 > header_row for (top, _), _ in grid.merged):
        return None
    first = max(header_row + 1, candidate.data_top)  # under the header and the form lines below it
    below = grid.rows[first - 1 : candidate.end]  # to the end of the table's region
    offsets = [index - 1 for index in fields.values()]
    if below and min(map(len, below)) < max(offsets) + 1:
        return None
    names = list(fields)
    pick = itemgetter(*offsets) if len(offsets) > 1 else (lambda cells: (cells[offsets[0]],))
    header = _header_texts(candidate)
    raw_columns = list(zip(*map(pick, below), strict=True)) if below else [() for _ in names]
    columns: dict[str, list[object]] = {}
    for name, cells in zip(names, raw_columns, strict=True):
        if not header[name].isdisjoint(cells):
            return None  # a repeated header, maybe: row by row
        columns[name] = _blanks_as_none(cells)
    numbers = list(range(first, first + len(below)))
    codes = columns.get("credit_code")
    if codes is None:
        shaped: list[object] = [False] * len(below)
    elif set(map(type, codes)) == {str}:
        shaped = list(map(_CODE_LIKE.match, codes))  # the pattern needs 18 characters: _code_shaped's test
    else:
        shaped = [_code_shaped(code) for code in codes]
    if all(shaped):
        return TableRows(numbers, columns)
    content_fields = [name for name in names if name != "serial"]
    keep: list[int] = []
    after_table = False
    for index, cells in enumerate(below):
        if shaped[index]:
            keep.append(index)
            continue
        if len(cells) == cells.count(""):
            continue  # nothing in any cell
        values = {name: columns[name][index] for name in names}
        if not _data_shaped(values, content_fields):
            left_out, after_table = _not_data(cells, values, content_fields, after_table)
            if left_out:
                continue
        keep.append(index)
    if len(keep) < len(below):
        numbers = [numbers[index] for index in keep]
        columns = {name: [cells[index] for index in keep] for name, cells in columns.items()}
    return TableRows(numbers, columns)


def _blanks_as_none(cells: tuple[object, ...]) -> list[object]:
    """A column's cells with empty and all-space text as None (the row-by-row reading's test, column-wise).

    Each step is one C loop over the column (a 100,000-row column costs milliseconds a pass):
    the blank texts are looked up in a dict that gives None for them and the cell itself for any
    other cell (only texts are keys, and no text equals a number or a date).
    """
    blanks = cells.count("")
    if blanks == len(cells):
        return [None] * blanks  # an empty column
    try:
        spaced = _spaced_texts(cells) if any(map(str.isspace, cells)) else set()  # type: ignore[arg-type]
    except TypeError:  # a cell that is not text, met before any all-space text
        spaced = _spaced_texts(cells) if str in set(map(type, cells)) else set()
    if not spaced and not blanks:
        return list(cells)
    as_none: dict[object, None] = dict.fromkeys(spaced)
    as_none[""] = None
    return list(map(as_none.get, cells, cells))


def _spaced_texts(cells: tuple[object, ...]) -> set[object]:
    """The column's all-space texts, each once."""
    return {value for value in set(cells) if type(value) is str and value.isspace()}


def _code_shaped(code: object) -> bool:
    """What makes :func:`_data_shaped` say yes at once: a credit code's shape."""
    return type(code) is str and len(code) >= 18 and _CODE_LIKE.match(code) is not None


def _rows_one_by_one(grid: Grid, candidate: _Candidate) -> list[DataRow]:
    """:func:`_data_rows` for any table: merged cells below the header, short rows, a repeated header."""
    header_row, columns = candidate.header_row, candidate.columns
    merges = _filled_merges(grid, header_row)
    content_fields = [name for name in columns if name != "serial"]
    header = _header_texts(candidate)
    rows: list[DataRow] = []
    total = max(len(grid.rows), max((bottom + 1 for _, (bottom, _) in grid.merged), default=0))
    if candidate.end is not None:
        total = min(total, candidate.end)
    names = list(columns)
    offsets = [index - 1 for index in columns.values()]
    headers = [header[name] for name in names]
    pick = itemgetter(*offsets) if len(offsets) > 1 else (lambda cells: (cells[offsets[0]],))
    reach = max(offsets) + 1
    after_table = False
    for number in range(max(header_row + 1, candidate.data_top), total + 1):
        cells = grid.rows[number - 1] if number <= len(grid.rows) else []
        if not merges and len(cells) >= reach:
            picked = pick(cells)  # the usual row: every read column present, the cells in one step
        else:
            width = len(cells)
            picked = [merges.get((number - 1, offset), cells[offset] if offset < width else "") for offset in offsets]
        same = 0  # cells that say what the header above them says
        values: dict[str, object] = {}
        for name, value, header_texts in zip(names, picked, headers, strict=True):
            if type(value) is str:
                if not value or value.isspace():
                    value = None
                elif value in header_texts:
                    same += 1
            elif value == "":
                value = None
            values[name] = value
        if same and _repeats_header(values, same, candidate.attachment):
            continue
        if not _data_shaped(values, content_fields):
            left_out, after_table = _not_data(cells, values, content_fields, after_table)
            if left_out:
                continue
        rows.append(DataRow(number=number, values=values))
    return rows


def _not_data(
    cells: list[object], values: dict[str, object], content_fields: list[str], after_table: bool
) -> tuple[bool, bool]:
    """For a row not shaped like data: (leave it out, the table has ended).

    合计/小计 rows and notes are left out; a note or signature ends the table, after which such
    rows are left out too; an empty row is left out; anything else is read.
    """
    marker = _marker(cells)
    after_table = after_table or marker == "trailer"
    left_out = marker is not None or after_table or all(values[name] is None for name in content_fields)
    return left_out, after_table
