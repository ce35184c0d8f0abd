"""No file can stop the run: every per-file stage is isolated, damaged files say so, copies go where needed.

Covers: a copy that cannot be made on one file (real files: a garbled document-properties
part, a sheet title Excel forbids, a target the copy cannot be written to) leaves the
report, the JSON and the other copies whole; damaged zip members and reader panics are
"damaged file" verdicts; merged cells are marked on their top-left cell; the catalog says
whom each rule speaks to and only the reporter's problems make a copy; validate never
reads its own output folder and refuses a folder without a spreadsheet.
"""

from __future__ import annotations

import dataclasses
import io
import json
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.corpus import _rewrite_zip
from tests.workbooks import BAD_CHECKSUM, project_row, write_workbook
from zjkcollect import guard
from zjkcollect.attachments import ISSUES_SHEET, Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.errors import ReadFailure, ZjkError
from zjkcollect.findings import Finding
from zjkcollect.inbox import collect_paths, run_validation, validate_paths, validation_outputs
from zjkcollect.isolation import check_isolated
from zjkcollect.markup import CLERK_NOTES_TITLE, REBUILT_NOTE, RETURN_FOLDER, write_marked_copies
from zjkcollect.report import FileResult
from zjkcollect.rules import RULES, speaks_to_reporter

CAMPAIGN = load_campaign()
R = Kind.REGISTERED
EXAMPLE_XLS = Path(__file__).resolve().parent.parent / "examples" / "inbox" / "第1周-2025-06-26" / "张北县.xls"
REPORTERS = CAMPAIGN.reporter_names


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zjkcollect", *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


def with_error(path: Path, reporter: str, **options: object) -> Path:
    """A return with one reporter error: an unknown track at G4."""
    row = project_row(R, track="不存在的赛道", project_name=f"{reporter}的项目")  # no project shared across files
    return write_workbook(path, R, [row], reporter=reporter, **options)


def garble_core_properties(path: Path) -> Path:
    """docProps/core.xml cut short: the value reader never looks at it, openpyxl refuses the file."""
    _rewrite_zip(path, lambda name, data: data[: len(data) // 2] if name == "docProps/core.xml" else None)
    return path


def rename_sheet(path: Path, old: str, new: str) -> Path:
    """A sheet title Excel forbids, as other writers produce: the value reader accepts it, openpyxl not."""
    old_attr, new_attr = f'name="{old}"'.encode(), f'name="{new}"'.encode()
    _rewrite_zip(path, lambda name, data: data.replace(old_attr, new_attr) if name == "xl/workbook.xml" else None)
    return path


def cells(findings: list[Finding] | list[dict]) -> set[tuple[str, str | None, str | None]]:
    def key(item: Finding | dict) -> tuple[str, str | None, str | None]:
        record = item if isinstance(item, dict) else item.to_dict()
        return (record["rule"], record["sheet"], record["cell"])

    return {key(item) for item in findings}


def issue_rules(copy: Path) -> list[str | None]:
    """The 规则代码 column of a copy's 问题清单, in order, with None for a title row."""
    sheet = openpyxl.load_workbook(copy)[ISSUES_SHEET]
    return [row[7] for row in sheet.iter_rows(min_row=3, values_only=True)]


# --- 1. a copy that cannot be made costs one file, never the run --------------------------------


def test_garbled_document_properties_copy_is_rebuilt_from_the_values(tmp_path: Path) -> None:
    path = garble_core_properties(with_error(tmp_path / "in" / "a.xlsx", REPORTERS[0]))
    with pytest.raises(Exception):  # noqa: B017 - the premise: openpyxl cannot open what the reader could
        openpyxl.load_workbook(path)
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    assert cells(run.report.findings) == {("track-unknown", "Sheet", "G4")}
    [copy] = run.copies
    marked = openpyxl.load_workbook(copy)
    assert marked.sheetnames == [ISSUES_SHEET, "Sheet"]
    assert REBUILT_NOTE in marked[ISSUES_SHEET]["A1"].value
    assert marked["Sheet"]["G4"].value == "不存在的赛道" and marked["Sheet"]["G4"].comment is not None
    assert marked["Sheet"]["G4"].fill.fgColor.rgb.endswith("FFC7CE")


def _cell_beyond_the_last_column(path: Path) -> Path:
    """A flipped byte in a cell reference: a cell far past XFD, which openpyxl reads but cannot write back."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                extra = b'<c r="AVLD4" t="inlineStr"><is><t>x</t></is></c></row>'
                body = body.replace(b"</row>", extra, 1)
            target.writestr(info, body)
    path.write_bytes(buffer.getvalue())
    return path


def test_a_cell_past_the_last_column_still_gets_a_copy_rebuilt_from_the_values(tmp_path: Path) -> None:
    _cell_beyond_the_last_column(with_error(tmp_path / "in" / "a.xlsx", REPORTERS[0]))
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    assert cells(run.report.findings) == {("track-unknown", "Sheet", "G4")}
    [copy] = run.copies
    marked = openpyxl.load_workbook(copy)
    assert REBUILT_NOTE in marked[ISSUES_SHEET]["A1"].value
    assert marked["Sheet"]["G4"].value == "不存在的赛道"


def test_forbidden_sheet_title_copy_is_rebuilt_with_a_legal_title(tmp_path: Path) -> None:
    path = rename_sheet(with_error(tmp_path / "in" / "a.xlsx", REPORTERS[0]), "Sheet", "附件3/第一批")
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    assert cells(run.report.findings) == {("track-unknown", "附件3/第一批", "G4")}  # the JSON names the sheet as sent
    marked = openpyxl.load_workbook(run.copies[0])
    assert marked.sheetnames == [ISSUES_SHEET, "附件3_第一批"]
    assert marked["附件3_第一批"]["G4"].comment is not None
    link = marked[ISSUES_SHEET]["D3"].hyperlink
    assert link.location == "'附件3_第一批'!G4"
    assert path.read_bytes()  # the original is untouched and still there


def test_a_fault_of_ours_on_one_copy_is_that_files_finding(tmp_path: Path) -> None:
    """A finding that points outside the sheet (a bug in a check) breaks that copy alone."""
    inbox = tmp_path / "in"
    for index, name in enumerate(("a.xlsx", "b.xlsx", "c.xlsx")):
        with_error(inbox / name, REPORTERS[index])
    report = validate_paths([inbox], CAMPAIGN, workers=0)
    broken = next(result for result in report.files if result.label.endswith("b.xlsx"))
    broken.findings.append(dataclasses.replace(broken.findings[0], row=0))  # row 0 does not exist
    copies = write_marked_copies(report, tmp_path / "out")
    assert sorted(copy.name for copy in copies) == ["a.xlsx", "c.xlsx"]
    faults = [finding for finding in broken.findings if finding.rule == "internal-error"]
    assert len(faults) == 1 and faults[0].file == broken.label and "生成退回副本" in faults[0].message
    assert not speaks_to_reporter("internal-error")


def _buggy(path: Path, label: str, campaign: object) -> FileResult:
    if "bug" in label:
        raise KeyError("a check of ours failed")
    return FileResult(path=path, label=label)


def test_a_fault_of_ours_while_checking_is_an_internal_error_not_a_crash(tmp_path: Path) -> None:
    files = [(tmp_path / name, name) for name in ("a.xlsx", "bug.xlsx", "b.xlsx")]
    verdicts = {r.label: [f.rule for f in r.findings] for r in check_isolated(files, CAMPAIGN, _buggy, workers=2)}
    assert verdicts == {"a.xlsx": [], "bug.xlsx": ["internal-error"], "b.xlsx": []}


def test_cli_one_copy_fails_full_report_json_other_copies_exit_1(tmp_path: Path) -> None:
    inbox, out = tmp_path / "收件箱", tmp_path / "输出"
    with_error(inbox / "a.xlsx", REPORTERS[0])
    garble_core_properties(with_error(inbox / "b.xlsx", REPORTERS[1]))
    with_error(inbox / "c.xlsx", REPORTERS[2])
    (out / RETURN_FOLDER / "c.xlsx" / "已占用").mkdir(parents=True)  # the copy's place is taken by a folder
    result = cli("validate", str(inbox), "--out", str(out), "--json", str(tmp_path / "r.json"))
    assert result.returncode == 1, result.stderr
    assert "程序内部错误" not in result.stderr and "Traceback" not in result.stderr
    record = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert sorted(Path(item["file"]).name for item in record["files"]) == ["a.xlsx", "b.xlsx", "c.xlsx"]
    found = {(Path(item["file"]).name, item["rule"], item["cell"]) for item in record["findings"]}
    assert found == {
        ("a.xlsx", "track-unknown", "G4"),
        ("b.xlsx", "track-unknown", "G4"),
        ("c.xlsx", "track-unknown", "G4"),
        ("c.xlsx", "copy-not-written", None),
    }
    assert sorted(path.name for path in (out / RETURN_FOLDER).glob("*.xlsx") if path.is_file()) == ["a.xlsx", "b.xlsx"]
    assert "a.xlsx" in result.stdout and "c.xlsx" in result.stdout  # the console report lists every file


# --- damaged files are called damaged --------------------------------------------------------------


def _damage_sheet_stream(path: Path) -> None:
    """Overwrite the middle of the worksheet's deflate stream: inflating it fails (zlib.error)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        member = archive.getinfo("xl/worksheets/sheet1.xml")
    name_length = int.from_bytes(data[member.header_offset + 26 : member.header_offset + 28], "little")
    extra_length = int.from_bytes(data[member.header_offset + 28 : member.header_offset + 30], "little")
    start = member.header_offset + 30 + name_length + extra_length + member.compress_size // 3
    data[start : start + 24] = b"\xff" * 24
    path.write_bytes(bytes(data))


def _break_stored_crc(path: Path) -> None:
    """Store the worksheet uncompressed, then change one byte of it: its CRC no longer matches."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            compression = zipfile.ZIP_STORED if info.filename == "xl/worksheets/sheet1.xml" else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info.filename), compress_type=compression)
    data = buffer.getvalue()
    position = data.index(b"<sheetData>") + 3
    path.write_bytes(data[:position] + b"X" + data[position + 1 :])


def _claim_strong_encryption(path: Path) -> None:
    """Flip the "strong encryption" flag bit of the first member (a flipped byte the fuzz met)."""
    data = bytearray(path.read_bytes())
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 6] |= 0x40
    data[central + 8] |= 0x40
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    [_damage_sheet_stream, _break_stored_crc, _claim_strong_encryption],
    ids=["deflate", "crc", "strong-encryption-bit"],
)
def test_damaged_zip_member_is_a_damaged_file_not_a_crash(tmp_path: Path, damage) -> None:
    path = with_error(tmp_path / "a.xlsx", REPORTERS[0])
    damage(path)
    [result] = validate_paths([path], CAMPAIGN, workers=1).files
    assert [finding.rule for finding in result.findings] == ["file-unreadable"]
    assert "损坏" in result.findings[0].message


def test_reader_panic_on_a_truncated_xls_is_a_damaged_file(tmp_path: Path) -> None:
    path = tmp_path / "张北县.xls"
    path.write_bytes(EXAMPLE_XLS.read_bytes()[:37000])  # python-calamine panics (a Rust index out of range)
    [result] = validate_paths([path], CAMPAIGN, workers=1).files
    assert [finding.rule for finding in result.findings] == ["file-unreadable"]


# --- 2. merged cells in marked copies ----------------------------------------------------------------


def _merged_unit_workbook(path: Path) -> Path:
    """A lead unit, its credit code and type merged down over two project rows; the code is wrong."""
    rows = [
        project_row(R, credit_code=BAD_CHECKSUM),
        project_row(R, project_name="二期", unit_name=None, credit_code=None, unit_type=None),
    ]
    write_workbook(path, R, rows, reporter=REPORTERS[0])
    workbook = openpyxl.load_workbook(path)
    for column in "CDE":
        workbook.active.merge_cells(f"{column}4:{column}5")
    workbook.save(path)
    return path


def test_finding_on_a_merged_cell_is_drawn_on_its_top_left_cell(tmp_path: Path) -> None:
    _merged_unit_workbook(tmp_path / "in" / "a.xlsx")
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    # the report keeps each finding's own cell
    assert cells(run.report.findings) == {("uscc-checksum", "Sheet", "D4"), ("uscc-checksum", "Sheet", "D5")}
    [copy] = run.copies
    sheet = openpyxl.load_workbook(copy)["Sheet"]
    comment = sheet["D4"].comment.text
    assert comment.count("【错误】") == 2 and "D5" in comment  # one comment listing both rows' findings
    assert "D4:D5" in {str(merged) for merged in sheet.merged_cells.ranges}  # the merge survives
    # read-only mode keeps the style of covered cells (the normal mode hides them behind MergedCell)
    rows = openpyxl.load_workbook(copy, read_only=True)["Sheet"].iter_rows(min_row=4, max_row=5, min_col=3, max_col=4)
    fills = {
        f"{column}{number}": getattr(cell, "fill", None) and cell.fill.fgColor.rgb
        for number, row in enumerate(rows, start=4)
        for column, cell in zip("CD", row, strict=True)
    }
    assert fills["D4"].endswith("FFC7CE") and fills["D5"].endswith("FFC7CE")  # fill over the whole area
    assert not str(fills["C4"]).endswith("FFC7CE") and not str(fills["C5"]).endswith("FFC7CE")
    assert issue_rules(copy) == ["uscc-checksum", "uscc-checksum"]


def test_merged_cells_in_a_rebuilt_copy_are_marked_the_same_way(tmp_path: Path) -> None:
    garble_core_properties(_merged_unit_workbook(tmp_path / "in" / "a.xlsx"))
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    sheet = openpyxl.load_workbook(run.copies[0])["Sheet"]
    assert sheet["D4"].comment.text.count("【错误】") == 2
    assert "D4:D5" in {str(merged) for merged in sheet.merged_cells.ranges}


# --- 9. whom each rule speaks to ----------------------------------------------------------------------

CLERK_RULES = {
    "superseded",
    "project-duplicate-reporters",
    "lock-file",
    "not-spreadsheet",
    "mail-no-spreadsheet",
    "survey-late",
    "internal-error",
    "copy-not-written",
    "copy-crashed",
}


def test_the_catalog_says_whom_each_rule_speaks_to() -> None:
    assert {rule.audience for rule in RULES.values()} == {"reporter", "clerk"}
    assert {code for code, rule in RULES.items() if rule.audience == "clerk"} == CLERK_RULES


def test_notes_for_the_clerk_make_no_copy_and_come_last(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    project = project_row(R, project_name="同一个项目")
    # an older and a newer return of one reporter: the older one is superseded
    write_workbook(inbox / "旧.xlsx", R, [project_row(R, track="不存在的赛道")], reporter=REPORTERS[0])
    time.sleep(0.01)
    write_workbook(inbox / "新.xlsx", R, [project], reporter=REPORTERS[0])
    # the same project from another unit, clean otherwise: a note, no copy
    write_workbook(inbox / "另一单位.xlsx", R, [project], reporter=REPORTERS[1])
    # the same project again, with a mistake of the reporter's own: a copy, the note last
    write_workbook(inbox / "第三单位.xlsx", R, [project | {"contact_phone": "12345"}], reporter=REPORTERS[2])
    run = run_validation(collect_paths([inbox]), CAMPAIGN, tmp_path / "out", workers=0)
    rules = {Path(result.label).name: {f.rule for f in result.findings} for result in run.report.files}
    assert "superseded" in rules["旧.xlsx"] and "track-unknown" in rules["旧.xlsx"]
    assert rules["另一单位.xlsx"] == {"project-duplicate-reporters"}
    assert [copy.name for copy in run.copies] == ["第三单位.xlsx"]
    listed = issue_rules(run.copies[0])
    title_row = listed.index(None)
    assert listed[:title_row] == ["phone-invalid"]
    assert set(listed[title_row + 1 :]) == {"project-duplicate-reporters"} and len(listed) > title_row + 1
    sheet = openpyxl.load_workbook(run.copies[0])[ISSUES_SHEET]
    assert sheet.cell(row=3 + title_row, column=1).value == CLERK_NOTES_TITLE
    marked = openpyxl.load_workbook(run.copies[0])["Sheet"]
    assert marked["G4"].comment is None  # the note is listed, not drawn on the reporter's cells


# --- 7. the inbox is what the clerk meant -------------------------------------------------------------


def _validate_twice(inbox: Path, out: Path, tmp_path: Path) -> tuple[dict, dict]:
    records = []
    for number in (1, 2):
        json_path = tmp_path / f"r{number}.json"
        result = cli("validate", str(inbox), "--out", str(out), "--json", str(json_path))
        assert result.returncode == 1, result.stderr
        records.append(json.loads(json_path.read_text(encoding="utf-8")))
    return records[0], records[1]


@pytest.mark.parametrize("where", ["subfolder", "inbox itself"])
def test_validate_twice_with_out_inside_the_inbox_reads_the_same_files(tmp_path: Path, where: str) -> None:
    inbox = tmp_path / "收件箱"
    with_error(inbox / "a.xlsx", REPORTERS[0])
    write_workbook(inbox / "b.xlsx", R, [project_row(R)], reporter=REPORTERS[1])
    out = inbox / "结果" if where == "subfolder" else inbox
    first, second = _validate_twice(inbox, out, tmp_path)
    assert (out / RETURN_FOLDER / "a.xlsx").is_file()
    assert first["files"] == second["files"]
    assert sorted(Path(item["file"]).name for item in second["files"]) == ["a.xlsx", "b.xlsx"]
    assert cells(first["findings"]) == cells(second["findings"]) == {("track-unknown", "Sheet", "G4")}


def test_own_json_inside_the_inbox_is_not_read(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    with_error(inbox / "a.xlsx", REPORTERS[0])
    (inbox / "校验结果.json").write_text("{}", encoding="utf-8")
    excluded = validation_outputs(tmp_path / "out", inbox / "校验结果.json", [inbox])
    assert [Path(label).name for _, label in collect_paths([inbox], exclude=excluded)] == ["a.xlsx"]
    # named explicitly, a file is always read
    assert len(collect_paths([inbox / "校验结果.json"], exclude=excluded)) == 1


def test_folder_without_a_spreadsheet_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "空").mkdir()
    (tmp_path / "文本").mkdir()
    (tmp_path / "文本" / "说明.txt").write_text("请查收附件。", encoding="utf-8")
    for folder in ("空", "文本"):
        with pytest.raises(ZjkError):
            run_validation(collect_paths([tmp_path / folder]), CAMPAIGN, None, workers=0)
        result = cli("validate", folder, "--out", "out", cwd=tmp_path)
        assert result.returncode == 2
        assert result.stderr.startswith("错误：") and result.stderr.count("\n") == 1  # one Chinese line
        assert not (tmp_path / "out").exists()  # nothing written for nothing read


def test_a_clean_inbox_makes_no_copy(tmp_path: Path) -> None:
    write_workbook(tmp_path / "in" / "a.xlsx", R, [project_row(R)], reporter=REPORTERS[0])
    run = run_validation(collect_paths([tmp_path / "in"]), CAMPAIGN, tmp_path / "out", workers=0)
    assert run.copies == [] and run.report.findings == [] and not (tmp_path / "out").exists()


def _inflated_or_refused(archive: zipfile.ZipFile, member: zipfile.ZipInfo, data: bytes | None) -> object:
    try:
        return guard._inflate(archive, member, data)
    except ReadFailure as failure:
        return failure.rule


def test_the_guard_inflates_from_the_bytes_as_zipfile_does(tmp_path: Path) -> None:
    """Each member of damaged copies of a workbook: the same bytes, or the same refusal, either way."""
    original = with_error(tmp_path / "a.xlsx", REPORTERS[0]).read_bytes()
    rng = random.Random(6)
    compared = damaged = 0
    for _ in range(600):
        data = bytearray(original)
        for _ in range(rng.randint(1, 3)):
            position = rng.randrange(len(data))
            if rng.random() < 0.5:  # a local header or the directory: names, flags, sizes, CRCs, offsets
                position = rng.choice([m.start() for m in re.finditer(b"PK\x03\x04|PK\x01\x02", data)])
                position += rng.randrange(46)
            data[position] = rng.randrange(256)
        try:
            archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
            members = archive.infolist()
        except guard.DAMAGED_ZIP:
            continue
        for member in members:
            fast = _inflated_or_refused(archive, member, bytes(data))
            slow = _inflated_or_refused(archive, member, None)
            assert fast == slow, (member.filename, fast if isinstance(fast, str) else len(fast))
            compared += 1
            damaged += isinstance(slow, str)
    assert compared > 2000 and damaged > 100  # many members read, many of them refused


def _sheet_xml(rows: int, wide_cell: str | None) -> bytes:
    """A sheet of ``rows`` rows of three cells, and one cell named ``wide_cell`` in the fifth row."""
    body = []
    for number in range(1, rows + 1):
        cells = "".join(f'<c r="{letter}{number}"><v>1</v></c>' for letter in "ABC")
        if wide_cell is not None and number == 5:
            cells += f'<c r="{wide_cell}5"><v>1</v></c>'
        body.append(f'<row r="{number}">{cells}</row>')
    return ("<worksheet><sheetData>" + "".join(body) + "</sheetData></worksheet>").encode()


@pytest.mark.parametrize(
    ("rows", "wide_cell", "refused"),
    [
        (30_000, None, False),  # 26 columns at most
        (30_000, "AB", False),  # 30,000 × 28 cells
        (30_000, "ZZ", True),  # 30,000 × 702 cells: past the limit
        (30_000, "AAB", True),  # three letters
        (1_000, "ZZZ", False),  # 1,000 × 18,278: under the limit, not even looked for
        (1_100, "ZZZ", True),
    ],
)
def test_the_guard_finds_the_widest_column_of_a_long_sheet(rows: int, wide_cell: str | None, refused: bool) -> None:
    content = _sheet_xml(rows, wide_cell)
    if refused:
        with pytest.raises(ReadFailure) as caught:
            guard._check_extent(content, "表1")
        assert caught.value.rule == "sheet-too-large"
    else:
        guard._check_extent(content, "表1")
