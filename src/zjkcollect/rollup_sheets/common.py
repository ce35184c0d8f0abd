"""What every sheet of the roll-up workbook shares: the styles, a page with its table, the writer base.

A sheet is one :class:`SheetWriter` subclass in a module of its own; the list in
:mod:`zjkcollect.rollup_sheets` gives their order. Every cell goes through
:func:`zjkcollect.outputs.put` or :func:`~zjkcollect.outputs.put_row`, so text from the inbox
stays text, and totals are numbers computed here, never formulas. The workbook is written in
XlsxWriter's constant-memory mode: every sheet writes its rows top to bottom, each row's
height before its cells.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from zjkcollect.attachments import Attachment, Kind
from zjkcollect.campaign import Campaign
from zjkcollect.outputs import FormatCache, add_worksheet, put, put_row
from zjkcollect.rollup import Project, ProjectValues, RollUp, RosterStatus, own_values
from zjkcollect.row_stream import RowStream
from zjkcollect.sizing import REPORT_TITLE_ROW_HEIGHT, fit_row_height, report_row_height, row_lines
from zjkcollect.templates import DATE_FORMAT, FONT, HEADER_FILL

SHORT_FILL = "#FFC7CE"
STATUS_FILLS = {
    RosterStatus.ON_TIME: "#C6EFCE",
    RosterStatus.LATE: "#FFEB9C",
    RosterStatus.STALE: "#FCE4D6",
    RosterStatus.REJECTED: "#F4B084",
    RosterStatus.MISSING: "#FFC7CE",
}
TABLE_TOP = 3  # title in row 1, a note in row 2, headers in row 3


class Styles(FormatCache):
    def __init__(self, workbook: Any) -> None:
        super().__init__(workbook, font_name=FONT, font_size=11, valign="vcenter")

    @property
    def title(self) -> Any:
        return self(bold=True, font_size=16)

    @property
    def note(self) -> Any:
        return self(font_size=10, font_color="#595959")

    @property
    def header(self) -> Any:
        return self(bold=True, text_wrap=True, align="center", border=1, bg_color=HEADER_FILL)

    def cell(self, fill: str | None = None, **properties: Any) -> Any:
        extra = {"bg_color": fill} if fill else {}
        return self(border=1, text_wrap=True, **extra, **properties)

    def number(self, fill: str | None = None) -> Any:
        return self.cell(fill, align="center")

    def date(self, fill: str | None = None) -> Any:
        return self.cell(fill, align="center", num_format=DATE_FORMAT)


def page_setup(sheet: Any, header_row: int, title: str) -> None:
    """Landscape A4, fit to one page wide, title and headers on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_row - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header(f"&L&10{title.replace('&', '&&')}")
    sheet.set_footer("&C第 &P 页，共 &N 页")


def style_for(styles: Styles, value: object, fill: str | None) -> Any:
    if isinstance(value, bool):
        return styles.cell(fill, align="center")
    if isinstance(value, int | float):
        return styles.number(fill)
    if isinstance(value, dt.date):
        return styles.date(fill)
    return styles.cell(fill)


class RowStyles:
    """:func:`style_for` of one fill, worked out once: the format for each type of value.

    A table's cells take their format from their value's type; looking the format up by its
    properties for each of a few million cells cost more than writing them.
    """

    def __init__(self, styles: Styles, fill: str | None) -> None:
        self.styles = styles
        self.fill = fill
        samples: tuple[object, ...] = (True, 0, 0.0, dt.date.min, dt.datetime.min, "", None)
        self.by_type: dict[type, Any] = {type(value): style_for(styles, value, fill) for value in samples}

    def of(self, values: Sequence[object]) -> list[Any]:
        by_type, styles, fill = self.by_type, self.styles, self.fill
        return [by_type.get(type(value)) or style_for(styles, value, fill) for value in values]


class Book:
    """The roll-up workbook being written and what its sheets are written from."""

    def __init__(
        self, workbook: Any, rollup: RollUp, campaign: Campaign, project_values: ProjectValues = own_values
    ) -> None:
        self.workbook = workbook
        self.rollup = rollup
        self.campaign = campaign
        self.project_values = project_values  # each project's whole row, read as a sheet writes it
        self.styles = Styles(workbook)
        self.week = rollup.week.isoformat()
        self.survey: Attachment = campaign.attachment(Kind.SURVEY)
        self.weekly: Attachment = campaign.attachment(Kind.REGISTERED)
        self.contacts: Attachment = campaign.attachment(Kind.CONTACTS)


class Page:
    """One report sheet: a title, a note line, then a table with frozen headers and a filter."""

    def __init__(self, book: Book, name: str, title: str, note: str) -> None:
        self.sheet = add_worksheet(book.workbook, name)
        self.styles = book.styles
        self.name = name
        self.rows: Any = self.sheet  # where cells go: the sheet, or after a long table its RowStream
        # rows top to bottom, each row's height before its cells: the workbook streams its rows
        self.sheet.set_row(0, REPORT_TITLE_ROW_HEIGHT)
        put(self.sheet, 1, 1, title, self.styles.title)
        put(self.sheet, 2, 1, note, self.styles.note)

    def table(
        self,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Iterable[Sequence[object]],
        fills: Sequence[str | None] | None = None,
        top: int = TABLE_TOP,
        filter_and_freeze: bool = True,
        beside: Callable[[int], None] | None = None,
        drawings: bool = True,
    ) -> int:
        """Write a table with its header at ``top``; returns the last row written.

        Rows go out top to bottom, each in one :func:`put_row` with its height set first.
        ``beside(row)`` is called after each row (header included, 1-based) so a sheet can put
        more cells in that row before the next one starts. ``drawings=False`` (the sheet gets no
        chart, nothing beside): the rows below the header are written by a
        :class:`~zjkcollect.row_stream.RowStream`, cells below the table too (:meth:`put`); a
        chart would need XlsxWriter to know every row's height.
        """
        sheet, styles = self.sheet, self.styles
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        fit_row_height(sheet, top, headers, widths)
        put_row(sheet, top, 1, headers, [styles.header] * len(headers))
        if beside is not None:
            beside(top)
        if not drawings and beside is None:
            self.rows = RowStream(sheet, top + 1)
        rows_out = self.rows
        by_fill: dict[str | None, RowStyles] = {}
        line = top
        for offset, values in enumerate(rows):
            fill = fills[offset] if fills else None
            row_styles = by_fill.get(fill) or by_fill.setdefault(fill, RowStyles(styles, fill))
            line = top + offset + 1
            height = report_row_height(row_lines(values, widths))
            if height is not None:
                rows_out.set_row(line - 1, height)
            put_row(rows_out, line, 1, values, row_styles.of(values))
            if beside is not None:
                beside(line)
        last = line
        if filter_and_freeze:
            sheet.freeze_panes(top, 0)
            sheet.autofilter(top - 1, 0, max(last, top) - 1, len(headers) - 1)
            page_setup(sheet, top, self.name)
        return last

    def put(self, row: int, column: int, value: object, style: Any = None) -> None:
        """One cell below what the page has written (1-based), wherever its rows now go."""
        put(self.rows, row, column, value, style)


class SheetWriter:
    """Writes one sheet of the roll-up; ``name`` is the sheet's name (and its tab)."""

    name: ClassVar[str]

    def __init__(self, book: Book) -> None:
        self.book = book
        self.rollup = book.rollup
        self.campaign = book.campaign
        self.styles = book.styles
        self.week = book.week

    def page(self, title: str, note: str) -> Page:
        return Page(self.book, self.name, title, note)

    def write(self) -> None:
        raise NotImplementedError


# --- texts shared by several sheets --------------------------------------------------------------


def rollup_title(campaign: Campaign) -> str:
    """``<city><contest>参赛项目汇总``: the roll-up's title, and (without quotes) its file name."""
    return f"{campaign.campaign.city}{campaign.campaign.contest_short}参赛项目汇总"


def short_label(campaign: Campaign) -> str:
    """``不足N个``: a track with fewer projects than the campaign asks for."""
    return f"不足{campaign.campaign.min_projects_per_track}个"


def axis_unit(values: Iterable[int]) -> int:
    """A whole-number axis step: counts of projects are never fractions."""
    return max(1, math.ceil(max(values, default=0) / 8))


def names(items: Sequence[str], limit: int = 60) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等{len(items)}个" if len(items) > limit else "")


def project_label(project: Project) -> str:
    return f"{project.get('project_name') or ''}（{project.get('unit_name') or ''}）"


def places(project: Project) -> str:
    return "；".join(f"{source.reporter}：{source.place}" for source in project.sources)
