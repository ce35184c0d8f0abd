"""Console views of a report (rich). Only this module and the CLI import rich."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import groupby

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from zjkcollect.findings import Finding, Severity
from zjkcollect.report import FileResult, Report

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)


def _verdict(result: FileResult) -> str:
    if result.skipped:
        return "[dim]已跳过[/dim]"
    if not result.errors and not result.warnings:
        return "[green]✔[/green]"
    parts = []
    if result.errors:
        parts.append(f"[red]{result.errors} 错误[/red]")
    if result.warnings:
        parts.append(f"[yellow]{result.warnings} 警告[/yellow]")
    return "，".join(parts)


def show_report(report: Report) -> None:
    table = Table(title="校验结果", show_lines=False, header_style="bold")
    for header in ("文件", "类型", "填报单位", "日期", "行数", "结果"):
        table.add_column(header, overflow="fold")
    for result in report.files:
        table.add_row(
            result.label,
            result.kind.value if result.kind else "—",
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
def progress_bar(total: int, description: str = "读取文件") -> Iterator[callable]:
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
