"""Column widths and row heights of the workbooks this program writes, in one place.

Neither Excel nor LibreOffice grows a row that a writer gave no height, so every writer that
wraps text works out how many lines a cell takes and sets the row's height from that. A column
width is counted in characters of the default font; a Chinese character takes two.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from zjkcollect.attachments import Attachment

# The form of a template (and of the city's consolidated 附件3): row heights in points, widths in characters.
TITLE_ROW_HEIGHT = 40
HEADER_BLOCK_ROW_HEIGHT = 26
MIN_FIRST_COLUMN_WIDTH = 10  # the 序号 column also holds the 填报单位 label
REPORTER_VALUE_MIN_WIDTH = 30  # the 填报单位 value cell is merged until it is at least this wide
LEGEND_MIN_WIDTH = 20  # the self-check legend takes the title row's columns from B on, at least this wide
LEGEND_FONT_SIZE = 9  # against the form's 11 points, so a column holds 11/9 as many of its characters

# A template's 填表说明 sheet: its column widths and the heights of its title and headings.
INSTRUCTION_WIDTHS = (6, 16, 12, 14, 16, 44, 40)
INSTRUCTION_TITLE_HEIGHT = 32
INSTRUCTION_HEADING_HEIGHT = 22

# A report sheet of the roll-up: the title row's height, and the tallest row Excel allows.
REPORT_TITLE_ROW_HEIGHT = 24
MAX_ROW_HEIGHT = 409

# 宋体 in a template's form and 填表说明 runs a little narrower than two units a character.
TEMPLATE_SQUEEZE = 0.9


class _CharWidths(dict[int, int | str]):
    """For ``str.translate``: a wide (CJK, full-width) character becomes two, any other stays itself.

    Filled as characters are met, so measuring a text is one ``translate`` in C instead of a
    Unicode look-up per character in Python (the roll-up measures every cell of 50,000 rows).
    """

    def __missing__(self, code: int) -> int | str:
        width: int | str = "  " if unicodedata.east_asian_width(chr(code)) in "WF" else code
        self[code] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Width in column units: 2 for a wide (CJK, full-width) character, 1 for any other."""
    if text.isascii():
        return len(text)
    return len(text.translate(_CHAR_WIDTHS))


def line_count(text: str, width: int, squeeze: float = 1.0) -> int:
    """Lines ``text`` wraps to in a column ``width`` wide (a line break starts a new line)."""
    usable = max(1, width - 1)
    if "\n" not in text:
        return max(1, math.ceil(display_width(text) * squeeze / usable))
    return sum(max(1, math.ceil(display_width(part) * squeeze / usable)) for part in text.split("\n"))


def template_lines(text: str, width: int) -> int:
    """Lines of a template's header or 填表说明 cell (see :data:`TEMPLATE_SQUEEZE`)."""
    return line_count(text, width, TEMPLATE_SQUEEZE)


def column_widths(attachment: Attachment) -> list[int]:
    """The form's column widths: each column's own, the first wide enough for the 填报单位 label."""
    widths = [column.width for column in attachment.columns]
    widths[0] = max(widths[0], MIN_FIRST_COLUMN_WIDTH)
    return widths


def legend_row_height(legend: str, width: int) -> int:
    """The title row when it holds the self-check legend across columns ``width`` wide in all."""
    characters = width * 11 // LEGEND_FONT_SIZE
    return max(TITLE_ROW_HEIGHT, 12 * template_lines(legend, characters) + 6)


def header_row_height(lines: int) -> int:
    """A template's column-header row."""
    return 15 * lines + 8


def paragraph_height(lines: int) -> int:
    """A paragraph or table row of a template's 填表说明."""
    return 16 * lines + 6


def row_lines(values: Sequence[object], widths: Sequence[int]) -> int:
    """Lines the tallest cell of a report row wraps to (its text in columns ``widths`` wide).

    :func:`line_count` written out for the one-line text of most cells: this runs for every
    row of a roll-up of 50,000 projects, several times over.
    """
    lines = 1
    for value, width in zip(values, widths, strict=False):
        # a cell narrower than its column in the widest case (2 per character) cannot wrap
        if isinstance(value, str) and (2 * len(value) >= width - 1 or "\n" in value) and value:
            if "\n" in value:
                count = line_count(value, width)
            else:
                size = len(value) if value.isascii() else len(value.translate(_CHAR_WIDTHS))
                count = -(-size // max(1, width - 1))
            if count > lines:
                lines = count
    return lines


def report_row_height(lines: int) -> int | None:
    """A report row's height for ``lines`` lines of text; None for one line (the default height)."""
    return min(MAX_ROW_HEIGHT, 15 * lines + 3) if lines > 1 else None


def fit_row_height(sheet: Any, row: int, values: Sequence[object], widths: Sequence[int]) -> None:
    """Make row ``row`` (1-based) of a report sheet tall enough for its wrapped text.

    Call it before the row's cells are written: a sheet written in constant-memory mode
    has sent a row out by the time the next one is written.
    """
    height = report_row_height(row_lines(values, widths))
    if height is not None:
        sheet.set_row(row - 1, height)
