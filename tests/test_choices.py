"""Obvious decorations of a choice, end to end: a workbook built in code → findings at their cells → outputs.

A track written as ``工业制造赛道`` is the track with a warning, and every output carries the
catalog name; a credit code with a space inside is an error at its cell; a 是/否 cell holding
√, Y or 是的 stays an error (with a suggestion the schema tests check).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl

from tests.builders import W1, at, project, write_registered
from tests.workbooks import COMPANY, COMPANY_2, project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import validate_paths
from zjkcollect.merge import run_merge

CAMPAIGN = load_campaign()
R, S = Kind.REGISTERED, Kind.SURVEY


def _found(path: Path) -> tuple[set[tuple[str, str | None, str | None]], Any]:
    report = validate_paths([path], CAMPAIGN)
    return {(finding.rule, finding.sheet, finding.cell) for finding in report.findings}, report.files[0]


def test_decorated_tracks_and_spaced_codes_in_a_registered_return(tmp_path: Path) -> None:
    rows = [
        project_row(R, project_name="一号", track="工业制造 赛道", topic="智能制造数据应用"),
        project_row(R, project_name="二号", credit_code=f"{COMPANY_2[:8]} {COMPANY_2[8:]}", track="“城市治理”赛道"),
        project_row(R, project_name="三号", credit_code=f"{COMPANY[:12]}\u3000{COMPANY[12:]}"),
        project_row(R, project_name="四号", credit_code=f"\u00a0{COMPANY}\t", track="现代农业\u3000赛道"),
        project_row(R, project_name="五号", track="京津冀协同发展", topic="区域产业协同赛题"),
        project_row(R, project_name="六号", credit_code=f"{COMPANY[:4]}\t{COMPANY[4:]}", track=" 绿色 低碳 "),
    ]
    path = write_workbook(tmp_path / "附件3.xlsx", R, rows)
    sheet = openpyxl.load_workbook(path).active.title
    found, result = _found(path)
    assert found == {
        ("track-decorated", sheet, "G4"),
        ("uscc-inner-space", sheet, "D5"),
        ("track-decorated", sheet, "G5"),
        ("uscc-inner-space", sheet, "D6"),
        ("track-decorated", sheet, "G7"),
        ("topic-decorated", sheet, "H8"),
        ("uscc-inner-space", sheet, "D9"),
    }
    assert len(result.rows) == len(rows)
    assert [row.values["track"] for row in result.rows] == [
        "工业制造",
        "城市治理",
        "现代农业",
        "现代农业",
        "京津冀协同发展",
        "绿色低碳",
    ]
    assert result.rows[4].values["topic"] == "区域产业协同"
    assert result.rows[3].values["credit_code"] == COMPANY


def test_yes_no_marks_in_a_survey_return_are_errors_at_their_cells(tmp_path: Path) -> None:
    rows = [
        project_row(S, project_name="一号", legal_person="√", applied="Y", platform_registered="×"),
        project_row(S, project_name="二号", legal_person="是的", applied="✓", jiebang="N", platform_registered="无"),
        project_row(S, project_name="三号", legal_person="是", applied="是", jiebang="否", platform_registered="否"),
    ]
    path = write_workbook(tmp_path / "附件2.xlsx", S, rows, date=CAMPAIGN.calendar.survey_due)
    sheet = openpyxl.load_workbook(path).active.title
    found, result = _found(path)
    assert found == {
        ("choice-invalid", sheet, "F4"),
        ("choice-invalid", sheet, "K4"),
        ("choice-invalid", sheet, "N4"),
        ("choice-invalid", sheet, "F5"),
        ("choice-invalid", sheet, "J5"),
        ("choice-invalid", sheet, "K5"),
        ("choice-invalid", sheet, "N5"),
    }
    assert len(result.rows) == len(rows)


def _cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    workbook = openpyxl.load_workbook(path)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook.worksheets}


def test_every_output_carries_the_catalog_track(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    decorated = ("工业制造赛道", "“绿色低碳” 赛道")
    # One project sent by two units, decorated by one and plain by the other: the same choice.
    write_registered(
        inbox / "怀来县附件3.xlsx",
        "怀来县",
        W1,
        [
            project("智慧工厂", "张家口甲科技有限公司", "MA0F1231", track=decorated[0]),
            project("风电运维", "张家口乙能源有限公司", "MA0F1232", track=decorated[1], topic="风电数据应用"),
        ],
    )
    write_registered(
        inbox / "桥东区附件3.xlsx", "桥东区", W1, [project("智慧工厂", "张家口甲科技有限公司", "MA0F1231")]
    )
    run = run_merge(CAMPAIGN, W1, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W1))

    consolidated = _cells(run.consolidated_path)["附件3"]
    assert [(row[1], row[6]) for row in consolidated[3:] if row[1]] == [
        ("智慧工厂", "工业制造"),
        ("风电运维", "绿色低碳"),
    ]

    book = _cells(run.rollup_path)
    tracks = {row[1]: row[2] for row in book["赛道统计"][3:] if row[1] in CAMPAIGN.track_names}
    assert (tracks["工业制造"], tracks["绿色低碳"]) == (1, 1)
    details = [(row[1], row[6]) for row in book["项目明细"][3:] if row[1]]
    assert details == [("智慧工厂", "工业制造"), ("风电运维", "绿色低碳")]
    # Decorated and plain are the same choice: a duplicate counted once, not a conflict.
    problems = {(row[1], row[5], row[-1]) for row in book["问题清单"][3:] if row[0]}
    assert problems == {
        ("桥东区", "G4", "project-duplicate-reporters"),
        ("怀来县", "G4", "project-duplicate-reporters"),
        ("怀来县", "G4", "track-decorated"),
        ("怀来县", "G5", "track-decorated"),
    }
    # The decorated spellings survive only where the warning quotes what the reporter wrote.
    for name, rows in book.items():
        if name != "问题清单":
            assert not {value for row in rows for value in row} & set(decorated), name
    assert not {value for row in consolidated for value in row} & set(decorated)
