"""The header block above a table: 填报单位 and the date, however the reporter wrote them.

People decorate the labels (``填报单位名称``, ``填报单位（盖章）``, ``报送单位``), put the value in the
same cell or in a cell to the right (merged or not), and often put unit and date in one cell
(``填报单位：阳原县      填报日期：2026/6/23``), in either order, separated by spaces, tabs, line
breaks or punctuation. A cell is read as a sequence of ``label value`` segments; a label left
empty takes the next value to its right in the same row. Only rows above the table's first
header row are read, so a column header such as 附件4's ``单位名称`` is never taken for a label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from zjkcollect.codes import read_date
from zjkcollect.text import normalize_text

REPORTER_LABELS = (
    "填报单位名称",
    "报送单位名称",
    "填报单位全称",
    "填报单位",
    "报送单位",
    "填表单位",
    "上报单位",
    "单位名称",
    "单位全称",
)
DATE_LABELS = (
    "统计截止日期",
    "统计截至日期",
    "数据截止日期",
    "截止日期",
    "截至日期",
    "统计截止时间",
    "截止时间",
    "截至时间",
    "填报日期",
    "填报时间",
    "填表日期",
    "报送日期",
    "报送时间",
    "统计日期",
    "统计时间",
    "日期",
)
REPORTER = "reporter"
DATE = "date"
_KIND_OF_LABEL = {label: REPORTER for label in REPORTER_LABELS} | {label: DATE for label in DATE_LABELS}


def _spaced(label: str) -> str:
    """A label that may be typed with spaces between its characters (填  报  单  位), as forms often are."""
    return r"\s*".join(re.escape(char) for char in label)


@lru_cache(maxsize=16)
def _labels(date_label: str) -> tuple[dict[str, str], re.Pattern[str]]:
    """The labels of a header block whose attachment names its date ``date_label`` (from the campaign).

    Longest first, so 填报单位名称 wins over 单位名称 and 填报日期 over 日期. After the label: notes in
    brackets (（盖章）, (全称)) and an optional colon. Text is NFKC-normalised first (：→:, （→().
    """
    kinds = _KIND_OF_LABEL | {"".join(normalize_text(date_label).split()): DATE}
    pattern = re.compile(
        "(" + "|".join(_spaced(label) for label in sorted(kinds, key=len, reverse=True)) + r")"
        r"((?:\s*\([^()]{0,12}\))*)\s*(:?)"
    )
    return kinds, pattern


# What may stand between two segments of one cell, or around a value.
_SEPARATORS = " :;,、|。"
# A label this module does not know, maybe with its value: "备注：无", "联系人：", "制表：张三".
_OTHER_LABEL = re.compile(r"^[^\s:]{1,8}:")
_STAMP = re.compile(r"\([^()]*(?:盖章|签章|公章|签字)[^()]*\)")


# A date written without a label, as titles and lines under them carry it: "（截至2026年5月20日）",
# "截止到2026-05-20", or a date in brackets at the end of the title: "…统计表（2026年5月20日）".
_DATE_TEXT = r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*[日号]?|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
_AS_OF_DATE = re.compile(r"(?:截至|截止)(?:到|至)?\s*" + _DATE_TEXT)
_BRACKETED_DATE = re.compile(r"\(\s*" + _DATE_TEXT + r"\s*\)\s*$")


def _noted_date(text: str) -> str | None:
    """The date a title or a line states as the data's date without a label, else None."""
    text = normalize_text(text)
    match = _AS_OF_DATE.search(text) or _BRACKETED_DATE.search(text)
    return match.group(1) if match and read_date(match.group(1)) is not None else None


@dataclass(slots=True)
class LabelledValue:
    """A header-block value and where it stands (the cell a finding should point at)."""

    value: object
    row: int | None
    column: int | None


@dataclass(slots=True)
class _Label:
    name: str  # the label without spaces, e.g. 填报日期
    kind: str  # REPORTER or DATE
    rank: int  # order of preference among labels of its kind (lower first)
    value: LabelledValue


def _clean(text: str) -> str:
    return _STAMP.sub("", text).strip(_SEPARATORS)


def _segments(text: str, date_label: str) -> tuple[str, list[tuple[str, str]]]:
    """(text before the first label, [(label, value)]) of one cell's text.

    A label counts at the start of the cell, after a separator, or when a colon follows it; so
    "请填报单位名称和日期" (an instruction) holds no label, but "阳原县填报日期:2026/6/23" does.
    """
    text = normalize_text(text)
    starts: list[re.Match[str]] = []
    for match in _labels(date_label)[1].finditer(text):
        position = match.start()
        if position == 0 or text[position - 1] in _SEPARATORS or match.group(3):
            starts.append(match)
    if not starts:
        return ("" if _OTHER_LABEL.match(text) else _clean(text)), []
    segments = []
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(text)
        name = "".join(match.group(1).split())
        segments.append((name, _clean(text[match.end() : end])))
    return _clean(text[: starts[0].start()]), segments


def _rank(name: str, kind: str, date_label: str) -> int:
    if kind == REPORTER:
        return 0  # reporter labels are all equally good: the first one found wins
    if name == "".join(normalize_text(date_label).split()):
        return -1
    return DATE_LABELS.index(name)


def _labels_in_block(rows: list[list[object]], date_label: str) -> tuple[list[_Label], LabelledValue | None]:
    """Every label of the block with its value, and the first unlabelled date (a fallback)."""
    labels: list[_Label] = []
    kinds = _labels(date_label)[0]
    loose_date: LabelledValue | None = None
    for row_index, cells in enumerate(rows, start=1):
        waiting: list[_Label] = []  # labels of this row still looking to their right for a value
        for column_index, cell in enumerate(cells, start=1):
            if cell is None or cell == "":
                continue
            prefix, segments = _segments(cell, date_label) if isinstance(cell, str) else (cell, [])
            if prefix in ("", None):
                waiting.clear()  # another label ("统计截止日期：", "备注：无"): the waiting ones were left empty
            else:
                if waiting:
                    label = waiting.pop(0)
                    label.value = LabelledValue(prefix, row_index, column_index)
                    loose_date = _date_after_unit(label, loose_date)
                elif loose_date is None and not isinstance(prefix, int | float) and read_date(prefix) is not None:
                    loose_date = LabelledValue(prefix, row_index, column_index)
                elif loose_date is None and isinstance(cell, str) and (noted := _noted_date(cell)) is not None:
                    loose_date = LabelledValue(noted, row_index, column_index)
            for name, value in segments:
                kind = kinds[name]
                label = _Label(
                    name, kind, _rank(name, kind, date_label), LabelledValue(None, row_index, column_index + 1)
                )
                labels.append(label)
                if value:
                    label.value = LabelledValue(value, row_index, column_index)
                    loose_date = _date_after_unit(label, loose_date)
                else:
                    waiting.append(label)
    return labels, loose_date


def _date_after_unit(label: _Label, loose_date: LabelledValue | None) -> LabelledValue | None:
    """``填报单位：阳原县 2026年6月23日``: a date written after the unit without its own label."""
    value = label.value
    if label.kind != REPORTER or not isinstance(value.value, str) or " " not in value.value:
        return loose_date
    words = value.value.split(" ")
    for cut in range(1, len(words)):
        tail = " ".join(words[cut:])
        noted = tail if read_date(tail) is not None else _noted_date(tail)
        if noted is not None:
            value.value = " ".join(words[:cut])
            return loose_date or LabelledValue(noted, value.row, value.column)
    return loose_date


def names_a_label(cells: list[object], date_label: str) -> bool:
    """Whether a row holds a 填报单位 or date label (filled or not): a line of a header block."""
    return bool(_labels_in_block([cells], date_label)[0])


def read_header_block(rows: list[list[object]], date_label: str) -> tuple[LabelledValue, LabelledValue]:
    """(填报单位, date) from the rows above a table; a missing one is (None, where it was expected)."""
    labels, loose_date = _labels_in_block(rows, date_label)
    return _choose(labels, REPORTER, None), _choose(labels, DATE, loose_date)


def _choose(labels: list[_Label], kind: str, fallback: LabelledValue | None) -> LabelledValue:
    """The best-ranked filled label of ``kind``; else the fallback; else where the first empty one wanted its value."""
    of_kind = sorted((label for label in labels if label.kind == kind), key=lambda label: label.rank)
    filled = next((label.value for label in of_kind if label.value.value not in (None, "")), None)
    if filled is not None:
        return filled
    if fallback is not None:
        return fallback
    return of_kind[0].value if of_kind else LabelledValue(None, None, None)
