"""Where everything stands in a template: rows, defined names, formats, the header block.

The reader, the marked copies and the city's consolidated 附件3 import these; the writers in
this package place every cell by them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from zjkcollect.attachments import (
    FINGERPRINT_FORMAT,
    FINGERPRINT_MARK,
    FP_CAMPAIGN_YEAR,
    FP_KIND,
    FP_REPORTER,
    FP_TEMPLATE_VERSION,
    Attachment,
    Column,
    ColumnKind,
)
from zjkcollect.campaign import Campaign
from zjkcollect.findings import column_letter
from zjkcollect.sizing import LEGEND_MIN_WIDTH, REPORTER_VALUE_MIN_WIDTH, column_widths

# --- layout the reader imports ------------------------------------------------------------------
TITLE_ROW = 1
HEADER_BLOCK_ROW = 2
HEADER_ROW = 3
FIRST_DATA_ROW = 4
BLANK_ROWS = 200
LAST_DATA_ROW = FIRST_DATA_ROW + BLANK_ROWS - 1

# --- defined names ------------------------------------------------------------------------------
# ASCII names with an underscore can never be read as a cell reference, so they are valid in
# Excel, WPS and LibreOffice alike. One list per choice list (Column.list_key): ZJK_TRACK, ZJK_YES_NO …
NAME_PREFIX = "ZJK_"
REPORTER_LIST_NAME = "ZJK_REPORTER"  # the 填报单位 dropdown, and the registry columns
TOPIC_COUNT_NAME = "ZJK_TOPIC_COUNT"  # beside ZJK_TRACK: how many open topics each track has
TOPIC_TABLE_NAME = "ZJK_TOPICS"  # the first topic cell of the first track; one column per track

DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
FONT = "宋体"
INPUT_FILL = "#FFF2CC"  # the header-block cells the reporter fills in
HEADER_FILL = "#DDEBF7"
REPORTER_LABEL = "填报单位"

_UNSAFE_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def list_name(key: str) -> str:
    """The defined name of a choice list (``Column.list_key``: ``track``, ``registration_status`` …)."""
    return NAME_PREFIX + key.upper()


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """Where the header-block cells of an attachment's template stand (1-based columns)."""

    reporter_label_column: int
    reporter_value_column: int
    reporter_value_last_column: int
    date_label_column: int
    date_value_column: int


def header_block(attachment: Attachment) -> HeaderBlock:
    widths = column_widths(attachment)
    last = 2
    while sum(widths[1:last]) < REPORTER_VALUE_MIN_WIDTH and last < len(widths) - 2:
        last += 1
    count = len(attachment.columns)
    return HeaderBlock(1, 2, last, count - 1, count)


def legend_columns(attachment: Attachment) -> tuple[int, int]:
    """The title row's columns (1-based, inclusive) that hold the self-check legend: B onwards.

    The legend sits in the title row, not in a row of its own, so that the header block,
    the header row and the data rows stay where the reader, the city's consolidated 附件3
    and every returned file already have them; at the left, beside 附件N, it is on screen
    as soon as the file opens. The title is centred over the rest of the row.
    """
    widths = column_widths(attachment)
    last = 2
    while sum(widths[1:last]) < LEGEND_MIN_WIDTH:
        last += 1
    return 2, last


def legend_text(campaign: Campaign) -> str:
    return f"单元格变红表示填写有误，请修改。变红只是填写时的提示，是否合格以{campaign.campaign.bureau}的校验结果为准。"


def data_sheet_name(attachment: Attachment) -> str:
    return attachment.label


def template_file_name(attachment: Attachment, reporter: str | None = None) -> str:
    if reporter is None:
        return f"{attachment.file_stem}.xlsx"
    return f"{attachment.file_stem}（{safe_file_part(reporter)}）.xlsx"


def safe_file_part(text: str) -> str:
    return _UNSAFE_FILE_CHARS.sub("_", text).strip(" .") or "_"


def fingerprint_rows(campaign: Campaign, attachment: Attachment, reporter: str | None = None) -> list[tuple[str, str]]:
    rows = [
        (FINGERPRINT_MARK, FINGERPRINT_FORMAT),
        (FP_KIND, attachment.id),
        (FP_TEMPLATE_VERSION, campaign.campaign.template_version),
        (FP_CAMPAIGN_YEAR, str(campaign.campaign.year)),
    ]
    if reporter is not None:
        rows.append((FP_REPORTER, reporter))
    return rows


def topics_closed_list(campaign: Campaign) -> bool:
    """Whether the 赛题 dropdown can refuse other text: only when every track lists all its open topics."""
    return all(track.topics_complete and track.open_topics for track in campaign.tracks)


def cell_properties(column: Column) -> dict[str, Any]:
    """The data-cell format of a column in the template (and in the city's consolidated 附件3)."""
    properties: dict[str, Any] = {"border": 1}
    if column.is_text_format:
        properties["num_format"] = TEXT_FORMAT
    if column.kind is ColumnKind.DATE:
        properties.update(num_format=DATE_FORMAT, align="center")
    elif column.kind is ColumnKind.SERIAL or _is_short_choice(column):
        properties["align"] = "center"
    if column.kind is ColumnKind.TEXT or column.kind in (ColumnKind.UNIT_NAME, ColumnKind.TOPIC):
        properties["text_wrap"] = True
    return properties


def _is_short_choice(column: Column) -> bool:
    return column.kind in (ColumnKind.YES_NO, ColumnKind.MUST_BE_YES, ColumnKind.JIEBANG, ColumnKind.CHOICE)


def zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def abs_cell(sheet: str, row: int, column: int) -> str:
    return f"{_quoted(sheet)}!${column_letter(column)}${row}"


def abs_range(sheet: str, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{_quoted(sheet)}!${column_letter(first_col)}${first_row}:${column_letter(last_col)}${last_row}"
