"""The blank templates the bureau sends out: one Excel workbook per attachment of the campaign.

Every workbook has the same shape, which the reader relies on (positions in :mod:`.layout`):

* sheet 1 (active), named after the attachment's label (``附件2`` …): the form (:mod:`.form`).
  Row ``TITLE_ROW``: the label in A1, the self-check legend, the title merged over the rest.
  Row ``HEADER_BLOCK_ROW``: ``填报单位`` in A2, its value in B2 (merged over a few columns,
  a dropdown of the reporter registry); the date label (``Attachment.date_label``) in the
  last-but-one column and the date value in the last column.
  Row ``HEADER_ROW``: the canonical ``Column.header`` texts, verbatim, in spec order.
  Rows ``FIRST_DATA_ROW`` … ``LAST_DATA_ROW``: ``BLANK_ROWS`` formatted empty rows with their
  data validations (:mod:`.validations`) and self-checks (:mod:`zjkcollect.selfcheck`):
  conditional formats that turn a cell red when it breaks a rule a formula can decide.
* sheet 2 ``填表说明``: the rules in plain Chinese, generated from the campaign (:mod:`.instructions`,
  its words in :mod:`.instruction_texts`).
* hidden sheet ``_lists``: every dropdown's values, one column per list, each behind a
  workbook-level defined name (``ZJK_TRACK``, ``ZJK_REGISTRATION_STATUS`` …), plus the
  track → open-topics table and the lists the self-checks look up (:mod:`.hidden`).
* hidden sheet ``_zjkcollect``: the template fingerprint, key/value rows (see
  :func:`fingerprint_rows`); every value is text.

The attachments, their columns and all choice values come from the campaign (choices through
:func:`zjkcollect.attachments.choices_for`), so editing the campaign file and re-running
``make-templates`` changes every template.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from zjkcollect.attachments import (
    FINGERPRINT_FORMAT,
    FINGERPRINT_MARK,
    FINGERPRINT_SHEET,
    INSTRUCTIONS_SHEET,
    LISTS_SHEET,
)
from zjkcollect.campaign import Campaign
from zjkcollect.outputs import add_worksheet, atomic_write
from zjkcollect.sizing import column_widths
from zjkcollect.templates.context import Template
from zjkcollect.templates.form import FormWriter, write_header_block, write_title_row
from zjkcollect.templates.hidden import write_fingerprint, write_lists
from zjkcollect.templates.instructions import InstructionsWriter
from zjkcollect.templates.layout import (
    BLANK_ROWS,
    DATE_FORMAT,
    FIRST_DATA_ROW,
    FONT,
    HEADER_BLOCK_ROW,
    HEADER_FILL,
    HEADER_ROW,
    INPUT_FILL,
    LAST_DATA_ROW,
    NAME_PREFIX,
    REPORTER_LIST_NAME,
    TEXT_FORMAT,
    TITLE_ROW,
    TOPIC_COUNT_NAME,
    TOPIC_TABLE_NAME,
    HeaderBlock,
    cell_properties,
    data_sheet_name,
    fingerprint_rows,
    header_block,
    legend_columns,
    legend_text,
    list_name,
    safe_file_part,
    template_file_name,
    topics_closed_list,
)

__all__ = [
    "BLANK_ROWS",
    "DATE_FORMAT",
    "FINGERPRINT_FORMAT",
    "FINGERPRINT_MARK",
    "FINGERPRINT_SHEET",
    "FIRST_DATA_ROW",
    "FONT",
    "HEADER_BLOCK_ROW",
    "HEADER_FILL",
    "HEADER_ROW",
    "INPUT_FILL",
    "INSTRUCTIONS_SHEET",
    "LAST_DATA_ROW",
    "LISTS_SHEET",
    "NAME_PREFIX",
    "REPORTER_LIST_NAME",
    "TEXT_FORMAT",
    "TITLE_ROW",
    "TOPIC_COUNT_NAME",
    "TOPIC_TABLE_NAME",
    "HeaderBlock",
    "cell_properties",
    "column_widths",
    "data_sheet_name",
    "fingerprint_rows",
    "header_block",
    "legend_columns",
    "legend_text",
    "list_name",
    "safe_file_part",
    "template_file_name",
    "topics_closed_list",
    "write_header_block",
    "write_template",
    "write_templates",
    "write_title_row",
]


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
            _write_workbook(Template(workbook, campaign, attachment, reporter))
        finally:
            workbook.close()
    return actual


def _write_workbook(template: Template) -> None:
    """The four sheets in their order; the lists first, as the form's dropdowns name them."""
    workbook, campaign, attachment = template.workbook, template.campaign, template.attachment
    info = campaign.campaign
    # Fixed creation time: re-running make-templates gives the same bytes, so git shows no change.
    workbook.set_properties(
        {
            "title": f"{attachment.label} {attachment.title}",
            "subject": info.name,
            "author": info.bureau,
            "company": info.bureau,
            "comments": f"zjkcollect 模板 {info.template_version}",
            "created": dt.datetime.combine(campaign.calendar.registration_start, dt.time()),
        }
    )
    data = add_worksheet(workbook, data_sheet_name(attachment))
    instructions = add_worksheet(workbook, INSTRUCTIONS_SHEET)
    lists = add_worksheet(workbook, LISTS_SHEET)
    fingerprint = add_worksheet(workbook, FINGERPRINT_SHEET)
    write_lists(template, lists)
    FormWriter(template).write(data)
    InstructionsWriter(template, instructions).write()
    write_fingerprint(template, fingerprint)
    data.activate()
