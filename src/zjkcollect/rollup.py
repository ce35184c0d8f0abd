"""The weekly roll-up, computed from the ledger's contents alone (no I/O).

Definitions the clerk relies on (the README repeats them):

* A 附件3 is **usable** when its kind, reporting unit and week are known and it has none of the
  file-level errors that make its rows unreliable (the rule catalog's ``blocks``). Its rows with errors
  are kept out of every count and listed in 问题清单.
* For week W, each unit's **submission used** is its latest usable 附件3 whose 统计截止日期 falls
  on or before W (latest = later week, then taken in later, then modified later, then SHA-256).
* Roster, unit × week: **已报送** — a usable 附件3 for that week was taken in on or before that
  Thursday; **迟报** — one for that week exists, but the first was taken in after that Thursday;
  **未更新** — none for that week, an earlier week's is carried forward; **未报送** — none at all;
  **报送有误** — instead of 未更新 or 未报送, when the unit did send a 附件3 for that week that could
  not count (a blocking error, or no date): the roster names the file and why.
  "Taken in" is the date the file was first recorded in the ledger (``merge`` or ``ingest``).
* Projects are identified city-wide by :func:`zjkcollect.crossfile.project_key` (credit code +
  normalised name). Reported by several units with the same track and topic, a project counts
  once and names them all; with different tracks or topics it is a conflict, kept out of the
  counts and listed as a problem at each place.
* Counts are of active projects: 报名状态 other than the campaign's withdrawn status.
* 周变化 compares W with the calendar week before it (before the first week: nothing).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from zjkcollect.attachments import Kind
from zjkcollect.campaign import Campaign
from zjkcollect.checker import week_of
from zjkcollect.crossfile import Clash, Place, ProjectKey, Standing, clash_finding, clashes, project_key
from zjkcollect.findings import Finding, Severity, column_letter
from zjkcollect.ledger import StoredFile, Submission
from zjkcollect.rules import RULES

_PROJECT_KINDS = (Kind.SURVEY, Kind.REGISTERED)
# Every field of a project row the roll-up computes from or a sheet shows outside the lists of every
# column (项目明细, the consolidated 附件3): the key, the sort, the counts, changes, conflicts, the
# survey comparison and a problem's project name. The merge reads project rows from the ledger with
# these only (``Ledger.submissions(slim=...)``); a 50,000-row inbox's whole rows are never all held.
ROLLUP_FIELDS = frozenset({"credit_code", "project_name", "unit_name", "track", "topic", "status", "jiebang", "name"})
SLIM_READING = {kind.value: ROLLUP_FIELDS for kind in _PROJECT_KINDS}

# The whole values of the given projects, one at a time in their order: a sheet listing every
# column reads them as it writes (the ledger's ``project_values``); the default is the projects' own.
ProjectValues = Callable[[Sequence["Project"]], Iterable[Mapping[str, Any]]]


def own_values(projects: Sequence[Project]) -> Iterator[Mapping[str, Any]]:
    """The projects' values as held: whole when the submissions were read whole."""
    return (project.values for project in projects)


UNKNOWN_REPORTER = "（无法识别的填报单位）"


class RosterStatus(StrEnum):
    ON_TIME = "已报送"
    LATE = "迟报"
    STALE = "未更新"
    REJECTED = "报送有误"
    MISSING = "未报送"


class ChangeKind(StrEnum):
    NEW = "新增"
    WITHDRAWN = "退赛"
    GONE = "消失"
    CHANGED = "变更"


@dataclass(frozen=True, slots=True)
class Source:
    reporter: str
    file: str  # the file's original name
    sheet: str | None
    row: int
    week: dt.date | None
    sha256: str
    row_id: int | None = None  # the row in the ledger (StoredRow.row_id), whose whole values a sheet reads

    @property
    def place(self) -> str:
        return f"{self.file} 第{self.row}行"


@dataclass(slots=True)
class Project:
    key: tuple[str, str]
    values: Mapping[str, Any]  # the fields the roll-up reads (ROLLUP_FIELDS) when read slim from the ledger
    sources: tuple[Source, ...]  # a tuple: one object, not two, for each of 50,000 projects
    withdrawn: bool = False
    row_id: int | None = None  # the ledger row its values come from (see ProjectValues)

    @property
    def reporters(self) -> list[str]:
        return list(dict.fromkeys(source.reporter for source in self.sources))

    def get(self, name: str) -> Any:
        return self.values.get(name)


@dataclass(frozen=True, slots=True)
class Problem:
    """A finding as the roll-up lists it: with the unit it belongs to and the project it is about."""

    reporter: str
    kind: str  # the attachment's label (附件2/3/4), or "" when unknown
    file: str  # the file's original name
    finding: Finding
    project: str | None

    @property
    def sheet(self) -> str | None:
        return self.finding.sheet

    @property
    def row(self) -> int | None:
        return self.finding.row

    @property
    def cell(self) -> str | None:
        return self.finding.cell

    @property
    def field(self) -> str | None:
        return self.finding.field

    @property
    def value(self) -> str | None:
        return self.finding.value

    @property
    def severity(self) -> Severity:
        return self.finding.severity

    @property
    def rule(self) -> str:
        return self.finding.rule

    @property
    def message(self) -> str:
        return self.finding.message


@dataclass(frozen=True, slots=True)
class TopicCount:
    topic: str
    projects: int


@dataclass(frozen=True, slots=True)
class TrackCount:
    track: str
    projects: int  # active
    by_status: dict[str, int]
    jiebang: int
    units: int
    topics: list[TopicCount]
    required: int  # the campaign's minimum of projects per track

    @property
    def short(self) -> bool:
        return self.projects < self.required


@dataclass(frozen=True, slots=True)
class ReporterStats:
    reporter: str
    level: str
    status: RosterStatus
    file: str | None
    report_date: dt.date | None
    received_on: dt.date | None
    rows: int
    valid: int
    withdrawn: int
    shared: int
    errors: int
    warnings: int
    season: dict[RosterStatus, int]
    note: str | None = None  # why this week's return could not count (报送有误)


@dataclass(frozen=True, slots=True)
class Change:
    kind: ChangeKind
    project: Project
    given: str | None  # the detail; None for a new project, whose detail is where it was reported

    @property
    def detail(self) -> str:
        """Made when asked: the first week's every project is new, and their places are long texts."""
        if self.given is not None:
            return self.given
        return "；".join(f"{source.reporter}：{source.place}" for source in self.project.sources)


@dataclass(frozen=True, slots=True)
class RosterRow:
    reporter: str
    level: str
    statuses: list[RosterStatus]
    notes: list[str | None]  # per week: why a return could not count (报送有误)


@dataclass(frozen=True, slots=True)
class Contact:
    values: Mapping[str, Any]
    reporter: str
    file: str
    row: int


@dataclass(slots=True)
class RollUp:
    week: dt.date
    previous_week: dt.date | None
    weeks: list[dt.date]  # the calendar weeks up to and including ``week``
    projects: list[Project]  # distinct, valid, including withdrawn ones
    conflicts: list[tuple[str, str]]
    tracks: list[TrackCount]
    reporters: list[ReporterStats]
    changes: list[Change]
    trend: list[tuple[str, list[int]]]  # track → active projects per week in ``weeks``
    roster: list[RosterRow]
    surveyed_not_registered: list[Project]
    registered_not_surveyed: list[Project]
    contacts: list[Contact]
    units_without_contacts: list[str]
    problems: list[Problem]
    excluded_rows: int  # rows with errors in the submissions used, kept out of the counts

    @property
    def active_projects(self) -> list[Project]:
        return [project for project in self.projects if not project.withdrawn]

    @property
    def withdrawn_projects(self) -> list[Project]:
        return [project for project in self.projects if project.withdrawn]

    @property
    def unit_count(self) -> int:
        return len({project.key[0] for project in self.active_projects})

    @property
    def short_tracks(self) -> list[TrackCount]:
        return [track for track in self.tracks if track.short]

    def reporters_with(self, *statuses: RosterStatus) -> list[str]:
        return [stats.reporter for stats in self.reporters if stats.status in statuses]

    def changes_of(self, kind: ChangeKind) -> list[Change]:
        return [change for change in self.changes if change.kind is kind]

    @property
    def errors(self) -> int:
        return sum(1 for problem in self.problems if problem.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for problem in self.problems if problem.severity is Severity.WARNING)

    def to_dict(self) -> dict[str, object]:
        """The JSON summary: the numbers, not the workbook."""
        return {
            "week": self.week.isoformat(),
            "previous_week": self.previous_week.isoformat() if self.previous_week else None,
            "projects": len(self.active_projects),
            "withdrawn": len(self.withdrawn_projects),
            "units": self.unit_count,
            "excluded_rows": self.excluded_rows,
            "errors": self.errors,
            "warnings": self.warnings,
            "tracks": {track.track: track.projects for track in self.tracks},
            "min_projects_per_track": self.tracks[0].required if self.tracks else None,
            "short_tracks": [track.track for track in self.short_tracks],
            "reporters": {
                stats.reporter: {
                    "status": str(stats.status),
                    "file": stats.file,
                    "rows": stats.rows,
                    "valid": stats.valid,
                    "errors": stats.errors,
                    "warnings": stats.warnings,
                    "season": {str(status): count for status, count in stats.season.items()},
                    "note": stats.note,
                }
                for stats in self.reporters
            },
            "changes": {
                str(kind): [change.project.get("project_name") for change in self.changes_of(kind)]
                for kind in ChangeKind
            },
            "trend": {
                "weeks": [week.isoformat() for week in self.weeks],
                "tracks": {track: counts for track, counts in self.trend},
            },
            "surveyed_not_registered": len(self.surveyed_not_registered),
            "registered_not_surveyed": len(self.registered_not_surveyed),
            "contacts": len(self.contacts),
            "units_without_contacts": self.units_without_contacts,
        }


# --- choosing submissions -----------------------------------------------------------------------


def standing(stored: StoredFile) -> Standing:
    """A recorded return's standing among the unit's returns (see :mod:`zjkcollect.crossfile`)."""
    return Standing(stored.report_date, stored.ingested_at, stored.mtime, stored.sha256, stored.part)


def _order(stored: StoredFile) -> tuple[str, str, float, str, int]:
    return standing(stored).key()


def blocking(submission: Submission) -> bool:
    return any(RULES[finding.rule].blocks and finding.severity is Severity.ERROR for finding in submission.findings)


def usable(submission: Submission, kind: str) -> bool:
    """Whether a return of the attachment ``kind`` (its id) can count for its unit."""
    stored = submission.file
    if stored.kind != kind or not stored.reporter_known or not stored.reporter or blocking(submission):
        return False
    return kind != Kind.REGISTERED or stored.week is not None


def _by_reporter(submissions: Iterable[Submission], kind: str) -> dict[str, list[Submission]]:
    grouped: dict[str, list[Submission]] = defaultdict(list)
    for submission in submissions:
        if usable(submission, kind):
            grouped[submission.file.reporter or ""].append(submission)
    for members in grouped.values():
        members.sort(key=lambda item: _order(item.file))
    return grouped


def week_status(
    members: list[Submission], week: dt.date, rejected: str | None = None
) -> tuple[RosterStatus, Submission | None]:
    """One unit's roster status for ``week`` and the submission used (``members`` oldest first).

    ``rejected`` says why a return the unit sent for ``week`` could not count, if it sent one.
    """
    eligible = [item for item in members if item.file.week is not None and item.file.week <= week]
    current = [item for item in eligible if item.file.week == week]
    if not current:
        if rejected is not None:
            return RosterStatus.REJECTED, eligible[-1] if eligible else None
        return (RosterStatus.STALE, eligible[-1]) if eligible else (RosterStatus.MISSING, None)
    first_received = min(item.file.received_on for item in current)
    return (RosterStatus.ON_TIME if first_received <= week else RosterStatus.LATE), eligible[-1]


Rejections = dict[str, dict[dt.date, str]]  # reporter → calendar week → why its return did not count


def rejections(campaign: Campaign, submissions: Iterable[Submission]) -> Rejections:
    """The 附件3 returns of known units that cannot count, by the week they were meant for.

    That week is the one their date falls in, or, without a usable date, the one they arrived in.
    """
    found: Rejections = defaultdict(dict)
    weeks = campaign.calendar.weeks
    for submission in sorted(submissions, key=lambda item: _order(item.file)):
        stored = submission.file
        if stored.kind != Kind.REGISTERED or not stored.reporter_known or not stored.reporter:
            continue
        if usable(submission, Kind.REGISTERED):
            continue
        week = stored.week or week_of(stored.received_on, weeks)
        if week is None:
            continue
        reason = next(
            (f.message for f in submission.findings if RULES[f.rule].blocks and f.severity is Severity.ERROR),
            next((f.message for f in submission.findings if f.severity is Severity.ERROR), "无法确定所属周"),
        )
        found[stored.reporter][week] = f"{stored.shown_name}：{reason}"
    return found


def roster(campaign: Campaign, submissions: Iterable[Submission], weeks: list[dt.date]) -> list[RosterRow]:
    """Every registry unit × every week in ``weeks``."""
    submissions = list(submissions)
    grouped = _by_reporter(submissions, Kind.REGISTERED)
    rejected = rejections(campaign, submissions)
    rows = []
    for reporter in campaign.reporters:
        notes = [rejected.get(reporter.name, {}).get(week) for week in weeks]
        statuses = [
            week_status(grouped.get(reporter.name, []), week, note)[0] for week, note in zip(weeks, notes, strict=True)
        ]
        shown = [
            note if status is RosterStatus.REJECTED else None for status, note in zip(statuses, notes, strict=True)
        ]
        rows.append(RosterRow(reporter.name, reporter.level, statuses, shown))
    return rows


# --- projects ----------------------------------------------------------------------------------


def _error_rows(submission: Submission) -> set[tuple[str | None, int]]:
    """Rows (sheet, number) that must stay out of the counts: a row error, or a file rule that failed
    at that row (the same project with two topics in one file)."""
    rows = {(row.sheet, row.number) for row in submission.rows if row.has_error}
    if submission.file.kind in _PROJECT_KINDS:
        data_rows = {(row.sheet, row.number) for row in submission.rows}
        rows |= {
            (finding.sheet, finding.row)
            for finding in submission.findings
            if finding.severity is Severity.ERROR
            and finding.row is not None
            and (finding.sheet, finding.row) in data_rows
        }
    return rows


def _valid_places(submission: Submission) -> list[tuple[tuple[str, str], Mapping[str, Any], Source]]:
    """The valid project rows of one file, the first of identical rows only."""
    stored = submission.file
    excluded = _error_rows(submission)
    seen: set[tuple[str, str]] = set()
    places = []
    for row in submission.rows:
        key = project_key(row.values)
        if (row.sheet, row.number) in excluded or key is None or key in seen:
            continue
        seen.add(key)
        source = Source(
            stored.reporter or "",
            stored.original_name,
            row.sheet or stored.sheet,
            row.number,
            stored.week,
            stored.sha256,
            row.row_id,
        )
        places.append((key, row.values, source))
    return places


@dataclass(slots=True)
class _WeekState:
    statuses: dict[str, RosterStatus]
    notes: dict[str, str]  # why a unit's return for the week could not count (报送有误)
    used: dict[str, Submission]
    projects: dict[tuple[str, str], Project]
    conflicts: dict[ProjectKey, Clash[Source]]
    duplicates: dict[ProjectKey, Clash[Source]]


@dataclass(frozen=True, slots=True)
class _WeekSummary:
    """What the roll-up keeps of an earlier week: its roster and its active projects per track."""

    statuses: dict[str, RosterStatus]
    notes: dict[str, str]
    active: Counter[Any]  # track → active projects


def _week_state(
    campaign: Campaign,
    grouped: dict[str, list[Submission]],
    rejected: Rejections,
    week: dt.date,
    reporter_rank: dict[str, int],
) -> _WeekState:
    statuses: dict[str, RosterStatus] = {}
    notes: dict[str, str] = {}
    used: dict[str, Submission] = {}
    for reporter in campaign.reporter_names:
        note = rejected.get(reporter, {}).get(week)
        status, submission = week_status(grouped.get(reporter, []), week, note)
        statuses[reporter] = status
        if status is RosterStatus.REJECTED and note is not None:
            notes[reporter] = note
        if submission is not None:
            used[reporter] = submission
    places: list[Place[Source]] = []
    recency: dict[str, tuple[Any, ...]] = {}
    for reporter, submission in used.items():
        recency[reporter] = (*_order(submission.file), -reporter_rank.get(reporter, 0))
        places.extend(Place(key, reporter, values, source) for key, values, source in _valid_places(submission))
    # one submission per unit is used, so places of one unit are places of one return
    found = clashes(places, lambda one, other: one.reporter == other.reporter)
    conflicts = {key: clash for key, clash in found.items() if clash.rule == "project-conflict"}
    duplicates = {key: clash for key, clash in found.items() if clash.rule == "project-duplicate-reporters"}
    by_key: dict[ProjectKey, list[Place[Source]]] = defaultdict(list)
    for place in places:
        by_key[place.key].append(place)
    projects: dict[ProjectKey, Project] = {}
    withdrawn = campaign.choices.withdrawn_status
    for key, items in by_key.items():
        if key in conflicts:
            continue
        items.sort(key=lambda item: reporter_rank.get(item.reporter or "", len(reporter_rank)))
        newest = max(items, key=lambda item: recency[item.reporter or ""])
        projects[key] = Project(
            key=key,
            values=newest.values,  # the row's own dictionary, shared: nothing changes it after loading
            sources=tuple(item.where for item in items),
            withdrawn=newest.values.get("status") == withdrawn,
            row_id=newest.where.row_id,
        )
    return _WeekState(statuses, notes, used, projects, conflicts, duplicates)


def _project_sort_key(campaign: Campaign) -> Any:
    rank = {name: index for index, name in enumerate(campaign.track_names)}

    def key(project: Project) -> tuple[Any, ...]:
        values = project.values
        return (
            rank.get(values.get("track") or "", len(rank)),
            values.get("topic") or "",
            values.get("unit_name") or "",
            project.key[1],
            project.key[0],
        )

    return key


# --- the roll-up -------------------------------------------------------------------------------


def compute_rollup(campaign: Campaign, submissions: list[Submission], week: dt.date) -> RollUp:
    """The roll-up for calendar week ``week`` from every submission in the ledger."""
    weeks = [item for item in campaign.calendar.weeks if item <= week]
    if not weeks or weeks[-1] != week:
        raise ValueError(f"{week} is not a calendar week")
    previous_week = weeks[-2] if len(weeks) > 1 else None
    reporter_rank = {name: index for index, name in enumerate(campaign.reporter_names)}
    grouped = _by_reporter(submissions, Kind.REGISTERED)
    rejected = rejections(campaign, submissions)
    # Every week's roster and trend, but the projects only of this week and the one before: a
    # season's weeks of projects held at once grew with every week's rows.
    summaries: dict[dt.date, _WeekSummary] = {}
    kept: dict[dt.date, _WeekState] = {}
    for item in weeks:
        full = _week_state(campaign, grouped, rejected, item, reporter_rank)
        summaries[item] = _WeekSummary(full.statuses, full.notes, _active_by_track(full))
        if item in (week, previous_week):
            kept[item] = full
    state = kept[week]
    previous = kept[previous_week] if previous_week else None
    sort_key = _project_sort_key(campaign)

    projects = sorted(state.projects.values(), key=sort_key)
    # each unit's latest return of every attachment but the weekly one (whose return depends on the week)
    latest = {
        item.id: _latest_each(submissions, item.id) for item in campaign.attachments if item.id != Kind.REGISTERED
    }
    surveys, contacts_files = latest[Kind.SURVEY], latest[Kind.CONTACTS]
    problems = _problems(campaign, submissions, state, latest, week, reporter_rank)
    surveyed = _surveyed_projects(surveys, reporter_rank)
    registered_keys = set(state.projects) | set(state.conflicts)
    contacts = _contacts(campaign, contacts_files)
    units_with_contacts = {contact.values.get("unit") for contact in contacts}
    return RollUp(
        week=week,
        previous_week=previous_week,
        weeks=weeks,
        projects=projects,
        conflicts=sorted(state.conflicts),
        tracks=_track_counts(campaign, state.projects.values()),
        reporters=_reporter_stats(campaign, state, list(summaries.values()), problems),
        changes=_changes(campaign, state, previous, sort_key),
        trend=_trend(campaign, [summaries[item] for item in weeks]),
        roster=[
            RosterRow(
                reporter.name,
                reporter.level,
                [summaries[item].statuses[reporter.name] for item in weeks],
                [summaries[item].notes.get(reporter.name) for item in weeks],
            )
            for reporter in campaign.reporters
        ],
        surveyed_not_registered=sorted(
            (project for key, project in surveyed.items() if key not in registered_keys), key=sort_key
        ),
        registered_not_surveyed=[project for project in projects if project.key not in surveyed],
        contacts=contacts,
        units_without_contacts=[name for name in campaign.reporter_names if name not in units_with_contacts],
        problems=problems,
        excluded_rows=sum(len(_error_rows(submission)) for submission in state.used.values()),
    )


def _track_counts(campaign: Campaign, projects: Iterable[Project]) -> list[TrackCount]:
    by_track: dict[str, list[Project]] = defaultdict(list)
    for project in projects:
        by_track[project.get("track") or ""].append(project)
    yes = campaign.choices.yes_no[0]
    counts = []
    for track in campaign.tracks:
        members = by_track.get(track.name, [])
        active = [project for project in members if not project.withdrawn]
        by_topic: dict[str, int] = dict.fromkeys(track.open_topics, 0)
        for project in active:
            topic = project.get("topic") or ""
            by_topic[topic] = by_topic.get(topic, 0) + 1
        listed = [TopicCount(topic, by_topic.pop(topic)) for topic in track.open_topics]
        others = [TopicCount(topic, count) for topic, count in sorted(by_topic.items())]
        by_status = dict.fromkeys(campaign.choices.registration_status, 0)
        for project in members:
            status = project.get("status") or ""
            by_status[status] = by_status.get(status, 0) + 1
        counts.append(
            TrackCount(
                track=track.name,
                projects=len(active),
                by_status=by_status,
                jiebang=sum(1 for project in active if project.get("jiebang") == yes),
                units=len({project.key[0] for project in active}),
                topics=listed + others,
                required=campaign.campaign.min_projects_per_track,
            )
        )
    return counts


def _active_by_track(state: _WeekState) -> Counter[Any]:
    """The week's active projects per track (what 趋势 shows of a week)."""
    return Counter(project.get("track") for project in state.projects.values() if not project.withdrawn)


def _trend(campaign: Campaign, summaries: list[_WeekSummary]) -> list[tuple[str, list[int]]]:
    return [(track, [summary.active[track] for summary in summaries]) for track in campaign.track_names]


def _reporter_stats(
    campaign: Campaign, state: _WeekState, summaries: list[_WeekSummary], problems: list[Problem]
) -> list[ReporterStats]:
    problems_by_reporter: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        problems_by_reporter[problem.reporter].append(problem)
    projects_by_reporter: dict[str, list[Project]] = defaultdict(list)
    for project in state.projects.values():
        for reporter_name in {source.reporter for source in project.sources}:
            projects_by_reporter[reporter_name].append(project)
    stats = []
    for reporter in campaign.reporters:
        name = reporter.name
        season = dict.fromkeys(RosterStatus, 0)
        for item in summaries:
            season[item.statuses[name]] += 1
        submission = state.used.get(name)
        mine = projects_by_reporter.get(name, [])
        stored = submission.file if submission else None
        own = problems_by_reporter.get(name, [])
        stats.append(
            ReporterStats(
                reporter=name,
                level=reporter.level,
                status=state.statuses[name],
                file=stored.shown_name if stored else None,
                report_date=stored.report_date if stored else None,
                received_on=stored.received_on if stored else None,
                rows=len(submission.rows) if submission else 0,
                valid=sum(1 for project in mine if not project.withdrawn),
                withdrawn=sum(1 for project in mine if project.withdrawn),
                shared=sum(1 for project in mine if len(project.reporters) > 1),
                errors=sum(1 for problem in own if problem.severity is Severity.ERROR),
                warnings=sum(1 for problem in own if problem.severity is Severity.WARNING),
                season=season,
                note=state.notes.get(name),
            )
        )
    return stats


_CHANGE_FIELDS = ("track", "topic", "status")


def _changes(campaign: Campaign, state: _WeekState, previous: _WeekState | None, sort_key: Any) -> list[Change]:
    before = previous.projects if previous else {}
    now = state.projects
    attachment = campaign.attachment(Kind.REGISTERED)
    changes: list[Change] = []
    for key in set(now) | set(before):
        current, old = now.get(key), before.get(key)
        if current is not None and old is None:
            if current.withdrawn:
                changes.append(Change(ChangeKind.WITHDRAWN, current, "本周首次出现即为已退赛"))
            else:
                changes.append(Change(ChangeKind.NEW, current, None))  # its places, made when shown
        elif old is not None and current is None:
            if old.withdrawn:
                continue
            if key in state.conflicts:
                detail = "本周各单位报送的赛道/赛题不一致，暂不计入（见问题清单）"
            else:
                detail = f"本周汇总中不再出现（上周由{'、'.join(old.reporters)}报送）"
            changes.append(Change(ChangeKind.GONE, old, detail))
        elif current is not None and old is not None:
            if current.withdrawn and not old.withdrawn:
                changes.append(
                    Change(ChangeKind.WITHDRAWN, current, f"报名状态：{old.get('status')} → {current.get('status')}")
                )
                continue
            differences = [
                f"{attachment.column(name).header}：{old.get(name) or '（空）'} → {current.get(name) or '（空）'}"
                for name in _CHANGE_FIELDS
                if old.get(name) != current.get(name)
            ]
            if differences:
                changes.append(Change(ChangeKind.CHANGED, current, "；".join(differences)))
    kind_rank = {kind: index for index, kind in enumerate(ChangeKind)}
    changes.sort(key=lambda change: (kind_rank[change.kind], sort_key(change.project)))
    return changes


# --- 附件2 and 附件4 -----------------------------------------------------------------------------


def _latest_each(submissions: Iterable[Submission], kind: str) -> dict[str, Submission]:
    return {reporter: members[-1] for reporter, members in sorted(_by_reporter(submissions, kind).items())}


def _surveyed_projects(surveys: dict[str, Submission], reporter_rank: dict[str, int]) -> dict[tuple[str, str], Project]:
    projects: dict[tuple[str, str], Project] = {}
    for reporter in sorted(surveys, key=lambda name: reporter_rank.get(name, len(reporter_rank))):
        for key, values, source in _valid_places(surveys[reporter]):
            if key in projects:
                projects[key].sources += (source,)
            else:
                projects[key] = Project(key=key, values=values, sources=(source,), row_id=source.row_id)
    return projects


def _contacts(campaign: Campaign, files: dict[str, Submission]) -> list[Contact]:
    rank = {name: index for index, name in enumerate(campaign.reporter_names)}
    role_rank = {role: index for index, role in enumerate(campaign.choices.person_roles)}
    people: dict[tuple[Any, ...], Contact] = {}
    for reporter in sorted(files, key=lambda name: rank.get(name, len(rank))):
        submission = files[reporter]
        for row in submission.rows:
            if row.has_error:
                continue
            values = row.values
            identity = (values.get("unit"), values.get("name"), values.get("mobile"))
            people.setdefault(identity, Contact(values, reporter, submission.file.original_name, row.number))
    return sorted(
        people.values(),
        key=lambda contact: (
            rank.get(contact.values.get("unit") or "", len(rank)),
            role_rank.get(contact.values.get("role") or "", len(role_rank)),
            contact.values.get("name") or "",
            contact.values.get("mobile") or "",
        ),
    )


# --- 问题清单 -------------------------------------------------------------------------------------


def _project_names(submission: Submission) -> dict[tuple[str | None, int], str]:
    names = {}
    for row in submission.rows:
        name = row.values.get("project_name") or row.raw.get("project_name") or row.values.get("name")
        if name:
            names[(row.sheet, row.number)] = str(name)
    return names


def _problem(campaign: Campaign, reporter: str, stored: StoredFile, finding: Finding, project: str | None) -> Problem:
    attachment = campaign.attachment_by_id.get(stored.kind or "")
    return Problem(reporter, attachment.label if attachment else "", stored.shown_name, finding, project)


def _own_problems(campaign: Campaign, reporter: str, submission: Submission) -> list[Problem]:
    names = _project_names(submission)
    return [
        _problem(
            campaign,
            reporter,
            submission.file,
            finding,
            names.get((finding.sheet, finding.row)) if finding.row else None,
        )
        for finding in submission.findings
    ]


def _cross_problems(campaign: Campaign, state: _WeekState) -> list[Problem]:
    """Conflicts and duplicates between units, one entry at each place, as the validator words them."""
    header = campaign.attachment(Kind.REGISTERED).column("track").header
    found = []
    for clash in (*state.conflicts.values(), *state.duplicates.values()):
        for place in clash.places:
            source = place.where
            submission = state.used[source.reporter]
            column = submission.file.columns.get("track")
            finding = clash_finding(
                clash,
                place,
                file=source.file,
                sheet=source.sheet,
                row=source.row,
                column=column_letter(column) if column else None,
                field=header,
                other_file=lambda other: f"{other.where.reporter}的{other.where.file}",
                other_row=lambda other: other.where.row,
            )
            if finding is not None:
                found.append(
                    _problem(campaign, source.reporter, submission.file, finding, place.values.get("project_name"))
                )
    return found


def _problems(
    campaign: Campaign,
    submissions: list[Submission],
    state: _WeekState,
    latest: dict[str, dict[str, Submission]],
    week: dt.date,
    reporter_rank: dict[str, int],
) -> list[Problem]:
    """The open problems: those of the files in use, of newer files that could not be used, and of
    files that cannot be placed at all. ``latest``: attachment id → unit → its latest usable return."""
    problems: list[Problem] = []
    chosen_by_kind = {Kind.REGISTERED.value: state.used, **latest}
    in_use = {item.file.key for chosen in chosen_by_kind.values() for item in chosen.values()}
    for chosen in chosen_by_kind.values():
        for reporter, submission in chosen.items():
            problems.extend(_own_problems(campaign, reporter, submission))
    problems.extend(_cross_problems(campaign, state))
    latest_order = {
        (reporter, kind): _order(item.file)
        for kind, chosen in chosen_by_kind.items()
        for reporter, item in chosen.items()
    }
    for submission in submissions:
        stored = submission.file
        if stored.key in in_use:
            continue
        if stored.kind is None or not stored.reporter_known:
            problems.extend(_own_problems(campaign, stored.reporter or UNKNOWN_REPORTER, submission))
            continue
        if usable(submission, stored.kind):
            continue  # superseded by a newer usable file, or for a later week
        if stored.kind == Kind.REGISTERED and stored.week is not None and stored.week > week:
            continue
        newest = latest_order.get((stored.reporter or "", stored.kind))
        if newest is None or _order(stored) > newest:
            problems.extend(_own_problems(campaign, stored.reporter or UNKNOWN_REPORTER, submission))
    kinds = {attachment.label: index for index, attachment in enumerate(campaign.attachments)}
    problems.sort(
        key=lambda p: (
            reporter_rank.get(p.reporter, len(reporter_rank)),
            p.reporter,
            kinds.get(p.kind, len(kinds)),
            p.file,
            p.row or 0,
            len(p.cell or ""),
            p.cell or "",
            p.rule,
            p.message,
        )
    )
    return problems
