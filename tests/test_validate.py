"""validate: layouts reporters really send, file rules, inbox rules, the JSON and the exit codes."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.workbooks import (
    BAD_CHECKSUM,
    COMPANY,
    COMPANY_2,
    contact_row,
    libreoffice_convert,
    project_row,
    write_workbook,
)
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.cli import app
from zjkcollect.inbox import validate_paths
from zjkcollect.markup import ISSUES_SHEET, write_marked_copies

CAMPAIGN = load_campaign()
R = Kind.REGISTERED


def pairs(path: Path | list[Path]) -> set[tuple[str, str | None]]:
    paths = path if isinstance(path, list) else [path]
    report = validate_paths(paths, CAMPAIGN)
    return {(finding.rule, finding.cell) for finding in report.findings}


def one(path: Path):
    return validate_paths([path], CAMPAIGN).files[0]


# --- layouts ------------------------------------------------------------------------------------


def test_canonical_layout_is_clean(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", R, [project_row(R)])
    result = one(path)
    assert (result.kind, result.reporter, result.date, len(result.rows)) == (R, "怀来县", dt.date(2025, 6, 26), 1)
    assert result.findings == []


@pytest.mark.parametrize(
    "mess",
    [
        {"rows_above": 3},
        {"inline_labels": True},
        {"column_order": list(reversed([c for c in project_row(R)]))},
        {"extra_columns": ["审核意见", "内部编号"]},
        {"footer": "填表人：王五"},
        {"blank_rows_between": 2},
        {"sheet_before": True},
        {
            "header_text": {
                "credit_code": "统一社会\n信用代码*",
                "unit_name": "参赛单位名称(牵头单位)（必填）",
                "track": " 参赛 赛道 ",
            }
        },
    ],
    ids=[
        "rows-above",
        "inline-labels",
        "reordered",
        "extra-columns",
        "footer",
        "blank-rows",
        "second-sheet",
        "header-variants",
    ],
)
def test_messy_layouts_read_the_same(tmp_path: Path, mess: dict[str, object]) -> None:
    rows = [project_row(R), project_row(R, project_name="第二个项目", credit_code=COMPANY_2, unit_name="桥东某公司")]
    path = write_workbook(tmp_path / "messy.xlsx", R, rows, **mess)
    result = one(path)
    assert result.kind is R
    assert result.reporter == "怀来县"
    assert result.date == dt.date(2025, 6, 26)
    assert [row.values["project_name"] for row in result.rows] == ["智慧葡萄园数据平台", "第二个项目"]
    assert result.findings == []


def test_cells_are_the_sheets_own(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R, credit_code=BAD_CHECKSUM)]
    path = write_workbook(tmp_path / "a.xlsx", R, rows, rows_above=2)
    # header on row 5, data rows 6 and 7; credit code is column D
    assert ("uscc-checksum", "D7") in pairs(path)


def test_reordered_columns_point_at_the_right_cell(tmp_path: Path) -> None:
    order = [
        "track",
        "project_name",
        "unit_name",
        "credit_code",
        "unit_type",
        "topic",
        "status",
        "registered_on",
        "division",
        "contact_name",
        "contact_phone",
    ]
    path = write_workbook(tmp_path / "a.xlsx", R, [project_row(R, track="工业制造业")], column_order=order)
    assert pairs(path) == {("track-unknown", "A4")}


def test_missing_column_reported_once(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R, project_name="二", credit_code=COMPANY_2)]
    path = write_workbook(tmp_path / "a.xlsx", R, rows, drop_columns=["division"])
    found = validate_paths([path], CAMPAIGN).findings
    assert [(f.rule, f.field, f.row) for f in found] == [("column-missing", "参赛赛区", 3)]


def test_kind_from_content_not_name(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "附件2.xlsx", Kind.CONTACTS, [contact_row(), contact_row(role="主管领导", email=None)]
    )
    assert one(path).kind is Kind.CONTACTS
    renamed = tmp_path / "report.xls"  # an xlsx renamed to .xls
    shutil.copy(path, renamed)
    result = one(renamed)
    assert result.kind is Kind.CONTACTS and result.format == "xlsx" and result.findings == []


def test_numbers_stored_as_floats(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", R, [project_row(R, contact_phone=13812345678, serial=1.0)])
    assert pairs(path) == {("stored-as-number", "N4")}


def test_fullwidth_text(tmp_path: Path) -> None:
    fullwidth = COMPANY.translate({ord(c): ord(c) + 0xFEE0 for c in COMPANY})
    path = write_workbook(
        tmp_path / "a.xlsx", R, [project_row(R, credit_code=fullwidth, contact_phone="１３８１２３４５６７８")]
    )
    assert pairs(path) == set()


def test_merged_cells_in_data_fill_down(tmp_path: Path) -> None:
    path = write_workbook(
        tmp_path / "a.xlsx", R, [project_row(R), project_row(R, project_name="二期", unit_name=None, credit_code=None)]
    )
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet.merge_cells("C4:C5")
    sheet.merge_cells("D4:D5")
    workbook.save(path)
    result = one(path)
    assert result.findings == []
    assert result.rows[1].values["credit_code"] == COMPANY


def test_lock_file_and_non_spreadsheet_are_noted(tmp_path: Path) -> None:
    (tmp_path / "~$附件3.xlsx").write_bytes(b"\x00" * 165)
    (tmp_path / "说明.txt").write_text("请查收", encoding="utf-8")
    write_workbook(tmp_path / "good.xlsx", R, [project_row(R)])
    report = validate_paths([tmp_path], CAMPAIGN)
    rules = {(Path(f.file).name, f.rule) for f in report.findings}
    assert rules == {("~$附件3.xlsx", "lock-file"), ("说明.txt", "not-spreadsheet")}
    assert not report.has_errors


# --- file rules ---------------------------------------------------------------------------------


def test_reporter_rules(tmp_path: Path) -> None:
    assert pairs(write_workbook(tmp_path / "a.xlsx", R, [project_row(R)], reporter=None)) == {
        ("reporter-missing", "B2")
    }
    found = validate_paths(
        [write_workbook(tmp_path / "b.xlsx", R, [project_row(R)], reporter="怀来")], CAMPAIGN
    ).findings
    assert [(f.rule, f.cell) for f in found] == [("reporter-unknown", "B2")]
    assert "怀来县" in found[0].message


def test_date_rules(tmp_path: Path) -> None:
    assert pairs(write_workbook(tmp_path / "a.xlsx", R, [project_row(R)], date=dt.date(2025, 6, 25))) == {
        ("report-date-not-week", "G2")
    }
    assert pairs(write_workbook(tmp_path / "b.xlsx", R, [project_row(R)], date=None)) == {("date-missing", "G2")}
    assert pairs(write_workbook(tmp_path / "c.xlsx", R, [project_row(R)], date="六月底")) == {("date-invalid", "G2")}
    late = write_workbook(tmp_path / "d.xlsx", Kind.SURVEY, [project_row(Kind.SURVEY)], date="2025年6月24日")
    assert pairs(late) == {("survey-late", "G2")}


def test_same_project_twice_in_one_file(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R), project_row(R, track="工业制造", topic="工业数据应用")]
    found = pairs(write_workbook(tmp_path / "a.xlsx", R, rows))
    assert found == {
        ("duplicate-row", "G5"),
        ("project-multiple-topics", "G4"),
        ("project-multiple-topics", "G5"),
        ("project-multiple-topics", "G6"),
    }


def test_contacts_leader_and_staff(tmp_path: Path) -> None:
    ok = [contact_row(role="主管领导", name="王局长", email=None), contact_row()]
    assert pairs(write_workbook(tmp_path / "a.xlsx", Kind.CONTACTS, ok)) == set()
    two_leaders = [contact_row(role="主管领导", email=None), contact_row(role="主管领导", name="赵", email=None)]
    assert pairs(write_workbook(tmp_path / "b.xlsx", Kind.CONTACTS, two_leaders)) == {
        ("contacts-leader-count", "C4"),
        ("contacts-staff-missing", "C4"),
    }


def test_old_template_version_warns(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", R, [project_row(R)])
    workbook = openpyxl.load_workbook(path)
    meta = workbook.create_sheet("_zjkcollect")
    for row in (("zjkcollect-template", "1"), ("kind", "附件3"), ("template_version", "2024.1")):
        meta.append(row)
    meta.sheet_state = "hidden"
    workbook.save(path)
    assert pairs(path) == {("template-old-version", None)}


# --- inbox rules --------------------------------------------------------------------------------


def test_conflict_across_files_names_both_places(tmp_path: Path) -> None:
    write_workbook(tmp_path / "a.xlsx", R, [project_row(R)], reporter="怀来县")
    write_workbook(
        tmp_path / "b.xlsx", R, [project_row(R, track="工业制造", topic="工业数据应用")], reporter="市工信局"
    )
    report = validate_paths([tmp_path], CAMPAIGN)
    found = {(Path(f.file).name, f.rule, f.cell) for f in report.findings}
    assert found == {("a.xlsx", "project-conflict", "G4"), ("b.xlsx", "project-conflict", "G4")}
    message = next(f.message for f in report.findings if f.file.endswith("a.xlsx"))
    assert "b.xlsx" in message


def test_same_project_by_two_reporters_is_a_duplicate(tmp_path: Path) -> None:
    write_workbook(tmp_path / "a.xlsx", R, [project_row(R)], reporter="怀来县")
    write_workbook(tmp_path / "b.xlsx", R, [project_row(R)], reporter="市农业农村局")
    found = {(Path(f.file).name, f.rule) for f in validate_paths([tmp_path], CAMPAIGN).findings}
    assert found == {("a.xlsx", "project-duplicate-reporters"), ("b.xlsx", "project-duplicate-reporters")}


def test_later_resend_supersedes_whatever_the_order(tmp_path: Path) -> None:
    first = write_workbook(tmp_path / "z-new.xlsx", R, [project_row(R)], date=dt.date(2025, 6, 26))
    second = write_workbook(
        tmp_path / "a-old.xlsx", R, [project_row(R, track="工业制造", topic="x")], date=dt.date(2025, 6, 24)
    )
    for order in ([first, second], [second, first]):
        found = {(Path(f.file).name, f.rule) for f in validate_paths(order, CAMPAIGN).findings}
        assert ("a-old.xlsx", "superseded") in found
        assert ("z-new.xlsx", "superseded") not in found
        assert not any(rule == "project-conflict" for _, rule in found)


def test_verdict_independent_of_names_and_order(tmp_path: Path) -> None:
    rows_a = [project_row(R), project_row(R, project_name="二", credit_code=BAD_CHECKSUM)]
    rows_b = [project_row(R, track="工业制造", topic="t")]
    write_workbook(tmp_path / "one" / "甲.xlsx", R, rows_a, reporter="怀来县")
    write_workbook(tmp_path / "one" / "乙.xlsx", R, rows_b, reporter="市工信局")
    write_workbook(tmp_path / "two" / "zz.xlsx", R, rows_a, reporter="怀来县")
    write_workbook(tmp_path / "two" / "aa.xlsx", R, rows_b, reporter="市工信局")

    def verdicts(folder: Path) -> list[tuple[str | None, list[tuple[str, str | None]]]]:
        report = validate_paths([folder], CAMPAIGN)
        return sorted((r.reporter, sorted((f.rule, f.cell) for f in r.findings)) for r in report.files)

    assert verdicts(tmp_path / "one") == verdicts(tmp_path / "two")


# --- marked-up copies ---------------------------------------------------------------------------


def test_marked_copy_keeps_data_and_gives_the_same_findings(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.com","点我")'
    rows = [project_row(R, track="工业制造业", note=hostile), project_row(R, project_name="二", contact_phone="123")]
    path = write_workbook(tmp_path / "inbox" / "怀来县.xlsx", R, rows)
    before = path.read_bytes()
    report = validate_paths([path], CAMPAIGN)
    copies = write_marked_copies(report, tmp_path / "out")
    assert path.read_bytes() == before
    assert [c.name for c in copies] == ["怀来县.xlsx"]
    workbook = openpyxl.load_workbook(copies[0])
    assert workbook.sheetnames[0] == ISSUES_SHEET
    data = workbook[workbook.sheetnames[1]]
    assert data["G4"].fill.fgColor.rgb.endswith("FFC7CE") and data["G4"].comment is not None
    assert data["O4"].value == hostile and data["O4"].data_type == "s"
    issues = workbook[ISSUES_SHEET]
    assert issues["D3"].hyperlink.location.endswith("!G4")
    again = {(f.rule, f.cell) for f in validate_paths([copies[0]], CAMPAIGN).findings}
    assert again == {(f.rule, f.cell) for f in report.findings}


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过真实客户端测试")
@pytest.mark.parametrize("target", ["xls", "ods"])
def test_libreoffice_formats_read_identically(tmp_path: Path, target: str) -> None:
    rows = [project_row(R), project_row(R, project_name="二", credit_code=BAD_CHECKSUM, track="工业制造业")]
    source = write_workbook(tmp_path / "src" / "a.xlsx", R, rows)
    converted = libreoffice_convert(source, target, tmp_path / "conv")
    original = validate_paths([source], CAMPAIGN)
    other = validate_paths([converted], CAMPAIGN)
    assert other.files[0].format == target
    assert {(f.rule, f.cell) for f in other.findings} == {(f.rule, f.cell) for f in original.findings}
    assert [r.values for r in other.files[0].rows] == [r.values for r in original.files[0].rows]
    copies = write_marked_copies(other, tmp_path / "out")
    assert copies[0].suffix == ".xlsx"
    pdf = libreoffice_convert(copies[0], "pdf", tmp_path / "pdf")
    assert pdf.stat().st_size > 1000


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_json_equals_library_report_and_exit_codes(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    write_workbook(inbox / "bad.xlsx", R, [project_row(R, track="工业制造业")])
    write_workbook(
        inbox / "good.xlsx", R, [project_row(R, credit_code=COMPANY_2, project_name="好项目")], reporter="桥东区"
    )
    runner = CliRunner()
    result = runner.invoke(
        app, ["validate", str(inbox), "--out", str(tmp_path / "out"), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 1, result.output
    written = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert written == validate_paths([inbox], CAMPAIGN).to_dict()
    assert set(written["findings"][0]) == {
        "file",
        "sheet",
        "row",
        "column",
        "cell",
        "field",
        "rule",
        "severity",
        "value",
        "message",
    }
    assert (tmp_path / "out" / "退回" / "bad.xlsx").exists()
    assert not (tmp_path / "out" / "退回" / "good.xlsx").exists()
    clean = runner.invoke(app, ["validate", str(inbox / "good.xlsx"), "--out", str(tmp_path / "out2")])
    assert clean.exit_code == 0, clean.output
    missing = runner.invoke(app, ["validate", str(tmp_path / "nope")])
    assert missing.exit_code != 0


def test_a_second_table_in_the_same_workbook_is_read_as_its_own_table(tmp_path: Path) -> None:
    path = write_workbook(tmp_path / "a.xlsx", Kind.SURVEY, [project_row(Kind.SURVEY)], date=dt.date(2025, 6, 20))
    contacts = write_workbook(
        tmp_path / "b.xlsx", Kind.CONTACTS, [contact_row(role="主管领导", email=None), contact_row()]
    )
    workbook = openpyxl.load_workbook(path)
    second = workbook.create_sheet("附件4")
    for row in openpyxl.load_workbook(contacts).active.iter_rows(values_only=True):
        second.append(row)
    workbook.save(path)
    result = one(path)
    assert [(table.kind, table.sheet, len(table.rows)) for table in result.tables] == [
        (Kind.SURVEY, workbook.sheetnames[0], 1),
        (Kind.CONTACTS, "附件4", 2),
    ]
    assert result.findings == []
    assert [table["kind"] for table in result.summary()["tables"]] == ["附件2", "附件4"]


def test_lock_file_is_decided_by_content_too(tmp_path: Path) -> None:
    real = write_workbook(tmp_path / "~$附件3.xlsx", R, [project_row(R)])
    result = one(real)
    assert result.kind is R and len(result.rows) == 1 and result.findings == []


def test_hidden_rows_are_read_and_noted(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R, project_name="二", credit_code=COMPANY_2, track="工业制造业")]
    path = write_workbook(tmp_path / "a.xlsx", R, rows)
    workbook = openpyxl.load_workbook(path)
    workbook.active.row_dimensions[5].hidden = True
    workbook.save(path)
    result = one(path)
    assert len(result.rows) == 2
    assert {(f.rule, f.row, f.cell) for f in result.findings} == {("hidden-row", 5, None), ("track-unknown", 5, "G5")}


@pytest.mark.parametrize("organ", ["怀来县数据和政务服务局", "怀来县人民政府", "张家口市怀来县数据和政务服务局"])
def test_a_contacts_unit_written_with_its_organ_counts_as_the_registered_unit(tmp_path: Path, organ: str) -> None:
    from tests.builders import person, write_contacts

    leader = person(organ, "主管领导", "张三", "13800000002")
    staff = person(organ, "具体负责人", "李四", "13800000003")
    path = write_contacts(tmp_path / "c.xlsx", "怀来县", "2025-06-20", [leader, staff])
    report = validate_paths([path], load_campaign(), workers=0)
    assert {(f.rule, f.cell, f.severity.value) for f in report.findings} == {
        ("unit-read-as", "B4", "warning"),
        ("unit-read-as", "B5", "warning"),
    }
    [table] = report.files[0].tables
    assert {row.values["unit"] for row in table.rows} == {"怀来县"}


@pytest.mark.parametrize(("leader_role", "staff_role"), [("分管领导", "具体负责人"), ("主管领导", "联系人")])
def test_a_role_written_as_its_usual_synonym_is_read_as_the_role(
    tmp_path: Path, leader_role: str, staff_role: str
) -> None:
    from tests.builders import person, write_contacts

    leader = person("怀来县", leader_role, "张三", "13800000002")
    staff = person("怀来县", staff_role, "李四", "13800000003", email="lisi@example.com")
    path = write_contacts(tmp_path / "c.xlsx", "怀来县", "2025-06-20", [leader, staff])
    report = validate_paths([path], load_campaign(), workers=0)
    synonym_row = 4 if leader_role != "主管领导" else 5
    # read as 主管领导 / 具体负责人: one warning at the cell, and the leader and staff counts are met
    assert {(f.rule, f.cell) for f in report.findings} == {("choice-read-as", f"C{synonym_row}")}
    [table] = report.files[0].tables
    assert sorted(row.values["role"] for row in table.rows) == ["主管领导", "具体负责人"]


def test_a_worker_holds_only_the_last_files_sheets(tmp_path: Path) -> None:
    """The sheets of the file checked last are freed when the next file starts, not on the way to its verdict."""
    from zjkcollect import inbox

    first = write_workbook(tmp_path / "a.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED)])
    second = write_workbook(tmp_path / "b.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED, track="x")])
    campaign = load_campaign()
    one = inbox.validate_slim(first, "a.xlsx", campaign)
    assert [sheets.path for sheets in inbox._LAST_SHEETS] == [first]
    two = inbox.validate_slim(second, "b.xlsx", campaign)
    assert [sheets.path for sheets in inbox._LAST_SHEETS] == [second]
    assert not one.findings and [finding.rule for finding in two.findings] == ["track-unknown"]
