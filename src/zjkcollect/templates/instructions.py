"""The 填表说明 sheet: numbered paragraphs and small tables, all from the campaign.

The paragraphs' words are in :mod:`zjkcollect.templates.instruction_texts`; this module lays
them out (headings, merged paragraphs, the track, unit-type and calendar tables).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from zjkcollect.attachments import SINGLETON_ROLES, Kind
from zjkcollect.outputs import put
from zjkcollect.sizing import (
    INSTRUCTION_HEADING_HEIGHT,
    INSTRUCTION_TITLE_HEIGHT,
    INSTRUCTION_WIDTHS,
    paragraph_height,
    template_lines,
)
from zjkcollect.templates import instruction_texts as texts
from zjkcollect.templates.context import Template
from zjkcollect.templates.layout import HEADER_FILL, zh_date


class InstructionsWriter:
    def __init__(self, template: Template, sheet: Any) -> None:
        self.template = template
        self.fmt = template.fmt
        self.sheet = sheet
        self.campaign = template.campaign
        self.attachment = template.attachment
        self.row = 1
        self.span = len(INSTRUCTION_WIDTHS)

    def write(self) -> None:
        sheet, campaign, attachment = self.sheet, self.campaign, self.attachment
        for index, width in enumerate(INSTRUCTION_WIDTHS):
            sheet.set_column(index, index, width)
        self.merged(
            f"填表说明（{attachment.label} {attachment.title}）",
            self.fmt(bold=True, font_size=16, align="center"),
            INSTRUCTION_TITLE_HEIGHT,
        )
        self.row += 1
        self.section("一、基本要求", texts.basic_rules(campaign, attachment))
        if attachment.kind is Kind.CONTACTS:
            self.section("二、联系人填写要求", texts.contact_rules(campaign, attachment))
            self.calendar_table("三、时间安排")
        elif attachment.holds_projects:
            self.section("二、参赛条件和填写要求", texts.entry_rules(campaign, attachment))
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

    # --- tables --------------------------------------------------------------------------------

    def track_table(self, heading: str) -> None:
        self.heading(heading)
        headers = (
            "序号",
            "赛道",
            "类别",
            "揭榜挂帅子赛题",
            "、".join(self.campaign.government.unit_types),
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
            (f"{survey.label}、{contacts.label} 报送截止", zh_date(calendar.survey_due)),
            ("赛事平台报名期", f"{zh_date(calendar.registration_start)}至{zh_date(calendar.registration_end)}"),
            (f"{weekly.label} 每{calendar.update_day}更新", "、".join(zh_date(d) for d in calendar.weeks)),
        ]
        for number, (what, when) in enumerate(items, start=1):
            self.table_row((str(number), what, None, when, None, None, None))
        self.row += 1

    # --- primitives ----------------------------------------------------------------------------

    def heading(self, text: str) -> None:
        self.merged(text, self.fmt(bold=True, font_name="黑体", font_size=12), INSTRUCTION_HEADING_HEIGHT)

    def section(self, heading: str, paragraphs: Iterable[str]) -> None:
        self.heading(heading)
        for number, text in enumerate(paragraphs, start=1):
            self.paragraph(f"{number}. {text}")
        self.row += 1

    def paragraph(self, text: str) -> None:
        width = sum(INSTRUCTION_WIDTHS) - 2
        self.merged(text, self.fmt(text_wrap=True), paragraph_height(template_lines(text, width)))

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
        cell_format = self.fmt(**properties)
        first_format = self.fmt(**{**properties, "align": "center"})
        spans: list[tuple[int, int, str]] = []
        for index, value in enumerate(cells):
            if value is None:
                first, _, text = spans[-1]
                spans[-1] = (first, index, text)
            else:
                spans.append((index, index, value))
        lines = 1
        for first, last, text in spans:
            width = sum(INSTRUCTION_WIDTHS[first : last + 1]) - 1
            lines = max(lines, template_lines(text, width))
            if last > first:
                self.sheet.merge_range(self.row - 1, first, self.row - 1, last, "", cell_format)
            put(self.sheet, self.row, first + 1, text, first_format if first == 0 else cell_format)
        self.sheet.set_row(self.row - 1, paragraph_height(lines))
        self.row += 1
