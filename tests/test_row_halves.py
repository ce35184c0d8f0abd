"""A long table's rows checked in two processes give exactly the one-process verdict.

The tables are the messy rows of tests/test_fast_paths.py (clean rows with cells swapped for
wrong, odd and repeated values), so both halves hold errors, warnings, failed cells and cells
whose checked value differs from the cell (dates, numbers, phones).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.specs import ATTACHMENTS, KINDS, SHIPPED
from tests.test_fast_paths import _messy_rows
from tests.workbooks import project_row, write_workbook
from zjkcollect import row_halves, schemas
from zjkcollect.attachments import Kind
from zjkcollect.inbox import collect_paths, validate_files
from zjkcollect.report import SLIM_FIELDS

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the rows are shared only where os.fork exists")


def _columns(kind: str, count: int, seed: int, absent: frozenset[str] = frozenset()) -> dict[str, list[object]]:
    rows = _messy_rows(kind, count, seed)
    return {
        column.field: [row.get(column.field) for row in rows]
        for column in ATTACHMENTS[kind].columns
        if column.field not in absent
    }


def _assert_same(one: schemas.CheckedColumns, other: schemas.CheckedColumns) -> None:
    assert one.names == other.names
    for name in one.names:
        assert len(one.values[name]) == len(other.values[name])
        for index, (mine, theirs) in enumerate(zip(one.values[name], other.values[name], strict=True)):
            if mine is schemas.FAILED or theirs is schemas.FAILED:
                assert mine is theirs, (name, index)
            else:
                assert type(mine) is type(theirs) and mine == theirs, (name, index)
    assert one.errors == other.errors
    assert one.warnings == other.warnings
    assert one.row_values() == other.row_values()


@pytest.fixture
def halves(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Share rows from 200 rows on, with one helper allowed (as the pool allows on an idle core).

    Gives the list of the forks made, so a test knows its rows really were shared.
    """
    monkeypatch.setattr(row_halves, "MIN_ROWS", 200)
    monkeypatch.setattr(row_halves, "_helpers", 1)
    forks: list[int] = []
    real_fork = os.fork

    def fork() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", fork)
    return forks


@pytest.mark.parametrize("kind", KINDS)
def test_two_halves_give_the_one_process_verdict(kind: str, halves: list[int]) -> None:
    attachment = ATTACHMENTS[kind]
    columns = _columns(kind, 1201, seed=11)
    count = len(next(iter(columns.values())))
    whole = schemas.check_cells(attachment, columns, count, SHIPPED)
    split = int(count * row_halves.WORKER_SHARE)
    assert whole.errors and any(index >= split for index in whole.errors)  # both parts have errors
    _assert_same(row_halves.check_table_cells(attachment, columns, count, SHIPPED), whole)
    assert halves == [1]


@pytest.mark.parametrize("kind", [Kind.SURVEY, Kind.REGISTERED])
def test_kept_fields_come_back_alone_with_every_fields_issues(kind: str, halves: list[int]) -> None:
    """A slim verdict keeps four fields' values: only those come back, the issues are all of them."""
    attachment = ATTACHMENTS[kind]
    columns = _columns(kind, 901, seed=5)
    whole = schemas.check_cells(attachment, columns, 901, SHIPPED)
    kept = frozenset(SLIM_FIELDS)
    shared = row_halves.check_table_cells(attachment, columns, 901, SHIPPED, kept=kept)
    assert halves == [1]
    assert shared.names == [name for name in whole.names if name in kept] and set(shared.values) == set(shared.names)
    only_kept = schemas.CheckedColumns(shared.names, {name: whole.values[name] for name in shared.names}, {}, {})
    _assert_same(shared, schemas.CheckedColumns(shared.names, only_kept.values, whole.errors, whole.warnings))


def test_a_column_the_table_lacks_is_the_same_in_both_halves(halves: list[int]) -> None:
    absent = frozenset({"topic", "contact_phone"})
    attachment = ATTACHMENTS[Kind.REGISTERED]
    columns = _columns(Kind.REGISTERED, 600, seed=4, absent=absent)
    whole = schemas.check_cells(attachment, columns, 600, SHIPPED, absent)
    _assert_same(row_halves.check_table_cells(attachment, columns, 600, SHIPPED, absent), whole)
    assert halves == [1]


def test_a_short_table_or_no_spare_core_is_checked_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    forks: list[int] = []
    monkeypatch.setattr(os, "fork", lambda: forks.append(1) or os.getpid())  # any fork would be seen here
    attachment = ATTACHMENTS[Kind.SURVEY]
    columns = _columns(Kind.SURVEY, 300, seed=2)
    monkeypatch.setattr(row_halves, "_helpers", 1)
    row_halves.check_table_cells(attachment, columns, 300, SHIPPED)  # shorter than MIN_ROWS
    monkeypatch.setattr(row_halves, "MIN_ROWS", 200)
    monkeypatch.setattr(row_halves, "_helpers", 0)
    row_halves.check_table_cells(attachment, columns, 300, SHIPPED)  # no core to spare
    assert forks == []


def test_a_child_that_fails_leaves_its_rows_to_the_parent(halves: list[int], monkeypatch: pytest.MonkeyPatch) -> None:
    """A fault of ours in the child (here: its hand-back raises) is not a verdict: the parent checks those rows."""

    def broken(*_: object) -> object:
        raise RuntimeError("a fault in the child")

    monkeypatch.setattr(row_halves, "_differences", broken)
    attachment = ATTACHMENTS[Kind.REGISTERED]
    columns = _columns(Kind.REGISTERED, 500, seed=8)
    whole = schemas.check_cells(attachment, columns, 500, SHIPPED)
    _assert_same(row_halves.check_table_cells(attachment, columns, 500, SHIPPED), whole)
    assert halves == [1]


def test_one_long_file_in_the_pool_gives_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the worker pool: one file leaves a core idle, and its rows are shared with it."""
    rows = [project_row(Kind.REGISTERED, serial=number + 1, project_name=f"数据平台{number}") for number in range(400)]
    for number in (3, 150, 260, 399):
        rows[number] = {**rows[number], "credit_code": "91130700MA0000000X", "contact_phone": "123"}
    write_workbook(tmp_path / "附件3.xlsx", Kind.REGISTERED, rows)
    files = collect_paths([tmp_path])
    one_process = validate_files(files, SHIPPED, workers=0)
    monkeypatch.setattr(row_halves, "MIN_ROWS", 100)
    pooled = validate_files(files, SHIPPED, workers=1)
    assert one_process.files[0].findings  # the planted errors were found
    assert [(f.rule, f.sheet, f.cell) for f in pooled.files[0].findings] == [
        (f.rule, f.sheet, f.cell) for f in one_process.files[0].findings
    ]


def test_a_slim_verdict_through_the_pool_reads_the_same_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """validate's slim results: the same findings and the same four values per row, shared or not."""
    rows = [
        project_row(Kind.REGISTERED, serial=number + 1, project_name=f" 数据平台{number} ") for number in range(400)
    ]
    for number in (5, 220, 390):
        rows[number] = {**rows[number], "credit_code": "91130700MA0000000X", "track": "不存在的赛道"}
    write_workbook(tmp_path / "附件3.xlsx", Kind.REGISTERED, rows)
    files = collect_paths([tmp_path])
    one_process = validate_files(files, SHIPPED, workers=0, keep_rows=False)
    monkeypatch.setattr(row_halves, "MIN_ROWS", 100)
    pooled = validate_files(files, SHIPPED, workers=1, keep_rows=False)
    assert one_process.files[0].findings
    assert [(f.rule, f.sheet, f.cell) for f in pooled.files[0].findings] == [
        (f.rule, f.sheet, f.cell) for f in one_process.files[0].findings
    ]
    mine, theirs = pooled.files[0].tables[0].rows, one_process.files[0].tables[0].rows
    assert [(row.number, dict(row.values), row.has_error) for row in mine] == [
        (row.number, dict(row.values), row.has_error) for row in theirs
    ]
