"""Validating an inbox: every file gets a verdict, then the rules that span files.

Per file: bytes → format (by content) → values → table → rows and file rules.
Across files: superseded resends and the same project reported differently. Both are
decided from content only (dates, then modification time, then the SHA-256), so the
verdicts never depend on file names or the order files are read in.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from zjkcollect.campaign import Campaign
from zjkcollect.checker import check_table
from zjkcollect.crossfile import (
    Place,
    ProjectKey,
    Standing,
    clash_finding,
    clashes,
    key_of,
    oldest_first,
)
from zjkcollect.errors import ReadFailure, ZjkError, os_reason
from zjkcollect.findings import column_letter, make_finding
from zjkcollect.isolation import FILE_TIME_LIMIT, check_isolated, collector_paused, default_workers, guarded_check
from zjkcollect.layout import locate_tables
from zjkcollect.mailbox import unpack
from zjkcollect.markup import RETURN_FOLDER, write_marked_copies
from zjkcollect.outputs import atomic_write
from zjkcollect.reader import WorkbookData, is_lock_file, load_workbook_data, sniff
from zjkcollect.report import CheckedRow, FileResult, Report, SlimRows, Submission, TableResult

Progress = Callable[[FileResult], None]


def collect_paths(paths: Iterable[Path | str], exclude: Iterable[Path] = ()) -> list[tuple[Path, str]]:
    """Files named or found (recursively) under folders, as (path, label-as-given), sorted.

    Files and folders in ``exclude`` (the command's own outputs) are never found inside a
    folder: a second ``validate`` must not take its own marked-up copies for returns. A file
    named explicitly is always read.
    """
    skipped = [Path(item).resolve() for item in exclude]
    found: list[tuple[Path, str]] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            inside = [item for item in skipped if item.is_relative_to(path.resolve())]
            for child in sorted(path.rglob("*")):
                if not child.is_file() or any(part.startswith(".") for part in child.relative_to(path).parts):
                    continue
                if inside and any(child.resolve().is_relative_to(item) for item in inside):
                    continue
                found.append((child, str(child)))
        elif path.is_file():
            found.append((path, str(given)))
        else:
            raise ZjkError(f"找不到文件或文件夹：{given}")
    return found


def validation_outputs(out_dir: Path | None, json_path: Path | None, inputs: Iterable[Path | str]) -> list[Path]:
    """What ``validate`` writes, for :func:`collect_paths` to leave out when it lies inside the inbox.

    The whole output folder when it is a folder of its own (it may also hold the roll-up of
    ``merge``); only its 退回 folder when the clerk made the inbox itself the output folder.
    """
    outputs: list[Path] = [] if json_path is None else [Path(json_path)]
    if out_dir is None:
        return outputs
    out = Path(out_dir).resolve()
    given = [Path(item).resolve() for item in inputs]
    holds_an_input = any(folder.is_relative_to(out) for folder in given)
    return [*outputs, out / RETURN_FOLDER if holds_an_input else out]


def validate_file(
    path: Path,
    label: str,
    campaign: Campaign,
    data: bytes | None = None,
    slim: bool = False,
    keep: list[WorkbookData] | None = None,
) -> FileResult:
    """One file's verdict; nothing about a bad file escapes as an exception.

    ``slim``: each table keeps of its rows only what the inbox rules read (see report.SlimRows).
    ``keep``: the file's sheets as read are put there instead of being freed on the way out.
    """
    with collector_paused():
        return _validate_file(path, label, campaign, data, slim, keep)


def _validate_file(
    path: Path, label: str, campaign: Campaign, data: bytes | None, slim: bool, keep: list[WorkbookData] | None
) -> FileResult:
    result = FileResult(path=path, label=label)
    try:
        if data is None:
            data = path.read_bytes()
        result.mtime = path.stat().st_mtime
    except OSError as exc:
        if is_lock_file(path):  # Excel may hold its own lock file open
            return _lock_file(result)
        result.findings.append(make_finding("file-unreadable", file=label, reason=os_reason(exc)))
        return result
    # The name only suggests a lock file; a real workbook that happens to be called "~$…" is still read.
    if is_lock_file(path) and sniff(data) not in {"zip", "ole"}:
        return _lock_file(result)
    result.sha256 = hashlib.sha256(data).hexdigest()
    try:
        workbook = load_workbook_data(path, data)
    except ReadFailure as failure:
        result.skipped = failure.rule == "not-spreadsheet"
        result.findings.append(make_finding(failure.rule, file=label, **failure.context))
        return result
    result.format = workbook.format
    if keep is not None:
        keep.append(workbook)
    if workbook.facts.has_macros:
        result.findings.append(make_finding("macro-present", file=label))
    tables = locate_tables(workbook, campaign)
    if not tables:
        result.findings.append(make_finding("kind-unknown", file=label, kinds=_alternatives(campaign)))
        return result
    facts = workbook.facts
    for table in tables:
        sheet = table.sheet
        check_table(result, table, campaign, facts.uncached_formulas.get(sheet), facts.hidden_rows.get(sheet), slim)
    result.number_parts()
    return result


def _alternatives(campaign: Campaign) -> str:
    """The attachments' labels as a question: "附件2、附件3 还是附件4"."""
    labels = [attachment.label for attachment in campaign.attachments]
    return f"{'、'.join(labels[:-1])} 还是{labels[-1]}" if len(labels) > 1 else labels[0]


def _lock_file(result: FileResult) -> FileResult:
    result.skipped = True
    result.findings.append(make_finding("lock-file", file=result.label))
    return result


def validate_paths(
    paths: Iterable[Path | str], campaign: Campaign, progress: Progress | None = None, workers: int | None = None
) -> Report:
    return validate_files(collect_paths(paths), campaign, progress, workers)


# The sheets of the file checked last, freed when the next one starts. In a worker the file's
# result has been sent by then: freeing a big sheet's cells (0.06 s for 1.6 million) no longer
# stands between the last file's verdict and the clerk, and one file's sheets is all it holds.
_LAST_SHEETS: list[WorkbookData] = []


def validate_slim(path: Path, label: str, campaign: Campaign) -> FileResult:
    """A file's verdict with rows cut down to what the inbox rules read (less to copy and keep)."""
    _LAST_SHEETS.clear()
    return validate_file(path, label, campaign, slim=True, keep=_LAST_SHEETS)


def validate_files(
    files: list[tuple[Path, str]],
    campaign: Campaign,
    progress: Progress | None = None,
    workers: int | None = None,
    time_limit: float = FILE_TIME_LIMIT,
    keep_rows: bool = True,
) -> Report:
    """Every file's verdict (in worker processes unless ``workers`` is 0), then the inbox rules.

    With ``keep_rows`` False each row keeps only the fields the inbox rules need.
    """
    unpacked = unpack(files)  # mails and zip archives → the spreadsheets inside, with their origin
    files = unpacked.files
    workers = default_workers(len(files)) if workers is None else workers
    check = validate_file if keep_rows else validate_slim
    if workers == 0:
        results = []
        for path, label in files:
            results.append(guarded_check(check, path, label, campaign))
            if progress is not None:
                progress(results[-1])
    else:
        results = check_isolated(files, campaign, check, workers, time_limit, progress)
    unpacked.attach(results)
    results.extend(unpacked.notes)
    apply_inbox_rules(results)
    return Report(files=results)


@dataclass(slots=True)
class ValidationRun:
    report: Report
    copies: list[Path]
    json_path: Path | None


def run_validation(
    files: list[tuple[Path, str]],
    campaign: Campaign,
    out_dir: Path | None,
    json_path: Path | None = None,
    progress: Progress | None = None,
    on_redirect: Callable[[Path, Path], None] | None = None,
    workers: int | None = None,
    sources: Iterable[Path | str] = (),
) -> ValidationRun:
    """The ``validate`` command: check every file, write marked-up copies and the JSON report.

    A fault on one file at any stage is that file's finding; the report, the JSON and the
    other copies are always written. Raises ZjkError when there is no spreadsheet to check
    (``sources``, the files and folders as given, only name the place in that message).
    """
    where = "、".join(str(source) for source in sources) or "所给的位置"
    advice = "请检查是否选对了存放报回表格的文件夹。"
    if not files:
        raise ZjkError(f"{where} 中没有找到任何文件。{advice}")
    report = validate_files(files, campaign, progress, workers, keep_rows=False)
    if all(result.skipped for result in report.files):
        raise ZjkError(
            f"{where} 中的 {len(files)} 个文件都不是电子表格（.xlsx、.xls、.et、.ods），没有可校验的报表。{advice}"
        )
    copies = write_marked_copies(report, out_dir, on_redirect, workers) if out_dir is not None else []
    if json_path is not None:
        with atomic_write(json_path, on_redirect) as temp:
            temp.write_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8")
    return ValidationRun(report=report, copies=copies, json_path=json_path)


def standing(submission: Submission) -> Standing:
    """A return's standing while validating: nothing has been taken in yet, so the file's own time decides."""
    result = submission.result
    return Standing(submission.date, None, result.mtime, result.sha256, submission.first.part)


def apply_inbox_rules(results: list[FileResult]) -> None:
    """Rules across returns: superseded resends, then projects reported differently or twice."""
    groups: dict[tuple[str, str, object], list[Submission]] = defaultdict(list)
    for result in results:
        for submission in result.submissions():
            if submission.reporter_known and submission.reporter:
                groups[(submission.reporter, submission.attachment.id, submission.week)].append(submission)
    for members in groups.values():
        if len(members) < 2:
            continue
        *older_ones, latest = oldest_first(members, standing)
        for older in older_ones:
            if older.result.sha256 == latest.result.sha256 and older.first.part == latest.first.part:
                continue  # the same bytes twice are one submission
            older.mark_superseded()
            older.result.findings.append(
                make_finding(
                    "superseded",
                    file=older.result.label,
                    sheet=older.first.sheet,
                    reporter=older.reporter,
                    other_file=_place(latest),
                    other_date=latest.date.isoformat() if latest.date else "无日期",
                )
            )
    current = [
        submission
        for result in results
        for submission in result.submissions()
        if not submission.superseded and submission.attachment.holds_projects
    ]
    _cross_file_projects(current)


def _place(submission: Submission) -> str:
    """A return named for the reporter: the file, and the sheet when the file holds more than one table."""
    result = submission.result
    if len(result.tables) > 1:
        return f"{result.label}（工作表“{submission.first.sheet}”）"
    return result.label


Where = tuple[Submission, TableResult, CheckedRow]


def _codes_and_names(table: TableResult) -> tuple[Sequence[object], Sequence[object]]:
    """Every row's credit code and project name; the columns themselves when the rows are slim."""
    rows = table.rows
    if isinstance(rows, SlimRows):
        return rows.column("credit_code"), rows.column("project_name")
    return [row.values.get("credit_code") for row in rows], [row.values.get("project_name") for row in rows]


def _cross_file_projects(submissions: list[Submission]) -> None:
    # A project is known by its credit code and name, so only the rows whose code is found twice
    # or more in a period can clash; only their keys are made, and only projects found in more
    # than one place become Places (a province inbox has 50,000 rows, nearly all of them once).
    returns: dict[tuple[str, object], list[Submission]] = defaultdict(list)
    for submission in submissions:
        returns[(submission.attachment.id, submission.week)].append(submission)
    by_period: list[dict[ProjectKey, list[tuple[Submission, TableResult, int]]]] = []
    for members in returns.values():
        # the parts of one file are one return: a single return has nothing to clash with
        if len({submission.result.sha256 for submission in members}) < 2:
            continue
        columns = [
            (submission, table, *_codes_and_names(table)) for submission in members for table in submission.tables
        ]
        counts = Counter(code for _, _, codes, _ in columns for code in codes if code)
        period: dict[ProjectKey, list[tuple[Submission, TableResult, int]]] = {}
        seen_here: set[ProjectKey] = set()
        current: Submission | None = None
        for submission, table, codes, names in columns:
            if submission is not current:
                current, seen_here = submission, set()
            for index in [index for index, code in enumerate(codes) if code and counts[code] > 1]:
                key = key_of(codes[index], names[index])
                if key is None or key in seen_here:
                    continue
                seen_here.add(key)
                period.setdefault(key, []).append((submission, table, index))
        by_period.append(period)

    def same_return(one: Place[Where], other: Place[Where]) -> bool:
        return one.where[0].result.sha256 == other.where[0].result.sha256

    for period in by_period:
        places = [
            Place(key, submission.reporter, row.values, (submission, table, row))
            for key, group in period.items()
            if len(group) > 1
            for submission, table, index in group
            for row in (table.rows[index],)
        ]
        if not places:
            continue
        header = places[0].where[0].attachment.column("track").header
        for clash in clashes(places, same_return).values():
            for place in clash.places:
                submission, table, row = place.where
                column = table.table.columns.get("track")
                finding = clash_finding(
                    clash,
                    place,
                    file=submission.result.label,
                    sheet=table.sheet,
                    row=row.number,
                    column=column_letter(column) if column else None,
                    field=header,
                    other_file=lambda other: _place(other.where[0]),
                    other_row=lambda other: other.where[2].number,
                )
                if finding is not None:
                    submission.result.findings.append(finding)
