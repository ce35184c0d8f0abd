"""The form's data validations: the dropdowns, the date ranges, the lengths and their prompts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from zjkcollect.attachments import FIXED_LISTS, Attachment, Column, ColumnKind, Kind, choices_for
from zjkcollect.campaign import Campaign
from zjkcollect.findings import column_letter
from zjkcollect.templates.layout import (
    FIRST_DATA_ROW,
    REPORTER_LABEL,
    REPORTER_LIST_NAME,
    TOPIC_COUNT_NAME,
    TOPIC_TABLE_NAME,
    list_name,
    topics_closed_list,
    zh_date,
)

# Excel's limits for data validations; XlsxWriter refuses anything longer.
_DV_TITLE_LIMIT = 32
_DV_MESSAGE_LIMIT = 255
_DV_FORMULA_LIMIT = 255


def add_validation(sheet: Any, cells: tuple[int, int, int, int], options: dict[str, Any]) -> None:
    """Put a validation on the 1-based cell range (first row, first column, last row, last column)."""
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


def reporter_validation(campaign: Campaign) -> dict[str, Any]:
    """The 填报单位 cell: a dropdown of the registry."""
    return {
        "validate": "list",
        "source": f"={REPORTER_LIST_NAME}",
        "input_title": REPORTER_LABEL,
        "input_message": f"请从下拉列表中选择本单位（{'或'.join(campaign.reporter_levels)}）。",
        "error_type": "stop",
        "error_title": "填报单位不在名册中",
        "error_message": "请从下拉列表中选择本单位；名册中没有的单位请联系" + campaign.campaign.bureau + "。",
    }


def date_validation(campaign: Campaign, attachment: Attachment) -> dict[str, Any]:
    """The header block's date: an update day of the weeks, or any day of the campaign's year."""
    calendar = campaign.calendar
    if attachment.kind is Kind.REGISTERED:
        first = min(calendar.registration_start, calendar.weeks[0])
        last = max(calendar.registration_end, calendar.weeks[-1])
        day = calendar.update_day
        message = f"填写本次更新对应的{day}（每{day}更新）：" + "、".join(d.isoformat() for d in calendar.weeks)
    else:
        year = campaign.campaign.year
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        message = f"填写填报日期，如 {calendar.survey_due.isoformat()}。"
        if attachment.kind is Kind.SURVEY:
            message += f"本表应于 {zh_date(calendar.survey_due)}前报送。"
    date_label = attachment.date_label
    return {
        "validate": "date",
        "criteria": "between",
        "minimum": first,
        "maximum": last,
        "input_title": date_label,
        "input_message": message,
        "error_type": "stop",
        "error_title": f"{date_label}有误",
        "error_message": f"请按 {first.isoformat()} 的格式填写 {first.isoformat()} 至 {last.isoformat()} 之间的日期。",
    }


def column_validation(campaign: Campaign, attachment: Attachment, column: Column) -> dict[str, Any]:
    """A data column: its hint, and its dropdown, date range or length where it has one."""
    options: dict[str, Any] = {
        "validate": "any",
        "input_title": column.header,
        "input_message": column.hint,
    }
    choices = choices_for(column, campaign)
    if column.kind is ColumnKind.TOPIC:
        options.update(_topic_validation(campaign, attachment))
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
        calendar = campaign.calendar
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
    return options


def _topic_validation(campaign: Campaign, attachment: Attachment) -> dict[str, Any]:
    """The dependent 赛题 dropdown: the open topics of the track chosen in the same row.

    ``OFFSET(ZJK_TOPICS, 0, i-1, n, 1)`` is the i-th track's column on ``_lists``, n its number
    of open topics (at least 1 so the range stays valid; a track without listed topics points
    at a blank cell, which Excel treats as "any value allowed").
    """
    track_column = next(i for i, c in enumerate(attachment.columns, 1) if c.field == "track")
    track_cell = f"${column_letter(track_column)}{FIRST_DATA_ROW}"
    match = f"MATCH({track_cell},{list_name(FIXED_LISTS[ColumnKind.TRACK])},0)"
    formula = f"=OFFSET({TOPIC_TABLE_NAME},0,{match}-1,MAX(1,INDEX({TOPIC_COUNT_NAME},{match})),1)"
    if topics_closed_list(campaign):
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


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
