"""Console views of a report (rich). Only this module and the CLI import rich.

Written for an 80-column Chinese Windows console as much as for a wide UTF-8 terminal:

* A file name is never cut: each file gets a line of its own, relative to the folder the clerk
  gave, printed without wrapping (the console wraps it if it must, and copying gives it back
  whole). Output paths likewise stand alone on their lines.
* Symbols degrade to words where the console cannot show them (a GBK console, a redirect to a
  file on Chinese Windows): ``✔`` becomes ``通过``. The CLI also makes the streams replace
  anything else they cannot encode, so printing never fails.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from zjkcollect.columns import cells, wrap
from zjkcollect.findings import Finding, Severity
from zjkcollect.report import FileResult, Report

if TYPE_CHECKING:
    from zjkcollect.merge import IngestRun, MergeRun, StatusTable

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def unicode_console(target: Console | None = None) -> bool:
    """Whether the console's encoding can show symbols such as ✔ (UTF-8 and friends)."""
    return (target or console).encoding.lower().replace("-", "").startswith(("utf", "cp65001"))


# Symbols a GBK console (or a redirect on Chinese Windows) cannot show, and what stands in for them.
_PLAIN = str.maketrans({"›": ">", "•": "·", "・": "·", "✘": "×", "✔": "√"})


def _text(value: str) -> str:
    """Text for the console: markup escaped, symbols plain where the console cannot show them."""
    return escape(value if unicode_console() else value.translate(_PLAIN))


def _passed() -> str:
    return "✔ 通过" if unicode_console() else "通过"


def display_name(label: str, base: Path | None) -> str:
    """``label`` relative to the folder the clerk gave (``base``), else as given."""
    if base is None:
        return label
    try:
        relative = PurePath(label).relative_to(base)
    except ValueError:
        return label
    return str(relative) if str(relative) != "." else label


def _verdict(result: FileResult) -> str:
    if result.skipped:
        return "[dim]已跳过[/dim]"
    return _counts(result) + _ignored(result)


def _counts(result: FileResult) -> str:
    if not result.errors and not result.warnings:
        return f"[green]{_passed()}[/green]"
    parts = []
    if result.errors:
        parts.append(f"[red]{result.errors} 个错误[/red]")
    if result.warnings:
        parts.append(f"[yellow]{result.warnings} 个警告[/yellow]")
    return "，".join(parts)


def _ignored(result: FileResult) -> str:
    """Columns the template does not have: not read, and said so rather than dropped silently."""
    names = result.ignored_columns
    return f"；[dim]未读取的列：{_text('、'.join(names))}[/dim]" if names else ""


def _facts(result: FileResult) -> str:
    """What the file is, on the line below its name: verdict, kind, unit, date, rows."""
    if result.skipped:
        return _verdict(result)
    parts = [
        _verdict(result),
        result.kinds or "类型不明",
        _text(result.reporter or "填报单位不明"),
        result.date.isoformat() if result.date else "日期不明",
        f"{result.row_count} 行",
    ]
    return "  ".join(parts)


def _file_name(result: FileResult, base: Path | None) -> list[str]:
    """The file's name on a line of its own, and the mail it came in ("来自 qx@163.com，主题：…")."""
    lines = [f"[bold]{_text(display_name(result.label, base))}[/bold]"]
    origin = result.origin.describe() if result.origin else None
    if origin:
        lines.append(f"  [dim]（{_text(origin)}）[/dim]")
    return lines


def _file_block(result: FileResult, base: Path | None, findings: Sequence[Finding]) -> list[str]:
    lines = ["", *_file_name(result, base), f"  {_facts(result)}"]
    for finding in findings:
        lines.extend(_finding_lines(finding))
    return lines


# Above this many files only the files that need a look get their block: a thousand lines of
# 通过 help nobody, and printing them costs rich more than checking the files did.
LIST_EVERY_FILE_UP_TO = 200


def _needs_a_look(result: FileResult) -> bool:
    return bool(result.skipped or result.errors or result.warnings or result.superseded or result.ignored_columns)


def show_report(report: Report, base: Path | None = None) -> None:
    """Every file: its name on a line of its own, what it is, then its problems."""
    by_file: dict[str, list[Finding]] = defaultdict(list)
    for finding in report.findings:
        by_file[finding.file].append(finding)
    where = f" {_text(str(base))} 中的" if base is not None else ""
    console.print(f"[bold]校验{where} {len(report.files)} 个文件[/bold]", soft_wrap=True)
    shown = report.files
    if len(shown) > LIST_EVERY_FILE_UP_TO:
        shown = [result for result in report.files if _needs_a_look(result)]
    # one print for every block: rich's cost is per call (60 files cost more to print than to check).
    # soft_wrap: names and paths are never broken by us, the finding lines are wrapped already.
    lines = [line for result in shown for line in _file_block(result, base, by_file.get(result.label, []))]
    if lines:
        console.print("\n".join(lines), soft_wrap=True)
    if len(shown) < len(report.files):
        console.print(
            f"\n另有 {len(report.files) - len(shown)} 个文件通过，未逐一列出（--json 另存的结果中有每个文件）。",
            soft_wrap=True,
        )
    errors = sum(result.errors for result in report.files)
    warnings = sum(result.warnings for result in report.files)
    checked = [result for result in report.files if not result.skipped]
    with_errors = sum(1 for result in checked if result.errors)
    only_warnings = sum(1 for result in checked if result.warnings and not result.errors)
    parts = [f"{len(checked) - with_errors - only_warnings} 个通过", f"{with_errors} 个有错误"]
    if only_warnings:
        parts.append(f"{only_warnings} 个只有警告")
    if len(checked) < len(report.files):
        parts.append(f"{len(report.files) - len(checked)} 个已跳过")
    console.print(
        f"\n共 {len(report.files)} 个文件：{'，'.join(parts)}；合计 {errors} 个错误，{warnings} 个警告。",
        soft_wrap=True,
    )


def _finding_lines(finding: Finding) -> list[str]:
    """``错误 附件3!D4 message [rule]``, the message wrapped under itself so the cell stays visible."""
    colour = "red" if finding.severity is Severity.ERROR else "yellow"
    where = finding.cell or (f"第{finding.row}行" if finding.row else "")
    place = f"{finding.sheet}!{where}" if finding.sheet and where else (finding.sheet or "")
    head = f"    {finding.severity.label} {place} " if place else f"    {finding.severity.label} "
    hang = 8
    text = " ".join(f"{finding.message} [{finding.rule}]".split())
    first_room = max(console.width - 1 - cells(head), 20)
    lines = wrap(text, first_room)
    if len(lines) > 1:
        lines = [lines[0], *wrap(text[len(lines[0]) :].lstrip(), max(console.width - 1 - hang, 20))]
    marked_head = head.replace(finding.severity.label, f"[{colour}]{finding.severity.label}[/{colour}]", 1)
    rule_tail = f"[{finding.rule}]"
    out = []
    for number, line in enumerate(lines):
        shown = _text(line)
        if line.endswith(rule_tail):
            shown = _text(line[: -len(rule_tail)]) + f"[dim]{_text(rule_tail)}[/dim]"
        out.append((marked_head if number == 0 else " " * hang) + shown)
    return out


def show_paths(title: str, paths: Sequence[Path | str]) -> None:
    """A title, then each path alone on its line (copyable whatever the console's width)."""
    console.print(_text(title))
    for path in paths:
        console.print(f"  {_text(str(path))}", soft_wrap=True)


@contextmanager
def progress_bar(total: int, description: str = "读取文件") -> Iterator[Callable[[FileResult], None]]:
    """A progress bar while reading many files; yields the per-file callback."""
    if total < 5 or not err_console.is_terminal:
        yield lambda _result: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn  # only on a terminal

    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda _result: progress.advance(task)


def info(message: str) -> None:
    console.print(_text(message))


def warn(message: str) -> None:
    err_console.print(f"[yellow]{_text(message)}[/yellow]")


def listed(title: str, items: Sequence[str], width: int | None = None, colour: str = "") -> None:
    """``title`` and items joined by 、, broken into lines only between items."""
    width = (width or console.width) - 1
    lines: list[str] = []
    line = f"  {title}"
    for index, item in enumerate(items):
        piece = item + ("、" if index < len(items) - 1 else "")
        if cell_len(line) + cell_len(piece) > width and line.strip():
            lines.append(line)
            line = "    "
        line += piece
    lines.append(line)
    for text in lines:
        console.print(f"[{colour}]{_text(text)}[/{colour}]" if colour else _text(text), soft_wrap=True)


# --- merge, ingest and status ---------------------------------------------------------------------

_STATUS_COLOURS = {"已报送": "green", "迟报": "yellow", "未更新": "magenta", "报送有误": "red", "未报送": "red"}


def _status(text: str) -> str:
    colour = _STATUS_COLOURS.get(text, "white")
    return f"[{colour}]{text}[/{colour}]"


def show_ingest(run: IngestRun, base: Path | None = None) -> None:
    if run.new:
        console.print(f"[bold]新收录 {len(run.new)} 个文件[/bold]")
        lines = [line for result in run.new for line in (*_file_name(result, base), f"  {_facts(result)}")]
        console.print("\n".join(lines), soft_wrap=True)
    for result in run.ignored:
        reason = result.findings[0].message if result.findings else "无法读取"
        console.print(f"[dim]未收录[/dim] {_text(display_name(result.label, base))}", soft_wrap=True)
        console.print(f"  {_text(reason)}")
    for copy in run.known:
        if copy.is_resend:
            console.print(f"[dim]重复发送[/dim] {_text(display_name(copy.label, base))}", soft_wrap=True)
            console.print(f"  {_text(copy.describe())}")
    console.print(f"新收录 {len(run.new)} 个文件；{len(run.known)} 个文件此前已收录（内容相同），未重复收录。")
    if run.rechecked:
        console.print(f"活动配置或程序版本有变化，已按新规则重新校验此前收录的 {run.rechecked} 个文件。")


def show_merge(run: MergeRun, base: Path | None = None) -> None:
    show_ingest(run.ingest, base)
    from zjkcollect.rollup import ChangeKind, RosterStatus  # here: validate has no need of the roll-up

    rollup = run.rollup
    missing = rollup.reporters_with(RosterStatus.MISSING)
    stale = rollup.reporters_with(RosterStatus.STALE)
    late = rollup.reporters_with(RosterStatus.LATE)
    on_time = rollup.reporters_with(RosterStatus.ON_TIME)
    console.print(f"\n[bold]{rollup.week} 汇总[/bold]")
    console.print(
        f"  参赛项目 {len(rollup.active_projects)} 个（另有已退赛 {len(rollup.withdrawn_projects)} 个），"
        f"参赛单位 {rollup.unit_count} 个"
    )
    console.print(
        f"  本周报送 {len(on_time) + len(late)} 个单位（其中迟报 {len(late)} 个），"
        f"未更新 {len(stale)} 个，未报送 {len(missing)} 个"
    )
    short = rollup.short_tracks
    if short:
        names = [f"{track.track}（{track.projects}）" for track in short]
        required = short[0].required  # the campaign's minimum, the same for every track
        listed(f"项目不足{required}个的赛道 {len(short)} 条：", names, colour="yellow")
    changes = "，".join(f"{kind.value} {len(rollup.changes_of(kind))}" for kind in ChangeKind)
    console.print(f"  周变化：{changes}")
    colour = "red" if rollup.errors else "green"
    console.print(
        f"  待处理问题：[{colour}]{rollup.errors} 个错误[/{colour}]，{rollup.warnings} 个警告"
        f"（{rollup.excluded_rows} 行有错误，未计入统计）"
    )
    # one line each, never wrapped, so the clerk can copy a path whole
    console.print()
    outputs = [
        ("汇总表", run.rollup_path),
        ("报省附件3", run.consolidated_path),
        ("催报名单", run.reminder_path),
        ("情况通报", run.bulletin_path),
    ]
    if run.json_path is not None:
        outputs.append(("JSON 汇总", run.json_path))
    for label, path in outputs:
        console.print(f"{label}：{_text(str(path))}", soft_wrap=True)


def show_status(status: StatusTable) -> None:
    console.print(f"[bold]各单位报送情况（截至 {status.week}，未报送的排在最前）[/bold]")
    table = Table(box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False, padding=(0, 1))
    table.add_column("报送单位", no_wrap=True)
    table.add_column("类别", no_wrap=True)
    for week in status.weeks:
        table.add_column(week.isoformat()[5:], justify="center", no_wrap=True)
    for row in status.rows:
        table.add_row(_text(row.reporter), _text(row.level), *[_status(item.value) for item in row.statuses])
    console.print(table)
    counts = "，".join(f"{_status(item.value)} {count}" for item, count in status.counts.items())
    console.print(f"{status.week}：{counts}（账本中共 {status.files} 个文件）")


def relative_base(paths: Sequence[Path]) -> Path | None:
    """The folder file names are shown relative to: the one folder the clerk gave, if that is all."""
    return paths[0] if len(paths) == 1 and paths[0].is_dir() else None
