"""The attachments as data: a column or an attachment is a campaign-file change, and a wrong spec says where.

The end-to-end tests write a changed campaign file (a new text column 项目负责人 in 附件3, a new
choice column 参赛组别 with its own list in 附件2 and 附件3, a fourth attachment 附件5 of existing
column kinds, columns listed in another order) and run make-templates → validate → merge on it.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from pathlib import Path

import openpyxl
import pytest

from tests.builders import W1, at, code, fill_template, person, project
from tests.specs import KINDS
from zjkcollect.attachments import ColumnKind, Kind, check_order
from zjkcollect.campaign import Campaign, load_campaign
from zjkcollect.errors import CampaignError
from zjkcollect.inbox import run_validation, validate_paths
from zjkcollect.layout import read_fingerprint
from zjkcollect.merge import run_merge
from zjkcollect.reader import Grid, WorkbookData
from zjkcollect.schemas import row_model, validate_row
from zjkcollect.templates import (
    FIRST_DATA_ROW,
    HEADER_ROW,
    legend_columns,
    write_templates,
)

SHIPPED = load_campaign()


def shipped_text() -> str:
    return resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text("utf-8")


def replaced(text: str, old: str, new: str) -> str:
    assert old in text, f"the campaign text no longer contains {old!r}"
    return text.replace(old, new, 1)


def load_text(tmp_path: Path, text: str, name: str = "campaign.toml") -> Campaign:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_campaign(path)


# --- the shipped file --------------------------------------------------------------------------


def test_the_shipped_attachments_are_the_three_roles_in_order() -> None:
    assert [(a.id, a.role, a.label) for a in SHIPPED.attachments] == [
        ("survey", Kind.SURVEY, "附件2"),
        ("weekly", Kind.REGISTERED, "附件3"),
        ("contacts", Kind.CONTACTS, "附件4"),
    ]
    assert KINDS == [Kind.SURVEY, Kind.REGISTERED, Kind.CONTACTS]


def test_a_shared_column_is_declared_once_and_used_by_several_attachments() -> None:
    survey, weekly = SHIPPED.attachment(Kind.SURVEY), SHIPPED.attachment(Kind.REGISTERED)
    assert survey.column("credit_code") == weekly.column("credit_code") == SHIPPED.columns["credit_code"]
    assert (
        weekly.column("status").kind is ColumnKind.CHOICE and weekly.column("status").choices == "registration_status"
    )
    assert survey.column("legal_person").rule == "not-legal-person"


def test_the_row_check_order_puts_each_column_after_the_field_its_rule_reads() -> None:
    for attachment in SHIPPED.attachments:
        for listed in (attachment.columns, tuple(reversed(attachment.columns))):
            order = [column.field for column in check_order(listed)]
            assert sorted(order) == sorted(column.field for column in listed)
            for before, after in (("credit_code", "unit_type"), ("unit_type", "track"), ("track", "topic")):
                if before in order and after in order:
                    assert order.index(before) < order.index(after), (attachment.id, before, after)
            if "role" in order:
                assert order.index("role") < order.index("email")
    assert list(row_model(SHIPPED.attachment(Kind.REGISTERED)).model_fields)[:5] == [
        "serial",
        "project_name",
        "unit_name",
        "credit_code",
        "unit_type",
    ]


# --- an inconsistent spec names its key, in Chinese ----------------------------------------------

BROKEN = {
    "unknown-column-kind": (
        ('[columns.note]\nheader = "备注"\nkind = "text"', '[columns.note]\nheader = "备注"\nkind = "memo"'),
        ["columns.note.kind", "memo", "registered_unit"],
    ),
    "choice-list-not-defined": (
        ('choices = "registration_status"', 'choices = "registration_states"'),
        ["columns.status.choices", "registration_states", "未在 [choices] 中定义"],
    ),
    "choice-without-list": (('choices = "person_roles"\n', ""), ["columns.role", "choices"]),
    "attachment-names-an-undefined-column": (
        ('"office_phone", "mobile", "email", "note"]', '"office_phone", "mobile", "email", "note", "wechat"]'),
        ["attachments 第3项（附件4）", "wechat", "[columns.wechat]"],
    ),
    "must-be-yes-rule-not-in-catalog": (
        ('rule = "not-applied"', 'rule = "not-aplied"'),
        ["columns.applied.rule", "not-aplied", "规则目录"],
    ),
    "two-weekly-attachments": (('role = "contacts"', 'role = "weekly"'), ["weekly", "有且只有1个", "2个"]),
    "program-field-of-another-kind": (
        (
            '[columns.track]\nheader = "参赛赛道"\nvariants = ["赛道"]\nkind = "track"',
            '[columns.track]\nheader = "参赛赛道"\nvariants = ["赛道"]\nkind = "text"',
        ),
        ["columns.track", "track"],
    ),
    "role-needs-its-fields": (
        ('"jiebang", "status", "registered_on"', '"jiebang", "registered_on"'),
        ["attachments 第2项（附件3）", "status"],
    ),
    "column-listed-twice": (
        ('columns = ["serial", "unit", "role"', 'columns = ["serial", "unit", "unit", "role"'),
        ["attachments 第3项（附件4）.columns", "unit", "重复"],
    ),
    "label-not-a-sheet-name": (
        ('label = "附件4"', 'label = "附件4/联系人"'),
        ["attachments 第3项（附件4/联系人）.label"],
    ),
    "label-taken-by-the-program": (
        ('label = "附件4"', 'label = "填表说明"'),
        ["attachments 第3项（填表说明）.label", "程序自用"],
    ),
    "duplicate-label": (('label = "附件4"', 'label = "附件3"'), ["label", "附件3", "重复"]),
    "choice-list-named-in-chinese": (
        ('staff_role = "具体负责人"\n', 'staff_role = "具体负责人"\n"参赛组别" = ["初创组"]\n'),
        ["choices.参赛组别", "小写英文字母"],
    ),
    "choice-list-empty": (
        ('staff_role = "具体负责人"\n', 'staff_role = "具体负责人"\ngroups = []\n'),
        ["choices.groups"],
    ),
}

OTHER_ATTACHMENT = """
[[attachments]]
role = "other"
{id_line}label = "附件5"
title = "数据要素典型应用案例表"
file_stem = "附件5-数据要素典型应用案例表"
date_label = "填报日期"
columns = [{columns}]
"""

BROKEN_APPENDED = {
    "other-without-id": (
        OTHER_ATTACHMENT.format(id_line="", columns='"serial", "project_name", "credit_code", "note"'),
        ["attachments 第4项.id", "缺少必填项"],
    ),
    "other-with-a-role-as-id": (
        OTHER_ATTACHMENT.format(id_line='id = "weekly"\n', columns='"serial", "project_name", "credit_code", "note"'),
        ["attachments 第4项（附件5）.id"],
    ),
    "topic-without-track": (
        OTHER_ATTACHMENT.format(id_line='id = "cases"\n', columns='"serial", "project_name", "topic", "note"'),
        ["attachments 第4项（附件5）", "track"],
    ),
    "too-few-columns": (
        OTHER_ATTACHMENT.format(id_line='id = "cases"\n', columns='"project_name", "note"'),
        ["attachments 第4项（附件5）.columns", "至少需要4个栏目"],
    ),
}


@pytest.mark.parametrize("case", [*BROKEN, *BROKEN_APPENDED])
def test_an_inconsistent_spec_is_a_chinese_error_naming_the_key(tmp_path: Path, case: str) -> None:
    if case in BROKEN:
        (old, new), expected = BROKEN[case]
        text = replaced(shipped_text(), old, new)
    else:
        appended, expected = BROKEN_APPENDED[case]
        text = shipped_text() + appended
    with pytest.raises(CampaignError) as raised:
        load_text(tmp_path, text)
    message = str(raised.value)
    for part in expected:
        assert part in message, f"{case}: {part!r} not in {message!r}"
    assert "\n" not in message and "pydantic" not in message.lower() and "Value error" not in message


# --- a changed campaign, end to end ------------------------------------------------------------

NEW_COLUMNS = """
[columns.leader_name]
header = "项目负责人"
kind = "text"
required = true
width = 12
hint = "必填：项目负责人姓名"

[columns.group]
header = "参赛组别"
variants = ["组别"]
kind = "choice"
choices = "groups"
required = true
width = 10
hint = "必填：从下拉列表选择"

[columns.case_summary]
header = "典型案例简介"
kind = "text"
required = true
width = 40
hint = "必填：应用场景、数据来源和成效"

"""

CASES = """
[[attachments]]
role = "other"
id = "cases"
label = "附件5"
title = "数据要素典型应用案例表"
file_stem = "附件5-数据要素典型应用案例表"
date_label = "填报日期"
title_hints = ["典型应用案例"]
columns = ["serial", "project_name", "unit_name", "credit_code", "case_summary", "contact_name", "contact_phone", "note"]
"""


def changed_campaign_text() -> str:
    text = shipped_text()
    text = replaced(text, 'staff_role = "具体负责人"\n', 'staff_role = "具体负责人"\ngroups = ["初创组", "成长组"]\n')
    text = replaced(text, "[[attachments]]\n", NEW_COLUMNS + "[[attachments]]\n")
    # 附件2 gains 参赛组别 at its end; 附件3 gains 项目负责人 after the name and 参赛组别 after the topic,
    # and lists 赛题 before 赛道 and 赛道 before 单位类型 (the row check still sees them in rule order).
    text = replaced(
        text, '"contact_name", "contact_phone", "note",\n]', '"contact_name", "contact_phone", "note", "group",\n]'
    )
    text = replaced(
        text,
        '"serial", "project_name", "unit_name", "credit_code", "unit_type", "partners", "track", "topic",\n'
        '    "jiebang", "status",',
        '"serial", "project_name", "leader_name", "unit_name", "credit_code", "topic", "group", "track",\n'
        '    "unit_type", "partners", "jiebang", "status",',
    )
    return text + CASES


@pytest.fixture(scope="module")
def changed(tmp_path_factory: pytest.TempPathFactory) -> Campaign:
    return load_text(tmp_path_factory.mktemp("campaign"), changed_campaign_text())


def test_a_changed_campaign_loads_with_its_new_columns_and_attachment(changed: Campaign) -> None:
    weekly = changed.attachment(Kind.REGISTERED)
    assert [c.field for c in weekly.columns][:8] == [
        "serial",
        "project_name",
        "leader_name",
        "unit_name",
        "credit_code",
        "topic",
        "group",
        "track",
    ]
    order = [c.field for c in weekly.check_order]
    assert order.index("credit_code") < order.index("unit_type") < order.index("track") < order.index("topic")
    assert changed.choice_list("groups") == ["初创组", "成长组"]
    cases = changed.attachment("cases")
    assert (cases.role, cases.label, cases.holds_projects) == (Kind.OTHER, "附件5", False)
    assert changed.find_attachment("附件5") is cases


def test_new_columns_are_checked_by_their_kind(changed: Campaign) -> None:
    weekly = changed.attachment(Kind.REGISTERED)
    row = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231", leader_name="王五", group="成长组")
    assert validate_row(weekly, row, changed).issues == []
    broken = {**row, "leader_name": None, "group": "大企业组"}
    assert {(issue.rule, issue.field) for issue in validate_row(weekly, broken, changed).issues} == {
        ("required-missing", "leader_name"),
        ("choice-invalid", "group"),
    }
    # listed before unit type and track in the file, the cross-column rules still apply
    government = {
        **row,
        "unit_type": "政府部门",
        "credit_code": code("00000001", registration="11"),
        "track": "工业制造",
    }
    assert ("gov-track-not-allowed", "track") in {
        (issue.rule, issue.field) for issue in validate_row(weekly, government, changed).issues
    }
    topic = {**row, "topic": "公共数据与社会数据融合应用", "track": "开放创新"}
    assert ("topic-closed", "topic") in {(i.rule, i.field) for i in validate_row(weekly, topic, changed).issues}


def test_make_templates_validate_and_merge_run_on_the_changed_campaign(changed: Campaign, tmp_path: Path) -> None:
    blank = write_templates(changed, tmp_path / "templates")
    assert [path.name for path in blank] == [f"{a.file_stem}.xlsx" for a in changed.attachments]
    assert blank[-1].name == "附件5-数据要素典型应用案例表.xlsx"
    survey, weekly, contacts, cases = (changed.attachment(kind) for kind in (*KINDS, "cases"))

    # The templates carry the new columns, their hints and the new list.
    book = openpyxl.load_workbook(blank[1])
    sheet = book["附件3"]
    headers = [sheet.cell(HEADER_ROW, index).value for index in range(1, len(weekly.columns) + 1)]
    assert headers == [column.header for column in weekly.columns]
    group_letter = openpyxl.utils.get_column_letter([c.field for c in weekly.columns].index("group") + 1)
    group_dv = next(dv for dv in sheet.data_validations.dataValidation if f"{group_letter}{FIRST_DATA_ROW}" in dv.sqref)
    assert group_dv.formula1 == "ZJK_GROUPS" and group_dv.promptTitle == "参赛组别"
    lists = book["_lists"]
    label_column = next(cell.column for cell in lists[1] if cell.value == "参赛组别")
    assert [lists.cell(row, label_column).value for row in (2, 3, 4)] == ["初创组", "成长组", None]
    cases_book = openpyxl.load_workbook(blank[3])
    title_column = legend_columns(cases)[1] + 1  # the title follows the self-check legend
    assert cases_book.sheetnames[0] == "附件5"
    assert cases_book["附件5"].cell(1, title_column).value == "数据要素典型应用案例表"
    assert dict(cases_book["_zjkcollect"].iter_rows(values_only=True))["kind"] == "cases"

    inbox = tmp_path / "inbox"
    good = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231", leader_name="王五", group="成长组")
    bad_group = project(
        "风电运维",
        "张家口乙能源有限公司",
        "MA0F1232",
        leader_name=None,
        group="大企业组",
        track="绿色低碳",
        topic="碳排放核算",
    )
    fill_template(blank[1], inbox / "怀来县" / "附件3.xlsx", weekly, "怀来县", W1, [good, bad_group])
    fill_template(blank[0], inbox / "怀来县" / "附件2.xlsx", survey, "怀来县", dt.date(2025, 6, 20), [good])
    people = [
        person("怀来县", "主管领导", "赵六", "13900000001"),
        person("怀来县", "具体负责人", "钱七", "13900000002"),
    ]
    fill_template(blank[2], inbox / "怀来县" / "附件4.xlsx", contacts, "怀来县", dt.date(2025, 6, 20), people)
    case_rows = [
        {**good, "case_summary": "汇聚设备数据，预测性维护"},
        {**good, "project_name": "二号案例", "credit_code": code("MA0F1231")[:17] + "0", "case_summary": None},
    ]
    fill_template(blank[3], inbox / "怀来县" / "附件5.xlsx", cases, "怀来县", dt.date(2025, 6, 20), case_rows)

    run = run_validation(
        [(path, path.name) for path in sorted(inbox.rglob("*.xlsx"))],
        changed,
        tmp_path / "out",
        tmp_path / "report.json",
    )
    by_file = {result.label: result for result in run.report.files}
    assert {label: (result.kinds, len(result.rows)) for label, result in by_file.items()} == {
        "附件2.xlsx": ("附件2", 1),
        "附件3.xlsx": ("附件3", 2),
        "附件4.xlsx": ("附件4", 2),
        "附件5.xlsx": ("附件5", 2),
    }
    found = {(f.file, f.rule, f.cell) for f in run.report.findings}
    weekly_letters = {c.field: openpyxl.utils.get_column_letter(i) for i, c in enumerate(weekly.columns, start=1)}
    row = FIRST_DATA_ROW + 1
    assert found >= {
        ("附件3.xlsx", "required-missing", f"{weekly_letters['leader_name']}{row}"),
        ("附件3.xlsx", "choice-invalid", f"{weekly_letters['group']}{row}"),
        ("附件5.xlsx", "uscc-checksum", f"D{row}"),
        ("附件5.xlsx", "required-missing", f"E{row}"),
    }
    assert not {item for item in found if item[0] in ("附件2.xlsx", "附件4.xlsx")}
    report = json.loads((tmp_path / "report.json").read_text("utf-8"))
    assert sorted(table["kind"] for entry in report["files"] for table in entry["tables"]) == [
        "附件2",
        "附件3",
        "附件4",
        "附件5",
    ]

    out = tmp_path / "merged"
    merged = run_merge(changed, W1, inbox, out, tmp_path / "zjkcollect.db", now=at(W1))
    assert [project.get("project_name") for project in merged.rollup.projects] == ["智慧工厂"]
    # the roll-up holds its projects slim; 项目明细 shows the new column's value, read back from the ledger
    details = openpyxl.load_workbook(merged.rollup_path)["项目明细"]
    shown = dict(zip([cell.value for cell in details[3]], [cell.value for cell in details[4]], strict=True))
    assert shown[weekly.column("leader_name").header] == "王五"
    assert {(p.kind, p.rule) for p in merged.rollup.problems} >= {
        ("附件3", "required-missing"),
        ("附件3", "choice-invalid"),
        ("附件5", "uscc-checksum"),
    }
    consolidated = openpyxl.load_workbook(merged.consolidated_path)["附件3"]
    assert [cell.value for cell in consolidated[HEADER_ROW]] == [column.header for column in weekly.columns]
    values = {
        column.field: consolidated.cell(FIRST_DATA_ROW, index).value for index, column in enumerate(weekly.columns, 1)
    }
    assert (values["leader_name"], values["group"]) == ("王五", "成长组")
    # the city's own 附件3 reads back clean under the changed campaign
    [again] = validate_paths([merged.consolidated_path], changed).files
    assert (again.kinds, len(again.rows), again.findings) == ("附件3", 1, [])


# --- templates made before attachments had ids ---------------------------------------------------


def _fingerprinted(kind: object) -> WorkbookData:
    grid = Grid(name="_zjkcollect", rows=[["zjkcollect-template", "1"], ["kind", kind], ["template_version", "2025.1"]])
    return WorkbookData(path=Path("x.xlsx"), format="xlsx", sheets=[grid])


@pytest.mark.parametrize(
    ("written", "read"),
    [("附件3", "weekly"), ("附件2", "survey"), ("contacts", "contacts"), ("weekly", "weekly"), ("附件9", None)],
)
def test_a_fingerprint_holds_the_id_or_in_older_templates_the_label(written: str, read: str | None) -> None:
    fingerprint = read_fingerprint(_fingerprinted(written), SHIPPED)
    assert fingerprint is not None and fingerprint.kind == read


# --- columns the template does not have -----------------------------------------------------------


def test_extra_columns_are_listed_per_table_and_nothing_else_changes(tmp_path: Path) -> None:
    from tests.workbooks import project_row, write_workbook

    plain = write_workbook(tmp_path / "plain.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED)])
    extra = write_workbook(
        tmp_path / "extra.xlsx",
        Kind.REGISTERED,
        [project_row(Kind.REGISTERED)],
        extra_columns=["审核意见", "内部\n编号"],
    )
    first, second = validate_paths([plain, extra], SHIPPED, workers=0).files
    assert first.summary()["tables"][0]["ignored_columns"] == []
    assert second.summary()["tables"][0]["ignored_columns"] == ["审核意见", "内部 编号"]
    assert (second.findings, [row.values for row in second.rows]) == ([], [row.values for row in first.rows])


def test_a_column_under_a_group_header_and_a_second_copy_of_a_column_are_listed(tmp_path: Path) -> None:
    attachment = SHIPPED.attachment(Kind.CONTACTS)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A1"], sheet["A2"], sheet["B2"] = attachment.title, "填报单位", "怀来县"
    sheet["F2"], sheet["G2"] = attachment.date_label, W1
    headers = [column.header for column in attachment.columns]
    for index, header in enumerate(headers, start=1):
        sheet.cell(3, index, header)
        sheet.merge_cells(start_row=3, start_column=index, end_row=4, end_column=index)
    width = len(headers)
    sheet.cell(3, width + 1, "其他信息")
    sheet.merge_cells(start_row=3, start_column=width + 1, end_row=3, end_column=width + 2)
    sheet.cell(4, width + 1, "微信号")
    sheet.cell(4, width + 2, "姓名")  # the template's 姓名 again, under the group: read once, the copy listed
    leader = person("怀来县", "主管领导", "赵六", "13900000001")
    staff = person("怀来县", "具体负责人", "钱七", "13900000002")
    for offset, row in enumerate((leader, staff)):
        for index, column in enumerate(attachment.columns, start=1):
            sheet.cell(5 + offset, index, offset + 1 if column.field == "serial" else row.get(column.field))
        sheet.cell(5 + offset, width + 1, "wx123")
    path = tmp_path / "附件4.xlsx"
    workbook.save(path)
    [result] = validate_paths([path], SHIPPED, workers=0).files
    assert result.summary()["tables"][0]["ignored_columns"] == ["其他信息／微信号", "其他信息／姓名"]
    assert (len(result.rows), result.findings) == (2, [])


def test_the_console_line_of_a_file_names_its_unread_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from tests.workbooks import project_row, write_workbook
    from zjkcollect import render
    from zjkcollect.cli import app

    monkeypatch.setattr(render.console, "_width", 200)  # one line per file, whatever the test terminal
    inbox = tmp_path / "收件箱"
    write_workbook(inbox / "a.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED)], extra_columns=["审核意见"])
    other = project_row(Kind.REGISTERED, project_name="另一个项目", credit_code=code("MA0F7777"))
    write_workbook(inbox / "b.xlsx", Kind.REGISTERED, [other], reporter="桥东区")
    report = tmp_path / "结果.json"
    result = CliRunner().invoke(app, ["validate", str(inbox), "--out", str(tmp_path / "out"), "--json", str(report)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()  # each file's name on a line of its own, what it is on the next
    assert result.output.count("未读取的列") == 1
    assert "✔ 通过；未读取的列：审核意见" in lines[lines.index("a.xlsx") + 1]
    files = json.loads(report.read_text("utf-8"))["files"]
    assert [entry["tables"][0]["ignored_columns"] for entry in files] == [["审核意见"], []]


# --- ledgers written when kinds were labels ----------------------------------------------------------


def test_a_version_3_ledger_stores_attachment_ids_after_the_upgrade(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from zjkcollect import ledger as ledger_module
    from zjkcollect.ledger import Ledger

    db = tmp_path / "zjkcollect.db"
    with monkeypatch.context() as patch:
        patch.setattr(ledger_module, "MIGRATIONS", ledger_module.MIGRATIONS[:3])
        patch.setattr(ledger_module, "SCHEMA_VERSION", 3)
        with Ledger(db) as old, old.transaction() as connection:
            # what version 3 of the program wrote: one workbook with a 附件2 and a 附件4, and a 附件3
            for sha, kind, sheet in (("aa", "附件2", "附件2"), ("bb", "附件3", "附件3")):
                connection.execute(
                    "INSERT INTO files VALUES (?, 'inbox/x.xlsx', 'x.xlsx', 'archive/x.xlsx', '桥东区', 1, ?,"
                    " '2025-06-26', NULL, '2025-06-26T09:30:00', 0.0, 'ok', 1, 0, 0, 'xlsx', ?, '{}', 'stamp')",
                    (sha, kind, sheet),
                )
            tables = (("aa", 0, "附件2"), ("aa", 1, "附件4"), ("bb", 0, "附件3"))
            for sha, seq, kind in tables:
                connection.execute(
                    "INSERT INTO tables VALUES (?, ?, ?, ?, ?, '桥东区', 1, '2025-06-26', NULL, 1, '{}')",
                    (sha, seq, seq, kind, kind),
                )
            connection.execute("INSERT INTO rows VALUES ('bb', 0, 4, 0, '{\"registered_on\": \"2025-06-20\"}', '{}')")
    with Ledger(db) as upgraded:
        kinds = upgraded.connection.execute("SELECT file_sha, seq, kind FROM tables ORDER BY file_sha, seq").fetchall()
        files = upgraded.connection.execute("SELECT sha256, kind FROM files ORDER BY sha256").fetchall()
        submissions = upgraded.submissions(SHIPPED)
    assert kinds == [("aa", 0, "survey"), ("aa", 1, "contacts"), ("bb", 0, "weekly")]
    assert files == [("aa", "survey"), ("bb", "weekly")]
    assert [submission.file.kind for submission in submissions] == [Kind.SURVEY, Kind.CONTACTS, Kind.REGISTERED]
    # the weekly attachment's date column is read back as a date, found through the campaign
    assert submissions[2].rows[0].values == {"registered_on": dt.date(2025, 6, 20)}
