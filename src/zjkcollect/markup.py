"""Marked-up copies to send back: the reporter's workbook with every problem shown in place.

Offending cells are filled (red for 错误, yellow for 警告) and carry a comment with the
message; a finding on a merged cell is drawn on the merge's top-left cell, the fill over
the whole merged area and one comment listing every finding in it. A first sheet
问题清单 lists every finding with a link to its cell: first what the reporter can fix,
then the notes meant for the clerk. A copy is made only where the reporter has something
to fix (the rule catalog says whom each rule speaks to).

The original is never touched: xlsx/xlsm are copied through openpyxl (values only — a
formula or macro never reaches the copy); xls/et/ods, and xlsx that openpyxl cannot open
although the value reader could (a garbled document-properties part, say), are rebuilt
as .xlsx from the values. A fault while making one file's copy becomes that file's
finding; the other copies are still written. Where the platform forks, worker processes
write the copies side by side, isolated as the file checks are (isolation.py).
"""

from __future__ import annotations

import gc
import io
import pickle
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from zjkcollect.attachments import ISSUES_SHEET
from zjkcollect.errors import ZjkError, os_reason
from zjkcollect.findings import Finding, Severity, make_finding
from zjkcollect.isolation import FILE_TIME_LIMIT, Lost, can_fork, default_workers, internal_error, run_isolated
from zjkcollect.outputs import atomic_write, is_formula_like, put
from zjkcollect.report import FileResult, Report
from zjkcollect.rules import speaks_to_reporter

ERROR_FILL = "FFC7CE"
WARNING_FILL = "FFEB9C"
ISSUE_HEADERS = ("序号", "严重程度", "工作表", "单元格", "字段", "填写内容", "问题说明", "规则代码")
ISSUE_WIDTHS = (6, 10, 16, 10, 22, 28, 80, 24)
RETURN_FOLDER = "退回"
COPY_STAGE = "生成退回副本"
REBUILT_NOTE = "原文件有部分内容已损坏，无法原样复制，本副本按读到的数据重新生成（原有格式未保留）。"
CLERK_NOTES_TITLE = "以下是给收表人的说明，不需要报送单位修改："
# A merged area is filled cell by cell up to this size; beyond it the top-left cell alone
# carries the fill (Excel shows the top-left cell's fill over the whole area anyway).
MAX_FILLED_MERGE_CELLS = 10_000
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384  # an .xlsx sheet's size
_BAD_TITLE = re.compile(r"[\\/*?:\[\]]")  # characters Excel forbids in a sheet title


@dataclass(slots=True)
class _Copy:
    """The workbook to mark, and whether it had to be rebuilt from the values."""

    workbook: Any
    converted: bool  # .xls/.et/.ods saved as .xlsx
    rebuilt_because: str | None = None  # why an .xlsx could not be copied as it is
    renamed: dict[str, str] = field(default_factory=dict)  # sheet name as read → name in the copy

    def sheet(self, name: str | None) -> str | None:
        """The copy's name for a sheet the findings name, if the copy has it."""
        if name is None:
            return None
        name = self.renamed.get(name, name)
        return name if name in self.workbook.sheetnames else None


def needs_copy(result: FileResult) -> bool:
    """A copy goes back only where the reporter has something to fix in a workbook we could read.

    A superseded file gets none: the reporter already sent a newer one, whose copy is what counts.
    """
    if result.format is None or result.skipped or result.superseded:
        return False
    return any(speaks_to_reporter(finding.rule) for finding in result.findings)


Redirect = Callable[[Path, Path], None]
# Writes one file's copy to a target; write_marked_copy, or a test's stand-in for one
CopyWriter = Callable[[FileResult, Path, Redirect | None], Path]


@dataclass(slots=True)
class _Outcome:
    """What writing one copy came to, applied to the report in the parent in the order of the names."""

    written: Path | None = None
    finding: Finding | None = None  # why the copy is missing: the file's own finding
    stop: ZjkError | None = None  # the run cannot go on for any file
    redirects: list[tuple[Path, Path]] = field(default_factory=list)  # target locked → kept as


def write_marked_copies(
    report: Report,
    out_dir: Path,
    on_redirect: Redirect | None = None,
    workers: int | None = None,
    write: CopyWriter | None = None,
    time_limit: float = FILE_TIME_LIMIT,
) -> list[Path]:
    """One marked-up copy per file that needs one; returns the paths written, in the order of the labels.

    The names are given here, before any copy is written, so they never depend on which copy
    was done first. Where workers can be forked they write the copies (``workers``: None picks
    as many as the cores allow, 0 writes them here), each with the isolation the file checks
    have. A failure on one file's copy is added to that file's findings and the run goes on.
    """
    target_dir = out_dir / RETURN_FOLDER
    used: set[str] = set()
    plans = [
        (result, target_dir / _unique_name(Path(result.label).stem + ".xlsx", used))
        for result in sorted(report.files, key=lambda item: item.label)
        if needs_copy(result)
    ]
    write = write or write_marked_copy
    size = _pool_size(workers, len(plans))
    if size:
        outcomes = _write_isolated(plans, write, size, time_limit)
    else:
        outcomes = (_write_one(result, target, write, on_redirect) for result, target in plans)
    written: list[Path] = []
    for (result, _), outcome in zip(plans, outcomes, strict=False):
        if outcome is None:
            continue  # not started: an earlier copy stopped the run
        if outcome.stop is not None:
            raise outcome.stop  # a missing safety component, say
        for target, actual in outcome.redirects:
            if on_redirect is not None:
                on_redirect(target, actual)
        if outcome.written is not None:
            written.append(outcome.written)
        if outcome.finding is not None:
            result.findings.append(outcome.finding)
    return written


def _pool_size(workers: int | None, copies: int) -> int:
    """Worker processes for the copies; 0 writes them in this process.

    Only forked workers: they inherit the report, where others would need every result pickled
    to them. One copy is not worth a process.
    """
    if not can_fork() or copies < 2:
        return 0
    return default_workers(copies) if workers is None else min(workers, copies)


def _write_one(result: FileResult, target: Path, write: CopyWriter, on_redirect: Redirect | None) -> _Outcome:
    try:
        return _Outcome(written=write(result, target, on_redirect))
    except ZjkError as exc:
        return _Outcome(stop=exc)
    except OSError as exc:
        return _Outcome(finding=make_finding("copy-not-written", file=result.label, reason=os_reason(exc)))
    except Exception as exc:
        return _Outcome(finding=internal_error(result.label, COPY_STAGE, exc))


class _CopyTask:
    """A copy worker's job: one planned copy written, what came of it pickled for the parent."""

    def __init__(self, plans: list[tuple[FileResult, Path]], write: CopyWriter) -> None:
        self.plans, self.write = plans, write

    def __call__(self, index: int) -> bytes:
        result, target = self.plans[index]
        redirects: list[tuple[Path, Path]] = []  # told to the clerk by the parent, which owns the console

        def redirected(wanted: Path, actual: Path) -> None:
            redirects.append((wanted, actual))

        outcome = _write_one(result, target, self.write, redirected)
        outcome.redirects = redirects
        return pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)


def _write_isolated(
    plans: list[tuple[FileResult, Path]], write: CopyWriter, workers: int, time_limit: float
) -> list[_Outcome | None]:
    outcomes: list[_Outcome | None] = [None] * len(plans)

    def receive(index: int, got: bytes | Lost) -> bool:
        if isinstance(got, Lost):
            reason = f"超过 {int(time_limit)} 秒仍未完成" if got.timed_out else f"退出码 {got.exitcode}"
            outcome = _Outcome(finding=make_finding("copy-crashed", file=plans[index][0].label, reason=reason))
        else:
            outcome = pickle.loads(got)
        outcomes[index] = outcome
        return outcome.stop is None  # after a stop, no further copy is started

    # gc.freeze: the worker's collections skip the report it inherited (walking it would also
    # copy every page of it that the fork shares with the parent)
    run_isolated(len(plans), _CopyTask(plans, write), workers, receive, time_limit, gc.freeze)
    return outcomes


def _unique_name(name: str, used: set[str]) -> str:
    candidate, number = name, 2
    while candidate in used:
        stem, _, suffix = name.rpartition(".")
        candidate = f"{stem}（{number}）.{suffix}"
        number += 1
    used.add(candidate)
    return candidate


def write_marked_copy(result: FileResult, target: Path, on_redirect: Redirect | None = None) -> Path:
    data = result.path.read_bytes()
    copy = _open_copy(data, result)
    try:
        return _finish(copy, result, target, on_redirect)
    except OSError:
        raise  # the output folder or the disk: not this file's doing
    except Exception as exc:
        if copy.converted or copy.rebuilt_because:
            raise  # already rebuilt from the values: a fault of ours
        # openpyxl opened the file but cannot write it back (e.g. a cell beyond Excel's last column)
        rebuilt = _rebuild_from_values(result, data, converted=False)
        rebuilt.rebuilt_because = f"{type(exc).__name__}: {str(exc)[:80]}"
        return _finish(rebuilt, result, target, on_redirect)


def _finish(copy: _Copy, result: FileResult, target: Path, on_redirect: Redirect | None) -> Path:
    _mark_cells(copy, [finding for finding in result.findings if speaks_to_reporter(finding.rule)])
    _add_issue_sheet(copy, result)
    with atomic_write(target, on_redirect) as temp:
        copy.workbook.save(temp)
    return target


def _open_copy(data: bytes, result: FileResult) -> _Copy:
    if result.format not in {"xlsx", "xlsm"}:
        return _rebuild_from_values(result, data, converted=True)
    import openpyxl

    ensure_defused_openpyxl()
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl is stricter than the value reader about every part of the file
        reason = f"{type(exc).__name__}: {str(exc)[:80]}"
        copy = _rebuild_from_values(result, data, converted=False)
        copy.rebuilt_because = reason
        return copy
    _neutralise_text(workbook)
    return _Copy(workbook, converted=False)


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


def _rebuild_from_values(result: FileResult, data: bytes, converted: bool) -> _Copy:
    import openpyxl

    from zjkcollect.errors import ReadFailure
    from zjkcollect.reader import load_workbook_data

    try:
        source = load_workbook_data(result.path, data, all_sheets=True)
    except ReadFailure:  # a damaged helper sheet: the sheets that were validated are what matters
        source = load_workbook_data(result.path, data)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    copy = _Copy(workbook, converted=converted)
    for grid in source.sheets:
        name = _sheet_title(grid.name, set(workbook.sheetnames))
        if name != grid.name:
            copy.renamed[grid.name] = name
        sheet = workbook.create_sheet(name)
        if grid.hidden:
            sheet.sheet_state = "hidden"
        # a damaged file can hold cells beyond Excel's last row or column: no workbook can
        for row_index, cells in enumerate(grid.rows[:MAX_ROWS], start=1):
            for column_index, value in enumerate(cells[:MAX_COLUMNS], start=1):
                if value not in ("", None):
                    put(sheet, row_index, column_index, value)
        for (top, left), (bottom, right) in grid.merged:
            # a damaged file can declare a merge that ends before it starts or lies off the sheet
            if 0 <= top <= bottom < MAX_ROWS and 0 <= left <= right < MAX_COLUMNS:
                sheet.merge_cells(start_row=top + 1, start_column=left + 1, end_row=bottom + 1, end_column=right + 1)
    return copy


def _sheet_title(name: str, taken: set[str]) -> str:
    """A title Excel accepts for a sheet another writer named freely (``/``, ``[``, too long, blank)."""
    title = _BAD_TITLE.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, number = title, 2
    while candidate in taken:
        suffix = f"({number})"
        candidate, number = title[: 31 - len(suffix)] + suffix, number + 1
    return candidate


@dataclass(slots=True)
class _Area:
    """Where findings are drawn: one cell, or a merged range drawn on its top-left cell."""

    anchor: str
    bounds: tuple[int, int, int, int] | None  # min_row, min_col, max_row, max_col of a merge
    findings: list[Finding]


class _Merges:
    """Which merged range covers a cell, per sheet, without scanning every range for every finding."""

    def __init__(self, sheet: Any) -> None:
        self.cells: dict[tuple[int, int], Any] = {}
        self.large: list[Any] = []  # ranges too big to index cell by cell (rare; scanned)
        for merged in sheet.merged_cells.ranges:
            if merged.size["rows"] * merged.size["columns"] > MAX_FILLED_MERGE_CELLS:
                self.large.append(merged)
                continue
            for row in range(merged.min_row, merged.max_row + 1):
                for column in range(merged.min_col, merged.max_col + 1):
                    self.cells[(row, column)] = merged

    def around(self, row: int, column: int) -> Any:
        found = self.cells.get((row, column))
        if found is not None:
            return found
        for merged in self.large:
            if merged.min_row <= row <= merged.max_row and merged.min_col <= column <= merged.max_col:
                return merged
        return None


def _areas(copy: _Copy, findings: list[Finding]) -> dict[tuple[str, str], _Area]:
    """Findings grouped by the cell they are drawn on: a merged cell's findings go to its top-left cell."""
    from openpyxl.utils.cell import coordinate_to_tuple

    areas: dict[tuple[str, str], _Area] = {}
    merges: dict[str, _Merges] = {}
    for finding in findings:
        name = copy.sheet(finding.sheet)
        if name is None or finding.cell is None:
            continue
        if name not in merges:
            merges[name] = _Merges(copy.workbook[name])
        row, column = coordinate_to_tuple(finding.cell)
        merged = merges[name].around(row, column)
        if merged is None:
            anchor, bounds = finding.cell, None
        else:
            anchor = merged.start_cell.coordinate
            bounds = (merged.min_row, merged.min_col, merged.max_row, merged.max_col)
        area = areas.setdefault((name, anchor), _Area(anchor, bounds, []))
        area.findings.append(finding)
    return areas


def _mark_cells(copy: _Copy, findings: list[Finding]) -> None:
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    fills = {
        Severity.ERROR: PatternFill(fill_type="solid", start_color=ERROR_FILL, end_color=ERROR_FILL),
        Severity.WARNING: PatternFill(fill_type="solid", start_color=WARNING_FILL, end_color=WARNING_FILL),
    }
    for (sheet_name, _), area in _areas(copy, findings).items():
        sheet = copy.workbook[sheet_name]
        items = sorted(area.findings, key=Finding.sort_key)
        worst = Severity.ERROR if any(item.severity is Severity.ERROR for item in items) else Severity.WARNING
        for cell in _area_cells(sheet, area):
            cell.fill = fills[worst]
        text = "\n".join(_comment_line(item, area) for item in items)
        comment = Comment(text, "zjkcollect")
        comment.width, comment.height = 320, 40 + 18 * max(2, len(text) // 18)
        sheet[area.anchor].comment = comment


def _area_cells(sheet: Any, area: _Area) -> list[Any]:
    if area.bounds is None:
        return [sheet[area.anchor]]
    top, left, bottom, right = area.bounds
    if (bottom - top + 1) * (right - left + 1) > MAX_FILLED_MERGE_CELLS:
        return [sheet[area.anchor]]
    return [sheet.cell(row=row, column=column) for row in range(top, bottom + 1) for column in range(left, right + 1)]


def _comment_line(finding: Finding, area: _Area) -> str:
    # inside a merged area the line says which covered cell (row) it is about
    where = f"{finding.cell}：" if area.bounds is not None and finding.cell != area.anchor else ""
    return f"【{finding.severity.label}】{where}{finding.message}"


def _summary(copy: _Copy, result: FileResult, to_fix: list[Finding], notes: list[Finding]) -> str:
    errors = sum(1 for finding in to_fix if finding.severity is Severity.ERROR)
    warnings = len(to_fix) - errors
    summary = (
        f"本表共发现 {errors} 个错误、{warnings} 个警告。请按“问题说明”修改后重新报送；点击单元格地址可跳转到对应位置。"
    )
    if notes:
        summary += f"另有 {len(notes)} 条给收表人的说明列在最后，不需要修改。"
    if copy.converted:
        summary += f"原文件为 .{result.format} 格式，本标注副本已另存为 .xlsx。"
    if copy.rebuilt_because:
        summary += f"{REBUILT_NOTE}（技术信息：{copy.rebuilt_because}）"
    return summary


def _add_issue_sheet(copy: _Copy, result: FileResult) -> None:
    from openpyxl.styles import Font, PatternFill

    workbook = copy.workbook
    if ISSUES_SHEET in workbook.sheetnames:
        del workbook[ISSUES_SHEET]
    sheet = workbook.create_sheet(ISSUES_SHEET, 0)
    for other in workbook.worksheets:
        other.sheet_view.tabSelected = False
    sheet.sheet_view.tabSelected = True
    workbook.active = 0
    ordered = sorted(result.findings, key=Finding.sort_key)
    to_fix = [finding for finding in ordered if speaks_to_reporter(finding.rule)]
    notes = [finding for finding in ordered if not speaks_to_reporter(finding.rule)]
    put(sheet, 1, 1, _summary(copy, result, to_fix, notes), {"font": Font(bold=True, color="9C0006")})
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ISSUE_HEADERS))
    header_fill = PatternFill(fill_type="solid", start_color="DDEBF7", end_color="DDEBF7")
    for column, header in enumerate(ISSUE_HEADERS, start=1):
        put(sheet, 2, column, header, {"font": Font(bold=True), "fill": header_fill})
    for column, width in enumerate(ISSUE_WIDTHS, start=1):
        sheet.column_dimensions[chr(64 + column)].width = width
    row = 3
    for index, finding in enumerate(to_fix, start=1):
        _issue_row(sheet, row, index, finding, copy)
        row += 1
    if notes:
        put(sheet, row, 1, CLERK_NOTES_TITLE, {"font": Font(bold=True, color="595959")})
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(ISSUE_HEADERS))
        row += 1
        for index, finding in enumerate(notes, start=len(to_fix) + 1):
            _issue_row(sheet, row, index, finding, copy)
            row += 1
    sheet.freeze_panes = "A3"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _issue_row(sheet: Any, row: int, index: int, finding: Finding, copy: _Copy) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.hyperlink import Hyperlink

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
    wrap = Alignment(wrap_text=True, vertical="top")
    for column, value in enumerate(values, start=1):
        put(sheet, row, column, value, {"alignment": wrap})
    target = copy.sheet(finding.sheet)
    if finding.cell and target is not None:
        link = sheet.cell(row=row, column=4)
        quoted = target.replace("'", "''")  # a quote inside a quoted sheet name is doubled
        link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{quoted}'!{finding.cell}")
        link.font = Font(color="0563C1", underline="single")
