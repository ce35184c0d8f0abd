"""The form sheet of a template: title row, header block, column headers, prepared blank rows.

:func:`write_title_row` and :func:`write_header_block` are also what the city's consolidated
附件3 is headed with, so the province receives the template's own layout.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from zjkcollect.attachments import Attachment
from zjkcollect.outputs import FormatCache, put
from zjkcollect.selfcheck import ERROR_FILL, ERROR_FONT, check_limits, self_checks
from zjkcollect.sizing import (
    HEADER_BLOCK_ROW_HEIGHT,
    LEGEND_FONT_SIZE,
    TITLE_ROW_HEIGHT,
    column_widths,
    header_row_height,
    legend_row_height,
    template_lines,
)
from zjkcollect.templates.context import Template
from zjkcollect.templates.layout import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    HEADER_BLOCK_ROW,
    HEADER_FILL,
    HEADER_ROW,
    INPUT_FILL,
    LAST_DATA_ROW,
    REPORTER_LABEL,
    TITLE_ROW,
    HeaderBlock,
    cell_properties,
    header_block,
    legend_columns,
    legend_text,
)
from zjkcollect.templates.validations import add_validation, column_validation, date_validation, reporter_validation


def write_title_row(sheet: Any, fmt: FormatCache, attachment: Attachment, legend: str | None = None) -> None:
    """Row 1: the label (附件N) in A1, then the legend when given, the title merged over the rest."""
    last_col = len(attachment.columns)
    title_first = 2
    if legend is None:
        sheet.set_row(TITLE_ROW - 1, TITLE_ROW_HEIGHT)
    else:
        legend_first, legend_last = legend_columns(attachment)
        sheet.set_row(
            TITLE_ROW - 1, legend_row_height(legend, sum(column_widths(attachment)[legend_first - 1 : legend_last]))
        )
    put(sheet, TITLE_ROW, 1, attachment.label, fmt(font_name="黑体", font_size=12, valign="top"))
    if legend is not None:
        # The legend is itself painted the way a red cell looks.
        legend_format = fmt(
            font_size=LEGEND_FONT_SIZE, text_wrap=True, bg_color=ERROR_FILL, font_color=ERROR_FONT, border=1
        )
        if legend_last > legend_first:
            sheet.merge_range(TITLE_ROW - 1, legend_first - 1, TITLE_ROW - 1, legend_last - 1, "", legend_format)
        put(sheet, TITLE_ROW, legend_first, legend, legend_format)
        title_first = legend_last + 1
    title_format = fmt(bold=True, font_size=18, align="center")
    sheet.merge_range(TITLE_ROW - 1, title_first - 1, TITLE_ROW - 1, last_col - 1, "", title_format)
    put(sheet, TITLE_ROW, title_first, attachment.title, title_format)


def write_header_block(
    sheet: Any,
    fmt: FormatCache,
    attachment: Attachment,
    reporter: str | None,
    day: dt.date | None,
    fill: str | None = None,
) -> HeaderBlock:
    """Row 2: 填报单位 and its value (merged over a few columns), the date label and the date.

    ``fill`` paints the two value cells (the template marks what the reporter fills in).
    """
    block = header_block(attachment)
    row = HEADER_BLOCK_ROW
    painted = {"bg_color": fill} if fill else {}
    sheet.set_row(row - 1, HEADER_BLOCK_ROW_HEIGHT)
    label = fmt(bold=True, align="right")
    value = fmt(align="left", **painted)
    put(sheet, row, block.reporter_label_column, REPORTER_LABEL, label)
    if block.reporter_value_last_column > block.reporter_value_column:
        sheet.merge_range(
            row - 1, block.reporter_value_column - 1, row - 1, block.reporter_value_last_column - 1, "", value
        )
    put(sheet, row, block.reporter_value_column, reporter, value)
    put(sheet, row, block.date_label_column, attachment.date_label, label)
    put(sheet, row, block.date_value_column, day, fmt(align="center", num_format=DATE_FORMAT, **painted))
    return block


class FormWriter:
    """The attachment's form: what the reporter fills in, with dropdowns, hints and self-checks."""

    def __init__(self, template: Template) -> None:
        self.template = template
        self.campaign = template.campaign
        self.attachment = template.attachment
        self.fmt = template.fmt

    def write(self, sheet: Any) -> None:
        attachment = self.attachment
        columns = attachment.columns
        widths = column_widths(attachment)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        write_title_row(sheet, self.fmt, attachment, legend_text(self.campaign))
        self.write_header_block(sheet)

        # Row 3: the column headers, verbatim.
        header_format = self.fmt(bold=True, text_wrap=True, align="center", border=1, bg_color=HEADER_FILL)
        lines = max(template_lines(c.header, w) for c, w in zip(columns, widths, strict=True))
        sheet.set_row(HEADER_ROW - 1, header_row_height(lines))
        for index, column in enumerate(columns, start=1):
            put(sheet, HEADER_ROW, index, column.header, header_format)

        # Rows 4..: formatted empty rows and the validations.
        for index, column in enumerate(columns, start=1):
            cell_format = self.fmt(**cell_properties(column))
            for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
                put(sheet, row, index, None, cell_format)
            add_validation(
                sheet,
                (FIRST_DATA_ROW, index, LAST_DATA_ROW, index),
                column_validation(self.campaign, attachment, column),
            )
        self.write_self_checks(sheet)

        sheet.freeze_panes(HEADER_ROW, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(TITLE_ROW - 1, HEADER_ROW - 1)
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.set_footer("&C第 &P 页，共 &N 页")

    def write_header_block(self, sheet: Any) -> None:
        """The header block with the reporter's value cells painted, each with its dropdown or date check."""
        block = write_header_block(sheet, self.fmt, self.attachment, self.template.reporter, None, INPUT_FILL)
        row = HEADER_BLOCK_ROW
        reporter_cell = (row, block.reporter_value_column, row, block.reporter_value_column)
        add_validation(sheet, reporter_cell, reporter_validation(self.campaign))
        date_cell = (row, block.date_value_column, row, block.date_value_column)
        add_validation(sheet, date_cell, date_validation(self.campaign, self.attachment))

    def write_self_checks(self, sheet: Any) -> None:
        """Conditional formats over the prepared rows: red when a self-check formula is TRUE."""
        red = self.template.workbook.add_format({"bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        # the formulas as written for the last row are the longest the dialogs will show
        check_limits(self_checks(self.attachment, self.campaign, LAST_DATA_ROW))
        for check in self_checks(self.attachment, self.campaign, FIRST_DATA_ROW):
            column = check.column - 1
            for formula in check.formulas:
                options = {"type": "formula", "criteria": "=" + formula, "format": red}
                if sheet.conditional_format(FIRST_DATA_ROW - 1, column, LAST_DATA_ROW - 1, column, options) != 0:
                    raise ValueError(f"XlsxWriter refused the conditional format {formula!r}")
