"""Broken and hostile files: every file gets a verdict, the run survives, nothing leaks into outputs."""

from __future__ import annotations

import os
import re
import signal
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from tests.corpus import CASES, build_corpus
from tests.workbooks import project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.cli import app
from zjkcollect.findings import Severity
from zjkcollect.inbox import validate_paths
from zjkcollect.isolation import check_isolated
from zjkcollect.markup import write_marked_copies
from zjkcollect.outputs import atomic_write, put
from zjkcollect.report import FileResult

CAMPAIGN = load_campaign()
LAST_REPORTER = CAMPAIGN.reporter_names[-1]  # corpus cases use the others
CROSS_FILE = {"superseded", "project-duplicate-reporters", "project-conflict"}
RUN_BOUND_SECONDS = 120  # the whole corpus, 100,000-row sheet included, on a 2-core machine


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("corpus")
    cases = build_corpus(folder)
    write_workbook(folder / "正常文件.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED)], reporter=LAST_REPORTER)
    started = time.monotonic()
    report = validate_paths([folder], CAMPAIGN)
    elapsed = time.monotonic() - started
    return folder, {"cases": cases, "report": report, "elapsed": elapsed}


def test_corpus_is_big_enough() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_file_gets_its_verdict(corpus: tuple[Path, dict], case) -> None:
    _, built = corpus
    result = next(r for r in built["report"].files if Path(r.label).name == case.name)
    own = [f for f in result.findings if f.rule not in CROSS_FILE]
    rules = {f.rule for f in own}
    assert case.rules <= rules, (case.name, rules)
    if not case.rules:
        assert not [f for f in own if f.severity is Severity.ERROR], [f.message for f in own]
    if case.rows is not None:
        assert len(result.rows) == case.rows
    for finding in own:
        assert re.search(r"[\u4e00-\u9fff]", finding.message), finding.message


def test_run_finishes_and_other_files_are_still_validated(corpus: tuple[Path, dict]) -> None:
    _, built = corpus
    assert built["elapsed"] < RUN_BOUND_SECONDS
    report = built["report"]
    assert len(report.files) == len(CASES) + 1
    good = next(r for r in report.files if Path(r.label).name == "正常文件.xlsx")
    assert good.reporter == LAST_REPORTER and len(good.rows) == 1
    assert [f for f in good.findings if f.rule not in CROSS_FILE] == []


def _formula_cells(path: Path) -> list[str]:
    found = []
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            found += [f"{sheet.title}!{cell.coordinate}" for cell in row if cell.data_type == "f"]
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and re.search(rb"<f[\s>]", archive.read(name)):
                found.append(name)
    return found


def test_no_output_cell_holds_a_formula(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    _, built = corpus
    copies = write_marked_copies(built["report"], tmp_path)
    assert copies
    names = {copy.name for copy in copies}
    assert {"公式未计算.xlsx", "带宏.xlsx", "零宽字符.xlsx"} <= names
    for copy in copies:
        assert _formula_cells(copy) == [], copy.name
        with zipfile.ZipFile(copy) as archive:
            assert not any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())


def test_hyperlink_text_stays_inert_text(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.com/x","点击领奖")'
    path = write_workbook(
        tmp_path / "in" / "a.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED, note=hostile, track="x")]
    )
    copy = write_marked_copies(validate_paths([path], CAMPAIGN), tmp_path / "out")[0]
    cell = openpyxl.load_workbook(copy).worksheets[1]["O4"]
    assert cell.value == hostile and cell.data_type == "s" and cell.quotePrefix


def test_cli_on_corpus_exits_1_without_traceback(corpus: tuple[Path, dict], tmp_path: Path) -> None:
    folder, _ = corpus
    result = CliRunner().invoke(
        app, ["validate", str(folder), "--out", str(tmp_path), "--json", str(tmp_path / "r.json")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output


# --- the second line of defence: worker processes with a time limit -----------------------------


def _sleepy(path: Path, label: str, campaign: object) -> FileResult:
    if "slow" in label:
        time.sleep(30)
    if "crash" in label:
        os.kill(os.getpid(), signal.SIGKILL)  # dies like a native abort, without a handler to run
    return FileResult(path=path, label=label)


def test_a_hanging_or_crashing_reader_costs_one_file(tmp_path: Path) -> None:
    files = [(tmp_path / name, name) for name in ("a.xlsx", "slow.xlsx", "crash.xlsx", "b.xlsx")]
    started = time.monotonic()
    results = check_isolated(files, CAMPAIGN, _sleepy, workers=2, time_limit=2.0)
    assert time.monotonic() - started < 20
    verdicts = {r.label: [f.rule for f in r.findings] for r in results}
    assert verdicts == {"a.xlsx": [], "slow.xlsx": ["file-timeout"], "crash.xlsx": ["reader-crashed"], "b.xlsx": []}
    assert [r.label for r in results] == [label for _, label in files]


def test_the_files_queued_behind_a_hanging_or_crashing_one_are_still_checked(tmp_path: Path) -> None:
    """A worker holds the next file while it checks one: when it hangs or dies, that next file goes to another."""
    names = ("slow.xlsx", "a.xlsx", "crash.xlsx", "b.xlsx", "crash2.xlsx", "c.xlsx")
    files = [(tmp_path / name, name) for name in names]
    results = check_isolated(files, CAMPAIGN, _sleepy, workers=1, time_limit=2.0)
    verdicts = {r.label: [f.rule for f in r.findings] for r in results}
    assert verdicts == {
        "slow.xlsx": ["file-timeout"],
        "a.xlsx": [],
        "crash.xlsx": ["reader-crashed"],
        "b.xlsx": [],
        "crash2.xlsx": ["reader-crashed"],
        "c.xlsx": [],
    }
    assert [r.label for r in results] == list(names)


# --- outputs survive locks ----------------------------------------------------------------------


def test_locked_output_goes_to_a_time_stamped_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "汇总.xlsx"
    target.write_bytes(b"previous")
    real_replace = os.replace

    def locked(source: str | Path, destination: str | Path) -> None:
        # Windows refuses to replace a file Excel holds open; Linux has no such lock to make.
        if Path(destination) == target:
            raise PermissionError(13, "locked")
        real_replace(source, destination)

    monkeypatch.setattr(os, "replace", locked)
    moved: list[Path] = []
    with atomic_write(target, lambda _t, actual: moved.append(actual)) as temp:
        temp.write_bytes(b"new")
    assert target.read_bytes() == b"previous"
    assert len(moved) == 1 and moved[0].read_bytes() == b"new" and moved[0].name.startswith("汇总_")
    assert not list(tmp_path.glob(".~zjk-*"))


def test_interrupted_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous")
    with pytest.raises(RuntimeError), atomic_write(target) as temp:
        temp.write_bytes(b"half")
        raise RuntimeError("killed")
    assert target.read_bytes() == b"previous"
    assert not list(tmp_path.glob(".~zjk-*"))


def test_put_never_writes_formulas_with_xlsxwriter(tmp_path: Path) -> None:
    import xlsxwriter

    from zjkcollect.outputs import add_worksheet

    path = tmp_path / "x.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = add_worksheet(workbook, "s")
    for row, text in enumerate(["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "普通"], start=1):
        put(sheet, row, 1, text)
    workbook.close()
    loaded = openpyxl.load_workbook(path)["s"]
    assert [loaded.cell(row, 1).data_type for row in range(1, 8)] == ["s"] * 7
    assert all(loaded.cell(row, 1).quotePrefix for row in range(1, 7))
    assert _formula_cells(path) == []


def test_openpyxl_uses_defusedxml() -> None:
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML


def test_workers_also_start_the_windows_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fork: workers are spawned, so the check and the campaign must travel by pickle."""
    import multiprocessing

    import zjkcollect.isolation as isolation

    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("spawn"))
    write_workbook(tmp_path / "a.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED, track="工业制造业")])
    write_workbook(tmp_path / "b.xlsx", Kind.REGISTERED, [project_row(Kind.REGISTERED)], reporter=LAST_REPORTER)
    report = validate_paths([tmp_path], CAMPAIGN, workers=2)
    assert {(Path(f.file).name, f.rule) for f in report.findings} >= {("a.xlsx", "track-unknown")}
    assert not any(f.rule == "reader-crashed" for f in report.findings)
