"""``merge`` end to end: a season of inbox files → the ledger → the roll-up workbook and the 附件3 for the province."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.builders import HYPERLINK, P1, W1, W2, at, run_season, season_week2_late, season_week2_on_time
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.cli import app
from zjkcollect.errors import ZjkError
from zjkcollect.ledger import SCHEMA_VERSION, Ledger
from zjkcollect.merge import check_week, run_merge, status_table
from zjkcollect.rollup import RosterStatus
from zjkcollect.rollup_book import ROLLUP_SHEETS, consolidated_file_name, rollup_file_name
from zjkcollect.rollup_sheets.trend import Trend

CAMPAIGN = load_campaign()
BUREAU = CAMPAIGN.campaign.bureau

Cells = dict[str, list[tuple[Any, ...]]]


def _content(path: Path) -> Cells:
    """Every sheet's cell values, row by row (trailing empty rows and cells dropped)."""
    workbook = openpyxl.load_workbook(path)
    content = {}
    for sheet in workbook.worksheets:
        rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
        while rows and all(value is None for value in rows[-1]):
            rows.pop()
        content[sheet.title] = rows
    return content


def _rows(content: Cells, sheet: str, first: int = 4) -> list[tuple[Any, ...]]:
    """The data rows of a report sheet (headers in row 3)."""
    return [row for row in content[sheet][first - 1 :] if any(value is not None for value in row)]


def _by_first(rows: list[tuple[Any, ...]], column: int = 0) -> dict[Any, tuple[Any, ...]]:
    return {row[column]: row for row in rows}


def _day(value: Any) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def season(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    root = tmp_path_factory.mktemp("season")
    return root, run_season(CAMPAIGN, root)


@pytest.fixture(scope="module")
def book(season: tuple[Path, Any]) -> Cells:
    _root, run = season
    return _content(run.rollup_path)


def test_outputs_are_named_for_the_week(season: tuple[Path, Any]) -> None:
    root, run = season
    assert run.rollup_path == root / "out" / "张家口市数据要素×大赛参赛项目汇总_2025-07-03.xlsx"
    assert (
        run.consolidated_path
        == root / "out" / "附件3-“数据要素×”大赛河北分赛参赛项目统计表（张家口市汇总_2025-07-03）.xlsx"
    )
    assert run.rollup_path.name == rollup_file_name(CAMPAIGN, W2)
    assert run.consolidated_path.name == consolidated_file_name(CAMPAIGN, W2)
    # Week 1's outputs are still there.
    assert (root / "out" / rollup_file_name(CAMPAIGN, W1)).exists()
    assert not list((root / "out").glob(".~zjk-*"))


def test_sheets_in_order(book: Cells) -> None:
    assert tuple(book) == ROLLUP_SHEETS
    assert ROLLUP_SHEETS == (
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


def test_overview(book: Cells) -> None:
    lines = {row[0]: row[1:] for row in _rows(book, "概览")}
    assert book["概览"][1][0].startswith("统计截止日期：2025-07-03（第2周，共6周）")
    assert lines["参赛项目数（不含已退赛）"][0] == 4
    assert lines["已退赛项目数"] == (1, f"{HYPERLINK}（张家口乙数据有限公司）")
    assert lines["参赛单位数"][0] == 4
    assert lines["本周按时报送的单位"] == (2, "桥东区、市工信局")
    assert lines["本周迟报的单位"] == (1, "蔚县")
    assert lines["本周未更新的单位（沿用以前各周数据）"] == (2, "张北县、怀来县")
    assert lines["尚未报送的单位"][0] == len(CAMPAIGN.reporters) - 5
    assert lines["已报送过的单位"][0] == 5
    assert lines["项目不足2个的赛道（确保每条赛道均有多个报名项目）"][0] == 15
    assert lines["本周新增项目"] == (2, "数据资产融资（张家口辛金融有限公司）、文旅客流（蔚县壬旅游有限公司）")
    assert lines["本周退赛项目"] == (1, f"{HYPERLINK}（张家口乙数据有限公司）")
    assert lines["本周消失项目"] == (2, "智能质检（张家口癸制造有限公司）、葡萄酒溯源（怀来丙酒业有限公司）")
    assert lines["本周变更项目"] == (1, "智慧工厂（张家口甲科技有限公司）")
    assert lines["多个单位重复报送的项目（只计一次）"][0] == 1
    assert lines["各单位所报赛道/赛题不一致、暂不计入的项目"][0] == 1
    assert lines["有错误、未计入统计的数据行"][0] == 1
    assert lines["待处理的错误"][0] == 3
    assert lines["待核对的警告"][0] == 2
    assert lines["附件2已摸底、尚未报名的项目"][0] == 1
    assert lines["已报名、未在附件2摸底的项目"][0] == 4
    assert lines["未报送联系人的单位"][0] == len(CAMPAIGN.reporters) - 1


def test_track_statistics(book: Cells) -> None:
    headers = book["赛道统计"][2]
    assert headers[:9] == (
        "序号",
        "参赛赛道",
        "项目数",
        "其中：已报名",
        "其中：已提交材料",
        "其中：已退赛",
        "揭榜挂帅项目数",
        "参赛单位数",
        "是否不足2个",
    )
    tracks = {row[1]: row[:9] for row in _rows(book, "赛道统计")[:16]}
    assert list(tracks)[:15] == CAMPAIGN.track_names
    assert tracks["工业制造"] == (1, "工业制造", 1, 0, 1, 0, 0, 1, "不足2个")
    assert tracks["城市治理"] == (12, "城市治理", 0, 0, 0, 1, 0, 0, "不足2个")
    assert tracks["金融服务"][2] == tracks["文化旅游"][2] == tracks["绿色低碳"][2] == 1
    assert tracks["合计"] == (None, "合计", 4, 3, 1, 1, 0, 4, None)
    topics = {(row[10], row[11]): row[12] for row in _rows(book, "赛道统计") if len(row) > 12 and row[10]}
    assert topics[("工业制造", "智能制造数据应用")] == 1
    assert topics[("金融服务", "数据资产融资")] == 1
    assert topics[("京津冀协同发展", "区域产业协同")] == 0


def test_reporter_statistics(book: Cells) -> None:
    rows = _by_first(_rows(book, "报送单位统计"), 1)
    assert list(rows) == CAMPAIGN.reporter_names
    qiaodong = rows["桥东区"]
    assert qiaodong[2:5] == ("县区", "已报送", "附件3.xlsx")
    assert (_day(qiaodong[5]), _day(qiaodong[6])) == (W2, W2)
    # rows, valid, withdrawn, shared, errors, warnings, season on time / late / stale / rejected / missing, note
    assert qiaodong[7:] == (3, 2, 1, 1, 0, 1, 2, 0, 0, 0, 0, None)
    assert rows["蔚县"][3] == "迟报"
    assert (_day(rows["蔚县"][5]), _day(rows["蔚县"][6])) == (W2, W2 + dt.timedelta(days=1))
    assert rows["蔚县"][7:] == (1, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, None)
    assert rows["张北县"][3:5] == ("未更新", "附件3.xlsx")
    assert rows["张北县"][7:] == (2, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, None)
    assert rows["怀来县"][7:] == (2, 1, 0, 1, 1, 1, 1, 0, 1, 0, 0, None)
    assert rows["市工信局"][7:] == (1, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1, None)
    assert rows["桥西区"][3:5] == ("未报送", None)
    assert rows["桥西区"][7:] == (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, None)


def test_project_details(book: Cells) -> None:
    headers = book["项目明细"][2]
    assert headers[-3:] == ("报送单位", "来源（文件及行号）", "数据所属周")
    rows = [(row[1], row[6], row[9], row[-3], row[-2], row[-1]) for row in _rows(book, "项目明细")]
    assert rows == [
        (
            "智慧工厂",
            "工业制造",
            "已提交材料",
            "桥东区、怀来县",
            "桥东区：附件3.xlsx 第4行；怀来县：怀来县-附件3.xlsx 第4行",
            "2025-06-26、2025-07-03",
        ),
        ("数据资产融资", "金融服务", "已报名", "桥东区", "桥东区：附件3.xlsx 第6行", "2025-07-03"),
        ("文旅客流", "文化旅游", "已报名", "蔚县", "蔚县：蔚县附件3.xlsx 第4行", "2025-07-03"),
        (HYPERLINK, "城市治理", "已退赛", "桥东区", "桥东区：附件3.xlsx 第5行", "2025-07-03"),
        ("风电运维", "绿色低碳", "已报名", "张北县", "张北县：附件3.xlsx 第4行", "2025-06-26"),
    ]


def test_weekly_changes(book: Cells) -> None:
    assert book["周变化"][1][0].startswith("本周（2025-07-03）与上周（2025-06-26）相比")
    rows = [(row[1], row[2], row[8], row[9]) for row in _rows(book, "周变化")]
    assert rows == [
        ("新增", "数据资产融资", "桥东区", "桥东区：附件3.xlsx 第6行"),
        ("新增", "文旅客流", "蔚县", "蔚县：蔚县附件3.xlsx 第4行"),
        ("退赛", HYPERLINK, "桥东区", "报名状态：已报名 → 已退赛"),
        ("消失", "智能质检", "桥东区", "本周汇总中不再出现（上周由桥东区报送）"),
        ("消失", "葡萄酒溯源", "怀来县", "本周各单位报送的赛道/赛题不一致，暂不计入（见问题清单）"),
        ("变更", "智慧工厂", "桥东区、怀来县", "报名状态：已报名 → 已提交材料"),
    ]


def test_trend(book: Cells) -> None:
    assert book["趋势"][2] == ("参赛赛道", "2025-06-26", "2025-07-03")
    rows = _by_first(_rows(book, "趋势"))
    assert list(rows)[:15] == CAMPAIGN.track_names
    assert rows["工业制造"] == ("工业制造", 2, 1)
    assert rows["现代农业"] == ("现代农业", 1, 0)
    assert rows["城市治理"] == ("城市治理", 1, 0)
    assert rows["金融服务"] == ("金融服务", 0, 1)
    assert rows["合计"] == ("合计", 5, 4)


def test_roster(book: Cells) -> None:
    rows = _by_first(_rows(book, "报送情况"), 1)
    assert book["报送情况"][2] == ("序号", "报送单位", "类别", "2025-06-26", "2025-07-03", "报送有误的原因")
    assert rows["桥东区"][3:5] == ("已报送", "已报送")
    assert rows["怀来县"][3:5] == ("已报送", "未更新")
    assert rows["张北县"][3:5] == ("已报送", "未更新")
    assert rows["蔚县"][3:5] == ("未报送", "迟报")
    assert rows["市工信局"][3:5] == ("未报送", "已报送")
    assert rows["桥西区"][3:5] == ("未报送", "未报送")
    counts = {row[1]: row[3:5] for row in _rows(book, "报送情况") if row[1] and str(row[1]).endswith("单位数")}
    missing = len(CAMPAIGN.reporters)
    assert counts == {
        "已报送单位数": (3, 2),
        "迟报单位数": (0, 1),
        "未更新单位数": (0, 2),
        "报送有误单位数": (0, 0),
        "未报送单位数": (missing - 3, missing - 5),
    }


def test_survey_comparison(book: Cells) -> None:
    rows = [(row[1], row[2], row[7]) for row in _rows(book, "摸底对照")]
    assert rows == [
        ("已摸底、尚未报名", "冷链物流", "桥东区"),
        ("已报名、未摸底", "数据资产融资", "桥东区"),
        ("已报名、未摸底", "文旅客流", "蔚县"),
        ("已报名、未摸底", HYPERLINK, "桥东区"),
        ("已报名、未摸底", "风电运维", "张北县"),
    ]


def test_contacts(book: Cells) -> None:
    rows = _rows(book, "联系人")
    people = [(row[1], row[2], row[3], row[6], row[7]) for row in rows if isinstance(row[0], int)]
    assert people == [
        ("桥东区", "主管领导", "张三", "13800000002", None),
        ("桥东区", "具体负责人", "李四", "13800000003", "13800000003@example.com"),
    ]
    heading = next(row for row in rows if row[1] and str(row[1]).startswith("未报送联系人的单位"))
    assert heading[1] == f"未报送联系人的单位（{len(CAMPAIGN.reporters) - 1}个）"
    listed = [row[1] for row in rows[rows.index(heading) + 1 :]]
    assert listed == [name for name in CAMPAIGN.reporter_names if name != "桥东区"]


def test_problem_list(book: Cells) -> None:
    rows = [(row[1], row[3], row[5], row[6], row[9], row[11]) for row in _rows(book, "问题清单")]
    assert rows == [
        ("桥东区", "附件3.xlsx", "G4", "智慧工厂", "警告", "project-duplicate-reporters"),
        ("张北县", "附件3.xlsx", "D5", "坏代码项目", "错误", "uscc-length"),
        ("怀来县", "怀来县-附件3.xlsx", "G4", "智慧工厂", "警告", "project-duplicate-reporters"),
        ("怀来县", "怀来县-附件3.xlsx", "G5", "葡萄酒溯源", "错误", "project-conflict"),
        ("市工信局", "市工信局.xlsx", "G4", "葡萄酒溯源", "错误", "project-conflict"),
    ]


def test_consolidated_attachment3_for_the_province(season: tuple[Path, Any]) -> None:
    _root, run = season
    content = _content(run.consolidated_path)
    assert list(content) == ["附件3"]
    rows = content["附件3"]
    assert rows[0][:2] == ("附件3", "“数据要素×”大赛河北分赛参赛项目统计表")
    assert rows[1][:2] == ("填报单位", BUREAU)
    assert rows[1][13] == "统计截止日期"
    assert _day(rows[1][14]) == W2
    assert rows[2] == tuple(column.header for column in CAMPAIGN.attachment(Kind.REGISTERED).columns)
    data = [(row[0], row[1], row[6], row[9], row[11]) for row in rows[3:]]
    assert data == [
        (1, "智慧工厂", "工业制造", "已提交材料", "张家口赛区"),
        (2, "数据资产融资", "金融服务", "已报名", "张家口赛区"),
        (3, "文旅客流", "文化旅游", "已报名", "张家口赛区"),
        (4, HYPERLINK, "城市治理", "已退赛", "张家口赛区"),
        (5, "风电运维", "绿色低碳", "已报名", "张家口赛区"),
    ]
    assert _day(rows[3][10]) == dt.date(2025, 6, 20)
    assert rows[3][3] == "91130730MA0F123197"
    # The city's own 附件3 reads back as a clean 附件3 from the bureau.
    from zjkcollect.inbox import validate_file

    result = validate_file(run.consolidated_path, run.consolidated_path.name, CAMPAIGN)
    assert (result.kind, result.date, len(result.rows)) == (Kind.REGISTERED, W2, 5)


def test_inbox_text_is_never_a_formula(season: tuple[Path, Any]) -> None:
    _root, run = season
    for path in (run.rollup_path, run.consolidated_path):
        workbook = openpyxl.load_workbook(path)
        hyperlinks = 0
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{path.name} {sheet.title}!{cell.coordinate}"
                    if isinstance(cell.value, str) and cell.value.startswith("=HYPERLINK"):
                        hyperlinks += 1
                        assert cell.data_type == "s"
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate} lacks the quote prefix"
        assert hyperlinks >= 1
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    assert not re.search(rb"<f[ >]", archive.read(name)), name


def test_clerk_friendly_layout(season: tuple[Path, Any]) -> None:
    _root, run = season
    workbook = openpyxl.load_workbook(run.rollup_path)
    for sheet in workbook.worksheets:
        assert sheet.freeze_panes == "A4", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A3:"), sheet.title
        assert sheet.page_setup.orientation == "landscape"
        # One page wide (fitToWidth defaults to 1 when absent), as many pages tall as needed.
        assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
        assert sheet.sheet_properties.pageSetUpPr.fitToPage
        assert sheet.print_title_rows == "$1:$3"
        assert sheet.column_dimensions["B"].width > 8
    with zipfile.ZipFile(run.rollup_path) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 3
        kinds = sorted(re.search(rb"<c:(barChart|lineChart)>", archive.read(name)).group(1).decode() for name in charts)
        assert kinds == ["barChart", "barChart", "lineChart"]
    consolidated = openpyxl.load_workbook(run.consolidated_path)["附件3"]
    assert consolidated.freeze_panes == "A4"
    assert consolidated.print_title_rows == "$1:$3"


def test_json_summary(season: tuple[Path, Any]) -> None:
    root, run = season
    summary = json.loads((root / "summary.json").read_text(encoding="utf-8"))
    assert run.json_path == root / "summary.json"
    assert (summary["week"], summary["previous_week"]) == ("2025-07-03", "2025-06-26")
    assert (summary["projects"], summary["withdrawn"], summary["excluded_rows"]) == (4, 1, 1)
    assert summary["reporters"]["蔚县"]["status"] == "迟报"
    assert summary["changes"]["新增"] == ["数据资产融资", "文旅客流"]
    assert summary["trend"]["tracks"]["工业制造"] == [2, 1]
    assert [item["file"].endswith("蔚县附件3.xlsx") for item in summary["files"]["new"]] == [True]
    assert summary["files"]["already_in_ledger"] == 6  # the inbox's other files; 附件3.xlsx now holds week 2
    assert summary["outputs"] == {
        "rollup": rollup_file_name(CAMPAIGN, W2),
        "consolidated": consolidated_file_name(CAMPAIGN, W2),
        "reminders": "催报名单_2025-07-03.txt",
        "bulletin": "情况通报_2025-07-03.docx",
    }


def test_the_ledger_keeps_both_versions_of_a_file_resent_under_the_same_name(season: tuple[Path, Any]) -> None:
    root, _run = season
    with Ledger(root / "zjkcollect.db") as ledger:
        files = ledger.files()
    resent = sorted(
        (f.week, f.ingested_at) for f in files if f.reporter == "桥东区" and f.original_name == "附件3.xlsx"
    )
    assert resent == [(W1, dt.datetime(2025, 6, 26, 9)), (W2, dt.datetime(2025, 7, 3, 9))]
    for stored in files:
        assert (root / stored.archive_path).is_file()
    assert len(files) == 8


# --- idempotence, order, interruption -----------------------------------------------------------


def test_merging_again_changes_nothing(tmp_path: Path) -> None:
    run = run_season(CAMPAIGN, tmp_path)
    before = _content(run.rollup_path), _content(run.consolidated_path)
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        counts = ledger.counts()
    again = run_merge(
        CAMPAIGN,
        W2,
        tmp_path / "inbox",
        tmp_path / "out",
        tmp_path / "zjkcollect.db",
        now=at(W2 + dt.timedelta(days=30)),
    )
    assert again.ingest.new == [] and len(again.ingest.known) == 7
    assert (_content(again.rollup_path), _content(again.consolidated_path)) == before
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        assert ledger.counts() == counts


def _without(prefix: str, content: Cells) -> Cells:
    def clean(value: Any) -> Any:
        return value.replace(prefix, "") if isinstance(value, str) else value

    return {name: [tuple(clean(v) for v in row) for row in rows] for name, rows in content.items()}


def test_the_order_files_arrive_in_and_their_names_do_not_matter(tmp_path: Path) -> None:
    first = run_season(CAMPAIGN, tmp_path / "one")
    second = run_season(CAMPAIGN, tmp_path / "two", prefix="副本-", reverse=True)
    assert _without("副本-", _content(second.rollup_path)) == _content(first.rollup_path)
    assert _content(second.consolidated_path) == _content(first.consolidated_path)


def test_a_run_killed_while_writing_leaves_the_ledger_and_the_previous_outputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db, inbox, out = tmp_path / "zjkcollect.db", tmp_path / "inbox", tmp_path / "out"
    run_season(CAMPAIGN, tmp_path, week=W1)
    week1 = {path.name: path.read_bytes() for path in out.iterdir()}
    with Ledger(db) as ledger:
        counts = ledger.counts()
    season_week2_on_time(inbox)
    season_week2_late(inbox)

    def killed(self: Any) -> None:
        raise KeyboardInterrupt  # as if the clerk closed the window half-way through the workbook

    monkeypatch.setattr(Trend, "write", killed)
    with pytest.raises(KeyboardInterrupt):
        run_merge(CAMPAIGN, W2, inbox, out, db, tmp_path / "s.json", now=at(W2))
    with pytest.raises(KeyboardInterrupt):
        run_merge(CAMPAIGN, W1, inbox, out, db, now=at(W2))  # the same outputs as last week's
    with Ledger(db) as ledger:
        assert ledger.counts() == counts
        assert ledger.user_version == SCHEMA_VERSION
    assert {path.name: path.read_bytes() for path in out.iterdir()} == week1
    assert not (tmp_path / "s.json").exists()
    monkeypatch.undo()
    finished = run_merge(CAMPAIGN, W2, inbox, out, db, now=at(W2))
    assert len(finished.ingest.new) == 3


# --- week, status, CLI ---------------------------------------------------------------------------


def test_the_week_must_be_a_calendar_thursday() -> None:
    assert check_week(CAMPAIGN, "2025-07-03") == W2
    assert check_week(CAMPAIGN, "2025/7/3") == W2
    with pytest.raises(ZjkError) as error:
        check_week(CAMPAIGN, "2025-07-04")
    message = str(error.value)
    assert "2025-07-04" in message
    for week in CAMPAIGN.calendar.weeks:
        assert week.isoformat() in message
    with pytest.raises(ZjkError):
        check_week(CAMPAIGN, "下周四")


def test_status_lists_the_units_still_missing_first(season: tuple[Path, Any]) -> None:
    root, _run = season
    status = status_table(CAMPAIGN, root / "zjkcollect.db", "2025-07-03")
    assert status.weeks == [W1, W2]
    order = [row.reporter for row in status.rows]
    missing = [
        name for name in CAMPAIGN.reporter_names if name not in {"桥东区", "怀来县", "张北县", "蔚县", "市工信局"}
    ]
    assert order == [*missing, "张北县", "怀来县", "蔚县", "桥东区", "市工信局"]
    assert status.counts == {
        RosterStatus.ON_TIME: 2,
        RosterStatus.LATE: 1,
        RosterStatus.STALE: 2,
        RosterStatus.REJECTED: 0,
        RosterStatus.MISSING: len(missing),
    }
    default = status_table(CAMPAIGN, root / "zjkcollect.db", today=dt.date(2025, 7, 8))
    assert default.week == W2
    with pytest.raises(ZjkError, match="账本"):
        status_table(CAMPAIGN, root / "nothing.db", "2025-07-03")


def test_cli_merge_status_and_ingest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run_season(CAMPAIGN, tmp_path, week=W1)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    season_week2_on_time(tmp_path / "inbox")
    ingested = runner.invoke(app, ["ingest", "inbox", "--received", "2025-07-03", "--db", "zjkcollect.db"])
    assert ingested.exit_code == 0, ingested.output
    assert "新收录 2 个文件" in ingested.output
    merged = runner.invoke(
        app,
        [
            "merge",
            "--week",
            "2025-07-03",
            "--json",
            "汇总.json",
            "--inbox",
            "inbox",
            "--out",
            "out",
            "--db",
            "zjkcollect.db",
        ],
    )
    assert merged.exit_code == 0, merged.output
    assert "2025-07-03 汇总" in merged.output
    assert (tmp_path / "out" / rollup_file_name(CAMPAIGN, W2)).exists()
    assert json.loads((tmp_path / "汇总.json").read_text(encoding="utf-8"))["week"] == "2025-07-03"
    shown = runner.invoke(app, ["status", "--week", "2025-07-03", "--db", "zjkcollect.db"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.index("桥西区") < shown.output.index("桥东区")
    rows = status_table(CAMPAIGN, tmp_path / "zjkcollect.db", "2025-07-03").rows
    # Received on the Thursday (--received), taken in today: on time.
    assert next(row for row in rows if row.reporter == "市工信局").statuses == [
        RosterStatus.MISSING,
        RosterStatus.ON_TIME,
    ]
    future = runner.invoke(app, ["ingest", "inbox", "--received", "2999-01-01", "--db", "zjkcollect.db"])
    assert future.exit_code != 0 and isinstance(future.exception, ZjkError)
    for command in ("merge", "status", "ingest"):
        helped = runner.invoke(app, [command, "--help"])
        assert helped.exit_code == 0 and "示例" in helped.output


def test_cli_wrong_week_is_one_chinese_line_and_exit_code_2(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    completed = subprocess.run(
        [sys.executable, "-m", "zjkcollect", "merge", "--week", "2025-07-04"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert completed.returncode == 2
    assert completed.stderr.startswith("错误：统计周“2025-07-04”不是活动日程中的周四更新日")
    assert "Traceback" not in completed.stderr
    assert not (tmp_path / "zjkcollect.db").exists()


# --- LibreOffice ----------------------------------------------------------------------------------


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过汇总表转 PDF 测试")
def test_libreoffice_opens_the_roll_up_and_converts_it_to_pdf(season: tuple[Path, Any], tmp_path: Path) -> None:
    _root, run = season
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    for source in (run.rollup_path, run.consolidated_path):
        completed = subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation={profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(tmp_path),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert completed.returncode == 0, completed.stderr
        pdf = tmp_path / f"{source.stem}.pdf"
        assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
        assert pdf.stat().st_size > 5000
    shutil.rmtree(profile.removeprefix("file://"), ignore_errors=True)


def test_an_empty_inbox_gives_an_empty_roll_up(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    run = run_merge(CAMPAIGN, W1, tmp_path / "inbox", tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W1))
    content = _content(run.rollup_path)
    assert tuple(content) == ROLLUP_SHEETS
    assert run.rollup.projects == [] and run.rollup.problems == []
    assert _rows(content, "周变化") == [(None, "无变化", *[None] * 8)]
    assert all(row.statuses == [RosterStatus.MISSING] for row in run.rollup.roster)
    assert _content(run.consolidated_path)["附件3"][3:] == []


def test_outputs_inside_the_inbox_are_refused(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    with pytest.raises(ZjkError, match="收件箱"):
        run_merge(CAMPAIGN, W1, tmp_path / "inbox", tmp_path / "inbox" / "out", tmp_path / "zjkcollect.db")
    with pytest.raises(ZjkError, match="找不到收件箱"):
        run_merge(CAMPAIGN, W1, tmp_path / "nowhere", tmp_path / "out", tmp_path / "zjkcollect.db")


def test_editing_the_campaign_file_rechecks_files_already_taken_in(tmp_path: Path) -> None:
    from importlib import resources

    from tests.builders import write_registered
    from zjkcollect.campaign import load_campaign as load

    inbox, db, out = tmp_path / "inbox", tmp_path / "zjkcollect.db", tmp_path / "out"
    write_registered(inbox / "附件3.xlsx", "东城区", W1, [P1])  # the county's own name for itself
    first = run_merge(CAMPAIGN, W1, inbox, out, db, now=at(W1))
    assert first.rollup.projects == []
    assert [(p.reporter, p.rule) for p in first.rollup.problems] == [("东城区", "reporter-unknown")]

    # The clerk adds the alias to the registry in a copy of the campaign file.
    text = resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text(encoding="utf-8")
    edited = tmp_path / "我的配置.toml"
    edited.write_text(
        text.replace('name = "桥东区"\nlevel = "县区"\n', 'name = "桥东区"\nlevel = "县区"\naliases = ["东城区"]\n'),
        encoding="utf-8",
    )
    campaign = load(edited)
    second = run_merge(campaign, W1, inbox, out, db, now=at(W1 + dt.timedelta(days=3)))
    assert second.ingest.new == [] and second.ingest.rechecked == 1
    assert [project.reporters for project in second.rollup.projects] == [["桥东区"]]
    with Ledger(db) as ledger:
        [stored] = ledger.files()
    # Re-checked, but still taken in on the Thursday: on time.
    assert (stored.reporter, stored.ingested_at) == ("桥东区", dt.datetime(2025, 6, 26, 9))
    assert second.rollup.roster[0].statuses == [RosterStatus.ON_TIME]
    third = run_merge(campaign, W1, inbox, out, db, now=at(W2))
    assert third.ingest.rechecked == 0
