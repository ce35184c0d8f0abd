"""The blank templates the bureau sends out: 附件2, 附件3 and 附件4 as Excel workbooks.

Every workbook has the same shape, which the reader relies on:

* sheet 1 (active), named after the attachment's label (``附件2`` …): the form.
  Row ``TITLE_ROW``: the label in A1, the title merged over the rest of the table width.
  Row ``HEADER_BLOCK_ROW``: ``填报单位`` in A2, its value in B2 (merged over a few columns,
  a dropdown of the reporter registry); the date label (``Attachment.date_label``) in the
  last-but-one column and the date value in the last column.
  Row ``HEADER_ROW``: the canonical ``Column.header`` texts, verbatim, in spec order.
  Rows ``FIRST_DATA_ROW`` … ``LAST_DATA_ROW``: ``BLANK_ROWS`` formatted empty rows.
  The data cells carry the self-checks (:mod:`zjkcollect.selfcheck`): conditional formats
  that turn a cell red when it breaks a rule a formula can decide; a legend at the right end
  of the title row says what red means.
* sheet 2 ``填表说明``: the rules in plain Chinese, generated from the campaign.
* hidden sheet ``_lists``: every dropdown's values, one column per list, each behind a
  workbook-level defined name (``ZJK_TRACK``, ``ZJK_REGISTRATION_STATUS`` …), plus the
  track → open-topics table and the lists the self-checks look up (``selfcheck.helper_lists``).
* hidden sheet ``_zjkcollect``: the template fingerprint, key/value rows (see
  :func:`fingerprint_rows`); every value is text.

The attachments, their columns and all choice values come from the campaign (choices through
:func:`zjkcollect.attachments.choices_for`), so editing the campaign file and re-running
``make-templates`` changes every template.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from zjkcollect.attachments import (
    FINGERPRINT_FORMAT,
    FINGERPRINT_MARK,
    FINGERPRINT_SHEET,
    FIXED_LISTS,
    FP_CAMPAIGN_YEAR,
    FP_KIND,
    FP_REPORTER,
    FP_TEMPLATE_VERSION,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
    SINGLETON_ROLES,
    Attachment,
    Column,
    ColumnKind,
    Kind,
    choices_for,
)
from zjkcollect.campaign import Campaign
from zjkcollect.findings import column_letter
from zjkcollect.outputs import FormatCache, add_worksheet, atomic_write, put
from zjkcollect.selfcheck import ERROR_FILL, ERROR_FONT, check_limits, helper_lists, self_checks

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
MIN_FIRST_COLUMN_WIDTH = 10  # the 序号 column also holds the 填报单位 label
REPORTER_VALUE_MIN_WIDTH = 30  # the 填报单位 value cell is merged until it is at least this wide
LEGEND_MIN_WIDTH = 20  # the self-check legend takes the title row's columns from B on, at least this wide

# Excel's limits for data validations; XlsxWriter refuses anything longer.
_DV_TITLE_LIMIT = 32
_DV_MESSAGE_LIMIT = 255
_DV_FORMULA_LIMIT = 255

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


def column_widths(attachment: Attachment) -> list[int]:
    widths = [column.width for column in attachment.columns]
    widths[0] = max(widths[0], MIN_FIRST_COLUMN_WIDTH)
    return widths


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


# --- writing -----------------------------------------------------------------------------------


def write_templates(
    campaign: Campaign,
    out_dir: Path,
    per_reporter: bool = False,
    on_redirect: Callable[[Path, Path], None] | None = None,
) -> list[Path]:
    """Write the campaign's blank templates into ``out_dir``; returns the paths written.

    With ``per_reporter`` one set per registry unit is written instead, into a subfolder
    named after the unit, with the unit in each file name and 填报单位 filled in.
    ``on_redirect(target, actual)`` is called when a target is open in Excel and the
    workbook went to a time-stamped name instead.
    """
    out_dir = Path(out_dir)
    written: list[Path] = []
    reporters: list[str | None] = list(campaign.reporter_names) if per_reporter else [None]
    for reporter in reporters:
        folder = out_dir if reporter is None else out_dir / safe_file_part(reporter)
        for attachment in campaign.attachments:
            target = folder / template_file_name(attachment, reporter)
            written.append(write_template(campaign, attachment.id, target, reporter, on_redirect))
    return written


def write_template(
    campaign: Campaign,
    kind: str,
    target: Path,
    reporter: str | None = None,
    on_redirect: Callable[[Path, Path], None] | None = None,
) -> Path:
    """Write the template of the attachment ``kind`` (its id) to ``target``; returns the path actually written.

    The path differs from ``target`` only when the target is open in Excel (see
    :func:`zjkcollect.outputs.atomic_write`).
    """
    import xlsxwriter

    if reporter is not None and reporter not in campaign.reporter_names:
        raise ValueError(f"reporter {reporter!r} is not in the campaign's registry")
    attachment = campaign.attachment(kind)
    actual = Path(target)

    def redirected(_target: Path, stamped: Path) -> None:
        nonlocal actual
        actual = stamped
        if on_redirect is not None:
            on_redirect(_target, stamped)

    with atomic_write(Path(target), on_redirect=redirected) as temp:
        workbook = xlsxwriter.Workbook(
            str(temp), {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
        )
        try:
            _TemplateWriter(workbook, campaign, attachment, reporter).write()
        finally:
            workbook.close()
    return actual


class _TemplateWriter:
    def __init__(self, workbook: Any, campaign: Campaign, attachment: Attachment, reporter: str | None) -> None:
        self.workbook = workbook
        self.campaign = campaign
        self.attachment = attachment
        self.reporter = reporter
        # 宋体 11 unless told otherwise
        self.fmt = FormatCache(workbook, font_name=FONT, font_size=11, valign="vcenter")

    def write(self) -> None:
        campaign, attachment = self.campaign, self.attachment
        info = campaign.campaign
        # Fixed creation time: re-running make-templates gives the same bytes, so git shows no change.
        self.workbook.set_properties(
            {
                "title": f"{attachment.label} {attachment.title}",
                "subject": info.name,
                "author": info.bureau,
                "company": info.bureau,
                "comments": f"zjkcollect 模板 {info.template_version}",
                "created": dt.datetime.combine(campaign.calendar.registration_start, dt.time()),
            }
        )
        data = add_worksheet(self.workbook, data_sheet_name(attachment))
        instructions = add_worksheet(self.workbook, INSTRUCTIONS_SHEET)
        lists = add_worksheet(self.workbook, LISTS_SHEET)
        fingerprint = add_worksheet(self.workbook, FINGERPRINT_SHEET)
        self.write_lists(lists)
        self.write_data_sheet(data)
        _InstructionsWriter(self, instructions).write()
        self.write_fingerprint(fingerprint)
        data.activate()

    # --- hidden sheets ---------------------------------------------------------------------------

    def write_lists(self, sheet: Any) -> None:
        """One column per dropdown list (label in row 1, values below), each behind a defined name.

        Every list any attachment uses, in the order the attachments first use them, so the
        templates of one campaign share one layout.
        """
        lists: dict[str, tuple[str, list[str]]] = {REPORTER_LIST_NAME: ("填报单位", self.campaign.reporter_names)}
        for attachment in self.campaign.attachments:
            for column in attachment.columns:
                choices = choices_for(column, self.campaign)
                if column.list_key is not None and choices is not None:
                    lists.setdefault(list_name(column.list_key), (column.header, choices))
        track_list = list_name(FIXED_LISTS[ColumnKind.TRACK])
        plain = self.fmt()
        column_index = 1
        for name, (label, values) in lists.items():
            self._write_list_column(sheet, column_index, name, label, values)
            if name == track_list:
                # The column right of the tracks: each track's number of open topics.
                column_index += 1
                counts = [len(self.campaign.track_by_name[track].open_topics) for track in values]
                self._write_list_column(sheet, column_index, TOPIC_COUNT_NAME, "可选赛题数", counts)
            column_index += 1
        # Topic table: one column per track (same order as ZJK_TRACK), the open topics below.
        # Closed topics are left out: they take no registrations.
        column_index += 1
        first_topic_column = column_index
        for track in self.campaign.tracks:
            put(sheet, 1, column_index, track.name, plain)
            for row, topic in enumerate(track.open_topics, start=2):
                put(sheet, row, column_index, topic, plain)
            column_index += 1
        self.workbook.define_name(TOPIC_TABLE_NAME, f"={_abs_cell(LISTS_SHEET, 2, first_topic_column)}")
        # What the self-checks look up, after a blank column: each block below its label.
        column_index += 1
        for helper in helper_lists(self.campaign):
            width = len(helper.rows[0])
            put(sheet, 1, column_index, helper.label, plain)
            for row, values in enumerate(helper.rows, start=2):
                for offset, value in enumerate(values):
                    put(sheet, row, column_index + offset, value, plain)
            last = (1 + len(helper.rows), column_index + width - 1)
            self.workbook.define_name(helper.name, f"={_abs_range(LISTS_SHEET, 2, column_index, *last)}")
            column_index += width
        sheet.set_column(0, column_index, 16)
        sheet.hide()
        sheet.protect()

    def _write_list_column(self, sheet: Any, column: int, name: str, label: str, values: list[Any]) -> None:
        plain = self.fmt()
        put(sheet, 1, column, label, plain)
        for row, value in enumerate(values, start=2):
            put(sheet, row, column, value, plain)
        last_row = 1 + max(1, len(values))
        self.workbook.define_name(name, f"={_abs_range(LISTS_SHEET, 2, column, last_row, column)}")

    def write_fingerprint(self, sheet: Any) -> None:
        text = self.fmt(num_format=TEXT_FORMAT)
        for row, (key, value) in enumerate(fingerprint_rows(self.campaign, self.attachment, self.reporter), 1):
            put(sheet, row, 1, key, text)
            put(sheet, row, 2, value, text)
        sheet.set_column(0, 1, 22)
        sheet.hide()
        sheet.protect()

    # --- the form ------------------------------------------------------------------------------

    def write_data_sheet(self, sheet: Any) -> None:
        attachment = self.attachment
        columns = attachment.columns
        last_col = len(columns)
        for index, width in enumerate(column_widths(attachment)):
            sheet.set_column(index, index, width)

        # Row 1: "附件N", the self-check legend and the title.
        legend_first, legend_last = legend_columns(attachment)
        legend = legend_text(self.campaign)
        # 9-point text: a column holds 11/9 as many characters as the 11-point widths assume
        legend_width = sum(column_widths(attachment)[legend_first - 1 : legend_last]) * 11 // 9
        sheet.set_row(TITLE_ROW - 1, max(40, 12 * _line_count(legend, legend_width) + 6))
        put(sheet, TITLE_ROW, 1, attachment.label, self.fmt(font_name="黑体", font_size=12, valign="top"))
        # The legend is itself painted the way a red cell looks.
        legend_format = self.fmt(font_size=9, text_wrap=True, bg_color=ERROR_FILL, font_color=ERROR_FONT, border=1)
        if legend_last > legend_first:
            sheet.merge_range(TITLE_ROW - 1, legend_first - 1, TITLE_ROW - 1, legend_last - 1, "", legend_format)
        put(sheet, TITLE_ROW, legend_first, legend, legend_format)
        title_format = self.fmt(bold=True, font_size=18, align="center")
        sheet.merge_range(TITLE_ROW - 1, legend_last, TITLE_ROW - 1, last_col - 1, "", title_format)
        put(sheet, TITLE_ROW, legend_last + 1, attachment.title, title_format)

        self.write_header_block(sheet)

        # Row 3: the column headers, verbatim.
        header_format = self.fmt(bold=True, text_wrap=True, align="center", border=1, bg_color=HEADER_FILL)
        lines = max(_line_count(c.header, w) for c, w in zip(columns, column_widths(attachment), strict=True))
        sheet.set_row(HEADER_ROW - 1, 15 * lines + 8)
        for index, column in enumerate(columns, start=1):
            put(sheet, HEADER_ROW, index, column.header, header_format)

        # Rows 4..: formatted empty rows and the validations.
        for index, column in enumerate(columns, start=1):
            cell_format = self.fmt(**cell_properties(column))
            for row in range(FIRST_DATA_ROW, LAST_DATA_ROW + 1):
                put(sheet, row, index, None, cell_format)
            self.validate_column(sheet, index, column)
        self.write_self_checks(sheet)

        sheet.freeze_panes(HEADER_ROW, 0)
        sheet.set_landscape()
        sheet.set_paper(9)  # A4
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(TITLE_ROW - 1, HEADER_ROW - 1)
        sheet.center_horizontally()
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.set_footer("&C第 &P 页，共 &N 页")

    def write_self_checks(self, sheet: Any) -> None:
        """Conditional formats over the prepared rows: red when a self-check formula is TRUE."""
        red = self.workbook.add_format({"bg_color": ERROR_FILL, "font_color": ERROR_FONT})
        # the formulas as written for the last row are the longest the dialogs will show
        check_limits(self_checks(self.attachment, self.campaign, LAST_DATA_ROW))
        for check in self_checks(self.attachment, self.campaign, FIRST_DATA_ROW):
            column = check.column - 1
            for formula in check.formulas:
                options = {"type": "formula", "criteria": "=" + formula, "format": red}
                if sheet.conditional_format(FIRST_DATA_ROW - 1, column, LAST_DATA_ROW - 1, column, options) != 0:
                    raise ValueError(f"XlsxWriter refused the conditional format {formula!r}")

    def write_header_block(self, sheet: Any) -> None:
        block = header_block(self.attachment)
        row = HEADER_BLOCK_ROW
        sheet.set_row(row - 1, 26)
        label = self.fmt(bold=True, align="right")
        value = self.fmt(align="left", bg_color=INPUT_FILL)
        put(sheet, row, block.reporter_label_column, "填报单位", label)
        if block.reporter_value_last_column > block.reporter_value_column:
            sheet.merge_range(
                row - 1, block.reporter_value_column - 1, row - 1, block.reporter_value_last_column - 1, "", value
            )
        put(sheet, row, block.reporter_value_column, self.reporter, value)
        self.validate(
            sheet,
            (row, block.reporter_value_column, row, block.reporter_value_column),
            {
                "validate": "list",
                "source": f"={REPORTER_LIST_NAME}",
                "input_title": "填报单位",
                "input_message": "请从下拉列表中选择本单位（县区或市直部门）。",
                "error_type": "stop",
                "error_title": "填报单位不在名册中",
                "error_message": "请从下拉列表中选择本单位；名册中没有的单位请联系"
                + self.campaign.campaign.bureau
                + "。",
            },
        )

        date_label = self.attachment.date_label
        put(sheet, row, block.date_label_column, date_label, label)
        put(
            sheet,
            row,
            block.date_value_column,
            None,
            self.fmt(align="center", num_format=DATE_FORMAT, bg_color=INPUT_FILL),
        )
        calendar = self.campaign.calendar
        if self.attachment.kind is Kind.REGISTERED:
            first = min(calendar.registration_start, calendar.weeks[0])
            last = max(calendar.registration_end, calendar.weeks[-1])
            message = "填写本次更新对应的周四（每周四更新）：" + "、".join(d.isoformat() for d in calendar.weeks)
        else:
            year = self.campaign.campaign.year
            first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
            message = f"填写填报日期，如 {calendar.survey_due.isoformat()}。"
            if self.attachment.kind is Kind.SURVEY:
                message += f"本表应于 {_zh_date(calendar.survey_due)}前报送。"
        self.validate(
            sheet,
            (row, block.date_value_column, row, block.date_value_column),
            {
                "validate": "date",
                "criteria": "between",
                "minimum": first,
                "maximum": last,
                "input_title": date_label,
                "input_message": message,
                "error_type": "stop",
                "error_title": f"{date_label}有误",
                "error_message": f"请按 {first.isoformat()} 的格式填写 {first.isoformat()} 至 {last.isoformat()} 之间的日期。",
            },
        )

    def validate_column(self, sheet: Any, index: int, column: Column) -> None:
        cells = (FIRST_DATA_ROW, index, LAST_DATA_ROW, index)
        options: dict[str, Any] = {
            "validate": "any",
            "input_title": column.header,
            "input_message": column.hint,
        }
        choices = choices_for(column, self.campaign)
        if column.kind is ColumnKind.TOPIC:
            options.update(self._topic_validation())
        elif choices is not None and column.list_key is not None:
            options.update(
                {
                    "validate": "list",
                    "source": f"={list_name(column.list_key)}",
                    "error_type": "stop",
                    "error_title": f"{column.header}填写有误",
                    "error_message": f"“{column.header}”只能从下拉列表中选择：" + "、".join(choices) + "。",
                }
            )
        elif column.kind is ColumnKind.DATE:
            calendar = self.campaign.calendar
            start, end = calendar.registration_start, calendar.registration_end
            options.update(
                {
                    "validate": "date",
                    "criteria": "between",
                    "minimum": start,
                    "maximum": end,
                    "error_type": "stop",
                    "error_title": f"{column.header}有误",
                    "error_message": f"请填写报名期（{start.isoformat()} 至 {end.isoformat()}）内的日期，"
                    f"格式如 {start.isoformat()}。",
                }
            )
        elif column.kind in (ColumnKind.CREDIT_CODE, ColumnKind.MOBILE):
            length = 18 if column.kind is ColumnKind.CREDIT_CODE else 11
            options.update(
                {
                    "validate": "length",
                    "criteria": "==",
                    "value": length,
                    "error_type": "warning",
                    "error_title": f"{column.header}位数不对",
                    "error_message": f"“{column.header}”应为{length}位，请核对。确认无误可点“是”保留。",
                }
            )
        self.validate(sheet, cells, options)

    def _topic_validation(self) -> dict[str, Any]:
        """The dependent 赛题 dropdown: the open topics of the track chosen in the same row.

        ``OFFSET(ZJK_TOPICS, 0, i-1, n, 1)`` is the i-th track's column on ``_lists``, n its number
        of open topics (at least 1 so the range stays valid; a track without listed topics points
        at a blank cell, which Excel treats as "any value allowed").
        """
        track_column = next(i for i, c in enumerate(self.attachment.columns, 1) if c.field == "track")
        track_cell = f"${column_letter(track_column)}{FIRST_DATA_ROW}"
        match = f"MATCH({track_cell},{list_name(FIXED_LISTS[ColumnKind.TRACK])},0)"
        formula = f"=OFFSET({TOPIC_TABLE_NAME},0,{match}-1,MAX(1,INDEX({TOPIC_COUNT_NAME},{match})),1)"
        if topics_closed_list(self.campaign):
            return {
                "validate": "list",
                "source": formula,
                "error_type": "stop",
                "error_title": "参赛赛题填写有误",
                "error_message": "请先选择参赛赛道，再从下拉列表中选择该赛道的一个赛题（每个参赛项目限报一个赛题方向）。",
            }
        # Decision: while any track's topics are unlisted or incomplete (Track.topics_complete is
        # false), the dropdown cannot be a closed list, so it only warns: the reporter may keep
        # a typed topic after the prompt, and the checker reports unknown topics as warnings.
        # The 填表说明 sheet tells the reporter the same.
        return {
            "validate": "list",
            "source": formula,
            "error_type": "warning",
            "error_title": "请核对参赛赛题",
            "error_message": "该赛题不在所选赛道的已知赛题中。省附件1未列全赛题的赛道可直接填写赛题名称，"
            "点“是”保留；如选错了赛道或赛题，请点“否”重新选择。不再开放报名的赛题不能填报。",
        }

    def validate(self, sheet: Any, cells: tuple[int, int, int, int], options: dict[str, Any]) -> None:
        for key, limit in (
            ("input_title", _DV_TITLE_LIMIT),
            ("error_title", _DV_TITLE_LIMIT),
            ("input_message", _DV_MESSAGE_LIMIT),
            ("error_message", _DV_MESSAGE_LIMIT),
        ):
            if key in options:
                options[key] = _fit(options[key], limit)
        source = options.get("source")
        if isinstance(source, str) and len(source) - 1 > _DV_FORMULA_LIMIT:
            raise ValueError(f"data validation formula longer than {_DV_FORMULA_LIMIT} characters: {source}")
        first_row, first_col, last_row, last_col = cells
        if sheet.data_validation(first_row - 1, first_col - 1, last_row - 1, last_col - 1, options) != 0:
            raise ValueError(f"XlsxWriter refused the data validation {options!r}")


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


# --- 填表说明 --------------------------------------------------------------------------------------

_INSTRUCTION_WIDTHS = (6, 16, 12, 14, 16, 44, 40)


class _InstructionsWriter:
    """The 填表说明 sheet: numbered paragraphs and small tables, all from the campaign."""

    def __init__(self, parent: _TemplateWriter, sheet: Any) -> None:
        self.parent = parent
        self.sheet = sheet
        self.campaign = parent.campaign
        self.attachment = parent.attachment
        self.row = 1
        self.span = len(_INSTRUCTION_WIDTHS)

    def write(self) -> None:
        sheet, attachment = self.sheet, self.attachment
        for index, width in enumerate(_INSTRUCTION_WIDTHS):
            sheet.set_column(index, index, width)
        self.merged(
            f"填表说明（{attachment.label} {attachment.title}）",
            self.parent.fmt(bold=True, font_size=16, align="center"),
            32,
        )
        self.row += 1
        self.section("一、基本要求", self.basic_rules())
        if attachment.kind is Kind.CONTACTS:
            self.section("二、联系人填写要求", self.contact_rules())
            self.calendar_table("三、时间安排")
        elif attachment.holds_projects:
            self.section("二、参赛条件和填写要求", self.entry_rules())
            self.track_table("三、赛道目录")
            self.unit_type_table("四、单位类型与统一社会信用代码")
            self.calendar_table("五、时间安排")
        else:
            self.calendar_table("二、时间安排")
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        sheet.hide_gridlines(2)

    # --- texts ---------------------------------------------------------------------------------

    def basic_rules(self) -> list[str]:
        campaign, attachment = self.campaign, self.attachment
        calendar = campaign.calendar
        sheet = data_sheet_name(attachment)
        unit = (
            "一名人员"
            if attachment.kind is Kind.CONTACTS
            else "一个参赛项目"
            if attachment.holds_projects
            else "一条信息"
        )
        rules = [
            f"本表由各县区、管理区、经开区和市有关单位填写，报送{campaign.campaign.bureau}。"
            f"请在“{sheet}”工作表中填写；不要修改标题和表头，不要删除、插入或调换列，不要重命名工作表。",
            f"表头“填报单位”请从下拉列表中选择本单位；“{attachment.date_label}”请填写日期，格式如 "
            f"{calendar.weeks[0].isoformat()}。",
            f"从第{FIRST_DATA_ROW}行起每行填写{unit}，已预设{BLANK_ROWS}行格式，不够可继续向下填写；不要在表格中插入合计行或空行。",
            "带下拉箭头的单元格请从下拉列表中选择；选中单元格时会显示该栏的填写提示。",
            self.self_check_rule(),
            "“统一社会信用代码”和各电话号码列已设为文本格式，请直接输入，不要改为数字格式，"
            "以免18位代码被 Excel 改成科学计数法、号码开头的0丢失。",
        ]
        if attachment.kind is Kind.SURVEY:
            rules.append(
                f"本表请于{_zh_date(calendar.survey_due)}前报送，全面统计本单位、本领域、本赛道、本辖区符合参赛条件的项目。"
            )
        elif attachment.kind is Kind.REGISTERED:
            rules.append(
                f"本表自{_zh_date(calendar.weeks[0])}起每周四更新报送，“{attachment.date_label}”填写本次更新对应的周四"
                f"（{'、'.join(_zh_date(d) for d in calendar.weeks)}）。"
                "每次报送截至当周的全部参赛项目（含以前各周已报的项目），不要只报新增项目。"
            )
        elif attachment.kind is Kind.CONTACTS:
            rules.append(f"本表随{campaign.attachment(Kind.SURVEY).label}于{_zh_date(calendar.survey_due)}前报送。")
        return rules

    def self_check_rule(self) -> str:
        checks = self_checks(self.attachment, self.campaign, FIRST_DATA_ROW)
        what = "；".join(check.description for check in checks)
        return (
            f"填写时，不符合要求的单元格会自动变红（浅红底色、深红色字，见表格左上角的说明）：{what}。改正后红色自动消失。"
            "变红只是填写时的提示，没有变红不代表一定合格；是否合格以"
            f"{self.campaign.campaign.bureau}用校验程序（zjkcollect validate）校验的结果为准。"
        )

    def entry_rules(self) -> list[str]:
        campaign, attachment = self.campaign, self.attachment
        columns = attachment.by_field
        rules_data = campaign.credit_code
        never = "、".join(f"“{prefix}”" for prefix in rules_data.never_legal_person)
        branch = "、".join(rules_data.branch_suffixes)
        branch_rule = f"{branch}等分支机构不具有独立法人资格，请改报其具有独立法人资格的单位。" if branch else ""
        gov_types = "、".join(campaign.government.unit_types)
        gov_tracks = "、".join(campaign.government.tracks)
        jiebang = "、".join(track.name for track in campaign.tracks if track.jiebang)
        yes, no = campaign.choices.yes_no
        rules = [
            f"参赛单位须是具有独立法人资格的企业、事业单位、科研院所、高等院校等单位。统一社会信用代码以{never}开头的"
            f"{rules_data.never_legal_person_label}不具有独立法人资格，不能参赛。{branch_rule}"
        ]
        if "unit_name" in columns and "partners" in columns:
            rules.append(
                f"允许合作组队参赛：“{columns['unit_name'].header}”填牵头单位，其他单位填在“{columns['partners'].header}”中，"
                "多个单位用“、”分隔。"
            )
        rules += [
            "每个参赛项目限报一个赛题方向：每行只填一个赛道、一个赛题，同一项目不要重复填报或分报多个赛题。",
            f"{gov_types}只能参加{gov_tracks}赛道。",
        ]
        rules += [
            f"“{column.header}”：只有{jiebang}赛道设有企业需求子赛题（“揭榜挂帅”），其他赛道请填“{no}”。"
            for column in self.of_kind(ColumnKind.JIEBANG)
        ]
        if "topic" in columns:
            rules.append(self.topic_rule())
        for track in campaign.tracks:
            if track.closed_topics:
                closed = "、".join(f"“{topic}”" for topic in track.closed_topics)
                rules.append(f"{track.name}赛道的{closed}赛题不再开放报名，不能填报，下拉列表中也不列出。")
        must = self.of_kind(ColumnKind.MUST_BE_YES)
        if must:
            rules.append(
                f"参赛项目须已开展实际应用：{'和'.join(f'“{column.header}”' for column in must)}都应为“{yes}”。"
            )
        calendar = campaign.calendar
        for column in self.of_kind(ColumnKind.DATE):
            rules.append(
                ("" if must else "参赛项目须已开展实际应用。")
                + f"“{column.header}”填写在赛事平台报名的日期，应在报名期"
                f"（{_zh_date(calendar.registration_start)}至{_zh_date(calendar.registration_end)}）内。"
            )
        rules.append(
            f"参赛赛区填“{campaign.campaign.division_name}”；参赛项目全国范围内仅在河北分赛区参赛。"
            "“单位类型”应与统一社会信用代码前两位相符（见下表），不相符的将请您核对。"
        )
        return rules

    def of_kind(self, kind: ColumnKind) -> list[Column]:
        return [column for column in self.attachment.columns if column.kind is kind]

    def topic_rule(self) -> str:
        columns = self.attachment.by_field
        text = (
            f"“{columns['topic'].header}”请先选择“{columns['track'].header}”，再从下拉列表中选择该赛道的一个赛题；"
            "下拉列表只列出各赛道目前开放报名的已知赛题。"
        )
        if topics_closed_list(self.campaign):
            return text + "只能填写下拉列表中的赛题。"
        unlisted = [track.name for track in self.campaign.tracks if not (track.topics_complete and track.open_topics)]
        return (
            text
            + f"{'、'.join(unlisted)}赛道的赛题省附件1尚未全部列出，可直接输入赛题名称（Excel/WPS 提示时点“是”保留），"
            f"由{self.campaign.campaign.bureau}核对。"
        )

    def contact_rules(self) -> list[str]:
        choices = self.campaign.choices
        columns = self.attachment.by_field
        rules = [
            f"“{columns['unit'].header}”从下拉列表中选择本单位，每行填写一人。",
            f"每个单位填写且只填写1名{choices.leader_role}，至少填写1名{choices.staff_role}。",
            f"“{columns['role'].header}”从下拉列表中选择：{'、'.join(choices.person_roles)}。",
        ]
        phones = [f"“{columns['mobile'].header}”填写11位手机号码"]
        phones += [
            f"“{column.header}”填写带区号的固定电话，如 0313-7680129" for column in self.of_kind(ColumnKind.LANDLINE)
        ]
        rules.append("；".join(phones) + "。")
        rules += [
            f"{choices.staff_role}必须填写“{column.header}”，如 name@example.com。"
            for column in self.of_kind(ColumnKind.EMAIL)
        ]
        return rules

    # --- tables --------------------------------------------------------------------------------

    def track_table(self, heading: str) -> None:
        self.heading(heading)
        headers = (
            "序号",
            "赛道",
            "类别",
            "揭榜挂帅子赛题",
            "政府部门、事业单位",
            "下拉列表中的赛题",
            "不再开放报名的赛题",
        )
        self.table_row(headers, header=True)
        gov = set(self.campaign.government.tracks)
        for number, track in enumerate(self.campaign.tracks, start=1):
            topics = "、".join(track.open_topics)
            if not track.topics_complete:
                if topics:
                    topics += "（未列全，可直接填写其他赛题）"
                elif track.topics:
                    topics = "（开放报名的赛题省附件1未列出，请直接填写赛题名称）"
                else:
                    topics = "（省附件1未列出，请直接填写赛题名称）"
            self.table_row(
                (
                    str(number),
                    track.name,
                    track.category,
                    "有" if track.jiebang else "无",
                    "可参加" if track.name in gov else "不可参加",
                    topics,
                    "、".join(track.closed_topics) or "无",
                )
            )
        self.row += 1

    def unit_type_table(self, heading: str) -> None:
        self.heading(heading)
        credit = self.campaign.credit_code
        self.table_row(("序号", "单位类型", "信用代码前两位", None, "可参加的赛道", None, None), header=True)
        gov = self.campaign.government
        for number, unit in enumerate(self.campaign.unit_types, start=1):
            prefixes = "、".join("其他代码" if set(p) == {"*"} else p.replace("*", "x") for p in unit.prefixes)
            tracks = ("仅限" + "、".join(gov.tracks)) if unit.name in gov.unit_types else "全部赛道"
            self.table_row((str(number), unit.name, prefixes, None, tracks, None, None))
        never = "、".join(credit.never_legal_person)
        self.paragraph(f"注：代码以 {never} 开头的是{credit.never_legal_person_label}，不具有独立法人资格，不能参赛。")
        self.row += 1

    def calendar_table(self, heading: str) -> None:
        self.heading(heading)
        calendar = self.campaign.calendar
        survey, weekly, contacts = (self.campaign.attachment(kind) for kind in SINGLETON_ROLES)
        self.table_row(("序号", "事项", None, "日期", None, None, None), header=True)
        items = [
            (f"{survey.label}、{contacts.label} 报送截止", _zh_date(calendar.survey_due)),
            ("赛事平台报名期", f"{_zh_date(calendar.registration_start)}至{_zh_date(calendar.registration_end)}"),
            (f"{weekly.label} 每周四更新", "、".join(_zh_date(d) for d in calendar.weeks)),
        ]
        for number, (what, when) in enumerate(items, start=1):
            self.table_row((str(number), what, None, when, None, None, None))
        self.row += 1

    # --- primitives ----------------------------------------------------------------------------

    def heading(self, text: str) -> None:
        self.merged(text, self.parent.fmt(bold=True, font_name="黑体", font_size=12), 22)

    def section(self, heading: str, paragraphs: Iterable[str]) -> None:
        self.heading(heading)
        for number, text in enumerate(paragraphs, start=1):
            self.paragraph(f"{number}. {text}")
        self.row += 1

    def paragraph(self, text: str) -> None:
        width = sum(_INSTRUCTION_WIDTHS) - 2
        self.merged(text, self.parent.fmt(text_wrap=True), 16 * _line_count(text, width) + 6)

    def merged(self, text: str, cell_format: Any, height: float) -> None:
        self.sheet.set_row(self.row - 1, height)
        self.sheet.merge_range(self.row - 1, 0, self.row - 1, self.span - 1, "", cell_format)
        put(self.sheet, self.row, 1, text, cell_format)
        self.row += 1

    def table_row(self, cells: tuple[str | None, ...], header: bool = False) -> None:
        """Cells left to right; ``None`` extends the cell before it (merged)."""
        properties: dict[str, Any] = {"border": 1, "text_wrap": True}
        if header:
            properties.update(bold=True, align="center", bg_color=HEADER_FILL)
        cell_format = self.parent.fmt(**properties)
        first_format = self.parent.fmt(**{**properties, "align": "center"})
        spans: list[tuple[int, int, str]] = []
        for index, value in enumerate(cells):
            if value is None:
                first, _, text = spans[-1]
                spans[-1] = (first, index, text)
            else:
                spans.append((index, index, value))
        lines = 1
        for first, last, text in spans:
            width = sum(_INSTRUCTION_WIDTHS[first : last + 1]) - 1
            lines = max(lines, _line_count(text, width))
            if last > first:
                self.sheet.merge_range(self.row - 1, first, self.row - 1, last, "", cell_format)
            put(self.sheet, self.row, first + 1, text, first_format if first == 0 else cell_format)
        self.sheet.set_row(self.row - 1, 16 * lines + 6)
        self.row += 1


# --- helpers -----------------------------------------------------------------------------------


def _zh_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line_count(text: str, width: int) -> int:
    usable = max(1, width - 1)
    return sum(max(1, math.ceil(_display_width(part) * 0.9 / usable)) for part in text.split("\n"))


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _abs_cell(sheet: str, row: int, column: int) -> str:
    return f"{_quoted(sheet)}!${column_letter(column)}${row}"


def _abs_range(sheet: str, first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    return f"{_quoted(sheet)}!${column_letter(first_col)}${first_row}:${column_letter(last_col)}${last_row}"
