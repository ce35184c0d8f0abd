"""The bundled example inbox: every planted mistake is found at its cell, nothing else anywhere."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.workbooks import libreoffice_convert
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_paths
from zjkcollect.markup import needs_copy, write_marked_copies

ROOT = Path(__file__).resolve().parent.parent
INBOX = ROOT / "examples" / "inbox"
EXPECTED = ROOT / "examples" / "inbox-expected.json"


def test_example_inbox_findings_are_exactly_the_planted_ones() -> None:
    report = validate_paths([INBOX], load_campaign())
    found = {(Path(f.file).relative_to(INBOX).as_posix(), f.rule, f.cell) for f in report.findings}
    planted = {(item["file"], item["rule"], item["cell"]) for item in json.loads(EXPECTED.read_text(encoding="utf-8"))}
    assert found == planted
    formats = {Path(r.label).name: r.format for r in report.files}
    assert (formats["张北县.xls"], formats["宣化区-附件3.et"], formats["崇礼区-附件3.ods"]) == ("xls", "et", "ods")
    assert report.has_errors


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过真实客户端测试")
def test_marked_copies_open_in_libreoffice(tmp_path: Path) -> None:
    report = validate_paths([INBOX], load_campaign())
    copies = write_marked_copies(report, tmp_path)
    # a copy only where the reporter has something to fix: not for a project another unit also reported
    assert {copy.stem for copy in copies} == {Path(r.label).stem for r in report.files if needs_copy(r)}
    notes_only = {Path(r.label).stem for r in report.files if r.findings and not r.skipped and not needs_copy(r)}
    assert notes_only and not notes_only & {copy.stem for copy in copies}
    for copy in copies:
        assert libreoffice_convert(copy, "pdf", tmp_path / "pdf").stat().st_size > 1000


def test_marked_copy_keeps_the_templates_dropdowns_and_formats(tmp_path: Path) -> None:
    import openpyxl

    source = INBOX / "第1周-2025-06-26" / "桥东区 附件3（6.26）.xlsx"
    copy = write_marked_copies(validate_paths([source], load_campaign()), tmp_path)[0]
    original, marked = openpyxl.load_workbook(source), openpyxl.load_workbook(copy)
    before, after = original.worksheets[0], marked[original.sheetnames[0]]

    def validations(sheet) -> set[tuple[str, str, str]]:
        return {(dv.type, str(dv.formula1), str(dv.sqref)) for dv in sheet.data_validations.dataValidation}

    assert validations(after) == validations(before) and validations(before)
    assert set(marked.defined_names) == set(original.defined_names)
    assert after["D4"].number_format == before["D4"].number_format == "@"
    assert [[c.value for c in row] for row in after.iter_rows(max_row=8)] == [
        [c.value for c in row] for row in before.iter_rows(max_row=8)
    ]
