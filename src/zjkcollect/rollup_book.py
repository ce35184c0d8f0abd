"""The roll-up workbook for the bureau and the consolidated 附件3 for the province (XlsxWriter).

Every cell goes through :func:`zjkcollect.outputs.put`, so text from the inbox stays text
(a county's ``=HYPERLINK(…)`` is an inert string) and totals are written as numbers computed
here, never as formulas. The writers take the path to write to; :mod:`zjkcollect.merge` hands
them temp files and moves the results into place together.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from zjkcollect.attachments import ColumnKind, Kind
from zjkcollect.campaign import Campaign
from zjkcollect.outputs import FormatCache, add_worksheet, put
from zjkcollect.reminders import NO_CONTACT, deadline, reminder_text, reminders
from zjkcollect.rollup import ChangeKind, Project, RollUp, RosterStatus
from zjkcollect.templates import (
    DATE_FORMAT,
    FIRST_DATA_ROW,
    FONT,
    HEADER_BLOCK_ROW,
    HEADER_FILL,
    HEADER_ROW,
    TITLE_ROW,
    cell_properties,
    column_widths,
    header_block,
)

CITY = "张家口市"
ROLLUP_SHEETS = (
    "概览",
    "赛道统计",
    "报送单位统计",
    "项目明细",
    "周变化",
    "趋势",
    "报送情况",
    "催报名单",
    "摸底对照",
    "联系人",
    "问题清单",
)
SHORT_FILL = "#FFC7CE"
STATUS_FILLS = {
    RosterStatus.ON_TIME: "#C6EFCE",
    RosterStatus.LATE: "#FFEB9C",
    RosterStatus.STALE: "#FCE4D6",
    RosterStatus.REJECTED: "#F4B084",
    RosterStatus.MISSING: "#FFC7CE",
}
_WORKBOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
_TABLE_TOP = 3  # title in row 1, a note in row 2, headers in row 3
# What the 摸底对照 sheet shows of each project (its headers are the attachments' own).
_COMPARED_FIELDS = ("project_name", "unit_name", "credit_code", "track", "topic")


def rollup_file_name(week: dt.date) -> str:
    return f"{CITY}数据要素×大赛参赛项目汇总_{week.isoformat()}.xlsx"


def consolidated_file_name(campaign: Campaign, week: dt.date) -> str:
    return f"{campaign.attachment(Kind.REGISTERED).file_stem}（{CITY}汇总_{week.isoformat()}）.xlsx"


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


class _Styles(FormatCache):
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


def _page_setup(sheet: Any, header_row: int, title: str) -> None:
    """Landscape A4, fit to one page wide, title and headers on every page."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0, header_row - 1)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    sheet.set_header(f"&L&10{title.replace('&', '&&')}")
    sheet.set_footer("&C第 &P 页，共 &N 页")


class _Sheet:
    """One report sheet: a title, a note line, then a table with frozen headers and a filter."""

    def __init__(self, book: _RollUpWriter, name: str, title: str, note: str) -> None:
        self.book = book
        self.sheet = add_worksheet(book.workbook, name)
        self.styles = book.styles
        self.name = name
        put(self.sheet, 1, 1, title, self.styles.title)
        put(self.sheet, 2, 1, note, self.styles.note)
        self.sheet.set_row(0, 24)

    def table(
        self,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Sequence[Sequence[object]],
        fills: Sequence[str | None] | None = None,
        top: int = _TABLE_TOP,
        filter_and_freeze: bool = True,
    ) -> int:
        """Write a table with its header at ``top``; returns the last row written."""
        sheet, styles = self.sheet, self.styles
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        for column, header in enumerate(headers, start=1):
            put(sheet, top, column, header, styles.header)
        _fit_height(sheet, top, headers, widths)
        for offset, values in enumerate(rows, start=1):
            fill = fills[offset - 1] if fills else None
            for column, value in enumerate(values, start=1):
                put(sheet, top + offset, column, value, _style_for(styles, value, fill))
            _fit_height(sheet, top + offset, values, widths)
        last = top + max(len(rows), 0)
        if filter_and_freeze:
            sheet.freeze_panes(top, 0)
            sheet.autofilter(top - 1, 0, max(last, top) - 1, len(headers) - 1)
            _page_setup(sheet, top, self.name)
        return last


def _unit(values: Iterable[int]) -> int:
    """A whole-number axis step: counts of projects are never fractions."""
    return max(1, math.ceil(max(values, default=0) / 8))


@lru_cache(maxsize=65536)
def _display_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _fit_height(sheet: Any, row: int, values: Sequence[object], widths: Sequence[int]) -> None:
    """Tall enough for wrapped text: neither Excel nor LibreOffice grows rows written without a height."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        # a cell narrower than its column in the widest case (2 per character) cannot wrap
        if isinstance(value, str) and value and (2 * len(value) >= width - 1 or "\n" in value):
            usable = max(width - 1, 1)
            lines = max(lines, sum(max(1, math.ceil(_display_width(part) / usable)) for part in value.split("\n")))
    if lines > 1:
        sheet.set_row(row - 1, min(409, 15 * lines + 3))


def _style_for(styles: _Styles, value: object, fill: str | None) -> Any:
    if isinstance(value, bool):
        return styles.cell(fill, align="center")
    if isinstance(value, int | float):
        return styles.number(fill)
    if isinstance(value, dt.date):
        return styles.date(fill)
    return styles.cell(fill)


def _names(items: Sequence[str], limit: int = 60) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等{len(items)}个" if len(items) > limit else "")


def _project_label(project: Project) -> str:
    return f"{project.get('project_name') or ''}（{project.get('unit_name') or ''}）"


def _places(project: Project) -> str:
    return "；".join(f"{source.reporter}：{source.place}" for source in project.sources)


def write_rollup_book(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """Write the roll-up workbook to ``path`` (overwriting it)."""
    workbook = _workbook(path, campaign, f"{CITY}“数据要素×”大赛参赛项目汇总 {rollup.week}", rollup.week)
    try:
        _RollUpWriter(workbook, rollup, campaign).write()
    finally:
        workbook.close()


class _RollUpWriter:
    def __init__(self, workbook: Any, rollup: RollUp, campaign: Campaign) -> None:
        self.workbook = workbook
        self.rollup = rollup
        self.campaign = campaign
        self.styles = _Styles(workbook)
        self.week = rollup.week.isoformat()
        self.survey_sheet = campaign.attachment(Kind.SURVEY)
        self.weekly_sheet = campaign.attachment(Kind.REGISTERED)
        self.contacts_sheet = campaign.attachment(Kind.CONTACTS)

    def write(self) -> None:
        self.overview()
        self.tracks()
        self.reporters()
        self.projects()
        self.changes()
        self.trend()
        self.roster()
        self.reminders()
        self.survey()
        self.contacts()
        self.problems()

    def sheet(self, name: str, title: str, note: str) -> _Sheet:
        return _Sheet(self, name, title, note)

    # --- 概览 ---------------------------------------------------------------------------------

    def overview(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        survey = self.survey_sheet.label
        registry = len(campaign.reporters)
        index = rollup.weeks.index(rollup.week) + 1
        page = self.sheet(
            "概览",
            f"{CITY}“数据要素×”大赛参赛项目汇总",
            f"统计截止日期：{self.week}（第{index}周，共{len(campaign.calendar.weeks)}周）；"
            f"汇总单位：{campaign.campaign.bureau}",
        )
        on_time = rollup.reporters_with(RosterStatus.ON_TIME)
        late = rollup.reporters_with(RosterStatus.LATE)
        stale = rollup.reporters_with(RosterStatus.STALE)
        missing = rollup.reporters_with(RosterStatus.MISSING)
        short = rollup.short_tracks
        duplicates = [project for project in rollup.projects if len(project.reporters) > 1]
        lines: list[tuple[str, int, str, str | None]] = [
            (
                "参赛项目数（不含已退赛）",
                len(rollup.active_projects),
                "按统一社会信用代码和项目名称去重，全市只计一次",
                None,
            ),
            (
                "已退赛项目数",
                len(rollup.withdrawn_projects),
                _names([_project_label(p) for p in rollup.withdrawn_projects]),
                None,
            ),
            ("参赛单位数", rollup.unit_count, "按统一社会信用代码计，不含已退赛项目", None),
            ("本周按时报送的单位", len(on_time), _names(on_time), None),
            ("本周迟报的单位", len(late), _names(late), None),
            ("本周未更新的单位（沿用以前各周数据）", len(stale), _names(stale), None),
            ("尚未报送的单位", len(missing), _names(missing), SHORT_FILL if missing else None),
            ("已报送过的单位", registry - len(missing), f"名册共{registry}个单位", None),
            (
                "项目不足2个的赛道（确保每条赛道均有多个报名项目）",
                len(short),
                _names([f"{track.track}（{track.projects}个）" for track in short]),
                SHORT_FILL if short else None,
            ),
        ]
        previous = f"与上周（{rollup.previous_week}）相比" if rollup.previous_week else "首周，无上周数据可比"
        for kind in ChangeKind:
            changes = rollup.changes_of(kind)
            lines.append(
                (f"本周{kind.value}项目", len(changes), _names([_project_label(c.project) for c in changes]), None)
            )
        lines += [
            (
                "多个单位重复报送的项目（只计一次）",
                len(duplicates),
                _names([_project_label(p) for p in duplicates]),
                None,
            ),
            ("各单位所报赛道/赛题不一致、暂不计入的项目", len(rollup.conflicts), "见“问题清单”", None),
            ("有错误、未计入统计的数据行", rollup.excluded_rows, "见“问题清单”", None),
            ("待处理的错误", rollup.errors, "见“问题清单”", SHORT_FILL if rollup.errors else None),
            ("待核对的警告", rollup.warnings, "见“问题清单”", None),
            (f"{survey}已摸底、尚未报名的项目", len(rollup.surveyed_not_registered), "见“摸底对照”", None),
            (f"已报名、未在{survey}摸底的项目", len(rollup.registered_not_surveyed), "见“摸底对照”", None),
            ("未报送联系人的单位", len(rollup.units_without_contacts), _names(rollup.units_without_contacts), None),
        ]
        page.table(
            ["项目", "数量", "说明"],
            [44, 10, 90],
            [(label, count, text) for label, count, text, _ in lines],
            fills=[fill for *_, fill in lines],
        )
        put(page.sheet, _TABLE_TOP + len(lines) + 2, 1, f"周变化：{previous}。", self.styles.note)
        page.sheet.activate()

    # --- 赛道统计 -------------------------------------------------------------------------------

    def tracks(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        statuses = list(campaign.choices.registration_status)
        page = self.sheet(
            "赛道统计",
            "各赛道参赛项目统计",
            f"统计截止 {self.week}；项目数不含已退赛；红色为项目不足2个的赛道（确保每条赛道均有多个报名项目）",
        )
        headers = [
            "序号",
            "参赛赛道",
            "项目数",
            *[f"其中：{status}" for status in statuses],
            "揭榜挂帅项目数",
            "参赛单位数",
            "是否不足2个",
        ]
        rows: list[list[object]] = []
        fills: list[str | None] = []
        for number, track in enumerate(rollup.tracks, start=1):
            rows.append(
                [
                    number,
                    track.track,
                    track.projects,
                    *[track.by_status.get(s, 0) for s in statuses],
                    track.jiebang,
                    track.units,
                    "不足2个" if track.short else "",
                ]
            )
            fills.append(SHORT_FILL if track.short else None)
        totals = [sum(track.by_status.get(s, 0) for track in rollup.tracks) for s in statuses]
        rows.append(
            [
                "",
                "合计",
                len(rollup.active_projects),
                *totals,
                sum(t.jiebang for t in rollup.tracks),
                rollup.unit_count,
                "",
            ]
        )
        fills.append(None)
        last = page.table(headers, [6, 18, 10, *[12] * len(statuses), 14, 12, 12], rows, fills)
        first_data = _TABLE_TOP + 1
        last_track = first_data + len(rollup.tracks) - 1
        chart = self.workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "项目数",
                "categories": [page.name, first_data - 1, 1, last_track - 1, 1],
                "values": [page.name, first_data - 1, 2, last_track - 1, 2],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"各赛道参赛项目数（{self.week}）"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"rotation": -45}})
        chart.set_y_axis(
            {"min": 0, "major_unit": _unit(t.projects for t in rollup.tracks), "major_gridlines": {"visible": True}}
        )

        # Topics to the right of the tracks, the chart below both.
        left = len(headers) + 2
        topic_rows = [
            [t.track, topic.topic, topic.projects] for t in rollup.tracks for topic in t.topics if topic.topic
        ]
        sheet, styles = page.sheet, self.styles
        put(sheet, _TABLE_TOP - 1, left, "各赛题项目数（不含已退赛）", styles(bold=True))
        for column, (header, width) in enumerate((("参赛赛道", 16), ("参赛赛题", 30), ("项目数", 10)), start=left):
            sheet.set_column(column - 1, column - 1, width)
            put(sheet, _TABLE_TOP, column, header, styles.header)
        for offset, values in enumerate(topic_rows, start=1):
            for column, value in enumerate(values, start=left):
                put(sheet, _TABLE_TOP + offset, column, value, _style_for(styles, value, None))
        below = max(last, _TABLE_TOP + len(topic_rows)) + 2
        sheet.insert_chart(below - 1, 0, chart, {"x_scale": 1.8, "y_scale": 1.3})

    # --- 报送单位统计 -------------------------------------------------------------------------

    def reporters(self) -> None:
        rollup = self.rollup
        page = self.sheet(
            "报送单位统计",
            "各报送单位报送情况统计（“数字河北”考核依据）",
            f"统计截止 {self.week}；有效项目：无错误、未退赛、未与他单位冲突的项目；错误和警告为该单位尚待处理的问题；"
            f"本季为截至本周的{len(rollup.weeks)}周",
        )
        headers = [
            "序号",
            "报送单位",
            "类别",
            "本周报送情况",
            f"使用的{self.weekly_sheet.label}文件",
            "统计截止日期",
            "收到日期",
            "报送行数",
            "有效项目数",
            "已退赛",
            "与其他单位重复",
            "错误",
            "警告",
            *[f"本季{status.value}（周）" for status in RosterStatus],
            "报送有误的原因",
        ]
        rows = []
        fills = []
        for number, stats in enumerate(rollup.reporters, start=1):
            rows.append(
                [
                    number,
                    stats.reporter,
                    stats.level,
                    stats.status.value,
                    stats.file or "",
                    stats.report_date,
                    stats.received_on,
                    stats.rows,
                    stats.valid,
                    stats.withdrawn,
                    stats.shared,
                    stats.errors,
                    stats.warnings,
                    *[stats.season[status] for status in RosterStatus],
                    stats.note or "",
                ]
            )
            alarming = stats.status in {RosterStatus.MISSING, RosterStatus.REJECTED}
            fills.append(STATUS_FILLS[stats.status] if alarming else None)
        widths = [6, 20, 10, 12, 36, 12, 12, 10, 10, 8, 12, 8, 8, *[14] * len(RosterStatus), 60]
        page.table(headers, widths, rows, fills)
        first = _TABLE_TOP
        last = _TABLE_TOP + len(rows) - 1
        chart = self.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "有效项目数",
                "categories": [page.name, first, 1, last, 1],
                "values": [page.name, first, 8, last, 8],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"各单位有效项目数（{self.week}）"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"min": 0, "major_unit": _unit(stats.valid for stats in rollup.reporters)})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": max(320, 18 * len(rows) + 80)})
        # Below the table, so a printout keeps the table at a readable size.
        page.sheet.insert_chart(_TABLE_TOP + len(rows) + 1, 1, chart)

    # --- 项目明细 -------------------------------------------------------------------------------

    def projects(self) -> None:
        rollup = self.rollup
        columns = [c for c in self.weekly_sheet.columns if c.field != "serial"]
        page = self.sheet(
            "项目明细",
            "参赛项目明细",
            f"统计截止 {self.week}；全市去重后每个项目一行（含已退赛）；有错误的行未列入，见“问题清单”",
        )
        headers = ["序号", *[c.header for c in columns], "报送单位", "来源（文件及行号）", "数据所属周"]
        rows = []
        for number, project in enumerate(rollup.projects, start=1):
            weeks = sorted({s.week.isoformat() for s in project.sources if s.week})
            rows.append(
                [
                    number,
                    *[project.get(c.field) for c in columns],
                    "、".join(project.reporters),
                    _places(project),
                    "、".join(weeks),
                ]
            )
        page.table(headers, [6, *[c.width for c in columns], 18, 40, 12], rows)

    # --- 周变化 ---------------------------------------------------------------------------------

    def changes(self) -> None:
        rollup = self.rollup
        compared = (
            f"本周（{self.week}）与上周（{rollup.previous_week}）相比"
            if rollup.previous_week
            else f"本周（{self.week}）为第一周，无上周数据可比，所有项目计为新增"
        )
        page = self.sheet("周变化", "参赛项目周变化", compared + "；消失：上周有、本周汇总中不再出现的项目")
        headers = [
            "序号",
            "变化",
            "项目名称",
            "参赛单位名称（牵头单位）",
            "统一社会信用代码",
            "参赛赛道",
            "参赛赛题",
            "报名状态",
            "报送单位",
            "说明",
        ]
        rows: list[list[object]] = [
            [
                number,
                change.kind.value,
                change.project.get("project_name"),
                change.project.get("unit_name"),
                change.project.get("credit_code"),
                change.project.get("track"),
                change.project.get("topic"),
                change.project.get("status"),
                "、".join(change.project.reporters),
                change.detail,
            ]
            for number, change in enumerate(rollup.changes, start=1)
        ]
        if not rows:
            rows = [["", "无变化", "", "", "", "", "", "", "", ""]]
        page.table(headers, [6, 8, 28, 28, 22, 14, 24, 12, 18, 50], rows)

    # --- 趋势 -----------------------------------------------------------------------------------

    def trend(self) -> None:
        rollup = self.rollup
        page = self.sheet("趋势", "各赛道参赛项目数趋势", "每周统计截止日的项目数（不含已退赛）")
        weeks = [week.isoformat() for week in rollup.weeks]
        rows: list[list[object]] = [[track, *counts] for track, counts in rollup.trend]
        totals = [sum(counts[i] for _, counts in rollup.trend) for i in range(len(weeks))]
        rows.append(["合计", *totals])
        page.table(["参赛赛道", *weeks], [18, *[12] * len(weeks)], rows)
        chart = self.workbook.add_chart({"type": "line"})
        for offset in range(len(rollup.trend)):
            row = _TABLE_TOP + offset  # 0-based row of this track
            chart.add_series(
                {
                    "name": [page.name, row, 0],
                    "categories": [page.name, _TABLE_TOP - 1, 1, _TABLE_TOP - 1, len(weeks)],
                    "values": [page.name, row, 1, row, len(weeks)],
                    "marker": {"type": "circle", "size": 5},
                }
            )
        chart.set_title({"name": "各赛道项目数趋势"})
        chart.set_y_axis({"min": 0, "major_unit": _unit(n for _, counts in rollup.trend for n in counts)})
        chart.set_legend({"position": "right"})
        chart.set_size({"width": 680, "height": 400})
        page.sheet.insert_chart(_TABLE_TOP - 1, len(weeks) + 2, chart)

    # --- 报送情况 -------------------------------------------------------------------------------

    def roster(self) -> None:
        rollup = self.rollup
        weekly = self.weekly_sheet.label
        page = self.sheet(
            "报送情况",
            "各单位每周报送情况",
            f"已报送：当周周四前收到当周{weekly}；迟报：当周{weekly}在周四之后收到；未更新：当周没有新{weekly}，"
            f"沿用以前各周数据；报送有误：报送了当周{weekly}但无法计入（原因见最后一列）；未报送：从未报送",
        )
        weeks = [week.isoformat() for week in rollup.weeks]
        headers = ["序号", "报送单位", "类别", *weeks, "报送有误的原因"]
        sheet, styles = page.sheet, self.styles
        page.table(headers, [6, 20, 10, *[12] * len(weeks), 60], [])
        for offset, row in enumerate(rollup.roster, start=1):
            line = _TABLE_TOP + offset
            put(sheet, line, 1, offset, styles.number())
            put(sheet, line, 2, row.reporter, styles.cell())
            put(sheet, line, 3, row.level, styles.cell())
            for column, status in enumerate(row.statuses, start=4):
                put(sheet, line, column, status.value, styles.cell(STATUS_FILLS[status], align="center"))
            notes = [f"{week}：{note}" for week, note in zip(weeks, row.notes, strict=True) if note]
            if notes:
                put(sheet, line, 4 + len(weeks), "\n".join(notes), styles.cell())
        last = _TABLE_TOP + len(rollup.roster)
        sheet.autofilter(_TABLE_TOP - 1, 0, last - 1, len(headers) - 1)
        for offset, status in enumerate(RosterStatus, start=2):
            line = last + offset
            put(sheet, line, 2, f"{status.value}单位数", styles.cell(STATUS_FILLS[status]))
            for column, index in enumerate(range(len(weeks)), start=4):
                count = sum(1 for row in rollup.roster if row.statuses[index] is status)
                put(sheet, line, column, count, styles.number())

    # --- 催报名单 -------------------------------------------------------------------------------

    def reminders(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        items = reminders(rollup, campaign)
        page = self.sheet(
            "催报名单",
            f"{self.weekly_sheet.label}催报名单",
            f"统计截止 {self.week}：本周未报送、报送有误、未更新的单位，请于{deadline(rollup.week)}前报送；"
            f"联系人为各单位最新一份{self.contacts_sheet.label}中的具体负责人",
        )
        headers = ["序号", "报送单位", "类别", "本周报送情况", "具体负责人", "手机", "办公电话", "说明"]
        rows = [
            [
                number,
                item.reporter,
                item.level,
                item.status.value,
                "、".join(person.name for person in item.people) or NO_CONTACT,
                "、".join(person.mobile or "" for person in item.people if person.mobile),
                "、".join(person.office_phone or "" for person in item.people if person.office_phone),
                item.detail,
            ]
            for number, item in enumerate(items, start=1)
        ]
        fills = [STATUS_FILLS[item.status] for item in items]
        last = page.table(headers, [6, 20, 10, 12, 16, 16, 16, 60], rows, fills)
        put(page.sheet, last + 2, 2, "可复制到工作群的催报文字：", self.styles(bold=True))
        for offset, line in enumerate(reminder_text(rollup, campaign, items).splitlines(), start=3):
            put(page.sheet, last + offset, 2, line, self.styles.note)

    # --- 摸底对照 -------------------------------------------------------------------------------

    def survey(self) -> None:
        rollup = self.rollup
        survey, weekly = self.survey_sheet, self.weekly_sheet
        page = self.sheet(
            "摸底对照",
            f"{survey.label}摸底与{weekly.label}报名对照",
            f"按统一社会信用代码和项目名称对照；{survey.label}取各单位最新一份，{weekly.label}取本周汇总"
            "（报名行有错误的按未报名计）",
        )
        shown = [survey.by_field.get(name) or weekly.by_field.get(name) for name in _COMPARED_FIELDS]
        headers = [
            "序号",
            "对照结果",
            *[column.header if column else "" for column in shown],
            "报送单位",
            "来源（文件及行号）",
        ]
        groups = (
            ("已摸底、尚未报名", rollup.surveyed_not_registered),
            ("已报名、未摸底", rollup.registered_not_surveyed),
        )
        rows = []
        for label, projects in groups:
            for project in projects:
                rows.append(
                    [
                        len(rows) + 1,
                        label,
                        *[project.get(name) for name in _COMPARED_FIELDS],
                        "、".join(project.reporters),
                        _places(project),
                    ]
                )
        page.table(headers, [6, 16, 28, 28, 22, 14, 24, 18, 40], rows)

    # --- 联系人 ---------------------------------------------------------------------------------

    def contacts(self) -> None:
        rollup = self.rollup
        columns = [c for c in self.contacts_sheet.columns if c.field != "serial"]
        page = self.sheet(
            "联系人",
            "联系人信息汇总",
            f"各单位最新一份{self.contacts_sheet.label}，每人一行；有错误的行未列入，见“问题清单”",
        )
        headers = ["序号", *[c.header for c in columns], "报送单位", "来源（文件及行号）"]
        rows = [
            [
                number,
                *[contact.values.get(c.field) for c in columns],
                contact.reporter,
                f"{contact.file} 第{contact.row}行",
            ]
            for number, contact in enumerate(rollup.contacts, start=1)
        ]
        last = page.table(headers, [6, *[c.width for c in columns], 16, 36], rows)
        missing = rollup.units_without_contacts
        put(page.sheet, last + 2, 2, f"未报送联系人的单位（{len(missing)}个）", self.styles(bold=True))
        for offset, name in enumerate(missing, start=3):
            put(page.sheet, last + offset, 2, name, self.styles.cell(SHORT_FILL))

    # --- 问题清单 -------------------------------------------------------------------------------

    def problems(self) -> None:
        rollup = self.rollup
        page = self.sheet(
            "问题清单",
            "待处理问题清单",
            f"统计截止 {self.week}；各单位正在使用的报表及其后收到但无法使用的报表中的全部问题；错误行未计入统计",
        )
        headers = [
            "序号",
            "报送单位",
            "附件",
            "文件",
            "工作表",
            "单元格",
            "项目名称",
            "字段",
            "填写内容",
            "严重程度",
            "问题说明",
            "规则代码",
        ]
        rows = [
            [
                number,
                problem.reporter,
                problem.kind,
                problem.file,
                problem.sheet,
                problem.cell or (f"第{problem.row}行" if problem.row else ""),
                problem.project,
                problem.field,
                problem.value,
                problem.severity.label,
                problem.message,
                problem.rule,
            ]
            for number, problem in enumerate(rollup.problems, start=1)
        ]
        page.table(headers, [6, 16, 8, 30, 10, 8, 24, 16, 20, 8, 70, 22], rows)


# --- the consolidated 附件3 ---------------------------------------------------------------------


def write_consolidated(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """The city's 附件3 for the province, in the template's layout, 填报单位 the bureau.

    Every distinct valid project of the week, withdrawn ones included (the province tracks
    withdrawals by status), numbered afresh.
    """
    attachment = campaign.attachment(Kind.REGISTERED)
    workbook = _workbook(path, campaign, f"{attachment.label} {attachment.title}", rollup.week, streaming=True)
    try:
        styles = _Styles(workbook)
        sheet = add_worksheet(workbook, attachment.label)
        columns = attachment.columns
        widths = column_widths(attachment)
        for index, width in enumerate(widths):
            sheet.set_column(index, index, width)
        _title_and_header_block(sheet, styles, campaign, rollup.week)
        for index, column in enumerate(columns, start=1):
            put(sheet, HEADER_ROW, index, column.header, styles.header)
        _fit_height(sheet, HEADER_ROW, [column.header for column in columns], widths)
        for offset, project in enumerate(rollup.projects):
            row = FIRST_DATA_ROW + offset
            values = [offset + 1 if c.kind is ColumnKind.SERIAL else project.get(c.field) for c in columns]
            for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
                put(sheet, row, index, value, styles(**cell_properties(column)))
            _fit_height(sheet, row, values, widths)
        sheet.freeze_panes(HEADER_ROW, 0)
        last = FIRST_DATA_ROW + max(len(rollup.projects), 1) - 1
        sheet.autofilter(HEADER_ROW - 1, 0, last - 1, len(columns) - 1)
        _page_setup(sheet, HEADER_ROW, attachment.title)
        sheet.center_horizontally()
    finally:
        workbook.close()


def _title_and_header_block(sheet: Any, styles: _Styles, campaign: Campaign, week: dt.date) -> None:
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
