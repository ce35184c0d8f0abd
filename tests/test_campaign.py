"""The campaign file: the shipped 2025 file loads, and a broken file says what is wrong."""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import pytest

from zjkcollect.campaign import Campaign, load_campaign
from zjkcollect.errors import CampaignError, ZjkError


def shipped_text() -> str:
    return resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text("utf-8")


def line(needle: str, after: int = 0) -> str:
    """ "第 N 行" for the line of the shipped file holding ``needle`` (``after`` lines further on)."""
    lines = shipped_text().splitlines()
    number = next(index for index, text in enumerate(lines, start=1) if needle in text)
    return f"第 {number + after} 行"


def edited(old: str, new: str, count: int = 1) -> str:
    text = shipped_text()
    assert text.count(old) >= count, f"the shipped file no longer contains {old!r}"
    return text.replace(old, new, count)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign()


# --- the shipped file ---------------------------------------------------------------------------


def test_shipped_campaign_loads(campaign: Campaign) -> None:
    assert campaign.campaign.year == 2025
    assert campaign.campaign.division_name == "张家口赛区"
    assert len(campaign.tracks) == 15
    assert len(campaign.reporters) == 35
    assert len([r for r in campaign.reporters if r.level == "县区"]) == 19
    assert campaign.source.endswith("campaign-2025.toml")


def test_shipped_calendar(campaign: Campaign) -> None:
    calendar = campaign.calendar
    assert len(calendar.weeks) == 6
    assert all(week.weekday() == 3 for week in calendar.weeks)
    assert calendar.weeks[0] == dt.date(2025, 6, 26) and calendar.weeks[-1] == dt.date(2025, 7, 31)
    assert calendar.survey_due == dt.date(2025, 6, 23)
    assert (calendar.registration_start, calendar.registration_end) == (dt.date(2025, 6, 1), dt.date(2025, 7, 31))
    assert campaign.week_for(dt.date(2025, 7, 10)) == dt.date(2025, 7, 10)
    assert campaign.week_for(dt.date(2025, 7, 11)) is None


def test_shipped_tracks(campaign: Campaign) -> None:
    open_innovation = campaign.track_by_name["开放创新"]
    assert open_innovation.closed_topics == ["建设高质量垂直行业大模型数据集", "公共数据与社会数据融合应用"]
    assert open_innovation.open_topics == []
    assert [t.name for t in campaign.tracks if t.jiebang] == [
        "工业制造",
        "商贸流通",
        "金融服务",
        "文化旅游",
        "城市治理",
        "绿色低碳",
    ]
    assert campaign.government.tracks == ["城市治理", "气象服务", "应急管理", "开放创新", "京津冀协同发展"]
    assert {"区域产业协同", "生态环境联治", "医疗服务共享"} <= set(campaign.track_by_name["京津冀协同发展"].topics)
    assert len([t for t in campaign.tracks if t.category == "行业"]) == 13
    assert campaign.track_lookup["工业制造"].name == "工业制造"
    # a decorated name is not a declared spelling: the row check reads it with a warning
    assert "工业制造赛道" not in campaign.track_lookup
    assert campaign.all_topics["区域产业协同"] == "京津冀协同发展"


def test_shipped_registry_and_unit_types(campaign: Campaign) -> None:
    assert campaign.find_reporter("张家口经济技术开发区").name == "经开区"
    assert campaign.find_reporter("张家口市教育局").name == "市教育局"
    assert campaign.find_reporter(" 怀来县 ").name == "怀来县"
    assert campaign.find_reporter("北京市") is None
    assert campaign.reporter_lookup["张家口市怀来县"].division_code == "130730"
    types = campaign.unit_type_by_name
    assert types["企业"].fits("91330100716105852F")
    assert not types["企业"].fits("12100000400000624D")
    assert types["高等院校"].fits("12100000400000624D")
    assert types["其他"].fits("Y1xxxxxxxxxxxxxxxx")
    assert campaign.credit_code.never_legal_person == ["92"]


def test_loading_the_file_by_path_gives_the_same_campaign(tmp_path: Path, campaign: Campaign) -> None:
    path = tmp_path / "campaign.toml"
    path.write_text(shipped_text(), encoding="utf-8")
    loaded = load_campaign(path)
    assert loaded.model_dump(exclude={"source"}) == campaign.model_dump(exclude={"source"})
    assert loaded.source == str(path)


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + shipped_text().encode("utf-8"))
    assert len(load_campaign(path).tracks) == 15


# --- broken files -------------------------------------------------------------------------------

BROKEN = {
    "toml-syntax": (edited("year = 2025", "year = = 2025"), [line("year = 2025"), "格式有误", "「year = = 2025」"]),
    "date-without-leading-zeros": (
        edited("survey_due = 2025-06-23", "survey_due = 2026-5-20"),
        [line("survey_due = "), "「survey_due = 2026-5-20」", "2026-05-20"],
    ),
    "date-in-a-list-without-leading-zeros": (
        edited("2025-07-03, 2025-07-10", "2025-7-3, 2025-07-10"),
        [line("weeks = ["), "2025-07-03"],
    ),
    "date-that-does-not-exist": (
        edited("survey_due = 2025-06-23", "survey_due = 2025-06-31"),
        [line("survey_due = "), "不存在"],
    ),
    "duplicate-key": (
        edited("year = 2025\n", "year = 2025\nyear = 2026\n"),
        [line("year = 2025", 1), "year 写了两次", line("year = 2025")],
    ),
    "duplicate-table": (edited("[choices]", "[calendar]"), ["[calendar] 写了两次"]),
    "missing-closing-quote": (
        edited('bureau = "张家口市数据和政务服务局"', 'bureau = "张家口市数据和政务服务局'),
        [line("bureau = "), "引号没有配对"],
    ),
    "text-without-quotes": (
        edited('bureau = "张家口市数据和政务服务局"', "bureau = 张家口市数据和政务服务局"),
        [line("bureau = "), '例如 bureau = "张家口市数据和政务服务局"'],
    ),
    "chinese-quotes": (
        edited('bureau = "张家口市数据和政务服务局"', "bureau = “张家口市数据和政务服务局”"),
        [line("bureau = "), "不能用中文引号"],
    ),
    "unclosed-table-header": (edited("[calendar]", "[calendar"), [line("[calendar]"), "方括号没有配对"]),
    "full-width-equals": (edited("year = 2025", "year ＝ 2025"), [line("year = 2025"), "英文等号"]),
    "misspelt-key": (
        edited("survey_due = 2025-06-23", "survy_due = 2025-06-23"),
        ["calendar.survy_due", "是不是 survey_due", line("survey_due = ")],
    ),
    "misspelt-table": (edited("[calendar]", "[calender]"), ["calender", "是不是 calendar", line("[calendar]")]),
    "closed-topic-in-no-track": (
        edited(
            'closed_topics = ["建设高质量垂直行业大模型数据集", "公共数据与社会数据融合应用"]',
            'closed_topics = ["建设高质量垂直行业大模型数据集", "元宇宙数据应用"]',
        ),
        ["closed_topics", "元宇宙数据应用", "开放创新"],
    ),
    "government-track-unknown": (
        edited('tracks = ["城市治理", "气象服务"', 'tracks = ["城市管理", "气象服务"'),
        ["government.tracks", "城市管理", "不在赛道目录"],
    ),
    "government-unit-type-unknown": (
        edited('unit_types = ["政府部门", "事业单位"]', 'unit_types = ["政府机关", "事业单位"]'),
        ["government.unit_types", "政府机关"],
    ),
    "weeks-on-two-weekdays": (edited("2025-07-03", "2025-07-04"), ["2025-07-04", "星期五", "星期四", "同一个星期几"]),
    "eligible-unit-type-unknown": (
        edited('eligible_unit_types = ["企业"', 'eligible_unit_types = ["公司"'),
        ["campaign.eligible_unit_types", "公司", "unit_types"],
    ),
    "weeks-out-of-order": (edited("2025-06-26, 2025-07-03", "2025-07-03, 2025-06-26"), ["calendar.weeks", "从早到晚"]),
    "registration-backwards": (
        edited("registration_start = 2025-06-01", "registration_start = 2025-08-01"),
        ["registration_start"],
    ),
    "unknown-key": (
        edited("year = 2025\n", "year = 2025\nyaer = 2026\n"),
        ["campaign.yaer", "无法识别的配置项", "是不是 year", line("year = 2025", 1)],
    ),
    "unknown-key-in-track": (
        edited('name = "现代农业"\n', 'name = "现代农业"\njiebang_topics = true\n'),
        ["tracks 第2项.jiebang_topics", "无法识别的配置项", "是不是 jiebang"],
    ),
    "missing-section": (
        edited("[calendar]\n", "[calendar_old]\n"),
        ["calendar_old", "是不是 calendar"],
    ),
    "missing-key": (edited('division_name = "张家口赛区"\n', ""), ["campaign.division_name", "缺少必填项"]),
    "wrong-type": (edited("year = 2025", 'year = "二〇二五"'), ["campaign.year", "应为整数"]),
    "not-a-date": (edited("survey_due = 2025-06-23", 'survey_due = "6月23日"'), ["calendar.survey_due", "日期"]),
    "date-with-time": (
        edited("survey_due = 2025-06-23", "survey_due = 2025-06-23T10:00:00"),
        ["calendar.survey_due", "不要带时间"],
    ),
    "not-a-bool": (edited("jiebang = true", 'jiebang = "有"'), ["tracks 第1项.jiebang", "true 或 false"]),
    "duplicate-track": (edited('name = "现代农业"', 'name = "工业制造"'), ["tracks", "工业制造", "重复"]),
    "duplicate-reporter": (edited('name = "桥西区"', 'name = "桥东区"'), ["reporters", "桥东区", "重复"]),
    "division-code-not-six-digits": (
        edited('division_code = "130730"', 'division_code = "13073"'),
        ["怀来县", "6位数字"],
    ),
    "withdrawn-status-not-listed": (
        edited('withdrawn_status = "已退赛"', 'withdrawn_status = "退赛"'),
        ["withdrawn_status", "退赛"],
    ),
    "choice-alias-to-nothing": (
        edited('"分管领导" = "主管领导"', '"分管领导" = "分管负责人"'),
        ["choice_aliases", "分管领导", "分管负责人"],
    ),
    "no-weeks": (
        edited("weeks = [2025-06-26, 2025-07-03, 2025-07-10, 2025-07-17, 2025-07-24, 2025-07-31]", "weeks = []"),
        ["calendar.weeks", "不能为空"],
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_campaign_names_the_problem(tmp_path: Path, case: str) -> None:
    text, expected = BROKEN[case]
    path = tmp_path / "campaign.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CampaignError) as raised:
        load_campaign(path)
    message = str(raised.value)
    assert str(path) in message
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message!r}"
    assert "\n" not in message  # one line for the clerk
    assert "pydantic" not in message.lower() and "Traceback" not in message


def test_campaign_error_is_a_run_stopping_error() -> None:
    assert issubclass(CampaignError, ZjkError)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CampaignError, match="无法读取活动配置文件"):
        load_campaign(tmp_path / "nope.toml")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "gbk.toml"
    path.write_bytes(shipped_text().encode("gb18030"))
    with pytest.raises(CampaignError, match="UTF-8"):
        load_campaign(path)


def test_an_unknown_key_far_from_every_valid_key_gets_no_guess(tmp_path: Path) -> None:
    path = tmp_path / "campaign.toml"
    path.write_text(edited("year = 2025\n", "year = 2025\nweather = 1\n"), encoding="utf-8")
    with pytest.raises(CampaignError) as raised:
        load_campaign(path)
    assert "campaign.weather：无法识别的配置项" in str(raised.value)
    assert "是不是" not in str(raised.value)
