"""The weekly 情况通报 for the leaders: a Word document written from the roll-up (python-docx).

Every figure comes from the :class:`~zjkcollect.rollup.RollUp`, every name (city, bureau,
competition, division, mailbox) from the campaign file; the sentences around them are the
only fixed text. The layout follows the usual government-document style (GB/T 9704): A4, the
title in 方正小标宋简体 二号, headings in 黑体 三号, body in 仿宋_GB2312 三号 with a fixed 28 pt
line, page numbers "— 1 —" in the footer. Each Chinese font names, in the document's font
table, one that every Windows has (宋体, 仿宋, 黑体) for a machine without it; LibreOffice on
Linux finds a CJK font for the same names through fontconfig.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

from zjkcollect.attachments import Kind
from zjkcollect.campaign import Campaign
from zjkcollect.reminders import deadline
from zjkcollect.rollup import ChangeKind, ReporterStats, RollUp, RosterStatus

TITLE_FONT = "方正小标宋简体"
HEADING_FONT = "黑体"
BODY_FONT = "仿宋_GB2312"
LATIN_FONT = "Times New Roman"
# A font a machine may lack → the one Word and WPS take instead (the font table's altName).
FALLBACKS = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", HEADING_FONT: "SimHei"}
GB2312_CHARSET = "86"
TITLE_PT, BODY_PT, TABLE_PT, LINE_PT = 22, 16, 12, 28
CHINESE_NUMERALS = "一二三四五六七八九十"


def bulletin_file_name(week: dt.date) -> str:
    return f"情况通报_{week.isoformat()}.docx"


def bulletin_title(rollup: RollUp, campaign: Campaign) -> str:
    info = campaign.campaign
    return f"{info.contest}{info.division_name}参赛项目报名情况通报（第{period(rollup)}期）"


def period(rollup: RollUp) -> int:
    """The bulletin's number: the week's place in the calendar."""
    return rollup.weeks.index(rollup.week) + 1


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# --- what it says ------------------------------------------------------------------------------


def overview_sentences(rollup: RollUp, campaign: Campaign) -> list[str]:
    """总体情况: projects, units, tracks covered and short, the change on last week."""
    info = campaign.campaign
    active = len(rollup.active_projects)
    covered = sum(1 for track in rollup.tracks if track.projects > 0)
    sentences = [
        f"截至{chinese_date(rollup.week)}，{info.city}共有参赛项目{active}个，涉及参赛单位{rollup.unit_count}个，"
        f"覆盖{len(rollup.tracks)}条赛道中的{covered}条；另有已退赛项目{len(rollup.withdrawn_projects)}个，不计入项目数。"
    ]
    if rollup.previous_week is not None:
        before = sum(counts[-2] for _, counts in rollup.trend)
        change = active - before
        trend = f"增加{change}个" if change > 0 else f"减少{-change}个" if change < 0 else "持平"
        counts = {kind: len(rollup.changes_of(kind)) for kind in ChangeKind}
        sentences.append(
            f"与上期（{chinese_date(rollup.previous_week)}，{before}个）相比，项目数{trend}：新增{counts[ChangeKind.NEW]}个，"
            f"退赛{counts[ChangeKind.WITHDRAWN]}个，不再出现{counts[ChangeKind.GONE]}个，"
            f"赛道、赛题或报名状态变更{counts[ChangeKind.CHANGED]}个。"
        )
    else:
        sentences.append("本期为第一期，暂无上期数据可比。")
    required = info.min_projects_per_track
    short = rollup.short_tracks
    if short:
        names = "、".join(f"{track.track}（{track.projects}个）" for track in short)
        sentences.append(
            f"目前仍有{len(short)}条赛道项目不足{required}个：{names}。"
            "请各行业主管部门和各县区加大组织发动力度，确保每条赛道均有多个报名项目。"
        )
    else:
        sentences.append(f"各赛道项目均已达到{required}个以上。")
    return sentences


def reporting_sentence(rollup: RollUp) -> str:
    counts = {status: len(rollup.reporters_with(status)) for status in RosterStatus}
    return (
        f"本期应报送单位{len(rollup.reporters)}个，按时报送{counts[RosterStatus.ON_TIME]}个，"
        f"迟报{counts[RosterStatus.LATE]}个，未更新{counts[RosterStatus.STALE]}个，"
        f"报送有误{counts[RosterStatus.REJECTED]}个，未报送{counts[RosterStatus.MISSING]}个。"
        "各单位有效项目数及报送情况见下表（按有效项目数排序）。"
    )


def ranked(rollup: RollUp) -> list[ReporterStats]:
    """The 考核 view: most valid projects first, the registry's order among equals."""
    return sorted(rollup.reporters, key=lambda stats: -stats.valid)


def missing_sentences(rollup: RollUp, campaign: Campaign) -> list[str]:
    attachment = campaign.attachment(Kind.REGISTERED).label
    missing = rollup.reporters_with(RosterStatus.MISSING)
    stale = rollup.reporters_with(RosterStatus.STALE)
    rejected = [stats for stats in rollup.reporters if stats.status is RosterStatus.REJECTED]
    sentences = []
    if missing:
        sentences.append(f"截至本期，以下{len(missing)}个单位尚未报送{attachment}：{'、'.join(missing)}。")
    if stale:
        sentences.append(f"以下{len(stale)}个单位本期未更新{attachment}，仍沿用此前数据：{'、'.join(stale)}。")
    if rejected:
        listed = "；".join(f"{stats.reporter}（{stats.note}）" if stats.note else stats.reporter for stats in rejected)
        sentences.append(f"以下{len(rejected)}个单位本期报送的{attachment}无法计入：{listed}。")
    if not sentences:
        sentences.append(f"各单位均已按时报送本期{attachment}。")
    return sentences


def fixing_sentences(rollup: RollUp, campaign: Campaign) -> list[str]:
    """What needs fixing: the open errors and warnings, by unit, and where to find them."""
    sentences = [
        f"本期汇总共发现需要修改的错误{rollup.errors}个、需要核对的警告{rollup.warnings}个，"
        f"其中{rollup.excluded_rows}行数据因有错误暂未计入统计；各单位所报赛道或赛题不一致、暂不计入的项目"
        f"{len(rollup.conflicts)}个。"
    ]
    with_errors = sorted((stats for stats in rollup.reporters if stats.errors), key=lambda stats: -stats.errors)
    if with_errors:
        listed = "、".join(f"{stats.reporter}（{stats.errors}个）" for stats in with_errors)
        later = [week for week in campaign.calendar.weeks if week > rollup.week]
        due = deadline(later[0]) if later else deadline(rollup.week)
        sentences.append(
            f"有错误的单位：{listed}。请以上单位对照汇总表“问题清单”和退回的标注副本逐项修改，"
            f"于{due}前重新报送至 {campaign.campaign.mailbox}。"
        )
    return sentences


def reporter_rows(rollup: RollUp) -> list[list[str]]:
    return [
        [
            str(number),
            stats.reporter,
            stats.level,
            str(stats.valid),
            stats.status.value,
            stats.received_on.isoformat() if stats.received_on else "—",
        ]
        for number, stats in enumerate(ranked(rollup), start=1)
    ]


REPORTER_HEADERS = ("序号", "报送单位", "类别", "有效项目数", "本期报送情况", "收到日期")
REPORTER_WIDTHS_MM = (14, 46, 24, 22, 26, 24)  # 156 mm: the A4 text width between the margins


# --- the document --------------------------------------------------------------------------------


def write_bulletin(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """Write the 情况通报 for ``rollup``'s week to ``path`` (overwriting it)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _base_style(document)
    info = campaign.campaign
    properties = document.core_properties
    properties.title = bulletin_title(rollup, campaign)
    properties.author = info.bureau
    properties.created = properties.modified = dt.datetime.combine(rollup.week, dt.time())
    properties.last_modified_by = info.bureau

    _paragraph(document, bulletin_title(rollup, campaign), TITLE_FONT, TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    _paragraph(document, f"{info.bureau}　{chinese_date(rollup.week)}", BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.CENTER)
    sections = [
        ("总体情况", overview_sentences(rollup, campaign)),
        ("各单位报送情况", [reporting_sentence(rollup)]),
        ("未报送单位", missing_sentences(rollup, campaign)),
        ("需要整改的问题", fixing_sentences(rollup, campaign)),
    ]
    for index, (heading, sentences) in enumerate(sections):
        _paragraph(document, f"{CHINESE_NUMERALS[index]}、{heading}", HEADING_FONT, BODY_PT, indent=True)
        for sentence in sentences:
            _paragraph(document, sentence, BODY_FONT, BODY_PT, indent=True)
        if heading == "各单位报送情况":
            _table(document, list(REPORTER_HEADERS), reporter_rows(rollup), REPORTER_WIDTHS_MM)
    _paragraph(document, "", BODY_FONT, BODY_PT)
    _paragraph(document, info.bureau, BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(document, chinese_date(rollup.week), BODY_FONT, BODY_PT, WD_ALIGN_PARAGRAPH.RIGHT)
    _page_numbers(section)
    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_with_font_fallbacks(buffer.getvalue()))


def _fonts(run: Any, east_asian: str, size: float, bold: bool = False) -> None:
    """Chinese text in ``east_asian``, digits and Latin letters in the Latin font (w:eastAsia is
    what Word and WPS read for Chinese; python-docx's font.name sets only the Latin names)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asian)
    fonts.set(qn("w:hint"), "eastAsia")


def _base_style(document: Any) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    normal = document.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = Pt(BODY_PT)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    spacing = normal.paragraph_format
    spacing.space_before = spacing.space_after = Pt(0)
    spacing.line_spacing = Pt(LINE_PT)


def _paragraph(document: Any, text: str, font: str, size: float, alignment: Any = None, indent: bool = False) -> Any:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph = document.add_paragraph()
    if alignment is not None:
        paragraph.alignment = alignment
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = Pt(max(LINE_PT, size * 1.5) if font == TITLE_FONT else LINE_PT)
    if font == TITLE_FONT:
        layout.space_after = Pt(LINE_PT)
    if indent:
        layout.first_line_indent = Pt(size * 2)  # two characters, as every Chinese paragraph starts
    if text:
        _fonts(paragraph.add_run(text), font, size)
    return paragraph


def _table(document: Any, headers: list[str], rows: list[list[str]], widths_mm: tuple[int, ...]) -> None:
    """The table through python-docx, except that a row of plain text copies the first such row's XML.

    python-docx takes milliseconds a row (it walks the grid for every cell); a registry of a
    thousand units made the 情况通报 the slowest part of a city merge. A copied row is the same
    XML python-docx writes for it: only text without tabs, line breaks or edge spaces is copied.
    """
    import copy

    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    _fill_row(table.rows[0].cells, headers, widths_mm, bold=True)
    template = None
    text_tag = qn("w:t")
    for values in rows:
        plain = all(_plain(value) for value in values)
        if template is not None and plain:
            row = copy.deepcopy(template)
            for element, value in zip(row.iter(text_tag), values, strict=True):
                element.text = value
            table._tbl.append(row)
            continue
        added = table.add_row()
        _fill_row(added.cells, values, widths_mm, bold=False)
        if template is None and plain:
            template = added._tr
    _repeat_header(table.rows[0])


def _plain(text: str) -> bool:
    """Text python-docx writes as one ``w:t`` with no ``xml:space`` (see ``CT_R.add_t``)."""
    return bool(text) and len(text.strip()) == len(text) and not any(char in text for char in "\t\r\n")


def _fill_row(cells: Any, values: list[str], widths_mm: tuple[int, ...], bold: bool) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Mm

    for cell, value, width in zip(cells, values, widths_mm, strict=True):
        cell.width = Mm(width)  # Word reads the cell's width, LibreOffice the column's
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.first_line_indent = None
        _fonts(paragraph.add_run(value), HEADING_FONT if bold else BODY_FONT, TABLE_PT)


def _repeat_header(row: Any) -> None:
    """The header row again on every page the table runs over."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _page_numbers(section: Any) -> None:
    """ "— 1 —" centred in the footer: a PAGE field, which every word processor fills in."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run("— "), "宋体", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        _fonts(run, "宋体", 14)
        if kind is not None:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _fonts(paragraph.add_run(" —"), "宋体", 14)


def _with_font_fallbacks(data: bytes) -> bytes:
    """The saved document with each Chinese font declared in word/fontTable.xml: its GB2312
    charset and the font to use instead (altName) on a machine that lacks it."""
    from lxml import etree

    namespace = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

    def tag(name: str) -> str:
        return f"{{{namespace}}}{name}"

    source = zipfile.ZipFile(io.BytesIO(data))
    table = etree.fromstring(source.read("word/fontTable.xml"))
    declared = {font.get(tag("name")) for font in table.iter(tag("font"))}
    for name in (TITLE_FONT, BODY_FONT, HEADING_FONT, "宋体"):
        if name in declared:
            continue
        font = etree.SubElement(table, tag("font"))
        font.set(tag("name"), name)
        if name in FALLBACKS:
            etree.SubElement(font, tag("altName")).set(tag("val"), FALLBACKS[name])
        etree.SubElement(font, tag("charset")).set(tag("val"), GB2312_CHARSET)
        etree.SubElement(font, tag("family")).set(tag("val"), "modern" if name == HEADING_FONT else "roman")
        etree.SubElement(font, tag("pitch")).set(tag("val"), "variable")
    output = io.BytesIO()
    with source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/fontTable.xml":
                content = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(item, content)
    return output.getvalue()
