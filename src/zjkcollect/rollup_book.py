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
from zjkcollect.outputs import add_worksheet, put_row
from zjkcollect.rollup import ProjectValues, RollUp, own_values
from zjkcollect.rollup_sheets import SHEET_NAMES, Book, write_sheets
from zjkcollect.rollup_sheets.common import Styles, page_setup, rollup_title
from zjkcollect.row_stream import RowStream, close_workbook
from zjkcollect.sizing import fit_row_height
from zjkcollect.templates import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    cell_properties,
    column_widths,
    safe_file_part,
    write_header_block,
    write_title_row,
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


def write_rollup_book(
    rollup: RollUp, campaign: Campaign, path: Path, project_values: ProjectValues = own_values
) -> None:
    """Write the roll-up workbook to ``path`` (overwriting it); every sheet is written top to bottom.

    ``project_values`` gives each project's whole row as it is written (the merge reads them from the ledger).
    """
    workbook = _workbook(path, campaign, f"{rollup_title(campaign)} {rollup.week}", rollup.week, streaming=True)
    try:
        write_sheets(Book(workbook, rollup, campaign, project_values))
    finally:
        close_workbook(workbook, path)


# --- the consolidated 附件3 ---------------------------------------------------------------------


def write_consolidated(
    rollup: RollUp, campaign: Campaign, path: Path, project_values: ProjectValues = own_values
) -> None:
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
        # The template's own title row and header block, 填报单位 the bureau and the date the week.
        write_title_row(sheet, styles, attachment)
        write_header_block(sheet, styles, attachment, campaign.campaign.bureau, rollup.week)
        headers = [column.header for column in columns]
        fit_row_height(sheet, HEADER_ROW, headers, widths)
        put_row(sheet, HEADER_ROW, 1, headers, [styles.header] * len(columns))
        # each column's format once (the template's data-cell format), each row's height before its cells
        formats = [styles(**cell_properties(column)) for column in columns]
        fields = [None if c.kind is ColumnKind.SERIAL else c.field for c in columns]
        rows = RowStream(sheet, FIRST_DATA_ROW)  # no drawings on this sheet: the rows are written as XML by us
        for offset, whole in enumerate(project_values(rollup.projects)):
            row = FIRST_DATA_ROW + offset
            values = [offset + 1 if name is None else whole.get(name) for name in fields]
            fit_row_height(rows, row, values, widths)
            put_row(rows, row, 1, values, formats)
        sheet.freeze_panes(HEADER_ROW, 0)
        last = FIRST_DATA_ROW + max(len(rollup.projects), 1) - 1
        sheet.autofilter(HEADER_ROW - 1, 0, last - 1, len(columns) - 1)
        page_setup(sheet, HEADER_ROW, attachment.title)
        sheet.center_horizontally()
    finally:
        close_workbook(workbook, path)
