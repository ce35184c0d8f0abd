"""Marked-up copies to send back: the reporter's workbook with every problem shown in place.

Offending cells are filled (red for 错误, yellow for 警告) and carry a comment with the
message; a first sheet 问题清单 lists every finding with a link to its cell. The
original is never touched: xlsx/xlsm are copied through openpyxl (values only — a
formula or macro never reaches the copy); xls/et/ods are rebuilt as .xlsx from the values.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjkcollect.attachments import ISSUES_SHEET
from zjkcollect.errors import ZjkError
from zjkcollect.findings import Finding, Severity
from zjkcollect.outputs import atomic_write, is_formula_like, put
from zjkcollect.report import FileResult, Report

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ISSUE_HEADERS = ("序号", "严重程度", "工作表", "单元格", "字段", "填写内容", "问题说明", "规则代码")
ISSUE_WIDTHS = (6, 10, 16, 10, 22, 28, 80, 24)
RETURN_FOLDER = "退回"


def write_marked_copies(
    report: Report, out_dir: Path, on_redirect: Callable[[Path, Path], None] | None = None
) -> list[Path]:
    """One marked-up copy per file that has findings and a readable workbook; returns the paths."""
    target_dir = out_dir / RETURN_FOLDER
    written: list[Path] = []
    used: set[str] = set()
    for result in sorted(report.files, key=lambda item: item.label):
        if not result.findings or result.format is None or result.skipped:
            continue
        target = target_dir / _unique_name(Path(result.label).stem + ".xlsx", used)
        written.append(write_marked_copy(result, target, on_redirect))
    return written


def _unique_name(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        stem, _, suffix = name.rpartition(".")
        candidate = f"{stem}（{number}）.{suffix}"
        number += 1
    used.add(candidate)
    return candidate


def write_marked_copy(
    result: FileResult, target: Path, on_redirect: Callable[[Path, Path], None] | None = None
) -> Path:
    data = result.path.read_bytes()
    workbook = _open_copy(data, result)
    _mark_cells(workbook, result.findings)
    converted = result.format not in {"xlsx", "xlsm"}
    _add_issue_sheet(workbook, result, converted)
    final = target
    with atomic_write(target, on_redirect) as temp:
        workbook.save(temp)
    return final


def _open_copy(data: bytes, result: FileResult) -> Any:
    import openpyxl

    if result.format in {"xlsx", "xlsm"}:
        ensure_defused_openpyxl()
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
        _neutralise_text(workbook)
        return workbook
    return _rebuild_from_values(result, data)


def ensure_defused_openpyxl() -> None:
    """openpyxl parses inbox XML safely only when defusedxml is installed; refuse to run without it."""
    import openpyxl.xml

    if not openpyxl.xml.DEFUSEDXML:
        raise ZjkError("缺少安全组件 defusedxml，无法安全地打开报送文件。请重新安装本工具（pip install -e .）。")


def _neutralise_text(workbook: Any) -> None:
    """Text that looks like a formula keeps its quote-prefix so Excel never evaluates it."""
    for sheet in workbook.worksheets:
        # only the cells the file has: iter_rows() would create every empty cell of the used range
        for cell in list(sheet._cells.values()):
            value = cell._value
            if isinstance(value, str) and is_formula_like(value):
                put(sheet, cell.row, cell.column, value)


def _rebuild_from_values(result: FileResult, data: bytes) -> Any:
    import openpyxl

    from zjkcollect.reader import load_workbook_data

    source = load_workbook_data(result.path, data, all_sheets=True)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for grid in source.sheets:
        sheet = workbook.create_sheet(grid.name[:31])
        if grid.hidden:
            sheet.sheet_state = "hidden"
        for row_index, cells in enumerate(grid.rows, start=1):
            for column_index, value in enumerate(cells, start=1):
                if value not in ("", None):
                    put(sheet, row_index, column_index, value)
        for (top, left), (bottom, right) in grid.merged:
            sheet.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)
    return workbook


def _mark_cells(workbook: Any, findings: list[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fills = {
        Severity.ERROR: PatternFill(fill_type="solid", start_color=ERROR_FILL, end_color=ERROR_FILL),
        Severity.WARNING: PatternFill(fill_type="solid", start_color=WARNING_FILL, end_color=WARNING_FILL),
    }
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.sheet and finding.cell and finding.sheet in workbook.sheetnames:
            by_cell.setdefault((finding.sheet, finding.cell), []).append(finding)
    for (sheet_name, address), items in by_cell.items():
        cell = workbook[sheet_name][address]
        worst = Severity.ERROR if any(item.severity is Severity.ERROR for item in items) else Severity.WARNING
        cell.fill = fills[worst]
        text = "\n".join(f"【{item.severity.label}】{item.message}" for item in items)
        comment = Comment(text, "zjkcollect")
        comment.width, comment.height = 320, 40 + 18 * max(2, len(text) // 18)
        cell.comment = comment


def _add_issue_sheet(workbook: Any, result: FileResult, converted: bool) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    if ISSUES_SHEET in workbook.sheetnames:
        del workbook[ISSUES_SHEET]
    sheet = workbook.create_sheet(ISSUES_SHEET, 0)
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    workbook.active = 0
    errors, warnings = result.errors, result.warnings
    summary = (
        f"本表共发现 {errors} 个错误、{warnings} 个警告。请按“问题说明”修改后重新报送；点击单元格地址可跳转到对应位置。"
    )
    if converted:
        summary += f"原文件为 .{result.format} 格式，本标注副本已另存为 .xlsx。"
    put(sheet, 1, 1, summary, {"font": Font(bold=True, color="9C0006")})
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ISSUE_HEADERS))
    header_fill = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
    for column, header in enumerate(ISSUE_HEADERS, start=1):
        put(sheet, 2, column, header, {"font": Font(bold=True), "fill": header_fill})
    for column, width in enumerate(ISSUE_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + column)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for index, finding in enumerate(sorted(result.findings, key=Finding.sort_key), start=1):
        row = index + 2
        values = (
            index,
            finding.severity.label,
            finding.sheet,
            finding.cell,
            finding.field,
            finding.value,
            finding.message,
            finding.rule,
        )
        for column, value in enumerate(values, start=1):
            put(sheet, row, column, value, {"alignment": wrap})
        if finding.cell and finding.sheet in workbook.sheetnames:
            link = sheet.cell(row=row, column=4)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{finding.sheet}'!{finding.cell}")
            link.font = Font(color="0563C1", underline="single")
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
