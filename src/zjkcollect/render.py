"""Console views of a report (rich). Only this module and the CLI import rich."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import groupby
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from zjkcollect.findings import Finding, Severity
from zjkcollect.report import FileResult, Report
from zjkcollect.rollup import ChangeKind, RosterStatus

if TYPE_CHECKING:
    from zjkcollect.merge import IngestRun, MergeRun, StatusTable

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _verdict(result: FileResult) -> str:
    if result.skipped:
        return "[dim]已跳过[/dim]"
    return _counts(result) + _ignored(result)


def _counts(result: FileResult) -> str:
    if not result.errors and not result.warnings:
        return "[green]✔[/green]"
    parts = []
    if result.errors:
        parts.append(f"[red]{result.errors} 错误[/red]")
    if result.warnings:
        parts.append(f"[yellow]{result.warnings} 警告[/yellow]")
    return "，".join(parts)


def _ignored(result: FileResult) -> str:
    """Columns the template does not have: not read, and said so rather than dropped silently."""
    names = result.ignored_columns
    return f"；[dim]未读取的列：{_escape('、'.join(names))}[/dim]" if names else ""


def show_report(report: Report) -> None:
    table = Table(title="校验结果", show_lines=False, header_style="bold")
    for header in ("文件", "类型", "填报单位", "日期", "行数", "结果"):
        table.add_column(header, overflow="fold")
    for result in report.files:
        table.add_row(
            _file_label(result),
            result.kinds or "—",
            result.reporter or "—",
            result.date.isoformat() if result.date else "—",
            str(len(result.rows)),
            _verdict(result),
        )
    console.print(table)
    for label, items in groupby(report.findings, key=lambda finding: finding.file):
        console.print(f"\n[bold]{label}[/bold]")
        for finding in items:
            console.print(_finding_line(finding))
    errors = sum(result.errors for result in report.files)
    warnings = sum(result.warnings for result in report.files)
    console.print(f"\n共 {len(report.files)} 个文件，{errors} 个错误，{warnings} 个警告。")


def _file_label(result: FileResult) -> str:
    """The file as given, with the mail it came in ("来自 qx@163.com，主题：桥西区附件3")."""
    origin = result.origin.describe() if result.origin else None
    return _escape(result.label + (f"\n（{origin}）" if origin else ""))


def _finding_line(finding: Finding) -> str:
    colour = "red" if finding.severity is Severity.ERROR else "yellow"
    where = finding.cell or (f"第{finding.row}行" if finding.row else "")
    place = f"{finding.sheet}!{where}" if finding.sheet and where else (finding.sheet or "")
    return (
        f"  [{colour}]{finding.severity.label}[/{colour}] {place} [dim]{finding.rule}[/dim] {_escape(finding.message)}"
    )


def _escape(text: str) -> str:
    return text.replace("[", r"\[")


@contextmanager
def progress_bar(total: int, description: str = "读取文件") -> Iterator[Callable[[FileResult], None]]:
    """A progress bar while reading many files; yields the per-file callback."""
    if total < 5 or not err_console.is_terminal:
        yield lambda _result: None
        return
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=err_console, transient=True
    ) as progress:
        task = progress.add_task(description, total=total)
        yield lambda _result: progress.advance(task)


def info(message: str) -> None:
    console.print(_escape(message))


def warn(message: str) -> None:
    err_console.print(f"[yellow]{_escape(message)}[/yellow]")


# --- merge, ingest and status ---------------------------------------------------------------------

_STATUS_COLOURS = {"已报送": "green", "迟报": "yellow", "未更新": "magenta", "报送有误": "red", "未报送": "red"}


def _status(text: str) -> str:
    colour = _STATUS_COLOURS.get(text, "white")
    return f"[{colour}]{text}[/{colour}]"


def show_ingest(run: IngestRun) -> None:
    if run.new:
        table = Table(title="新收录的报表", header_style="bold")
        for header in ("文件", "类型", "填报单位", "日期", "行数", "结果"):
            table.add_column(header, overflow="fold")
        for result in run.new:
            table.add_row(
                _file_label(result),
                result.kinds or "—",
                _escape(result.reporter or "—"),
                result.date.isoformat() if result.date else "—",
                str(len(result.rows)),
                _verdict(result),
            )
        console.print(table)
    for result in run.ignored:
        reason = result.findings[0].message if result.findings else "无法读取"
        console.print(f"[dim]未收录[/dim] {_escape(result.label)}：{_escape(reason)}")
    for copy in run.known:
        if copy.is_resend:
            console.print(f"[dim]重复发送[/dim] {_escape(copy.label)}：{_escape(copy.describe())}")
    console.print(f"新收录 {len(run.new)} 个文件；{len(run.known)} 个文件此前已收录（内容相同），未重复收录。")
    if run.rechecked:
        console.print(f"活动配置或程序版本有变化，已按新规则重新校验此前收录的 {run.rechecked} 个文件。")


def show_merge(run: MergeRun) -> None:
    show_ingest(run.ingest)
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
        names = "、".join(f"{track.track}（{track.projects}）" for track in short)
        console.print(f"  [yellow]项目不足2个的赛道 {len(short)} 条：{_escape(names)}[/yellow]")
    changes = "，".join(f"{kind.value} {len(rollup.changes_of(kind))}" for kind in ChangeKind)
    console.print(f"  周变化：{changes}")
    colour = "red" if rollup.errors else "green"
    console.print(
        f"  待处理问题：[{colour}]{rollup.errors} 个错误[/{colour}]，{rollup.warnings} 个警告"
        f"（{rollup.excluded_rows} 行有错误，未计入统计）"
    )
    # one line each, never wrapped, so the clerk can copy a path whole
    console.print()
    for label, path in (
        ("汇总表", run.rollup_path),
        ("报省附件3", run.consolidated_path),
        ("催报名单", run.reminder_path),
        ("情况通报", run.bulletin_path),
    ):
        console.print(f"{label}：{_escape(str(path))}", soft_wrap=True)
    if run.json_path is not None:
        console.print(f"JSON 汇总：{_escape(str(run.json_path))}")


def show_status(status: StatusTable) -> None:
    table = Table(title=f"各单位报送情况（截至 {status.week}，未报送的排在最前）", header_style="bold")
    table.add_column("报送单位")
    table.add_column("类别")
    for week in status.weeks:
        table.add_column(week.isoformat()[5:], justify="center")
    for row in status.rows:
        table.add_row(_escape(row.reporter), row.level, *[_status(item.value) for item in row.statuses])
    console.print(table)
    counts = "，".join(f"{_status(item.value)} {count}" for item, count in status.counts.items())
    console.print(f"{status.week}：{counts}（账本中共 {status.files} 个文件）")
