"""Returns shaped the way clerks really fill forms: multi-row headers, header blocks, table ends, dates.

Every case is a real workbook written in code and compared as an exact ``(rule, sheet, cell)`` set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

from tests.workbooks import project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_paths

CAMPAIGN = load_campaign()
R = Kind.REGISTERED


def found(path: Path) -> set[tuple[str, str, str | None]]:
    report = validate_paths([path], CAMPAIGN, workers=0)
    return {(finding.rule, finding.sheet, finding.cell) for finding in report.findings}


# --- formulas without cached values -----------------------------------------------------------


def test_uncached_formula_is_reported_at_its_own_cell_beside_styled_empty_cells(tmp_path: Path) -> None:
    rows = [project_row(R), project_row(R, project_name="二期")]
    path = write_workbook(tmp_path / "a.xlsx", R, rows, rows_above=1)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    sheet["A5"] = "=ROW()-3"
    sheet["A6"] = "=ROW()-3"
    # Styled empty cells at the ends of rows are written self-closed (<c r="P4" s="1"/>), as Excel does.
    for cell in ("P4", "P5", "P6"):
        sheet[cell].font = Font(bold=True)
    workbook.save(path)
    assert found(path) == {("formula-not-calculated", sheet.title, "A5"), ("formula-not-calculated", sheet.title, "A6")}
