"""The template's hidden sheets: ``_lists`` (every dropdown and self-check list) and the fingerprint."""

from __future__ import annotations

from typing import Any

from zjkcollect.attachments import FIXED_LISTS, LISTS_SHEET, ColumnKind, choices_for
from zjkcollect.outputs import put
from zjkcollect.selfcheck import helper_lists
from zjkcollect.templates.context import Template
from zjkcollect.templates.layout import (
    REPORTER_LABEL,
    REPORTER_LIST_NAME,
    TEXT_FORMAT,
    TOPIC_COUNT_NAME,
    TOPIC_TABLE_NAME,
    abs_cell,
    abs_range,
    fingerprint_rows,
    list_name,
)

LIST_COLUMN_WIDTH = 16
FINGERPRINT_COLUMN_WIDTH = 22


def write_lists(template: Template, sheet: Any) -> None:
    """One column per dropdown list (label in row 1, values below), each behind a defined name.

    Every list any attachment uses, in the order the attachments first use them, so the
    templates of one campaign share one layout.
    """
    campaign, workbook = template.campaign, template.workbook
    lists: dict[str, tuple[str, list[str]]] = {REPORTER_LIST_NAME: (REPORTER_LABEL, campaign.reporter_names)}
    for attachment in campaign.attachments:
        for column in attachment.columns:
            choices = choices_for(column, campaign)
            if column.list_key is not None and choices is not None:
                lists.setdefault(list_name(column.list_key), (column.header, choices))
    track_list = list_name(FIXED_LISTS[ColumnKind.TRACK])
    plain = template.fmt()
    column_index = 1
    for name, (label, values) in lists.items():
        _write_list_column(template, sheet, column_index, name, label, values)
        if name == track_list:
            # The column right of the tracks: each track's number of open topics.
            column_index += 1
            counts = [len(campaign.track_by_name[track].open_topics) for track in values]
            _write_list_column(template, sheet, column_index, TOPIC_COUNT_NAME, "可选赛题数", counts)
        column_index += 1
    # Topic table: one column per track (same order as ZJK_TRACK), the open topics below.
    # Closed topics are left out: they take no registrations.
    column_index += 1
    first_topic_column = column_index
    for track in campaign.tracks:
        put(sheet, 1, column_index, track.name, plain)
        for row, topic in enumerate(track.open_topics, start=2):
            put(sheet, row, column_index, topic, plain)
        column_index += 1
    workbook.define_name(TOPIC_TABLE_NAME, f"={abs_cell(LISTS_SHEET, 2, first_topic_column)}")
    # What the self-checks look up, after a blank column: each block below its label.
    column_index += 1
    for helper in helper_lists(campaign):
        width = len(helper.rows[0])
        put(sheet, 1, column_index, helper.label, plain)
        for row, values in enumerate(helper.rows, start=2):
            for offset, value in enumerate(values):
                put(sheet, row, column_index + offset, value, plain)
        last = (1 + len(helper.rows), column_index + width - 1)
        workbook.define_name(helper.name, f"={abs_range(LISTS_SHEET, 2, column_index, *last)}")
        column_index += width
    sheet.set_column(0, column_index, LIST_COLUMN_WIDTH)
    sheet.hide()
    sheet.protect()


def _write_list_column(template: Template, sheet: Any, column: int, name: str, label: str, values: list[Any]) -> None:
    plain = template.fmt()
    put(sheet, 1, column, label, plain)
    for row, value in enumerate(values, start=2):
        put(sheet, row, column, value, plain)
    last_row = 1 + max(1, len(values))
    template.workbook.define_name(name, f"={abs_range(LISTS_SHEET, 2, column, last_row, column)}")


def write_fingerprint(template: Template, sheet: Any) -> None:
    text = template.fmt(num_format=TEXT_FORMAT)
    for row, (key, value) in enumerate(fingerprint_rows(template.campaign, template.attachment, template.reporter), 1):
        put(sheet, row, 1, key, text)
        put(sheet, row, 2, value, text)
    sheet.set_column(0, 1, FINGERPRINT_COLUMN_WIDTH)
    sheet.hide()
    sheet.protect()
