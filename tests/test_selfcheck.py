"""Self-checks: the templates' conditional formats turn exactly the cells red that validate reports.

The agreement tests write the self-check formulas — built by the same code that writes the
templates' conditional formats — into ordinary cells beside hundreds of filled rows of a real
template, let LibreOffice calculate them, and compare every row with what ``validate`` reports
for the same file: a check is TRUE exactly where validate reports one of the rules it mirrors.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import openpyxl
import pytest

from tests.specs import ATTACHMENTS, KINDS
from tests.workbooks import COMPANY, UNIVERSITY, contact_row, libreoffice_convert, project_row
from zjkcollect import codes
from zjkcollect.attachments import INSTRUCTIONS_SHEET, LISTS_SHEET, ColumnKind, Kind
from zjkcollect.campaign import Campaign, load_campaign
from zjkcollect.codes import USCC_ALPHABET, build_credit_code, parse_phone
from zjkcollect.findings import column_letter
from zjkcollect.inbox import validate_paths
from zjkcollect.markup import write_marked_copies
from zjkcollect.selfcheck import (
    ERROR_FILL,
    FORMULA_LIMIT,
    FORMULAS_PER_COLUMN,
    helper_lists,
    mobile_prefixes,
    mobile_starts,
    self_checks,
    track_spellings,
)
from zjkcollect.templates import (
    FIRST_DATA_ROW,
    HEADER_BLOCK_ROW,
    LAST_DATA_ROW,
    TITLE_ROW,
    header_block,
    legend_columns,
    legend_text,
    write_template,
    write_templates,
)

CAMPAIGN = load_campaign()
S, R, C = Kind.SURVEY, Kind.REGISTERED, Kind.CONTACTS
# The brief's real codes (as in test_codes.py): three companies and a university.
REAL_CODES = ["91330100716105852F", "9144030071526726XG", "914403001922038216", "12100000400000624D"]

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过")

# Functions Excel 2010, WPS and LibreOffice all have, none of them volatile.
PORTABLE_FUNCTIONS = {
    "ABS",
    "AND",
    "ASC",
    "CLEAN",
    "DATE",
    "FIND",
    "ISERROR",
    "ISNUMBER",
    "LEFT",
    "LEN",
    "MID",
    "MOD",
    "OR",
    "SEARCH",
    "SUBSTITUTE",
    "SUMPRODUCT",
    "TRIM",
}


def all_formulas(campaign: Campaign = CAMPAIGN, row: int = FIRST_DATA_ROW) -> list[str]:
    return [f for a in ATTACHMENTS.values() for check in self_checks(a, campaign, row) for f in check.formulas]


def shipped_text() -> str:
    return resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text("utf-8")


def campaign_from(tmp_path: Path, text: str) -> Campaign:
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    return load_campaign(path)


def complete_topics_campaign(tmp_path: Path) -> Campaign:
    """The shipped campaign with two complete topic lists, so "outside a complete list" is exercised."""
    text = shipped_text().replace(
        'name = "工业制造"\ncategory = "行业"\n',
        'name = "工业制造"\ncategory = "行业"\ntopics = ["智能制造数据应用", "工业数据空间"]\ntopics_complete = true\n',
    )
    text = text.replace(
        'topics = ["区域产业协同", "生态环境联治", "医疗服务共享"]\ntopics_complete = false',
        'topics = ["区域产业协同", "生态环境联治", "医疗服务共享"]\ntopics_complete = true',
    )
    campaign = campaign_from(tmp_path, text)
    assert (
        campaign.track_by_name["工业制造"].topics_complete and campaign.track_by_name["京津冀协同发展"].topics_complete
    )
    return campaign


# --- the formulas themselves ------------------------------------------------------------------------


def test_formulas_fit_excel_and_xls_limits() -> None:
    for attachment in ATTACHMENTS.values():
        for check in self_checks(attachment, CAMPAIGN, LAST_DATA_ROW):
            assert 1 <= len(check.formulas) <= FORMULAS_PER_COLUMN == 3
            for formula in check.formulas:
                assert len(formula) <= FORMULA_LIMIT == 255, formula


def test_formulas_use_only_portable_non_volatile_functions() -> None:
    for formula in all_formulas():
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", formula))
        assert used <= PORTABLE_FUNCTIONS, used - PORTABLE_FUNCTIONS
        # LibreOffice saves an array constant in a conditional format to .xls as NA(), and
        # IFERROR (not a function of the .xls format) without its name: neither is used
        assert "{" not in formula and "}" not in formula, formula


def test_which_columns_are_checked() -> None:
    kinds = {
        kind: [attachment.columns[c.column - 1].kind for c in self_checks(attachment, CAMPAIGN, FIRST_DATA_ROW)]
        for kind, attachment in ATTACHMENTS.items()
    }
    project = [ColumnKind.CREDIT_CODE, ColumnKind.TRACK, ColumnKind.TOPIC, ColumnKind.JIEBANG]
    assert kinds == {
        S: project,
        R: [*project, ColumnKind.DATE, ColumnKind.DIVISION],
        C: [ColumnKind.MOBILE, ColumnKind.EMAIL],
    }


def test_row_references_are_relative_and_columns_absolute() -> None:
    for attachment in ATTACHMENTS.values():
        for check in self_checks(attachment, CAMPAIGN, 57):
            for formula in check.formulas:
                references = re.findall(r"\$?([A-Z]{1,2})\$?(\d+)\b", re.sub(r'"[^"]*"', "", formula))
                assert references, formula
                assert {row for _, row in references} == {"57"}, formula
                assert all(f"${letter}57" in formula for letter, _ in references), formula


def test_no_campaign_fact_is_typed_into_a_formula() -> None:
    """Tracks, topics, unit types and prefixes reach the formulas only through the _lists cells."""
    text = "\n".join(all_formulas())
    facts = [
        *CAMPAIGN.track_names,
        *CAMPAIGN.all_topics,
        *CAMPAIGN.government.unit_types,
        *CAMPAIGN.credit_code.never_legal_person,
        codes.USCC_ALPHABET,
    ]
    for fact in facts:
        assert fact not in text, fact


def test_the_campaign_drives_the_formulas_and_lists(tmp_path: Path) -> None:
    text = (
        shipped_text()
        .replace("registration_end = 2025-07-31", "registration_end = 2025-08-15")
        .replace('never_legal_person = ["92"]', 'never_legal_person = ["92", "93"]')
        .replace('division_name = "张家口赛区"', 'division_name = "张家口市赛区"')
        .replace('tracks = ["城市治理", "气象服务", "应急管理", "开放创新", "京津冀协同发展"]', 'tracks = ["城市治理"]')
    )
    changed = campaign_from(tmp_path, text)
    formulas = "\n".join(all_formulas(changed))
    assert "DATE(2025,8,15)" in formulas and "DATE(2025,7,31)" not in formulas
    assert "张家口市赛区" in formulas
    lists = {helper.name: [row[0] for row in helper.rows] for helper in helper_lists(changed)}
    assert lists["ZJK_NEVER"] == ["92", "93"]
    banned = dict(zip(lists["ZJK_TKEY"], lists["ZJK_TBAN"], strict=True))
    assert banned["城市治理"] == banned["城市治理赛道"] == 0 and banned["应急管理"] == 1
    shipped = {helper.name: [row[0] for row in helper.rows] for helper in helper_lists(CAMPAIGN)}
    assert dict(zip(shipped["ZJK_TKEY"], shipped["ZJK_TBAN"], strict=True))["应急管理"] == 0


def test_mobile_starts_agree_with_libphonenumber() -> None:
    prefixes = mobile_prefixes(11)
    assert "13" in prefixes and "145" in prefixes and "17400" in prefixes and "174" not in prefixes
    for start in range(10**5):
        number = f"{start:05d}"
        matched = any(number.startswith(prefix) for prefix in prefixes)
        for ending in ("000000", "999999", "314159"):
            assert matched == bool(codes.CN_MOBILE.fullmatch(number + ending)), number + ending
    for start, length in mobile_starts():
        digits_needed = length - len(start)
        example = start + "0" * digits_needed
        assert parse_phone(example, "mobile") is not None, example


# --- in the template --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> dict[Kind, Path]:
    paths = write_templates(CAMPAIGN, tmp_path_factory.mktemp("templates"))
    return dict(zip(KINDS, paths, strict=True))


def conditional_formats(sheet) -> dict[str, list[str]]:
    """sqref → the formulas of its rules, in order."""
    found: dict[str, list[str]] = {}
    for formatting in sheet.conditional_formatting:
        found.setdefault(str(formatting.sqref), []).extend(rule.formula[0] for rule in formatting.rules)
    return found


def expected_formats(kind: Kind, campaign: Campaign = CAMPAIGN) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for check in self_checks(ATTACHMENTS[kind], campaign, FIRST_DATA_ROW):
        letter = column_letter(check.column)
        found[f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_DATA_ROW}"] = list(check.formulas)
    return found


@pytest.mark.parametrize("kind", KINDS)
def test_templates_carry_the_checks_as_red_conditional_formats(templates: dict[Kind, Path], kind: Kind) -> None:
    sheet = openpyxl.load_workbook(templates[kind])[ATTACHMENTS[kind].label]
    assert conditional_formats(sheet) == expected_formats(kind)
    for formatting in sheet.conditional_formatting:
        for rule in formatting.rules:
            assert rule.type == "expression"
            assert rule.dxf.fill.bgColor.rgb.endswith(ERROR_FILL.lstrip("#"))
    # formatting only: not one formula in a cell of the form
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]


@pytest.mark.parametrize("kind", KINDS)
def test_helper_lists_sit_behind_their_names(templates: dict[Kind, Path], kind: Kind) -> None:
    book = openpyxl.load_workbook(templates[kind])
    for helper in helper_lists(CAMPAIGN):
        ((sheet_name, ref),) = list(book.defined_names[helper.name].destinations)
        assert sheet_name == LISTS_SHEET
        block = book[sheet_name][ref.replace("$", "")]
        rows = block if isinstance(block, tuple) and isinstance(block[0], tuple) else ((block,),)
        assert tuple(tuple(cell.value for cell in row) for row in rows) == helper.rows, helper.name


@pytest.mark.parametrize("kind", KINDS)
def test_legend_in_the_title_row_and_a_line_in_the_instructions(templates: dict[Kind, Path], kind: Kind) -> None:
    book = openpyxl.load_workbook(templates[kind])
    sheet = book[ATTACHMENTS[kind].label]
    first, last = legend_columns(ATTACHMENTS[kind])
    legend = sheet.cell(TITLE_ROW, first)
    assert legend.value == legend_text(CAMPAIGN)
    assert "变红" in legend.value and CAMPAIGN.campaign.bureau in legend.value
    assert legend.fill.fgColor.rgb.endswith(ERROR_FILL.lstrip("#"))
    # at the left, on screen when the file opens; the title is centred over the rest
    merged = {str(r) for r in sheet.merged_cells.ranges}
    assert first == 2 and (last == first or f"B{TITLE_ROW}:{column_letter(last)}{TITLE_ROW}" in merged)
    width = len(ATTACHMENTS[kind].columns)
    assert f"{column_letter(last + 1)}{TITLE_ROW}:{column_letter(width)}{TITLE_ROW}" in merged
    instructions = "\n".join(str(c.value) for row in book[INSTRUCTIONS_SHEET].iter_rows() for c in row if c.value)
    assert "自动变红" in instructions and "zjkcollect validate" in instructions
    for check in self_checks(ATTACHMENTS[kind], CAMPAIGN, FIRST_DATA_ROW):
        assert check.description in instructions


def _fill(template: Path, target: Path, kind: Kind, rows: list[dict[str, object]]) -> Path:
    book = openpyxl.load_workbook(template)
    sheet = book[ATTACHMENTS[kind].label]
    block = header_block(ATTACHMENTS[kind])
    sheet.cell(HEADER_BLOCK_ROW, block.reporter_value_column, "怀来县")
    calendar = CAMPAIGN.calendar
    sheet.cell(HEADER_BLOCK_ROW, block.date_value_column, calendar.weeks[0] if kind is R else calendar.survey_due)
    for offset, row in enumerate(rows):
        for index, column in enumerate(ATTACHMENTS[kind].columns, start=1):
            if row.get(column.field) is not None:
                sheet.cell(FIRST_DATA_ROW + offset, index, row[column.field])
    book.save(target)
    return target


def test_a_filled_template_still_validates_clean(templates: dict[Kind, Path], tmp_path: Path) -> None:
    """The legend in the title row leaves the reader's header block and header row alone."""
    rows = {
        S: [project_row(S), project_row(S, project_name="二期", credit_code=UNIVERSITY, unit_type="高等院校")],
        R: [project_row(R), project_row(R, project_name="二期", registered_on=dt.date(2025, 7, 31))],
        C: [contact_row(), contact_row(role="主管领导", name="王五", email=None)],
    }
    for kind, template in templates.items():
        filled = _fill(template, tmp_path / f"{ATTACHMENTS[kind].label}.xlsx", kind, rows[kind])
        report = validate_paths([filled], CAMPAIGN)
        assert [(f.rule, f.cell) for f in report.findings] == [], kind
        (result,) = report.files
        assert (result.kind, result.reporter) == (kind, "怀来县")


def test_per_reporter_copies_and_marked_copies_keep_the_checks(tmp_path: Path) -> None:
    written = write_templates(CAMPAIGN, tmp_path / "per", per_reporter=True)
    for path in written:
        if path.parent.name == "怀来县":
            label = openpyxl.load_workbook(path, read_only=True).sheetnames[0]
            kind = next(kind for kind in KINDS if ATTACHMENTS[kind].label == label)
            assert conditional_formats(openpyxl.load_workbook(path)[label]) == expected_formats(kind)
    template = next(p for p in written if p.parent.name == "怀来县" and p.name.startswith("附件3"))
    filled = _fill(template, tmp_path / "filled.xlsx", R, [project_row(R, credit_code=COMPANY[:17] + "0")])
    (copy,) = write_marked_copies(validate_paths([filled], CAMPAIGN), tmp_path / "out")
    marked = openpyxl.load_workbook(copy)
    assert conditional_formats(marked[ATTACHMENTS[R].label]) == expected_formats(R)
    assert {h.name for h in helper_lists(CAMPAIGN)} <= set(marked.defined_names)


# --- agreement with validate, calculated by LibreOffice ------------------------------------------


@dataclass
class Probe:
    """Rows to evaluate: ``agree`` rows must match validate exactly; ``validate_only`` rows are
    the documented limits, where validate reports an error the formula cannot see."""

    agree: list[dict[str, object]] = field(default_factory=list)
    validate_only: list[tuple[dict[str, object], str]] = field(default_factory=list)


@dataclass
class Verdict:
    row: dict[str, object]
    red: dict[str, bool]  # field → any self-check formula TRUE
    reported: dict[str, bool]  # field → validate reports a rule the check mirrors
    other: dict[str, list[str]]  # field → every rule validate reports there


def evaluate(campaign: Campaign, kind: Kind, rows: list[dict[str, object]], folder: Path) -> list[Verdict]:
    """Fill a real template with ``rows``, put each row's self-check formulas beside it, let
    LibreOffice calculate, and read both the formulas' values and validate's findings."""
    attachment = ATTACHMENTS[kind]
    folder.mkdir(parents=True, exist_ok=True)
    book = openpyxl.load_workbook(write_template(campaign, kind, folder / "template.xlsx"))
    sheet = book[ATTACHMENTS[kind].label]
    block = header_block(attachment)
    sheet.cell(HEADER_BLOCK_ROW, block.reporter_value_column, "怀来县")
    sheet.cell(HEADER_BLOCK_ROW, block.date_value_column, campaign.calendar.weeks[0])
    first_probe = len(attachment.columns) + 2
    layout: list[list[tuple[str, int]]] = []
    for offset, row in enumerate(rows):
        number = FIRST_DATA_ROW + offset
        for index, column in enumerate(attachment.columns, start=1):
            value = row.get(column.field)
            assert not (isinstance(value, str) and value.startswith("=")), value
            if value is not None:
                sheet.cell(number, index).value = value
        probes, probe = [], first_probe
        for check in self_checks(attachment, campaign, number):
            for formula in check.formulas:
                sheet.cell(number, probe).value = "=" + formula
                probes.append((attachment.columns[check.column - 1].field, probe))
                probe += 1
        layout.append(probes)
    book.save(folder / "probe.xlsx")
    calculated = libreoffice_convert(folder / "probe.xlsx", "xlsx", folder / "calculated")

    values = openpyxl.load_workbook(calculated, data_only=True)[ATTACHMENTS[kind].label]
    report = validate_paths([calculated], campaign)
    fields = {column_letter(i): c.field for i, c in enumerate(attachment.columns, start=1)}
    found: dict[tuple[int, str], list[str]] = {}
    for finding in report.findings:
        if finding.row is not None and finding.column in fields:
            found.setdefault((finding.row, fields[finding.column]), []).append(finding.rule)
    mirrored = {
        attachment.columns[check.column - 1].field: set(check.rules)
        for check in self_checks(attachment, campaign, FIRST_DATA_ROW)
    }
    verdicts = []
    for offset, (row, probes) in enumerate(zip(rows, layout, strict=True)):
        number = FIRST_DATA_ROW + offset
        red: dict[str, bool] = dict.fromkeys(mirrored, False)
        for field_name, probe in probes:
            value = values.cell(number, probe).value
            assert isinstance(value, bool), f"row {number} {field_name}: {value!r} for {row}"
            red[field_name] = red[field_name] or value
        reported = {name: bool(set(found.get((number, name), [])) & rules) for name, rules in mirrored.items()}
        other = {name: found.get((number, name), []) for name in mirrored}
        verdicts.append(Verdict(row, red, reported, other))
    return verdicts


def assert_agreement(campaign: Campaign, kind: Kind, probe: Probe, folder: Path, exercised: set[str]) -> list[Verdict]:
    rows = probe.agree + [row for row, _ in probe.validate_only]
    # unique project names: the same project twice would bring rules across rows into play
    rows = [{**row, "project_name": f"项目{n}"} if "project_name" in row else row for n, row in enumerate(rows)]
    verdicts = evaluate(campaign, kind, rows, folder)
    disagreements = [
        (v.row, name, v.red[name], v.other[name])
        for v in verdicts[: len(probe.agree)]
        for name in v.red
        if v.red[name] != v.reported[name]
    ]
    assert not disagreements, f"{len(disagreements)} of {len(probe.agree)} rows disagree, e.g. {disagreements[:5]}"
    for verdict, (_, why) in zip(verdicts[len(probe.agree) :], probe.validate_only, strict=True):
        assert not any(verdict.red.values()), (why, verdict.row, verdict.red)
        assert any(verdict.other.values()), (why, verdict.row)
    # the domain exercises both outcomes of the checks it is about
    for name in exercised:
        outcomes = {v.red[name] for v in verdicts[: len(probe.agree)]}
        assert outcomes == {True, False}, (name, outcomes)
    return verdicts


def _substitutions(code: str) -> list[str]:
    """Every single-character substitution: the alphabet, the five letters it leaves out, a lower-case
    letter (i.e. the same letter), a hyphen."""
    replacements = USCC_ALPHABET + "IOSVZ" + "ax-"
    return [code[:i] + char + code[i + 1 :] for i in range(len(code)) for char in replacements if char != code[i]]


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text)


def credit_code_probe() -> Probe:
    prefixes = ["91", "92", "93", "11", "12", "13", "19", "52", "A1", "N1", "Y1"]
    built = [build_credit_code(p, d, o) for p in prefixes for d, o in (("130730", "MA0F1234"), ("110108", "40000062"))]
    codes_: list[object] = [*REAL_CODES, COMPANY, UNIVERSITY, *built]
    for code in REAL_CODES:
        codes_ += _substitutions(code)
        codes_ += [
            code[:17],
            code + "1",
            code[1:],
            code + code[-1],
            code.lower(),
            code.replace("0", "O"),
            code.replace("1", "I"),
            f"  {code}\t",
            f" {code[:6]} {code[6:12]} {code[12:]} ",
            f"{code[:8]}\u3000{code[8:]}",
            f"\u3000{code}\u00a0",
            _full_width(code),
            "\u3000" + _full_width(code.lower()) + "\u3000",
            code[:8] + "\u00a0" + code[8:],
            f"{code}\n",
        ]
    codes_ += [911307301234567890, 9.1130730123456e17, 130730, "无", "91-130730-MA0F1234", "统一社会信用代码", " "]
    return Probe(agree=[project_row(R, credit_code=code) for code in codes_])


def track_probe(kind: Kind, campaign: Campaign) -> Probe:
    units = [*campaign.unit_type_names, " 政府部门 ", "政府机关"]
    tracks = [*track_spellings(campaign), " 城市治理 ", "工业制造业", "工业制造、绿色低碳", None]
    topics = [
        "农业生产数据应用",
        "区域产业协同",
        "智能制造数据应用",
        " 区域产业协同 ",
        "区域 产业协同",
        "区域产业协同赛题",
        "“区域产业协同”",
        *[t for track in campaign.tracks for t in track.closed_topics],
        "建设高质量垂直行业大模型数据集（二期）",
        "建设高质量 垂直行业大模型数据集",
        None,
    ]
    rows = []
    for track in tracks:
        for unit in units:
            for jiebang in ("是", "否", " 是 ", None):
                rows.append(project_row(kind, unit_type=unit, track=track, jiebang=jiebang))
        for unit in ("企业", "政府部门", "事业单位", "高等院校"):
            for topic in topics:
                rows.append(project_row(kind, unit_type=unit, track=track, topic=topic, jiebang="是"))
    validate_only = [
        # one track after the separator is split off: validate reads 城市治理, the formula an unknown track
        (project_row(kind, unit_type="政府部门", track="“工业制造”"), "a track in quotes"),
        (project_row(kind, unit_type="政府部门", track="工业制造；"), "a track with a separator after it"),
        # two known topics in one cell: validate counts them, the formula only knows whole topics
        (
            project_row(kind, track="开放创新", topic="区域产业协同、生态环境联治"),
            "two topics in one cell of an open list",
        ),
    ]
    for track in campaign.tracks:
        if track.topics_complete and track.topics:
            # a listed topic with more after it: the formula sees the topic, validate the whole text
            extended = project_row(kind, track=track.name, topic=track.topics[0] + "（二期）")
            validate_only.append((extended, "a complete list's topic with words added"))
    return Probe(agree=rows, validate_only=validate_only)


def registered_probe(campaign: Campaign) -> Probe:
    calendar = campaign.calendar
    start, end = calendar.registration_start, calendar.registration_end
    days: list[object] = [start + dt.timedelta(days=d) for d in (-30, -1, 0, 1, 15)]
    days += [end + dt.timedelta(days=d) for d in (-1, 0, 1, 2, 60)]
    days += [dt.datetime.combine(end, dt.time(23, 59)), dt.datetime.combine(start, dt.time(0, 1))]
    days += [dt.datetime.combine(start - dt.timedelta(days=1), dt.time(23, 59))]
    serial = (start - dt.date(1899, 12, 30)).days
    days += [serial, serial - 1, serial + 0.75, 0, -5, 19999, 80001, 100000, "2025-06-20", None]
    divisions = [
        campaign.campaign.division_name,
        " 张家口赛区 ",
        "张家口　赛区",
        "张家口赛区\u00a0",
        "张家口",
        "河北赛区",
    ]
    divisions += ["张家口市赛区", "张家口赛区、河北赛区", 1, None]
    rows = [project_row(R, registered_on=day) for day in days] + [project_row(R, division=d) for d in divisions]
    validate_only = [
        (project_row(R, registered_on="2025-08-01"), "a date typed as text: only date cells are judged"),
        (project_row(R, registered_on="六月底"), "text that is no date"),
    ]
    return Probe(agree=rows, validate_only=validate_only)


def contacts_probe() -> Probe:
    mobiles: list[object] = [f"{start}12345678" for start in range(100, 200)]
    mobiles += [f"1740{d}123456" for d in range(10)] + [f"161{d}1234567" for d in range(10)]
    mobiles += [
        "138 1234 5678",
        "138-1234-5678",
        "138　1234　5678",
        _full_width("13812345678"),
        "+86 13812345678",
        "+86-138-1234-5678",
        "8613812345678",
        "008613812345678",
        "013812345678",
        "+8612345678901",
        "1381234567",
        "138123456789",
        "1381234567a",
        "138.1234.5678",
        "13812345678/13912345678",
        "一三八",
        13812345678,
        1381234567,
        None,
    ]
    emails: list[object] = [
        "lisi@example.com",
        "li.si@mail.example.com.cn",
        "LISI@EXAMPLE.COM",
        " lisi@example.com ",
        "lisi＠example．com",
        "李四@例子.中国",
        "a@b.c",
        "lisi@examplecom",
        "lisiexample.com",
        "@example.com",
        "lisi@@example.com",
        "lisi@ex@ample.com",
        "li si@example.com",
        "lisi@.example.com",
        "lisi@example.com.",
        "lisi@example..com",
        "lisi@",
        12345,
        None,
    ]
    rows = [contact_row(mobile=mobile) for mobile in mobiles]
    for role in ("具体负责人", "主管领导", " 具体负责人 "):
        rows += [contact_row(role=role, email=email) for email in emails]
    validate_only = [
        (contact_row(mobile="1381234+567"), "a + inside a number of the right length"),
        (contact_row(email="li\tsi@example.com"), "a tab inside an address: the formula drops it"),
    ]
    return Probe(agree=rows, validate_only=validate_only)


@pytest.mark.libreoffice
@needs_soffice
def test_credit_code_checks_agree_with_validate(tmp_path: Path) -> None:
    probe = credit_code_probe()
    assert len(probe.agree) > 2500
    verdicts = assert_agreement(CAMPAIGN, R, probe, tmp_path, {"credit_code"})
    red = {v.row["credit_code"] for v in verdicts if v.red["credit_code"]}
    assert not set(REAL_CODES) & red and "92" in {str(code)[:2] for code in red}


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("kind", [R, S])
def test_track_topic_and_jiebang_checks_agree_with_validate(tmp_path: Path, kind: Kind) -> None:
    assert_agreement(CAMPAIGN, kind, track_probe(kind, CAMPAIGN), tmp_path, {"track", "topic", "jiebang"})


@pytest.mark.libreoffice
@needs_soffice
def test_topic_checks_agree_with_validate_when_topic_lists_are_complete(tmp_path: Path) -> None:
    campaign = complete_topics_campaign(tmp_path)
    verdicts = assert_agreement(campaign, R, track_probe(R, campaign), tmp_path / "probe", {"topic"})
    red = [(v.row["track"], v.row["topic"]) for v in verdicts if v.red["topic"]]
    assert ("工业制造", "农业生产数据应用") in red and ("京津冀协同发展", "区域产业协同") not in red


@pytest.mark.libreoffice
@needs_soffice
def test_date_and_division_checks_agree_with_validate(tmp_path: Path) -> None:
    assert_agreement(CAMPAIGN, R, registered_probe(CAMPAIGN), tmp_path, {"registered_on", "division"})


@pytest.mark.libreoffice
@needs_soffice
def test_mobile_and_email_checks_agree_with_validate(tmp_path: Path) -> None:
    assert_agreement(CAMPAIGN, C, contacts_probe(), tmp_path, {"mobile", "email"})


@pytest.mark.libreoffice
@needs_soffice
def test_zero_width_characters_are_the_one_place_the_sheet_is_stricter(tmp_path: Path) -> None:
    """A code pasted with a zero-width space turns red; validate strips it and only warns."""
    (verdict,) = evaluate(CAMPAIGN, R, [project_row(R, credit_code="\u200b" + COMPANY)], tmp_path)
    assert verdict.red["credit_code"] and verdict.other["credit_code"] == ["invisible-characters"]


@pytest.mark.libreoffice
@needs_soffice
@pytest.mark.parametrize("target", ["xlsx", "xls"])
def test_checks_survive_a_libreoffice_round_trip(templates: dict[Kind, Path], tmp_path: Path, target: str) -> None:
    for kind, template in templates.items():
        saved = libreoffice_convert(template, target, tmp_path / target)
        back = saved if target == "xlsx" else libreoffice_convert(saved, "xlsx", tmp_path / "back")
        book = openpyxl.load_workbook(back)
        found = conditional_formats(book[ATTACHMENTS[kind].label])
        expected = expected_formats(kind)
        assert set(found) == set(expected), kind
        for sqref, formulas in expected.items():
            assert [_canonical(f) for f in found[sqref]] == [_canonical(f) for f in formulas], (kind, sqref)
        assert {h.name for h in helper_lists(CAMPAIGN)} <= set(book.defined_names)


def _canonical(formula: str) -> str:
    """LibreOffice respells some constants (FALSE as 0) without changing what the formula means."""
    return formula.replace(",FALSE)", ",0)")
