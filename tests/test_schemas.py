"""Every row rule: a row that passes and a row that fails with the rule's code, per attachment."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.specs import ATTACHMENTS, KINDS
from tests.workbooks import COMPANY, contact_row, project_row
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.codes import build_credit_code
from zjkcollect.rules import RULES
from zjkcollect.schemas import row_model, validate_row

CAMPAIGN = load_campaign()
INSTITUTION = build_credit_code("12", "130700", "40000062")
GOVERNMENT = build_credit_code("11", "130700", "00001234")
INDIVIDUAL = build_credit_code("92", "130730", "MA0F5678")
OUTSIDE = "91330100716105852F"
SURVEY_ROW = project_row(Kind.SURVEY)
REGISTERED_ROW = project_row(Kind.REGISTERED)
CONTACT_ROW = contact_row()
BASE = {Kind.SURVEY: SURVEY_ROW, Kind.REGISTERED: REGISTERED_ROW, Kind.CONTACTS: CONTACT_ROW}


def issues(kind: Kind, **changes: object) -> set[tuple[str, str]]:
    outcome = validate_row(kind, {**BASE[kind], **changes}, CAMPAIGN)
    return {(issue.rule, issue.field) for issue in outcome.issues}


@pytest.mark.parametrize("kind", KINDS)
def test_clean_row_passes(kind: Kind) -> None:
    outcome = validate_row(kind, BASE[kind], CAMPAIGN)
    assert outcome.issues == []
    assert not outcome.has_error


@pytest.mark.parametrize("kind", KINDS)
def test_models_match_attachment_columns(kind: Kind) -> None:
    """The row model has the attachment's columns, and exactly its required ones say so."""
    columns = ATTACHMENTS[kind].columns
    assert set(row_model(ATTACHMENTS[kind]).model_fields) == {column.field for column in columns}
    for column in columns:
        found = issues(kind, **{column.field: None})
        assert (("required-missing", column.field) in found) == column.required, column.field


PROJECT_CASES = [
    # (changes, expected (rule, field))
    ({"project_name": None}, ("required-missing", "project_name")),
    ({"project_name": "  "}, ("required-missing", "project_name")),
    ({"unit_name": "某某科技有限公司张家口分公司"}, ("branch-unit", "unit_name")),
    ({"credit_code": COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1")}, ("uscc-checksum", "credit_code")),
    ({"credit_code": COMPANY[:17]}, ("uscc-length", "credit_code")),
    ({"credit_code": COMPANY[:5] + "O" + COMPANY[6:]}, ("uscc-charset", "credit_code")),
    ({"credit_code": COMPANY[:8] + " " + COMPANY[8:]}, ("uscc-inner-space", "credit_code")),
    ({"credit_code": COMPANY[:8] + "\u3000" + COMPANY[8:]}, ("uscc-inner-space", "credit_code")),
    ({"track": "工业制造赛道"}, ("track-decorated", "track")),
    ({"track": "京津冀协同发展", "topic": "区域产业协同赛题"}, ("topic-decorated", "topic")),
    ({"credit_code": 9.1130730123e17}, ("uscc-as-number", "credit_code")),
    ({"credit_code": INDIVIDUAL}, ("uscc-not-legal-person", "credit_code")),
    ({"credit_code": OUTSIDE}, ("uscc-outside-city", "credit_code")),
    ({"unit_type": "高等院校"}, ("uscc-type-mismatch", "unit_type")),
    ({"unit_type": "公司"}, ("choice-invalid", "unit_type")),
    ({"track": "工业制造业"}, ("track-unknown", "track")),
    ({"track": "工业制造、绿色低碳"}, ("multiple-tracks", "track")),
    ({"track": "开放创新", "topic": "公共数据与社会数据融合应用"}, ("topic-closed", "topic")),
    ({"track": "京津冀协同发展", "topic": "某新赛题"}, ("topic-unlisted", "topic")),
    ({"track": "京津冀协同发展", "topic": "建设高质量垂直行业大模型数据集"}, ("topic-not-in-track", "topic")),
    ({"track": "京津冀协同发展", "topic": "区域产业协同、生态环境联治"}, ("multiple-topics", "topic")),
    ({"track": "现代农业", "jiebang": "是"}, ("jiebang-not-allowed", "jiebang")),
    ({"jiebang": "可能"}, ("choice-invalid", "jiebang")),
    ({"credit_code": GOVERNMENT, "unit_type": "政府部门", "track": "工业制造"}, ("gov-track-not-allowed", "track")),
    ({"credit_code": INSTITUTION, "unit_type": "事业单位", "track": "现代农业"}, ("gov-track-not-allowed", "track")),
    ({"contact_phone": "12345"}, ("phone-invalid", "contact_phone")),
    ({"contact_phone": 13812345678.0}, ("stored-as-number", "contact_phone")),
    ({"contact_name": None}, ("required-missing", "contact_name")),
    ({"project_name": "项目\u200b名称"}, ("invisible-characters", "project_name")),
    ({"project_name": "长" * 40000}, ("text-too-long", "project_name")),
]


@pytest.mark.parametrize("kind", [Kind.SURVEY, Kind.REGISTERED])
@pytest.mark.parametrize(("changes", "expected"), PROJECT_CASES)
def test_project_rules(kind: Kind, changes: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in issues(kind, **changes)


def test_gov_units_pass_in_their_tracks() -> None:
    assert issues(Kind.REGISTERED, credit_code=GOVERNMENT, unit_type="政府部门", track="城市治理", topic="x") == set()
    assert issues(Kind.REGISTERED, credit_code=INSTITUTION, unit_type="高等院校", track="现代农业") == set()


def test_jiebang_allowed_in_its_tracks() -> None:
    assert issues(Kind.SURVEY, track="工业制造", jiebang="是") == set()


def test_fullwidth_and_spacing_normalised() -> None:
    fullwidth = COMPANY.translate({ord(c): ord(c) + 0xFEE0 for c in COMPANY})
    outcome = validate_row(
        Kind.SURVEY, {**SURVEY_ROW, "credit_code": f" {fullwidth.lower()} ", "track": " 现代 农业 "}, CAMPAIGN
    )
    assert outcome.issues == []
    assert outcome.values["credit_code"] == COMPANY


SURVEY_CASES = [
    ({"legal_person": "否"}, ("not-legal-person", "legal_person")),
    ({"legal_person": None}, ("required-missing", "legal_person")),
    ({"applied": "否"}, ("not-applied", "applied")),
    ({"summary": None}, ("required-missing", "summary")),
    ({"platform_registered": "报了"}, ("choice-invalid", "platform_registered")),
]


@pytest.mark.parametrize(("changes", "expected"), SURVEY_CASES)
def test_survey_rules(changes: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in issues(Kind.SURVEY, **changes)


REGISTERED_CASES = [
    ({"status": "已报"}, ("choice-invalid", "status")),
    ({"registered_on": "2025年8月1日"}, ("date-outside-registration", "registered_on")),
    ({"registered_on": "下周"}, ("date-invalid", "registered_on")),
    ({"registered_on": None}, ("required-missing", "registered_on")),
    ({"division": "石家庄赛区"}, ("division-invalid", "division")),
]


@pytest.mark.parametrize(("changes", "expected"), REGISTERED_CASES)
def test_registered_rules(changes: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in issues(Kind.REGISTERED, **changes)


@pytest.mark.parametrize(
    "form", ["2025-06-20", "2025/6/20", "2025.6.20", "2025年6月20日", 45828.0, dt.datetime(2025, 6, 20)]
)
def test_registration_date_forms(form: object) -> None:
    outcome = validate_row(Kind.REGISTERED, {**REGISTERED_ROW, "registered_on": form}, CAMPAIGN)
    assert outcome.issues == []
    assert outcome.values["registered_on"] == dt.date(2025, 6, 20)


CONTACT_CASES = [
    ({"unit": "怀来"}, ("unit-not-registered", "unit")),
    ({"role": "领导"}, ("choice-invalid", "role")),
    ({"name": None}, ("required-missing", "name")),
    ({"position": None}, ("required-missing", "position")),
    ({"office_phone": "7680129"}, ("landline-invalid", "office_phone")),
    ({"mobile": "1381234567"}, ("mobile-invalid", "mobile")),
    ({"mobile": "0313-7680129"}, ("mobile-invalid", "mobile")),
    ({"email": "lisi.example.com"}, ("email-invalid", "email")),
    ({"email": None}, ("email-missing", "email")),
]


@pytest.mark.parametrize(("changes", "expected"), CONTACT_CASES)
def test_contact_rules(changes: dict[str, object], expected: tuple[str, str]) -> None:
    assert expected in issues(Kind.CONTACTS, **changes)


def test_leader_needs_no_email() -> None:
    assert issues(Kind.CONTACTS, role="主管领导", email=None) == set()


def test_registry_aliases_accepted() -> None:
    outcome = validate_row(Kind.CONTACTS, {**CONTACT_ROW, "unit": "张家口经济技术开发区"}, CAMPAIGN)
    assert outcome.values["unit"] == "经开区"


def test_suggestion_in_message() -> None:
    from zjkcollect.findings import make_finding

    outcome = validate_row(Kind.SURVEY, {**SURVEY_ROW, "track": "工业制造业"}, CAMPAIGN)
    issue = next(i for i in outcome.issues if i.rule == "track-unknown")
    finding = make_finding(issue.rule, file="f", field="参赛赛道", value=issue.value, **issue.context)
    assert "工业制造" in issue.context["hint"]
    assert finding.message.count("工业制造") >= 2


def test_every_rule_code_has_a_severity() -> None:
    assert all(rule.severity in {"error", "warning"} for rule in RULES.values())


# --- obvious decorations of a choice -------------------------------------------------------------

TRACK_DECORATIONS = [
    "{}赛道",
    "{} 赛道",
    "{}\u3000赛道",
    "{}\t赛道 ",
    "“{}”赛道",
    "“{}赛道”",
    "【{}】",
    "《{}赛道》",
    "（{}）",
    "{}、",
    "{}；",
    "{}赛道。",
]


def _outcome(kind: Kind, **changes: object):
    return validate_row(kind, {**BASE[kind], **changes}, CAMPAIGN)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([Kind.SURVEY, Kind.REGISTERED]),
    st.sampled_from(CAMPAIGN.track_names),
    st.sampled_from(TRACK_DECORATIONS),
)
def test_a_decorated_track_is_the_track_with_a_warning(kind: Kind, track: str, decoration: str) -> None:
    """Whatever the track and the decoration: the catalog name, and the plain row's issues plus one warning."""
    plain = _outcome(kind, track=track)
    decorated = _outcome(kind, track=decoration.format(track))
    assert decorated.values["track"] == track == plain.values["track"]
    extra = [issue for issue in decorated.issues if issue not in plain.issues]
    assert [(issue.rule, issue.field, issue.context) for issue in extra] == [
        ("track-decorated", "track", {"track": track})
    ]
    assert decorated.has_error == plain.has_error


def test_the_decorated_track_warning_names_the_catalog_name() -> None:
    from zjkcollect.findings import Severity, make_finding

    issue = next(i for i in _outcome(Kind.REGISTERED, track="工业制造 赛道").issues if i.rule == "track-decorated")
    finding = make_finding(issue.rule, file="f", field="参赛赛道", value=issue.value, **issue.context)
    assert finding.severity is Severity.WARNING
    assert "“工业制造”" in finding.message and "工业制造 赛道" in finding.message


@pytest.mark.parametrize("track", ["工业制造", " 工业 制造 ", "工业制造\n"])
def test_a_plain_track_needs_no_warning(track: str) -> None:
    outcome = _outcome(Kind.REGISTERED, track=track)
    assert outcome.issues == [] and outcome.values["track"] == "工业制造"


@pytest.mark.parametrize(
    ("track", "expected"),
    [
        ("赛道", "track-unknown"),
        ("工业制造业赛道", "track-unknown"),
        ("“”", "track-unknown"),
        ("工业制造赛道赛道x", "track-unknown"),
        ("工业制造赛道、城市治理赛道", "multiple-tracks"),
        ("【工业制造】/【绿色低碳】", "multiple-tracks"),
    ],
)
def test_decoration_does_not_make_a_wrong_track_right(track: str, expected: str) -> None:
    assert issues(Kind.REGISTERED, track=track) == {(expected, "track")}


def test_a_decorated_track_still_meets_the_other_track_rules() -> None:
    found = issues(Kind.REGISTERED, credit_code=GOVERNMENT, unit_type="政府部门", track="工业制造赛道")
    assert found == {("track-decorated", "track"), ("gov-track-not-allowed", "track")}
    assert issues(Kind.SURVEY, track="现代农业赛道", jiebang="是") == {
        ("track-decorated", "track"),
        ("jiebang-not-allowed", "jiebang"),
    }
    assert issues(Kind.SURVEY, track="工业制造赛道", jiebang="是") == {("track-decorated", "track")}


@pytest.mark.parametrize("topic", ["区域产业协同赛题", "“区域产业协同”", "区域产业协同 赛题", "《区域产业协同》赛题"])
def test_a_decorated_listed_topic_is_the_topic_with_a_warning(topic: str) -> None:
    outcome = _outcome(Kind.REGISTERED, track="京津冀协同发展", topic=topic)
    assert [(i.rule, i.field, i.context) for i in outcome.issues] == [
        ("topic-decorated", "topic", {"track": "京津冀协同发展", "topic": "区域产业协同"})
    ]
    assert outcome.values["topic"] == "区域产业协同"


def test_a_listed_topic_with_other_spacing_is_the_topic() -> None:
    outcome = _outcome(Kind.REGISTERED, track="京津冀协同发展", topic="区域 产业协同")
    assert outcome.issues == [] and outcome.values["topic"] == "区域产业协同"


def test_a_decorated_closed_topic_is_still_closed() -> None:
    assert issues(Kind.REGISTERED, track="开放创新", topic="公共数据与社会数据融合应用赛题") == {
        ("topic-closed", "topic")
    }


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=1, max_value=17), st.sampled_from([" ", "\u3000", "\t", "\u00a0", "  "]))
def test_a_space_inside_the_credit_code_is_an_error_there(position: int, space: str) -> None:
    outcome = _outcome(Kind.REGISTERED, credit_code=COMPANY[:position] + space + COMPANY[position:])
    assert [(i.rule, i.field, i.context) for i in outcome.issues] == [
        ("uscc-inner-space", "credit_code", {"after": str(position)})
    ]
    assert outcome.has_error


def test_spaces_around_the_credit_code_are_fine() -> None:
    outcome = _outcome(Kind.REGISTERED, credit_code=f"\u3000 {COMPANY}\t")
    assert outcome.issues == [] and outcome.values["credit_code"] == COMPANY


YES_NO_MARKS = [
    ("√", "是"),
    ("✓", "是"),
    ("✔", "是"),
    ("是的", "是"),
    ("Y", "是"),
    ("y", "是"),
    ("yes", "是"),
    ("YES", "是"),
    ("有", "是"),
    ("对", "是"),
    (True, "是"),
    ("×", "否"),
    ("✗", "否"),
    ("x", "否"),
    ("N", "否"),
    ("no", "否"),
    ("无", "否"),
    ("错", "否"),
    ("不是", "否"),
    ("没有", "否"),
    (False, "否"),
]


@pytest.mark.parametrize(("mark", "meant"), YES_NO_MARKS)
@pytest.mark.parametrize("field", ["legal_person", "applied", "platform_registered", "jiebang"])
def test_a_yes_no_mark_stays_an_error_with_what_it_means(field: str, mark: object, meant: str) -> None:
    outcome = _outcome(Kind.SURVEY, **{field: mark})
    found = [issue for issue in outcome.issues if issue.field == field]
    assert [issue.rule for issue in found] == ["choice-invalid"]
    other = "否" if meant == "是" else "是"
    assert f"“{meant}”" in found[0].context["hint"] and f"“{other}”" not in found[0].context["hint"]
    assert outcome.has_error


@pytest.mark.parametrize("value", ["可能", "待定", "?"])
def test_a_yes_no_cell_without_a_likely_meaning_gets_no_guess(value: str) -> None:
    found = [i for i in _outcome(Kind.SURVEY, platform_registered=value).issues if i.field == "platform_registered"]
    assert [(i.rule, i.context["hint"]) for i in found] == [("choice-invalid", "")]


def test_other_choices_are_not_read_as_yes_no() -> None:
    # 已报名 is a registration status, not a yes: the mark table is for 是/否 cells only.
    found = [i for i in _outcome(Kind.REGISTERED, status="Y").issues if i.field == "status"]
    assert [i.rule for i in found] == ["choice-invalid"] and "已报名" not in found[0].context["hint"]
