"""Real clients: the blank templates go through LibreOffice as .xlsx, .xls and .ods and read back identically."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.specs import ATTACHMENTS
from tests.workbooks import BAD_CHECKSUM, libreoffice_convert, project_row
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_paths
from zjkcollect.templates import FIRST_DATA_ROW, HEADER_BLOCK_ROW, header_block, write_template

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice（soffice）未安装，跳过真实客户端测试"),
]
CAMPAIGN = load_campaign()
R = Kind.REGISTERED


def _filled_template(folder: Path) -> Path:
    """The real template, filled in as a reporter would (dropdown values typed, one mistake)."""
    template = write_template(CAMPAIGN, R, folder / "blank.xlsx")
    workbook = openpyxl.load_workbook(template)
    sheet = workbook.worksheets[0]
    block = header_block(ATTACHMENTS[R])
    sheet.cell(row=HEADER_BLOCK_ROW, column=block.reporter_value_column, value="怀来县")
    sheet.cell(row=HEADER_BLOCK_ROW, column=block.date_value_column, value=CAMPAIGN.calendar.weeks[0])
    rows = [project_row(R), project_row(R, project_name="二期", credit_code=BAD_CHECKSUM, track="工业制造业")]
    for offset, row in enumerate(rows):
        for index, column in enumerate(ATTACHMENTS[R].columns, start=1):
            if row.get(column.field) is not None:
                sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=row[column.field])
    path = folder / "filled.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("target", ["xlsx", "xls", "ods"])
def test_template_saved_by_libreoffice_reads_identically(tmp_path: Path, target: str) -> None:
    filled = _filled_template(tmp_path)
    saved = libreoffice_convert(filled, target, tmp_path / target)
    original = validate_paths([filled], CAMPAIGN)
    resaved = validate_paths([saved], CAMPAIGN)
    first, second = original.files[0], resaved.files[0]
    assert second.format == target
    assert (second.kind, second.reporter, second.date) == (first.kind, first.reporter, first.date)
    assert [row.values for row in second.rows] == [row.values for row in first.rows]
    assert {(f.rule, f.cell) for f in resaved.findings} == {(f.rule, f.cell) for f in original.findings}
    assert {(f.rule, f.cell) for f in original.findings} >= {("uscc-checksum", "D5"), ("track-unknown", "G5")}
