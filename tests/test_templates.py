"""make-templates: the three blank workbooks, read back with openpyxl (and LibreOffice)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from importlib import resources
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import column_index_from_string, get_column_letter, range_boundaries
from typer.testing import CliRunner

from tests.specs import ATTACHMENTS, KINDS
from zjkcollect.attachments import ColumnKind, Kind, choices_for
from zjkcollect.campaign import Campaign, load_campaign
from zjkcollect.cli import app
from zjkcollect.templates import (
    BLANK_ROWS,
    FINGERPRINT_FORMAT,
    FINGERPRINT_MARK,
    FINGERPRINT_SHEET,
    FIRST_DATA_ROW,
    HEADER_BLOCK_ROW,
    HEADER_ROW,
    INSTRUCTIONS_SHEET,
    LAST_DATA_ROW,
    LISTS_SHEET,
    TITLE_ROW,
    column_widths,
    header_block,
    legend_columns,
    template_file_name,
    topics_closed_list,
    write_template,
    write_templates,
)

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "templates"


# --- fixtures and helpers ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign()


@pytest.fixture(scope="module")
def written(campaign: Campaign, tmp_path_factory: pytest.TempPathFactory) -> dict[Kind, Path]:
    paths = write_templates(campaign, tmp_path_factory.mktemp("templates"))
    return {kind: path for kind, path in zip(KINDS, paths, strict=True)}


@pytest.fixture(scope="module")
def books(written: dict[Kind, Path]) -> dict[Kind, openpyxl.Workbook]:
    return {kind: openpyxl.load_workbook(path) for kind, path in written.items()}


def shipped_campaign_text() -> str:
    return resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text("utf-8")


def write_campaign(tmp_path: Path, text: str, name: str = "campaign.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def validations(sheet) -> dict[str, object]:
    """sqref text → DataValidation."""
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def validation_at(sheet, coordinate: str):
    found = [dv for dv in sheet.data_validations.dataValidation if coordinate in dv.sqref]
    assert len(found) == 1, f"{coordinate}: {len(found)} validations"
    return found[0]


def name_target(book, name: str) -> tuple[object, tuple[int, int, int, int]]:
    """A defined name → (worksheet, (min_col, min_row, max_col, max_row))."""
    defined = book.defined_names[name]
    destinations = list(defined.destinations)
    assert len(destinations) == 1, name
    sheet_name, ref = destinations[0]
    return book[sheet_name], range_boundaries(ref.replace("$", ""))


def name_values(book, name: str) -> list[object]:
    sheet, (min_col, min_row, max_col, max_row) = name_target(book, name)
    assert min_col == max_col, f"{name} is not one column"
    return [sheet.cell(row, min_col).value for row in range(min_row, max_row + 1)]


_TOPIC_FORMULA = re.compile(
    r"^OFFSET\((?P<origin>\w+),0,MATCH\(\$(?P<col>[A-Z]+)(?P<row>\d+),(?P<tracks>\w+),0\)-1,"
    r"MAX\(1,INDEX\((?P<counts>\w+),MATCH\(\$(?P=col)(?P=row),(?P=tracks),0\)\)\),1\)$"
)


def topic_dropdown(book, formula: str, track: str) -> list[object]:
    """Evaluate the dependent 赛题 list formula for a row whose track cell holds ``track``."""
    match = _TOPIC_FORMULA.match(formula)
    assert match, f"unexpected topic formula: {formula}"
    tracks = name_values(book, match["tracks"])
    index = tracks.index(track)  # MATCH(..., 0) - 1
    count = name_values(book, match["counts"])[index]
    sheet, (origin_col, origin_row, _, _) = name_target(book, match["origin"])
    height = max(1, count)
    return [sheet.cell(origin_row + offset, origin_col + index).value for offset in range(height)]


def list_choices(book, dv) -> list[object]:
    assert dv.type == "list"
    formula = dv.formula1
    assert not formula.startswith('"'), "inline lists are not used: every list lives on _lists"
    return name_values(book, formula)


def column_width(sheet, index: int) -> float:
    """The width of a 1-based column; XlsxWriter writes equal neighbours as one <col min max>."""
    for dimension in sheet.column_dimensions.values():
        if dimension.min is not None and dimension.min <= index <= dimension.max:
            return dimension.width
    raise AssertionError(f"column {index} has no width")


def column_letter_of(kind: Kind, field: str) -> str:
    fields = [column.field for column in ATTACHMENTS[kind].columns]
    return get_column_letter(fields.index(field) + 1)


def data_range(letter: str) -> str:
    return f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"


# --- files and sheets --------------------------------------------------------------------------


def test_writes_three_files_named_after_the_attachments(written: dict[Kind, Path]) -> None:
    for kind, path in written.items():
        assert path.name == ATTACHMENTS[kind].file_stem + ".xlsx"
        assert path.is_file() and path.stat().st_size > 0
    assert written[Kind.SURVEY].name == "附件2-符合参赛条件项目摸底统计表.xlsx"
    # No temp files left behind by the atomic write.
    assert sorted(p.name for p in written[Kind.SURVEY].parent.iterdir()) == sorted(p.name for p in written.values())


@pytest.mark.parametrize("kind", KINDS)
def test_sheets_order_and_visibility(books, kind: Kind) -> None:
    book = books[kind]
    assert book.sheetnames == [ATTACHMENTS[kind].label, INSTRUCTIONS_SHEET, LISTS_SHEET, FINGERPRINT_SHEET]
    assert [sheet.sheet_state for sheet in book.worksheets] == ["visible", "visible", "hidden", "hidden"]
    assert book.active.title == ATTACHMENTS[kind].label


@pytest.mark.parametrize("kind", KINDS)
def test_fingerprint(books, campaign: Campaign, kind: Kind) -> None:
    sheet = books[kind][FINGERPRINT_SHEET]
    rows = [tuple(cell.value for cell in row) for row in sheet.iter_rows(max_col=2)]
    assert rows == [
        (FINGERPRINT_MARK, FINGERPRINT_FORMAT),
        ("kind", kind.value),  # the attachment id: its role
        ("template_version", campaign.campaign.template_version),
        ("campaign_year", str(campaign.campaign.year)),
    ]
    assert FINGERPRINT_MARK == "zjkcollect-template" and FINGERPRINT_FORMAT == "1"


# --- the form ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_title_and_headers(books, kind: Kind) -> None:
    attachment = ATTACHMENTS[kind]
    sheet = books[kind][ATTACHMENTS[kind].label]
    last = get_column_letter(len(attachment.columns))
    legend_first, legend_last = legend_columns(attachment)
    assert legend_first == 2  # the self-check legend, beside 附件N
    assert sheet.cell(TITLE_ROW, 1).value == ATTACHMENTS[kind].label
    # the title spans the rest of the row
    title_start = get_column_letter(legend_last + 1)
    assert sheet[f"{title_start}{TITLE_ROW}"].value == attachment.title
    assert f"{title_start}{TITLE_ROW}:{last}{TITLE_ROW}" in {str(r) for r in sheet.merged_cells.ranges}
    assert sum(column_widths(attachment)[legend_last:]) >= 3 * len(attachment.title)
    headers = [sheet.cell(HEADER_ROW, index).value for index in range(1, len(attachment.columns) + 2)]
    assert headers == [column.header for column in attachment.columns] + [None]
    assert all(sheet.cell(HEADER_ROW, i).font.b for i in range(1, len(attachment.columns) + 1))
    assert all(sheet.cell(HEADER_ROW, i).alignment.wrap_text for i in range(1, len(attachment.columns) + 1))
    assert sheet.cell(HEADER_ROW, 1).border.bottom.style == "thin"
    assert sheet.cell(HEADER_ROW, 1).fill.fgColor.rgb.endswith("DDEBF7")


@pytest.mark.parametrize("kind", KINDS)
def test_header_block(books, campaign: Campaign, kind: Kind) -> None:
    attachment = ATTACHMENTS[kind]
    book = books[kind]
    sheet = book[ATTACHMENTS[kind].label]
    block = header_block(attachment)
    assert (block.reporter_label_column, block.reporter_value_column) == (1, 2)
    assert sheet.cell(HEADER_BLOCK_ROW, 1).value == "填报单位"
    assert sheet.cell(HEADER_BLOCK_ROW, 2).value is None
    merged = f"B{HEADER_BLOCK_ROW}:{get_column_letter(block.reporter_value_last_column)}{HEADER_BLOCK_ROW}"
    assert merged in {str(r) for r in sheet.merged_cells.ranges}
    reporter_dv = validation_at(sheet, f"B{HEADER_BLOCK_ROW}")
    assert list_choices(book, reporter_dv) == campaign.reporter_names
    assert reporter_dv.errorStyle in (None, "stop") and reporter_dv.showErrorMessage

    assert sheet.cell(HEADER_BLOCK_ROW, block.date_label_column).value == attachment.date_label
    date_cell = sheet.cell(HEADER_BLOCK_ROW, block.date_value_column)
    assert date_cell.number_format == "yyyy-mm-dd"
    date_dv = validation_at(sheet, date_cell.coordinate)
    assert date_dv.type == "date" and date_dv.operator in (None, "between")
    low, high = (dt.date(1899, 12, 30) + dt.timedelta(days=int(f)) for f in (date_dv.formula1, date_dv.formula2))
    if kind is Kind.REGISTERED:
        assert (low, high) == (campaign.calendar.registration_start, campaign.calendar.registration_end)
        for week in campaign.calendar.weeks:
            assert week.isoformat() in date_dv.prompt
    else:
        assert low <= campaign.calendar.survey_due <= high


@pytest.mark.parametrize("kind", KINDS)
def test_every_column_has_its_input_message(books, kind: Kind) -> None:
    sheet = books[kind][ATTACHMENTS[kind].label]
    by_range = validations(sheet)
    for index, column in enumerate(ATTACHMENTS[kind].columns, start=1):
        dv = by_range[data_range(get_column_letter(index))]
        assert dv.showInputMessage
        assert dv.promptTitle == column.header
        assert dv.prompt == column.hint


@pytest.mark.parametrize("kind", KINDS)
def test_choice_columns_have_the_campaign_lists(books, campaign: Campaign, kind: Kind) -> None:
    book = books[kind]
    sheet = book[ATTACHMENTS[kind].label]
    by_range = validations(sheet)
    choice_columns = 0
    for index, column in enumerate(ATTACHMENTS[kind].columns, start=1):
        choices = choices_for(column, campaign)
        if choices is None or column.kind is ColumnKind.TOPIC:
            continue
        choice_columns += 1
        dv = by_range[data_range(get_column_letter(index))]
        assert list_choices(book, dv) == choices, column.header
        assert dv.errorStyle in (None, "stop"), column.header
        assert dv.showErrorMessage and dv.error and dv.errorTitle
        assert dv.showDropDown in (None, False)  # openpyxl's inverted flag: False means the arrow shows
    assert choice_columns == {Kind.SURVEY: 6, Kind.REGISTERED: 5, Kind.CONTACTS: 2}[kind]


@pytest.mark.parametrize("kind", [Kind.SURVEY, Kind.REGISTERED])
def test_topic_dropdown_follows_the_track_of_the_same_row(books, campaign: Campaign, kind: Kind) -> None:
    book = books[kind]
    sheet = book[ATTACHMENTS[kind].label]
    track_letter = column_letter_of(kind, "track")
    dv = validations(sheet)[data_range(column_letter_of(kind, "topic"))]
    match = _TOPIC_FORMULA.match(dv.formula1)
    assert match, dv.formula1
    # Relative row, absolute column: row 4's topic follows row 4's track, row 57's follows row 57's.
    assert (match["col"], int(match["row"])) == (track_letter, FIRST_DATA_ROW)
    assert len(dv.formula1) < 255
    for track in campaign.tracks:
        dropdown = topic_dropdown(book, dv.formula1, track.name)
        if track.open_topics:
            assert dropdown == track.open_topics, track.name
        else:
            assert dropdown == [None], track.name  # one blank cell: "anything goes" for unlisted topics
        for closed in track.closed_topics:
            assert closed not in dropdown
    jjj = campaign.track_by_name["京津冀协同发展"]
    assert topic_dropdown(book, dv.formula1, "京津冀协同发展") == ["区域产业协同", "生态环境联治", "医疗服务共享"]
    assert jjj.topics_complete is False
    # Some tracks' topics are not fully listed, so typing another topic only warns.
    assert not topics_closed_list(campaign)
    assert dv.errorStyle == "warning"


def test_topic_dropdown_is_closed_when_every_track_is_complete(tmp_path: Path) -> None:
    text = shipped_campaign_text()
    text = text.replace(
        'category = "行业"\n', 'category = "行业"\ntopics = ["赛题甲", "赛题乙"]\ntopics_complete = true\n'
    )
    text = text.replace("topics_complete = false", "topics_complete = true")
    text = text.replace(
        'topics = ["建设高质量垂直行业大模型数据集", "公共数据与社会数据融合应用"]',
        'topics = ["建设高质量垂直行业大模型数据集", "公共数据与社会数据融合应用", "开放赛题一"]',
        1,  # not the closed_topics line
    )
    campaign = load_campaign(write_campaign(tmp_path, text))
    assert topics_closed_list(campaign)
    path = write_template(campaign, Kind.REGISTERED, tmp_path / "a3.xlsx")
    book = openpyxl.load_workbook(path)
    dv = validations(book[ATTACHMENTS[Kind.REGISTERED].label])[data_range(column_letter_of(Kind.REGISTERED, "topic"))]
    assert dv.errorStyle in (None, "stop")
    assert topic_dropdown(book, dv.formula1, "工业制造") == ["赛题甲", "赛题乙"]
    assert topic_dropdown(book, dv.formula1, "开放创新") == ["开放赛题一"]


def test_a_new_track_in_the_campaign_reaches_the_dropdowns(tmp_path: Path) -> None:
    text = shipped_campaign_text() + (
        '\n[[tracks]]\nname = "低空经济"\ncategory = "行业"\ntopics = ["无人机物流", "低空监管"]\n'
        'topics_complete = true\nclosed_topics = ["低空监管"]\n'
    )
    campaign = load_campaign(write_campaign(tmp_path, text))
    assert len(campaign.tracks) == 16
    written = write_templates(campaign, tmp_path / "out")
    book = openpyxl.load_workbook(written[0])
    sheet = book[ATTACHMENTS[Kind.SURVEY].label]
    by_range = validations(sheet)
    tracks = list_choices(book, by_range[data_range(column_letter_of(Kind.SURVEY, "track"))])
    assert tracks[-1] == "低空经济" and tracks == campaign.track_names
    topic_dv = by_range[data_range(column_letter_of(Kind.SURVEY, "topic"))]
    assert topic_dropdown(book, topic_dv.formula1, "低空经济") == ["无人机物流"]
    assert "低空经济" in "".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row)


@pytest.mark.parametrize("kind", KINDS)
def test_blank_rows_are_formatted(books, kind: Kind) -> None:
    attachment = ATTACHMENTS[kind]
    sheet = books[kind][ATTACHMENTS[kind].label]
    assert LAST_DATA_ROW - FIRST_DATA_ROW + 1 == BLANK_ROWS == 200
    for index, column in enumerate(attachment.columns, start=1):
        for row in (FIRST_DATA_ROW, FIRST_DATA_ROW + 99, LAST_DATA_ROW):
            cell = sheet.cell(row, index)
            assert cell.value is None
            assert cell.border.left.style == "thin" and cell.border.bottom.style == "thin", cell.coordinate
            if column.is_text_format:
                assert cell.number_format == "@", cell.coordinate
            elif column.kind is ColumnKind.DATE:
                assert cell.number_format == "yyyy-mm-dd", cell.coordinate
            else:
                assert cell.number_format == "General", cell.coordinate
    # Nothing is formatted below the prepared rows.
    assert sheet.cell(LAST_DATA_ROW + 1, 1).border.left.style is None


def test_code_and_phone_columns_are_text(books) -> None:
    expected = {
        Kind.SURVEY: ["credit_code", "contact_phone"],
        Kind.REGISTERED: ["credit_code", "contact_phone"],
        Kind.CONTACTS: ["office_phone", "mobile"],
    }
    for kind, fields in expected.items():
        sheet = books[kind][ATTACHMENTS[kind].label]
        assert [c.field for c in ATTACHMENTS[kind].columns if c.is_text_format] == fields
        for field in fields:
            letter = column_letter_of(kind, field)
            assert sheet[f"{letter}{FIRST_DATA_ROW}"].number_format == "@"
            assert sheet[f"{letter}{LAST_DATA_ROW}"].number_format == "@"
    code_dv = validations(books[Kind.SURVEY][ATTACHMENTS[Kind.SURVEY].label])[
        data_range(column_letter_of(Kind.SURVEY, "credit_code"))
    ]
    assert (code_dv.type, code_dv.formula1, code_dv.errorStyle) == ("textLength", "18", "warning")


def test_registration_date_column(books, campaign: Campaign) -> None:
    sheet = books[Kind.REGISTERED][ATTACHMENTS[Kind.REGISTERED].label]
    letter = column_letter_of(Kind.REGISTERED, "registered_on")
    dv = validations(sheet)[data_range(letter)]
    assert dv.type == "date" and dv.errorStyle in (None, "stop")
    low, high = (dt.date(1899, 12, 30) + dt.timedelta(days=int(f)) for f in (dv.formula1, dv.formula2))
    assert (low, high) == (campaign.calendar.registration_start, campaign.calendar.registration_end)
    division = validations(sheet)[data_range(column_letter_of(Kind.REGISTERED, "division"))]
    assert list_choices(books[Kind.REGISTERED], division) == ["张家口赛区"]


@pytest.mark.parametrize("kind", KINDS)
def test_widths_print_setup_and_frozen_panes(books, kind: Kind) -> None:
    sheet = books[kind][ATTACHMENTS[kind].label]
    for index, width in enumerate(column_widths(ATTACHMENTS[kind]), start=1):
        assert column_width(sheet, index) == pytest.approx(width, abs=1)
    assert column_widths(ATTACHMENTS[kind])[1:] == [c.width for c in ATTACHMENTS[kind].columns][1:]
    assert sheet.freeze_panes == f"A{FIRST_DATA_ROW}"
    assert sheet.print_title_rows == "$1:$3"
    assert sheet.page_setup.orientation == "landscape"
    assert int(sheet.page_setup.paperSize) == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) in ((1, 0), (None, 0))


def test_defined_names_are_ascii_and_not_cell_references(books) -> None:
    for book in books.values():
        for name in book.defined_names:
            assert re.fullmatch(r"ZJK_[A-Z_]+", name), name
            assert not re.fullmatch(r"[A-Z]{1,3}\d+", name)


@pytest.mark.parametrize("kind", KINDS)
def test_validation_texts_fit_excel_limits(books, kind: Kind) -> None:
    for dv in books[kind][ATTACHMENTS[kind].label].data_validations.dataValidation:
        assert len(dv.promptTitle or "") <= 32 and len(dv.errorTitle or "") <= 32
        assert len(dv.prompt or "") <= 255 and len(dv.error or "") <= 255
        assert len(dv.formula1 or "") <= 255


def _instruction_text(book) -> str:
    return "\n".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)


def test_instructions_are_generated_from_the_campaign(books, campaign: Campaign) -> None:
    text = _instruction_text(books[Kind.REGISTERED])
    for phrase in (
        "每个参赛项目限报一个赛题方向",
        "参赛赛区填“张家口赛区”",
        "个体工商户",
        "揭榜挂帅",
        "可直接输入赛题名称",
    ):
        assert phrase in text, phrase
    for track in campaign.tracks:
        assert track.name in text
    for topic in campaign.track_by_name["开放创新"].closed_topics:
        assert f"“{topic}”" in text
    assert "政府部门、事业单位只能参加城市治理、气象服务、应急管理、开放创新、京津冀协同发展赛道" in text
    for week in campaign.calendar.weeks:
        assert f"{week.year}年{week.month}月{week.day}日" in text
    for unit in campaign.unit_types:
        assert unit.name in text
    assert "12、A1" in text  # 事业单位's credit-code prefixes
    contacts = _instruction_text(books[Kind.CONTACTS])
    assert "主管领导" in contacts and "具体负责人" in contacts


# --- per-reporter copies -----------------------------------------------------------------------


def test_per_reporter_sets(campaign: Campaign, tmp_path: Path) -> None:
    written = write_templates(campaign, tmp_path, per_reporter=True)
    assert len(written) == 3 * len(campaign.reporters) == 105
    assert len(set(written)) == len(written)
    by_reporter: dict[str, list[Path]] = {}
    for path in written:
        by_reporter.setdefault(path.parent.name, []).append(path)
    assert sorted(by_reporter) == sorted(campaign.reporter_names)
    for reporter in ("怀来县", "市城市管理综合行政执法局"):
        paths = by_reporter[reporter]
        assert [p.name for p in paths] == [template_file_name(ATTACHMENTS[k], reporter) for k in KINDS]
        for kind, path in zip(KINDS, paths, strict=True):
            assert reporter in path.name and path.name.startswith(ATTACHMENTS[kind].file_stem)
            book = openpyxl.load_workbook(path)
            assert book[ATTACHMENTS[kind].label].cell(HEADER_BLOCK_ROW, 2).value == reporter
            fingerprint = {row[0].value: row[1].value for row in book[FINGERPRINT_SHEET].iter_rows(max_col=2)}
            assert fingerprint["reporter"] == reporter and fingerprint["kind"] == kind
            assert list_choices(book, validation_at(book[ATTACHMENTS[kind].label], "B2")) == campaign.reporter_names


def test_unknown_reporter_is_refused(campaign: Campaign, tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="registry"):
        write_template(campaign, Kind.SURVEY, tmp_path / "x.xlsx", reporter="不存在的县")
    assert not list(tmp_path.iterdir())


# --- the committed blank set -------------------------------------------------------------------


def snapshot(path: Path) -> dict[str, object]:
    """Everything a reporter sees or the reader relies on, independent of the zip bytes."""
    book = openpyxl.load_workbook(path)
    sheets = {}
    for sheet in book.worksheets:
        cells = {c.coordinate: c.value for row in sheet.iter_rows() for c in row if c.value is not None}
        formats = {
            c.coordinate: c.number_format
            for row in sheet.iter_rows(min_row=1, max_row=FIRST_DATA_ROW)
            for c in row
            if c.number_format != "General"
        }
        dvs = sorted(
            (str(dv.sqref), dv.type, dv.formula1, dv.formula2, dv.errorStyle, dv.prompt, dv.error)
            for dv in sheet.data_validations.dataValidation
        )
        sheets[sheet.title] = {
            "state": sheet.sheet_state,
            "cells": cells,
            "merged": sorted(str(r) for r in sheet.merged_cells.ranges),
            "validations": dvs,
            "formats": formats,
            "last_row_format": [c.number_format for c in sheet[LAST_DATA_ROW]]
            if sheet.max_row >= LAST_DATA_ROW
            else [],
            "conditional_formats": sorted(
                (str(formatting.sqref), rule.formula[0])
                for formatting in sheet.conditional_formatting
                for rule in formatting.rules
            ),
            "freeze": sheet.freeze_panes,
            "print_titles": sheet.print_title_rows,
        }
    names = {name: defined.attr_text for name, defined in book.defined_names.items()}
    return {"sheetnames": book.sheetnames, "sheets": sheets, "names": names}


@pytest.mark.parametrize("kind", KINDS)
def test_committed_templates_are_current(written: dict[Kind, Path], kind: Kind) -> None:
    committed = COMMITTED / template_file_name(ATTACHMENTS[kind])
    assert committed.is_file(), f"{committed} missing: run `zjkcollect make-templates --out templates`"
    assert snapshot(committed) == snapshot(written[kind]), (
        f"{committed.name} is out of date: run `zjkcollect make-templates --out templates` and commit"
    )


def test_committed_folder_holds_exactly_the_blank_set() -> None:
    assert sorted(p.name for p in COMMITTED.glob("*.xlsx")) == sorted(
        template_file_name(a) for a in ATTACHMENTS.values()
    )


# --- command line ------------------------------------------------------------------------------


def test_cli_make_templates(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["make-templates", "--out", str(tmp_path / "模板")])
    assert result.exit_code == 0, result.output
    for attachment in ATTACHMENTS.values():
        assert (tmp_path / "模板" / template_file_name(attachment)).is_file()


def test_cli_make_templates_with_campaign_and_per_reporter(tmp_path: Path) -> None:
    text = shipped_campaign_text()
    start = text.index('[[reporters]]\nname = "桥西区"')
    campaign_file = write_campaign(tmp_path, text[:start])  # only 桥东区 left in the registry
    result = CliRunner().invoke(
        app, ["make-templates", "--out", str(tmp_path / "out"), "--per-reporter", "--campaign", str(campaign_file)]
    )
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").rglob("*.xlsx"))
    assert [p.parent.name for p in files] == ["桥东区"] * 3


def test_cli_help_is_chinese() -> None:
    result = CliRunner().invoke(app, ["make-templates", "--help"])
    assert result.exit_code == 0
    assert "生成附件2、附件3、附件4" in result.output
    assert "示例" in result.output and "--per-reporter" in result.output


# --- LibreOffice -------------------------------------------------------------------------------

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) 未安装，跳过")


def _soffice(tmp_path: Path, convert_to: str, outdir: Path, files: list[Path]) -> None:
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            convert_to,
            "--outdir",
            str(outdir),
        ]
        + [str(f) for f in files],
        check=True,
        capture_output=True,
        timeout=240,
    )


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_converts_every_template_to_pdf(written: dict[Kind, Path], tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    _soffice(tmp_path, "pdf", out, list(written.values()))
    for path in written.values():
        pdf = out / (path.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {path.name}"
        assert pdf.stat().st_size > 1000
        assert pdf.read_bytes().startswith(b"%PDF")


@pytest.mark.libreoffice
@needs_soffice
def test_libreoffice_evaluates_the_topic_list_formula(written: dict[Kind, Path], tmp_path: Path) -> None:
    """Put the 赛题 validation's own formula into cells and let LibreOffice compute it."""
    book = openpyxl.load_workbook(written[Kind.SURVEY])
    sheet = book[ATTACHMENTS[Kind.SURVEY].label]
    track = column_letter_of(Kind.SURVEY, "track")
    formula = validations(sheet)[data_range(column_letter_of(Kind.SURVEY, "topic"))].formula1
    probe = column_index_from_string("R")
    for row, name in ((FIRST_DATA_ROW, "京津冀协同发展"), (FIRST_DATA_ROW + 1, "开放创新")):
        sheet[f"{track}{row}"] = name
        own = formula.replace(f"${track}{FIRST_DATA_ROW}", f"${track}{row}")
        sheet.cell(row, probe).value = f"=ROWS({own})"
        for k in (1, 2, 3):
            sheet.cell(row, probe + k).value = f'=IFERROR(INDEX({own},{k})&"","-")'
    filled = tmp_path / "probe.xlsx"
    book.save(filled)
    _soffice(tmp_path, "csv:Text - txt - csv (StarCalc):44,34,76", tmp_path, [filled])
    lines = (tmp_path / "probe.csv").read_text("utf-8").splitlines()
    assert lines[FIRST_DATA_ROW - 1].split(",")[probe - 1 :] == ["3", "区域产业协同", "生态环境联治", "医疗服务共享"]
    # 开放创新: both listed topics are closed, so the list is one blank entry.
    assert lines[FIRST_DATA_ROW].split(",")[probe - 1 :][:2] == ["1", ""]
