"""The roll-up workbook for the bureau and the consolidated 附件3 for the province (XlsxWriter).

The roll-up's sheets are written by :mod:`zjkcollect.rollup_sheets` (one writer per sheet);
this module names the files, opens the workbooks and writes the consolidated 附件3. The writers
take the path to write to; :mod:`zjkcollect.merge` hands them temp files and moves the results
into place together.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from zjkcollect.attachments import ColumnKind, Kind
from zjkcollect.campaign import Campaign
from zjkcollect.outputs import add_worksheet, put
from zjkcollect.rollup import RollUp
from zjkcollect.rollup_sheets import SHEET_NAMES, Book, write_sheets
from zjkcollect.rollup_sheets.common import Styles, page_setup, rollup_title
from zjkcollect.sizing import fit_row_height
from zjkcollect.templates import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_BLOCK_ROW,
    HEADER_ROW,
    TITLE_ROW,
    cell_properties,
    column_widths,
    header_block,
    safe_file_part,
)

ROLLUP_SHEETS = SHEET_NAMES
_WORKBOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
_QUOTES = str.maketrans("", "", "“”‘’\"'")


def rollup_file_name(campaign: Campaign, week: dt.date) -> str:
    return f"{safe_file_part(rollup_title(campaign).translate(_QUOTES))}_{week.isoformat()}.xlsx"


def consolidated_file_name(campaign: Campaign, week: dt.date) -> str:
    city = safe_file_part(campaign.campaign.city)
    return f"{campaign.attachment(Kind.REGISTERED).file_stem}（{city}汇总_{week.isoformat()}）.xlsx"


def _workbook(path: Path, campaign: Campaign, title: str, week: dt.date, streaming: bool = False) -> Any:
    """``streaming`` (XlsxWriter's constant-memory mode) only for a sheet written strictly top to bottom."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {**_WORKBOOK_OPTIONS, "constant_memory": streaming})
    # A fixed creation time: the same roll-up gives the same bytes however often it is written.
    workbook.set_properties(
        {
            "title": title,
            "subject": campaign.campaign.name,
            "author": campaign.campaign.bureau,
            "company": campaign.campaign.bureau,
            "created": dt.datetime.combine(week, dt.time()),
        }
    )
    return workbook


def write_rollup_book(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """Write the roll-up workbook to ``path`` (overwriting it)."""
    workbook = _workbook(path, campaign, f"{rollup_title(campaign)} {rollup.week}", rollup.week)
    try:
        write_sheets(Book(workbook, rollup, campaign))
    finally:
        workbook.close()


# --- the consolidated 附件3 ---------------------------------------------------------------------


def write_consolidated(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """The city's 附件3 for the province, in the template's layout, 填报单位 the bureau.

    Every distinct valid project of the week, withdrawn ones included (the province tracks
    withdrawals by status), numbered afresh.
    """
    attachment = campaign.attachment(Kind.REGISTERED)
    workbook = _workbook(path, campaign, f"{attachment.label} {attachment.title}", rollup.week, streaming=True)
    try:
        styles = Styles(workbook)
        sheet = add_worksheet(workbook, attachment.label)
        columns = attachment.columns
        widths = column_widths(attachment)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        _title_and_header_block(sheet, styles, campaign, rollup.week)
        for index, column in enumerate(columns, start=1):
            put(sheet, HEADER_ROW, index, column.header, styles.header)
        fit_row_height(sheet, HEADER_ROW, [column.header for column in columns], widths)
        for offset, project in enumerate(rollup.projects):
            row = FIRST_DATA_ROW + offset
            values = [offset + 1 if c.kind is ColumnKind.SERIAL else project.get(c.field) for c in columns]
            for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
                put(sheet, row, index, value, styles(**cell_properties(column)))
            fit_row_height(sheet, row, values, widths)
        sheet.freeze_panes(HEADER_ROW, 0)
        last = FIRST_DATA_ROW + max(len(rollup.projects), 1) - 1
        sheet.autofilter(HEADER_ROW - 1, 0, last - 1, len(columns) - 1)
        page_setup(sheet, HEADER_ROW, attachment.title)
        sheet.center_horizontally()
    finally:
        workbook.close()


def _title_and_header_block(sheet: Any, styles: Styles, campaign: Campaign, week: dt.date) -> None:
    """Rows 1–2 as the template has them: 附件3 and the title; 填报单位 and 统计截止日期 filled in.

    The template writer keeps this inside its private class, so it is repeated here from the
    same layout constants (:func:`zjkcollect.templates.header_block`).
    """
    attachment = campaign.attachment(Kind.REGISTERED)
    last_col = len(attachment.columns)
    sheet.set_row(TITLE_ROW - 1, 40)
    put(sheet, TITLE_ROW, 1, attachment.label, styles(font_name="黑体", font_size=12, valign="top"))
    title = styles(bold=True, font_size=18, align="center")
    sheet.merge_range(TITLE_ROW - 1, 1, TITLE_ROW - 1, last_col - 1, "", title)
    put(sheet, TITLE_ROW, 2, attachment.title, title)
    block = header_block(attachment)
    row = HEADER_BLOCK_ROW
    sheet.set_row(row - 1, 26)
    label = styles(bold=True, align="right")
    value = styles(align="left")
    put(sheet, row, block.reporter_label_column, "填报单位", label)
    if block.reporter_value_last_column > block.reporter_value_column:
        sheet.merge_range(
            row - 1, block.reporter_value_column - 1, row - 1, block.reporter_value_last_column - 1, "", value
        )
    put(sheet, row, block.reporter_value_column, campaign.campaign.bureau, value)
    put(sheet, row, block.date_label_column, attachment.date_label, label)
    put(sheet, row, block.date_value_column, week, styles(align="center", num_format=DATE_FORMAT))
