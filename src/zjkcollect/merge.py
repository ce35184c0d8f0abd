"""The ``merge``, ``ingest`` and ``status`` commands as library functions.

``merge`` takes in what is new in the inbox, computes the week's roll-up from the whole
ledger and writes the workbooks. All of it is one unit: the ledger transaction is committed
only after every output file has been moved into place, so a run that fails or is killed
part-way leaves the ledger and the previous outputs as they were.

``ingest`` records files without merging (for a clerk who files e-mails as they arrive, so
that the time taken in, which decides 迟报, is the day they came). ``validate`` records nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from zjkcollect import __version__
from zjkcollect.bulletin import bulletin_file_name, write_bulletin
from zjkcollect.campaign import Campaign
from zjkcollect.codes import parse_date
from zjkcollect.errors import ZjkError
from zjkcollect.inbox import Progress, collect_paths, validate_files
from zjkcollect.isolation import internal_error
from zjkcollect.ledger import Ledger, is_recordable
from zjkcollect.mailbox import unpack
from zjkcollect.outputs import atomic_write
from zjkcollect.reminders import reminder_file_name, write_reminder_text
from zjkcollect.report import SLIM_FIELDS, CheckedRow, FileResult, PackedSlimRows, RecordedRows, SlimRows
from zjkcollect.rollup import SLIM_READING, Project, RollUp, RosterRow, RosterStatus, compute_rollup, roster
from zjkcollect.rollup_book import consolidated_file_name, rollup_file_name, write_consolidated, write_rollup_book

Clock = Callable[[], dt.datetime]
Redirect = Callable[[Path, Path], None]


def system_clock() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Received:
    """The clerk's word (``--received``) on when the files came: it overrides a mail's own time."""

    moment: dt.datetime

    def __call__(self) -> dt.datetime:
        return self.moment


def received_on(text: str, today: dt.date | None = None) -> Clock:
    """A clock for files received on an earlier day than they are taken in (``--received``)."""
    day = parse_date(text)
    today = today or dt.date.today()
    if day is None:
        raise ZjkError(f"收到日期“{text}”不是日期，请按 {today.isoformat()} 的格式填写")
    if day > today:
        raise ZjkError(f"收到日期 {day} 晚于今天（{today}），请核对")
    return Received(dt.datetime.combine(day, dt.time()))


def check_week(campaign: Campaign, week: dt.date | str) -> dt.date:
    """The calendar week named by ``week``; a Chinese error listing the valid weeks otherwise."""
    day = parse_date(week) if isinstance(week, str) else week
    weeks = campaign.calendar.weeks
    if day is None or day not in weeks:
        listed = "、".join(item.isoformat() for item in weeks)
        shown = day.isoformat() if day else str(week)
        day_name = campaign.calendar.update_day
        raise ZjkError(f"统计周“{shown}”不是活动日程中的{day_name}更新日，请从以下日期中选择：{listed}")
    return day


@dataclass(frozen=True, slots=True)
class KnownCopy:
    """A file whose bytes were already taken in, and the first file that brought them."""

    label: str
    original: str  # the path the same bytes were first taken in under
    reporter: str | None
    received_on: dt.date
    week: dt.date | None

    @property
    def is_resend(self) -> bool:
        """Sent again under another name or folder (the same path seen again is not news)."""
        return self.label != self.original

    def describe(self) -> str:
        whose = f"{self.reporter}的" if self.reporter else ""
        week = f"（{self.week}周）" if self.week else ""
        return f"内容与 {self.received_on} 收到的{whose} {self.original}{week} 完全相同，未重复收录"


@dataclass(slots=True)
class IngestRun:
    new: list[FileResult] = field(default_factory=list)  # recorded by this run
    known: list[KnownCopy] = field(default_factory=list)  # the same bytes were already taken in
    ignored: list[FileResult] = field(default_factory=list)  # lock files, non-spreadsheets, unreadable
    rechecked: int = 0  # files taken in earlier, checked again against changed rules


def validation_stamp(campaign: Campaign) -> str:
    """Names the rules files are checked against: the campaign's content and this program's version."""
    rules = campaign.model_dump_json(exclude={"source"})
    return hashlib.sha256(f"{__version__}\n{rules}".encode()).hexdigest()[:16]


def ingest_into(
    ledger: Ledger,
    campaign: Campaign,
    files: list[tuple[Path, str]],
    taken_in: dt.datetime,
    progress: Progress | None = None,
    mail_times: bool = True,
) -> IngestRun:
    """Validate and record the files the ledger has not seen; call inside ``ledger.transaction()``.

    Every file of one run gets the same time taken in, so the order files are read in
    cannot change which counts as late; a file that came out of an e-mail gets the mail's
    time instead, unless ``mail_times`` is False (the clerk said when with ``--received``).
    """
    run = IngestRun()
    stamp = validation_stamp(campaign)
    unpacked = unpack(files)  # mails and zip archives → the spreadsheets inside, with their origin
    files = unpacked.files
    run.ignored.extend(unpacked.notes)
    # sha -> path, not the bytes: a province inbox would otherwise sit in memory twice over
    seen: dict[str, tuple[Path, str]] = {}
    twins: list[tuple[str, str]] = []  # (label, sha) of files whose bytes came earlier in this run
    fresh: list[tuple[Path, str]] = []
    for path, label in sorted(files, key=lambda item: item[1]):
        try:
            sha = _sha256_of(path)
        except OSError:
            sha = None  # validation turns the failure into a finding
        if sha is not None:
            stored = ledger.file(sha)
            if stored is not None:
                run.known.append(
                    KnownCopy(label, stored.original_path, stored.reporter, stored.received_on, stored.week)
                )
                continue
            if sha in seen:
                twins.append((label, sha))
                continue
            seen[sha] = (path, label)
        fresh.append((path, label))
    # Worker processes with a time limit, and the cross-file notes among the new files for the
    # console; the ledger keeps only each file's own findings, so each file is recorded as its
    # result arrives and then keeps only its slim rows: a province inbox's 50,000 rows are
    # never all held as row objects at once.
    ledger.expect_archives((sha, path.suffix) for sha, (path, _) in seen.items())  # one fsync for the run
    stored_ok: dict[int, bool] = {}  # id(result) → recorded
    stopped: list[BaseException] = []  # the machine or the ledger failed: raised once the workers are done

    def record(result: FileResult) -> None:
        if progress is not None:
            progress(result)
        if stopped:
            return
        unpacked.attach([result])
        path = seen[result.sha256][0] if result.sha256 in seen else None
        data = _read_if_unchanged(path, result.sha256)
        if data is None or not is_recordable(result):
            return  # unreadable, not a spreadsheet, or changed while being read
        try:
            stored_ok[id(result)] = _record_isolated(
                ledger,
                result,
                lambda: ledger.record(result, data, _time_received(result, taken_in, campaign, mail_times), stamp),
            )
        except (OSError, sqlite3.DatabaseError) as exc:  # not the file's fault: not the reader's either
            stopped.append(exc)
            return
        if stored_ok[id(result)]:
            _keep_slim(result)

    report = validate_files(fresh, campaign, record)
    if stopped:
        raise stopped[0]
    unpacked.attach(report.files)
    recorded: dict[str, FileResult] = {}
    for result in report.files:
        if stored_ok.get(id(result)):
            _keep_counts(result)  # the rules across files are done: the ledger has the values
            run.new.append(result)
            recorded[result.sha256] = result
        else:
            run.ignored.append(result)
    for label, sha in twins:
        first = recorded.get(sha)
        if first is not None:
            when = _time_received(first, taken_in, campaign, mail_times)
            run.known.append(KnownCopy(label, first.label, first.reporter, when.date(), first.week))
    run.rechecked = recheck_stale(ledger, campaign, stamp, progress)
    return run


INGEST_STAGE = "收录进账本"


def _keep_slim(result: FileResult) -> None:
    """A recorded file's rows cut down to what the inbox rules read, as ``validate`` keeps them.

    The ledger now holds the rows; the run's report keeps only what it shows. 50,000 rows as
    row objects, kept to the end of the merge, doubled what the roll-up itself needs.
    """
    for table in result.tables:
        rows = table.rows
        if isinstance(rows, SlimRows):
            continue
        columns = [[row.values.get(name) for row in rows] for name in SLIM_FIELDS]
        slim = SlimRows([row.number for row in rows], columns, [r.has_error for r in rows])
        table.rows = cast(list[CheckedRow], PackedSlimRows(slim))  # one block until the rules across files


def _keep_counts(result: FileResult) -> None:
    """A recorded file's rows cut down to what the run's report shows: their numbers and error flags."""
    for table in result.tables:
        rows = table.rows
        table.rows = cast(list[CheckedRow], RecordedRows([row.number for row in rows], [r.has_error for r in rows]))


def _record_isolated(ledger: Ledger, result: FileResult, write: Callable[[], object]) -> bool:
    """Write one file's records; a fault of ours on this file becomes its finding, not the run's end.

    Problems of the machine (disk full, a locked or damaged ledger) still stop the command:
    they would fail every file alike and the clerk must hear of them once.
    """
    try:
        with ledger.savepoint():
            write()
    except (sqlite3.IntegrityError, sqlite3.ProgrammingError, sqlite3.InterfaceError) as exc:
        result.findings.append(internal_error(result.label, INGEST_STAGE, exc))  # what we asked SQLite to do
        return False
    except (OSError, sqlite3.DatabaseError):
        raise  # the machine or the ledger itself: every file would fail alike
    except Exception as exc:
        result.findings.append(internal_error(result.label, INGEST_STAGE, exc))
        return False
    return True


def _time_received(result: FileResult, taken_in: dt.datetime, campaign: Campaign, mail_times: bool) -> dt.datetime:
    """The mail's time for a file that came by mail (in the campaign's local time), else ``taken_in``."""
    origin = result.origin
    if not mail_times or origin is None:
        return taken_in
    return origin.local_time(campaign.calendar.timezone) or taken_in


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _read_if_unchanged(path: Path | None, sha: str) -> bytes | None:
    """The file's bytes if they are still the ones that were validated."""
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if hashlib.sha256(data).hexdigest() == sha else None


def recheck_stale(ledger: Ledger, campaign: Campaign, stamp: str, progress: Progress | None = None) -> int:
    """Check archived files again when the campaign file (or the program) changed since they came in.

    A registry alias added or a topic list completed then applies to every week, not only to
    files that arrive afterwards. Files whose archive copy is gone keep their old verdict.
    """
    stale = {stored.sha256: stored for stored in ledger.stale(stamp) if ledger.archived(stored).is_file()}
    pairs = [(ledger.archived(stored), stored.original_path) for stored in stale.values()]
    count = 0
    for result in validate_files(pairs, campaign, progress).files if pairs else []:
        # a file whose new check cannot be recorded keeps its old verdict
        if result.sha256 in stale and _record_isolated(
            ledger, result, lambda result=result: ledger.recheck(result.sha256, result, stamp)
        ):
            count += 1
    return count


def run_ingest(
    campaign: Campaign,
    paths: Iterable[Path | str],
    db_path: Path,
    progress: Progress | None = None,
    now: Clock = system_clock,
) -> IngestRun:
    """The ``ingest`` command: record files (or folders) in the ledger without merging."""
    files = collect_paths(paths)
    with Ledger(db_path, writing=True) as ledger, ledger.transaction():
        return ingest_into(ledger, campaign, files, now(), progress, mail_times=not isinstance(now, Received))


@dataclass(slots=True)
class MergeRun:
    week: dt.date
    ingest: IngestRun
    rollup: RollUp
    rollup_path: Path
    consolidated_path: Path
    json_path: Path | None
    reminder_path: Path  # the 催报 text for the work group
    bulletin_path: Path  # the 情况通报 for the leaders


def run_merge(
    campaign: Campaign,
    week: dt.date | str,
    inbox_dir: Path,
    out_dir: Path,
    db_path: Path,
    json_path: Path | None = None,
    progress: Progress | None = None,
    on_redirect: Redirect | None = None,
    now: Clock = system_clock,
) -> MergeRun:
    """The ``merge`` command: take in what is new, roll up the week, write the workbooks."""
    day = check_week(campaign, week)
    inbox_dir = Path(inbox_dir)
    if not inbox_dir.is_dir():
        raise ZjkError(f"找不到收件箱文件夹 {inbox_dir}，请用 --inbox 指定存放报回表格的文件夹")
    if Path(out_dir).resolve().is_relative_to(inbox_dir.resolve()):
        # The next run would take the city's own 附件3 in as a report from the bureau.
        raise ZjkError(f"输出文件夹 {out_dir} 在收件箱 {inbox_dir} 里面，请把 --out 设到收件箱以外")
    files = collect_paths([inbox_dir])
    targets = {
        "rollup": Path(out_dir) / rollup_file_name(campaign, day),
        "consolidated": Path(out_dir) / consolidated_file_name(campaign, day),
        "reminders": Path(out_dir) / reminder_file_name(day),
        "bulletin": Path(out_dir) / bulletin_file_name(day),
    }
    if json_path is not None:
        targets["json"] = Path(json_path)
    actual = dict(targets)

    def redirected(target: Path, stamped: Path) -> None:
        for key, path in targets.items():
            if path == target:
                actual[key] = stamped
        if on_redirect is not None:
            on_redirect(target, stamped)

    with Ledger(db_path, writing=True) as ledger, ledger.transaction():
        taken = ingest_into(ledger, campaign, files, now(), progress, mail_times=not isinstance(now, Received))
        # project rows slim: each sheet that lists every column reads them again as it writes them
        rollup = compute_rollup(campaign, ledger.submissions(campaign, SLIM_READING), day)

        def project_values(projects: Sequence[Project]) -> Iterator[dict[str, Any]]:
            return ledger.project_values(campaign, [cast(int, project.row_id) for project in projects])

        # Every output is finished in its temp file before any is moved into place, and the
        # ledger commits last: a failure anywhere leaves the old outputs and the old ledger.
        with ExitStack() as stack:
            temps = {key: stack.enter_context(atomic_write(path, redirected)) for key, path in targets.items()}
            write_rollup_book(rollup, campaign, temps["rollup"], project_values)
            write_consolidated(rollup, campaign, temps["consolidated"], project_values)
            write_reminder_text(rollup, campaign, temps["reminders"])
            write_bulletin(rollup, campaign, temps["bulletin"])
            if "json" in temps:
                summary = {**rollup.to_dict(), "files": _files_summary(taken), "outputs": _output_names(targets)}
                temps["json"].write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return MergeRun(
        day,
        taken,
        rollup,
        actual["rollup"],
        actual["consolidated"],
        actual.get("json"),
        actual["reminders"],
        actual["bulletin"],
    )


def _files_summary(run: IngestRun) -> dict[str, object]:
    return {
        "new": [result.summary() for result in run.new],
        "already_in_ledger": len(run.known),
        "resends": [
            {"file": copy.label, "same_as": copy.original, "note": copy.describe()}
            for copy in run.known
            if copy.is_resend
        ],
        "ignored": [result.summary() for result in run.ignored],
    }


def _output_names(targets: dict[str, Path]) -> dict[str, str]:
    return {key: path.name for key, path in targets.items() if key != "json"}


# --- status ------------------------------------------------------------------------------------


@dataclass(slots=True)
class StatusTable:
    week: dt.date
    weeks: list[dt.date]
    rows: list[RosterRow]  # units still missing for ``week`` first
    counts: dict[RosterStatus, int]
    files: int


_STATUS_RANK = {
    RosterStatus.MISSING: 0,
    RosterStatus.REJECTED: 1,
    RosterStatus.STALE: 2,
    RosterStatus.LATE: 3,
    RosterStatus.ON_TIME: 4,
}


def default_week(campaign: Campaign, today: dt.date) -> dt.date:
    """The latest calendar week on or before ``today`` (the first week before the season starts)."""
    weeks = campaign.calendar.weeks
    return max((week for week in weeks if week <= today), default=weeks[0])


def status_table(
    campaign: Campaign, db_path: Path, week: dt.date | str | None = None, today: dt.date | None = None
) -> StatusTable:
    """The roster from the ledger: every unit × every week so far, the missing ones on top."""
    day = check_week(campaign, week) if week is not None else default_week(campaign, today or dt.date.today())
    if not Path(db_path).exists():
        raise ZjkError(f"还没有账本文件 {db_path}：请先运行 zjkcollect merge 或 zjkcollect ingest 收录报表")
    with Ledger(db_path) as ledger:
        submissions = ledger.submissions(campaign, SLIM_READING)  # the roster reads no row values
    weeks = [item for item in campaign.calendar.weeks if item <= day]
    rows = roster(campaign, submissions, weeks)
    rank = {name: index for index, name in enumerate(campaign.reporter_names)}
    rows.sort(key=lambda row: (_STATUS_RANK[row.statuses[-1]], rank[row.reporter]))
    counts = dict.fromkeys(RosterStatus, 0)
    for row in rows:
        counts[row.statuses[-1]] += 1
    return StatusTable(day, weeks, rows, counts, len(submissions))
