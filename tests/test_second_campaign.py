"""A second campaign from its file alone: 2026, another city, Friday updates (tests/data/campaign-2026-other.toml).

``make-templates → validate → merge`` run on it through the library and the command line, and
no output of either (templates with their hidden sheets, marked copies, the roll-up, the city's
附件3, the 催报 text, the 情况通报, the JSON, the console) says anything of the shipped campaign.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.builders import at, fill_template
from zjkcollect.attachments import Attachment, Kind
from zjkcollect.campaign import Campaign, load_campaign
from zjkcollect.cli import app
from zjkcollect.codes import build_credit_code
from zjkcollect.errors import ZjkError
from zjkcollect.findings import column_letter
from zjkcollect.inbox import run_validation
from zjkcollect.merge import run_merge
from zjkcollect.templates import FIRST_DATA_ROW, HEADER_BLOCK_ROW, HEADER_ROW, header_block, write_templates

OTHER_FILE = Path(__file__).parent / "data" / "campaign-2026-other.toml"
OTHER = load_campaign(OTHER_FILE)
SURVEY, WEEKLY, CONTACTS = (OTHER.attachment(kind) for kind in (Kind.SURVEY, Kind.REGISTERED, Kind.CONTACTS))
W1, W2 = dt.date(2026, 6, 26), dt.date(2026, 7, 3)  # Fridays
# Words of the shipped campaign (city, province, area code, update day, year) no output may hold.
SHIPPED_WORDS = ("张家口", "河北", "0313", "周四", "星期四", "2025")


def other_code(org8: str, registration: str = "91", division: str = "140213") -> str:
    return build_credit_code(registration, division, org8)


def other_project(name: str, org8: str, **overrides: Any) -> dict[str, Any]:
    """A clean project row of the 2026 campaign."""
    row: dict[str, Any] = {
        "project_name": name,
        "leader": "韩工",
        "unit_name": f"{name}科技有限公司",
        "credit_code": other_code(org8),
        "unit_type": "企业",
        "legal_person": "是",
        "track": "低空经济",
        "topic": "低空物流配送",
        "jiebang": "否",
        "applied": "是",
        "summary": "无人机配送调度数据平台",
        "platform_registered": "是",
        "status": "已报名",
        "registered_on": dt.date(2026, 6, 20),
        "division": "大同赛区",
        "contact_name": "韩工",
        "contact_phone": "13800000001",
    }
    row.update(overrides)
    return row


def people(unit: str, mobile: str) -> list[dict[str, Any]]:
    return [
        {"unit": unit, "role": "主管领导", "name": "刘局", "position": "副局长", "mobile": "13900000001"},
        {
            "unit": unit,
            "role": "具体负责人",
            "name": "马科",
            "position": "科长",
            "office_phone": "0352-5101234",
            "mobile": mobile,
            "email": f"{mobile}@example.com",
        },
    ]


# 平城区's 附件3 of week 1: one row per new thing the campaign file brings, and the usual mistakes.
PINGCHENG_ROWS = [
    other_project("低空物流调度", "MA0D0001"),  # the 16th track, an open topic of its complete list
    other_project("低空文旅直播", "MA0D0002", topic="低空文旅服务"),  # its closed topic
    other_project(
        "医院数据共享",
        "40000011",
        unit_name="大同市第一医院",
        credit_code=other_code("40000011", registration="12"),
        unit_type="事业单位",
        track="医疗健康",  # a track government units may now enter
        topic="诊疗数据应用",
    ),
    other_project(
        "设备数据平台",
        "40000012",
        unit_name="大同市设备中心",
        credit_code=other_code("40000012", registration="12"),
        unit_type="事业单位",
        track="工业制造",  # still not theirs
        topic="智能制造数据应用",
    ),
    other_project(
        "协会数据服务",
        "50000013",
        unit_name="大同市数据协会",
        credit_code=other_code("50000013", registration="51"),
        unit_type="社会组织",  # the new unit type, its code prefix 51
        track="京津冀协同发展",
        topic="区域产业协同",
    ),
    other_project("无负责人项目", "MA0D0006", leader=None),  # the column 附件3 gained
    other_project("低空植保", "MA0D0007", topic="低空农业植保"),  # not in the complete list
    other_project("号码有误", "MA0D0008", contact_phone="12345"),
    other_project("日期有误", "MA0D0009", registered_on="六月某日"),
    other_project("赛道有误", "MA0D0010", track="元宇宙"),
    other_project("外地登记", "MA0D0011", credit_code=other_code("MA0D0011", division="130730")),
]


def letter(attachment: Attachment, field: str) -> str:
    return column_letter([column.field for column in attachment.columns].index(field) + 1)


def cell(attachment: Attachment, field: str, row_index: int) -> str:
    return f"{letter(attachment, field)}{FIRST_DATA_ROW + row_index}"


def play_week1(templates: dict[str, Path], inbox: Path) -> None:
    fill_template(templates["weekly"], inbox / "平城区" / "附件3.xlsx", WEEKLY, "平城区", W1, PINGCHENG_ROWS)
    fill_template(
        templates["survey"], inbox / "平城区" / "附件2.xlsx", SURVEY, "平城区", W1 - dt.timedelta(6), PINGCHENG_ROWS[:1]
    )
    fill_template(
        templates["contacts"],
        inbox / "平城区" / "附件4.xlsx",
        CONTACTS,
        "平城区",
        dt.date(2026, 6, 20),
        people("平城区", "13900000002"),
    )
    # the renamed county still writes its old name
    yunzhou = [other_project("云州黄花数据", "MA0D0101", track="现代农业", topic="农业生产数据应用")]
    fill_template(templates["weekly"], inbox / "大同县" / "附件3.xlsx", WEEKLY, "大同县", W1, yunzhou)
    # a Thursday is not this campaign's update day
    yanggao = [other_project("阳高杏园", "MA0D0201", track="现代农业", topic="农业生产数据应用")]
    fill_template(templates["weekly"], inbox / "阳高县" / "附件3.xlsx", WEEKLY, "阳高县", W1 - dt.timedelta(1), yanggao)


def play_week2(templates: dict[str, Path], inbox: Path) -> None:
    rows = [PINGCHENG_ROWS[0], {**PINGCHENG_ROWS[2], "status": "已提交材料"}]
    fill_template(templates["weekly"], inbox / "平城区" / "附件3-第2周.xlsx", WEEKLY, "平城区", W2, rows)


def blank_set(directory: Path) -> dict[str, Path]:
    written = write_templates(OTHER, directory)
    return {attachment.id: path for attachment, path in zip(OTHER.attachments, written, strict=True)}


# --- reading every output's text ---------------------------------------------------------------------

_TIMESTAMP = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\w+>")
_NUMBER_ATTRIBUTE = re.compile(rb'="-?[\d.]+(?:E[+-]?\d+)?"')
_NUMBER_TEXT = re.compile(rb">-?[\d.]+(?:E[+-]?\d+)?<")


def output_text(path: Path) -> str:
    """All a file says: every part of a workbook or document (sheet names, hidden sheets, defined
    names, validations, comments, charts, properties), or a text file; the file's name too.

    Numbers (cell values, sizes) and the save time are left out: they are not words.
    """
    if path.suffix in (".xlsx", ".docx"):
        parts = []
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith((".xml", ".rels", ".vml")):
                    continue  # pictures (python-docx's thumbnail): no words
                data = _TIMESTAMP.sub(b"", archive.read(name))
                data = _NUMBER_TEXT.sub(b"><", _NUMBER_ATTRIBUTE.sub(b'=""', data))
                # openpyxl writes CJK as character references (会 is &#20250;): read them as characters
                parts.append(html.unescape(data.decode("utf-8")))
        return path.name + "\n" + "\n".join(parts)
    return path.name + "\n" + path.read_text("utf-8-sig")


def shipped_words_in(paths: list[Path], console: str = "") -> dict[str, list[str]]:
    """Which file (or the console) holds which word of the shipped campaign."""
    found: dict[str, list[str]] = {}
    for label, text in [("console", console), *((str(path), output_text(path)) for path in paths)]:
        words = [word for word in SHIPPED_WORDS if word in text]
        if words:
            found[label] = words
    return found


def outputs_under(root: Path) -> list[Path]:
    """Every file the program wrote under ``root`` (the ledger and its archive of inputs aside)."""
    return sorted(
        path for path in root.rglob("*") if path.is_file() and path.suffix != ".db" and "archive" not in path.parts
    )


# --- the campaign itself ----------------------------------------------------------------------------


def test_the_second_campaign_loads_with_what_it_changes() -> None:
    assert (OTHER.campaign.city, OTHER.campaign.division_name, OTHER.calendar.update_day) == (
        "大同市",
        "大同赛区",
        "周五",
    )
    assert len(OTHER.tracks) == 16
    low_altitude = OTHER.track_by_name["低空经济"]
    assert low_altitude.topics_complete and low_altitude.open_topics == ["低空物流配送", "低空巡检监测"]
    assert "医疗健康" in OTHER.government.tracks and "社会组织" in OTHER.unit_type_names
    assert OTHER.find_reporter("大同县") is OTHER.find_reporter("云州区") is OTHER.find_reporter("大同市云州区")
    assert [column.header for column in WEEKLY.columns][:3] == ["序号", "项目名称", "项目负责人"]


def test_a_calendar_of_fridays_is_accepted_and_one_of_two_weekdays_is_not(tmp_path: Path) -> None:
    text = OTHER_FILE.read_text("utf-8")
    mixed = tmp_path / "mixed.toml"
    mixed.write_text(text.replace("2026-07-03,", "2026-07-02,"), encoding="utf-8")
    with pytest.raises(Exception, match="星期四") as raised:
        load_campaign(mixed)
    assert "星期五" in str(raised.value) and "同一个星期几" in str(raised.value)


# --- through the library -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("other")
    templates = blank_set(root / "templates")
    inbox = root / "inbox"
    play_week1(templates, inbox)
    checked = run_validation(
        [(path, f"{path.parent.name}/{path.name}") for path in sorted(inbox.rglob("*.xlsx"))],
        OTHER,
        root / "checked",
        root / "checked" / "report.json",
    )
    first = run_merge(OTHER, W1, inbox, root / "out", root / "zjkcollect.db", root / "out" / "w1.json", now=at(W1))
    play_week2(templates, inbox)
    second = run_merge(OTHER, W2, inbox, root / "out", root / "zjkcollect.db", root / "out" / "w2.json", now=at(W2))
    return {"root": root, "templates": templates, "checked": checked, "first": first, "second": second}


def test_templates_say_the_campaigns_own_facts(season: dict[str, Any]) -> None:
    templates = season["templates"]
    weekly = openpyxl.load_workbook(templates["weekly"])
    form = weekly[WEEKLY.label]
    assert [form.cell(HEADER_ROW, index).value for index in range(1, 4)] == ["序号", "项目名称", "项目负责人"]
    instructions = "\n".join(
        str(value) for row in weekly["填表说明"].iter_rows(values_only=True) for value in row if value
    )
    assert "每周五更新" in instructions and "仅在山西分赛区参赛" in instructions and "大同赛区" in instructions
    assert "低空经济" in instructions and "低空文旅服务" in instructions
    assert "各区县、经开区和市有关单位" in instructions
    lists = weekly["_lists"]
    column = next(cell.column for cell in lists[1] if cell.value == "低空经济")
    assert [lists.cell(row, column).value for row in (2, 3, 4)] == ["低空物流配送", "低空巡检监测", None]
    reporter_dv = next(
        dv
        for dv in form.data_validations.dataValidation
        if f"{column_letter(header_block(WEEKLY).reporter_value_column)}{HEADER_BLOCK_ROW}" in str(dv.sqref)
    )
    assert reporter_dv.prompt == "请从下拉列表中选择本单位（区县或市直部门）。"
    contacts = openpyxl.load_workbook(templates["contacts"])["填表说明"]
    assert any("0352-5101234" in str(value) for row in contacts.iter_rows(values_only=True) for value in row)


def test_validate_finds_by_the_campaigns_rules(season: dict[str, Any]) -> None:
    report = season["checked"].report
    by_label = {result.label: result for result in report.files}
    assert by_label["大同县/附件3.xlsx"].tables[0].reporter == "云州区"  # the old name is an alias
    found = {
        (f.file, f.rule, f.sheet, f.cell)
        for f in report.findings
        if f.severity.value == "error" or f.rule.startswith("uscc")
    }
    weekly = "平城区/附件3.xlsx"
    sheet = WEEKLY.label
    expected = {
        (weekly, "topic-closed", sheet, cell(WEEKLY, "topic", 1)),
        (weekly, "gov-track-not-allowed", sheet, cell(WEEKLY, "track", 3)),
        (weekly, "required-missing", sheet, cell(WEEKLY, "leader", 5)),
        (weekly, "topic-not-in-track", sheet, cell(WEEKLY, "topic", 6)),
        (weekly, "phone-invalid", sheet, cell(WEEKLY, "contact_phone", 7)),
        (weekly, "date-invalid", sheet, cell(WEEKLY, "registered_on", 8)),
        (weekly, "track-unknown", sheet, cell(WEEKLY, "track", 9)),
        (weekly, "uscc-outside-city", sheet, cell(WEEKLY, "credit_code", 10)),
        (
            "阳高县/附件3.xlsx",
            "report-date-not-week",
            sheet,
            f"{column_letter(header_block(WEEKLY).date_value_column)}{HEADER_BLOCK_ROW}",
        ),
    }
    assert found == expected
    # the government unit in 医疗健康 and the 社会组织 with its own prefix raise nothing
    assert not [f for f in report.findings if f.file == weekly and f.row in (FIRST_DATA_ROW + 2, FIRST_DATA_ROW + 4)]


def test_merge_rolls_up_by_the_campaigns_calendar_and_threshold(season: dict[str, Any]) -> None:
    second = season["second"]
    rollup = second.rollup
    assert [track.track for track in rollup.tracks][-1] == "低空经济" and len(rollup.tracks) == 16
    assert all(track.required == 3 for track in rollup.tracks)
    tracks = openpyxl.load_workbook(second.rollup_path)["赛道统计"]
    assert "是否不足3个" in [cell.value for cell in tracks[3]]
    roster = openpyxl.load_workbook(second.rollup_path)["报送情况"]
    assert "当周周五前收到当周附件3" in roster["A2"].value
    consolidated = openpyxl.load_workbook(second.consolidated_path)[WEEKLY.label]
    assert [cell.value for cell in consolidated[HEADER_ROW]] == [column.header for column in WEEKLY.columns]
    assert consolidated.cell(HEADER_BLOCK_ROW, header_block(WEEKLY).reporter_value_column).value == "大同市数据局"
    assert second.rollup_path.name == "大同市数据要素×大赛参赛项目汇总_2026-07-03.xlsx"
    assert second.consolidated_path.name == "附件3-“数据要素×”大赛山西分赛参赛项目统计表（大同市汇总_2026-07-03）.xlsx"
    reminders = second.reminder_path.read_text("utf-8-sig")
    assert "请以下单位于7月3日（周五）前将附件3报送至 dtsjj@163.com：" in reminders
    # a return dated on a Thursday is there but cannot count
    first = json.loads(season["first"].json_path.read_text("utf-8"))
    assert first["reporters"]["阳高县"]["status"] == "报送有误"


def test_no_output_of_the_library_run_speaks_of_the_shipped_campaign(season: dict[str, Any]) -> None:
    written = outputs_under(season["root"])
    assert {path.suffix for path in written} >= {".xlsx", ".docx", ".txt", ".json"}
    assert any("退回" in path.parts for path in written)  # marked copies are among them
    assert shipped_words_in(written) == {}


# --- through the command line ------------------------------------------------------------------------


def test_the_command_line_runs_the_second_campaign_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    campaign = ["--campaign", str(OTHER_FILE)]
    console = []

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, *campaign])
        assert result.exit_code in (0, 1), result.output
        console.append(result.output)
        return result.output

    run("make-templates", "--out", "模板")
    templates = {attachment.id: tmp_path / "模板" / f"{attachment.file_stem}.xlsx" for attachment in OTHER.attachments}
    inbox = tmp_path / "收件箱"
    play_week1(templates, inbox)
    checked = run("validate", str(inbox), "--out", "校验", "--json", "校验/结果.json")
    assert "大同赛区" in checked or "云州区" in checked
    run(
        "merge",
        "--week",
        W1.isoformat(),
        "--inbox",
        str(inbox),
        "--out",
        "输出",
        "--db",
        "账本.db",
        "--received",
        W1.isoformat(),
    )
    play_week2(templates, inbox)
    run("ingest", str(inbox), "--db", "账本.db", "--received", W2.isoformat())
    merged = run(
        "merge",
        "--week",
        W2.isoformat(),
        "--inbox",
        str(inbox),
        "--out",
        "输出",
        "--db",
        "账本.db",
        "--json",
        "输出/汇总.json",
    )
    assert "大同市数据要素×大赛参赛项目汇总_2026-07-03.xlsx" in merged
    run("status", "--week", W2.isoformat(), "--db", "账本.db")
    # main() turns this error into one Chinese line and exit code 2 (see test_merge)
    refused = runner.invoke(app, ["merge", "--week", "2026-07-02", "--inbox", str(inbox), "--db", "账本.db", *campaign])
    assert isinstance(refused.exception, ZjkError) and "不是活动日程中的周五更新日" in str(refused.exception)
    console.append(str(refused.exception))

    written = outputs_under(tmp_path)
    assert {path.suffix for path in written} >= {".xlsx", ".docx", ".txt", ".json"}
    assert shipped_words_in(written, "\n".join(console)) == {}


def test_the_second_campaign_leaves_the_shipped_one_alone() -> None:
    # both loaded in one process: nothing of one leaks into the other through a cache
    shipped = load_campaign()
    assert shipped.calendar.update_day == "周四" and OTHER.calendar.update_day == "周五"
    assert isinstance(shipped, Campaign) and shipped.find_reporter("大同县") is None


def test_the_word_search_finds_the_shipped_campaign_in_its_own_outputs(tmp_path: Path) -> None:
    # the search above can fail: the shipped campaign's templates name its city, province and day
    written = write_templates(load_campaign(), tmp_path)
    found = shipped_words_in(written)
    assert set(found) == {str(path) for path in written}
    assert all({"张家口", "周四", "2025"} <= set(words) for words in found.values())
    assert "大同市" in output_text(blank_set(tmp_path / "other")["weekly"])
