"""The roll-up as a pure computation over the ledger's contents."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import pytest

from tests.builders import (
    W1,
    W2,
    person,
    project,
    write_attachment,
    write_contacts,
    write_registered,
    write_survey,
)
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.ledger import Ledger, Submission
from zjkcollect.merge import run_ingest
from zjkcollect.rollup import SLIM_READING, ChangeKind, Project, RollUp, RosterStatus, compute_rollup, roster
from zjkcollect.rollup_book import write_consolidated, write_rollup_book

CAMPAIGN = load_campaign()
A = project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")
B = project("风电运维", "张北丁能源有限公司", "MA0F1234", track="绿色低碳", topic="新能源运维")
A_KEY = (A["credit_code"], A["project_name"])
C = project("文旅客流", "蔚县壬旅游有限公司", "MA0F1238", track="文化旅游", topic="智慧景区")

Batch = tuple[dt.datetime, Callable[[Path], object]]


def _thursday(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour))


def _ledger(tmp_path: Path, *batches: Batch) -> list[Submission]:
    """Each batch's files are written to their own folder and taken in at the batch's time."""
    db = tmp_path / "zjkcollect.db"
    for index, (moment, write) in enumerate(batches):
        folder = tmp_path / f"batch{index}"
        write(folder)
        run_ingest(CAMPAIGN, [folder], db, now=lambda moment=moment: moment)
    with Ledger(db) as ledger:
        return ledger.submissions(CAMPAIGN)


def _statuses(rollup: RollUp, reporter: str) -> list[RosterStatus]:
    return next(row.statuses for row in rollup.roster if row.reporter == reporter)


def _names(projects: object) -> list[str]:
    return [project.get("project_name") for project in projects]  # type: ignore[attr-defined]


def test_on_time_late_stale_and_missing(tmp_path: Path) -> None:
    submissions = _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "桥东区.xlsx", "桥东区", W1, [A])),
        (_thursday(W1 + dt.timedelta(days=1)), lambda f: write_registered(f / "蔚县.xlsx", "蔚县", W1, [C])),
        (_thursday(W2, 23), lambda f: write_registered(f / "桥东区.xlsx", "桥东区", W2, [A, B])),
    )
    weeks = [W1, W2]
    rows = {row.reporter: row.statuses for row in roster(CAMPAIGN, submissions, weeks)}
    assert rows["桥东区"] == [RosterStatus.ON_TIME, RosterStatus.ON_TIME]  # late evening on Thursday is on time
    assert rows["蔚县"] == [RosterStatus.LATE, RosterStatus.STALE]
    assert rows["怀来县"] == [RosterStatus.MISSING, RosterStatus.MISSING]
    assert list(rows) == CAMPAIGN.reporter_names  # every registry unit, in registry order
    rollup = compute_rollup(CAMPAIGN, submissions, W2)
    weixian = next(stats for stats in rollup.reporters if stats.reporter == "蔚县")
    assert (weixian.status, weixian.file, weixian.report_date) == (RosterStatus.STALE, "蔚县.xlsx", W1)
    assert weixian.season == {
        RosterStatus.ON_TIME: 0,
        RosterStatus.LATE: 1,
        RosterStatus.STALE: 1,
        RosterStatus.REJECTED: 0,
        RosterStatus.MISSING: 0,
    }
    # 蔚县's week-1 project is carried forward into week 2.
    assert _names(rollup.active_projects) == ["智慧工厂", "文旅客流", "风电运维"]


def test_a_correction_sent_after_the_deadline_does_not_make_an_on_time_unit_late(tmp_path: Path) -> None:
    submissions = _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "附件3.xlsx", "桥东区", W1, [A])),
        (_thursday(W1 + dt.timedelta(days=2)), lambda f: write_registered(f / "附件3.xlsx", "桥东区", W1, [A, B])),
    )
    rollup = compute_rollup(CAMPAIGN, submissions, W1)
    assert _statuses(rollup, "桥东区") == [RosterStatus.ON_TIME]
    # The later file of the same week is the one used.
    assert _names(rollup.active_projects) == ["智慧工厂", "风电运维"]


def test_a_file_dated_off_a_thursday_is_not_used_and_its_problem_is_listed(tmp_path: Path) -> None:
    submissions = _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "附件3.xlsx", "桥东区", "2025-06-25", [A])),
    )
    rollup = compute_rollup(CAMPAIGN, submissions, W1)
    # sent, but it cannot count: 报送有误 with the reason, not 未报送 with no trace
    assert _statuses(rollup, "桥东区") == [RosterStatus.REJECTED]
    [row] = [row for row in rollup.roster if row.reporter == "桥东区"]
    assert "2025-06-25" in (row.notes[0] or "")
    assert rollup.projects == []
    assert [(p.reporter, p.rule) for p in rollup.problems] == [("桥东区", "report-date-not-week")]


def test_a_file_missing_a_required_column_is_not_used(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        rows = [{key: value for key, value in A.items() if key != "track"}]
        path = write_registered(folder / "附件3.xlsx", "桥东区", W1, rows)
        import openpyxl

        workbook = openpyxl.load_workbook(path)
        workbook.active.delete_cols(7)  # 参赛赛道
        workbook.save(path)

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert _statuses(rollup, "桥东区") == [RosterStatus.REJECTED]
    assert "column-missing" in {p.rule for p in rollup.problems}


def test_a_project_reported_by_two_units_counts_once_and_names_both(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        write_registered(folder / "a.xlsx", "桥东区", W1, [A])
        write_registered(folder / "b.xlsx", "怀来县", W1, [A, B])

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert _names(rollup.active_projects) == ["智慧工厂", "风电运维"]
    factory = rollup.active_projects[0]
    assert factory.reporters == ["桥东区", "怀来县"]
    assert [source.place for source in factory.sources] == ["a.xlsx 第4行", "b.xlsx 第4行"]
    duplicates = [p for p in rollup.problems if p.rule == "project-duplicate-reporters"]
    assert [(p.reporter, p.cell, p.severity.value) for p in duplicates] == [
        ("桥东区", "G4", "warning"),
        ("怀来县", "G4", "warning"),
    ]
    shared = {stats.reporter: stats.shared for stats in rollup.reporters}
    assert (shared["桥东区"], shared["怀来县"]) == (1, 1)
    assert rollup.tracks[0].projects == 1


def test_the_same_project_under_two_tracks_is_kept_out_and_listed_at_both_places(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        write_registered(folder / "a.xlsx", "桥东区", W1, [A, B])
        write_registered(folder / "b.xlsx", "市工信局", W1, [{**A, "track": "科技创新", "topic": "科技成果转化"}])

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert _names(rollup.active_projects) == ["风电运维"]
    assert rollup.conflicts == [A_KEY]
    conflicts = [p for p in rollup.problems if p.rule == "project-conflict"]
    assert [(p.reporter, p.file, p.cell, p.severity.value) for p in conflicts] == [
        ("桥东区", "a.xlsx", "G4", "error"),
        ("市工信局", "b.xlsx", "G4", "error"),
    ]
    assert "科技创新／科技成果转化" in conflicts[0].message
    assert "工业制造／智能制造数据应用" in conflicts[1].message


def test_rows_with_errors_are_kept_out_of_the_counts_and_listed(tmp_path: Path) -> None:
    bad_code = {**B, "credit_code": "91130730MA0F12343X"}
    two_topics_first = project("双赛题", "丙公司", "MA0F1233")
    two_topics_second = {**two_topics_first, "topic": "工业互联网"}

    def write(folder: Path) -> None:
        write_registered(folder / "a.xlsx", "桥东区", W1, [A, bad_code, two_topics_first, two_topics_second])

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert _names(rollup.projects) == ["智慧工厂"]
    assert rollup.excluded_rows == 3
    listed = {(p.row, p.rule, p.project) for p in rollup.problems}
    assert (5, "uscc-checksum", "风电运维") in listed
    assert (6, "project-multiple-topics", "双赛题") in listed
    assert (7, "project-multiple-topics", "双赛题") in listed
    stats = next(s for s in rollup.reporters if s.reporter == "桥东区")
    assert (stats.rows, stats.valid, stats.errors) == (4, 1, 3)


def test_weekly_changes_withdrawals_and_the_trend(tmp_path: Path) -> None:
    moved = {**B, "track": "城市治理", "topic": "城市运行监测"}
    submissions = _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "a.xlsx", "桥东区", W1, [A, B, C])),
        (
            _thursday(W2),
            lambda f: write_registered(f / "a.xlsx", "桥东区", W2, [{**A, "status": "已退赛"}, moved]),
        ),
    )
    first = compute_rollup(CAMPAIGN, submissions, W1)
    assert first.previous_week is None
    assert [(c.kind, c.project.get("project_name")) for c in first.changes] == [
        (ChangeKind.NEW, "智慧工厂"),
        (ChangeKind.NEW, "文旅客流"),
        (ChangeKind.NEW, "风电运维"),
    ]
    rollup = compute_rollup(CAMPAIGN, submissions, W2)
    assert rollup.previous_week == W1
    assert [(c.kind, c.project.get("project_name"), c.detail) for c in rollup.changes] == [
        (ChangeKind.WITHDRAWN, "智慧工厂", "报名状态：已报名 → 已退赛"),
        (ChangeKind.GONE, "文旅客流", "本周汇总中不再出现（上周由桥东区报送）"),
        (ChangeKind.CHANGED, "风电运维", "参赛赛道：绿色低碳 → 城市治理；参赛赛题：新能源运维 → 城市运行监测"),
    ]
    assert _names(rollup.active_projects) == ["风电运维"]
    assert _names(rollup.withdrawn_projects) == ["智慧工厂"]
    trend = dict(rollup.trend)
    assert (trend["工业制造"], trend["文化旅游"], trend["绿色低碳"], trend["城市治理"]) == (
        [1, 0],
        [1, 0],
        [1, 0],
        [0, 1],
    )
    counts = {track.track: track for track in rollup.tracks}
    assert counts["工业制造"].projects == 0
    assert counts["工业制造"].by_status["已退赛"] == 1
    assert all(track.short for track in rollup.tracks)


def test_tracks_with_two_projects_are_not_flagged(tmp_path: Path) -> None:
    second = project("智能质检", "张家口癸制造有限公司", "MA0F1240", topic="工业质检")
    rollup = compute_rollup(
        CAMPAIGN,
        _ledger(tmp_path, (_thursday(W1), lambda f: write_registered(f / "a.xlsx", "桥东区", W1, [A, second]))),
        W1,
    )
    short = [track.track for track in rollup.short_tracks]
    assert "工业制造" not in short
    assert len(short) == len(CAMPAIGN.tracks) - 1
    factory = rollup.tracks[0]
    assert [(topic.topic, topic.projects) for topic in factory.topics] == [("工业质检", 1), ("智能制造数据应用", 1)]


def test_survey_comparison_and_merged_contacts(tmp_path: Path) -> None:
    surveyed_only = project("冷链物流", "张家口庚物流有限公司", "MA0F1236", track="交通运输", topic="冷链运输")

    def write(folder: Path) -> None:
        write_survey(folder / "附件2.xlsx", "桥东区", "2025-06-20", [A, surveyed_only])
        write_registered(folder / "附件3.xlsx", "桥东区", W1, [A, B])
        leader = person("桥东区", "主管领导", "张三", "13800000002")
        staff = person("桥东区", "具体负责人", "李四", "13800000003")
        write_contacts(folder / "附件4.xlsx", "桥东区", "2025-06-20", [staff, leader])
        # 怀来县 names the same leader again (same person, counted once) and a contact with a bad mobile.
        write_contacts(
            folder / "怀来县附件4.xlsx",
            "怀来县",
            "2025-06-20",
            [
                leader,
                person("怀来县", "主管领导", "王五", "13800000004"),
                person("怀来县", "具体负责人", "赵六", "12345"),
            ],
        )

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert _names(rollup.surveyed_not_registered) == ["冷链物流"]
    assert _names(rollup.registered_not_surveyed) == ["风电运维"]
    assert [(c.values["unit"], c.values["role"], c.values["name"]) for c in rollup.contacts] == [
        ("桥东区", "主管领导", "张三"),
        ("桥东区", "具体负责人", "李四"),
        ("怀来县", "主管领导", "王五"),
    ]
    assert "桥东区" not in rollup.units_without_contacts
    assert "怀来县" not in rollup.units_without_contacts
    assert len(rollup.units_without_contacts) == len(CAMPAIGN.reporters) - 2
    assert {(p.reporter, p.kind, p.rule) for p in rollup.problems} >= {
        ("怀来县", "附件4", "mobile-invalid"),
        ("怀来县", "附件4", "contacts-staff-missing"),
    }


def test_files_that_cannot_be_placed_are_listed_as_problems(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        write_registered(folder / "无名.xlsx", "某某局", W1, [A])
        write_attachment(folder / "空表.xlsx", Kind.REGISTERED, "桥东区", W1, [])

    rollup = compute_rollup(CAMPAIGN, _ledger(tmp_path, (_thursday(W1), write)), W1)
    assert rollup.projects == []
    listed = {(p.reporter, p.file, p.rule) for p in rollup.problems}
    assert ("某某局", "无名.xlsx", "reporter-unknown") in listed
    assert ("桥东区", "空表.xlsx", "table-empty") in listed


def test_the_roll_up_does_not_depend_on_the_order_of_the_ledger(tmp_path: Path) -> None:
    def write(folder: Path) -> None:
        write_registered(folder / "a.xlsx", "桥东区", W1, [A, B])
        write_registered(folder / "b.xlsx", "怀来县", W1, [A, C])
        write_registered(folder / "c.xlsx", "市工信局", W1, [{**C, "track": "科技创新"}])
        write_survey(folder / "d.xlsx", "桥东区", "2025-06-20", [A])

    submissions = _ledger(tmp_path, (_thursday(W1), write))
    expected = compute_rollup(CAMPAIGN, submissions, W1)
    for seed in range(5):
        shuffled = list(submissions)
        random.Random(seed).shuffle(shuffled)
        again = compute_rollup(CAMPAIGN, shuffled, W1)
        assert again.to_dict() == expected.to_dict()
        assert again.problems == expected.problems
        assert [p.key for p in again.projects] == [p.key for p in expected.projects]


def test_only_calendar_weeks_can_be_rolled_up() -> None:
    with pytest.raises(ValueError):
        compute_rollup(CAMPAIGN, [], dt.date(2025, 6, 27))


def test_every_past_week_keeps_its_trend_and_roster(tmp_path: Path) -> None:
    # Only this week's and last week's projects are held; the weeks before keep counts and statuses.
    w3 = W2 + dt.timedelta(days=7)
    moved = {**B, "track": "城市治理", "topic": "城市运行监测"}
    submissions = _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "a.xlsx", "桥东区", W1, [A, B, C])),
        (_thursday(W2), lambda f: write_registered(f / "a.xlsx", "桥东区", W2, [{**A, "status": "已退赛"}, moved])),
        (_thursday(w3 + dt.timedelta(days=1)), lambda f: write_registered(f / "a.xlsx", "桥东区", w3, [C])),
    )
    rollup = compute_rollup(CAMPAIGN, submissions, w3)
    trend = dict(rollup.trend)
    assert (trend["工业制造"], trend["文化旅游"], trend["绿色低碳"], trend["城市治理"]) == (
        [1, 0, 0],
        [1, 0, 1],
        [1, 0, 0],
        [0, 1, 0],
    )
    assert _statuses(rollup, "桥东区") == [RosterStatus.ON_TIME, RosterStatus.ON_TIME, RosterStatus.LATE]
    stats = next(item for item in rollup.reporters if item.reporter == "桥东区")
    assert (stats.season[RosterStatus.ON_TIME], stats.season[RosterStatus.LATE]) == (2, 1)
    assert [(c.kind, c.project.get("project_name")) for c in rollup.changes] == [
        (ChangeKind.NEW, "文旅客流"),
        (ChangeKind.GONE, "风电运维"),
    ]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_a_slim_reading_writes_the_same_workbooks(tmp_path: Path) -> None:
    # The merge reads project rows with the roll-up's fields only and the sheets read each whole
    # row back from the ledger: the workbooks must be those written from whole rows.
    _ledger(
        tmp_path,
        (_thursday(W1), lambda f: write_registered(f / "a.xlsx", "桥东区", W1, [A, B, {**C, "track": "不存在"}])),
        (_thursday(W2), lambda f: write_registered(f / "b.xlsx", "蔚县", W2, [C, {**A, "status": "已退赛"}])),
        (_thursday(W2), lambda f: write_survey(f / "s.xlsx", "蔚县", W1, [B])),
    )
    with Ledger(tmp_path / "zjkcollect.db") as ledger:
        whole = compute_rollup(CAMPAIGN, ledger.submissions(CAMPAIGN), W2)
        slim = compute_rollup(CAMPAIGN, ledger.submissions(CAMPAIGN, SLIM_READING), W2)
        assert "registered_on" in whole.projects[0].values and "registered_on" not in slim.projects[0].values

        def from_ledger(projects: Sequence[Project]) -> Iterator[dict[str, Any]]:
            return ledger.project_values(CAMPAIGN, [cast(int, project.row_id) for project in projects])

        for write in (write_rollup_book, write_consolidated):
            write(whole, CAMPAIGN, tmp_path / "whole.xlsx")
            write(slim, CAMPAIGN, tmp_path / "slim.xlsx", from_ledger)
            assert _parts(tmp_path / "slim.xlsx") == _parts(tmp_path / "whole.xlsx")
