"""Marked-up copies written by worker processes: the same copies as one process writes, one file's fault its own."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.corpus import CASES, _rewrite_zip
from tests.workbooks import project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.errors import ZjkError
from zjkcollect.inbox import validate_paths
from zjkcollect.isolation import can_fork
from zjkcollect.markup import RETURN_FOLDER, Redirect, write_marked_copies, write_marked_copy
from zjkcollect.report import FileResult, Report

CAMPAIGN = load_campaign()
REPORTERS = CAMPAIGN.reporter_names
R = Kind.REGISTERED
# messy returns from the hostile corpus: a macro workbook, merged cells, formulas, codes typed as numbers …
MESSY = ("带宏.xlsm", "合并单元格.xlsx", "公式未计算.xlsx", "代码成数字.xlsx", "零宽字符.xlsx", "超长单元格.xlsx")

pytestmark = pytest.mark.skipif(not can_fork(), reason="copies are written by forked workers only")


def _with_error(path: Path, reporter: str) -> Path:
    row = project_row(R, track="不存在的赛道", project_name=f"{reporter}的项目")
    return write_workbook(path, R, [row], reporter=reporter)


def _messy_inbox(inbox: Path) -> Path:
    cases = {case.name: case for case in CASES}
    for name in MESSY:
        cases[name].build(inbox / name)
    # the same return twice under one name (one submission): two copies, the second named a（2）-style
    (inbox / "子文件夹").mkdir()
    shutil.copy(inbox / "代码成数字.xlsx", inbox / "子文件夹" / "代码成数字.xlsx")
    # docProps/core.xml cut short: openpyxl refuses it, the copy is rebuilt from the values
    garbled = _with_error(inbox / "属性损坏.xlsx", REPORTERS[-2])
    _rewrite_zip(garbled, lambda name, data: data[: len(data) // 2] if name == "docProps/core.xml" else None)
    return inbox


_STAMP = re.compile(rb"<dcterms:(created|modified)[^>]*>[^<]*</dcterms:\1>")


def _parts(path: Path) -> dict[str, bytes]:
    """The package's parts; the save time openpyxl stamps in core.xml is not the copy's content."""
    with zipfile.ZipFile(path) as archive:
        return {name: _STAMP.sub(b"", archive.read(name)) for name in archive.namelist()}


def test_copies_written_in_parallel_are_the_serial_ones(tmp_path: Path) -> None:
    report = validate_paths([_messy_inbox(tmp_path / "in")], CAMPAIGN, workers=0)
    serial = write_marked_copies(report, tmp_path / "serial", workers=0)
    findings = {result.label: list(result.findings) for result in report.files}
    parallel = write_marked_copies(report, tmp_path / "parallel", workers=2)
    assert {result.label: result.findings for result in report.files} == findings  # no copy failed
    assert [path.name for path in parallel] == [path.name for path in serial]
    assert {"带宏.xlsx", "代码成数字.xlsx", "代码成数字（2）.xlsx", "属性损坏.xlsx"} <= {path.name for path in serial}
    for one, other in zip(serial, parallel, strict=True):
        assert _parts(one) == _parts(other), one.name


def _errors_inbox(inbox: Path, count: int) -> Report:
    for index in range(count):
        _with_error(inbox / f"{chr(ord('a') + index)}.xlsx", REPORTERS[index])
    return validate_paths([inbox], CAMPAIGN, workers=0)


def _result(report: Report, name: str) -> FileResult:
    return next(result for result in report.files if Path(result.label).name == name)


def _rules(result: FileResult) -> list[str]:
    return [finding.rule for finding in result.findings]


def test_a_copy_that_fails_is_that_files_finding_and_the_others_are_written(tmp_path: Path) -> None:
    report = _errors_inbox(tmp_path / "in", 4)
    broken = _result(report, "b.xlsx")
    broken.findings.append(dataclasses.replace(broken.findings[0], row=0))  # a finding off the sheet: our bug
    out = tmp_path / "out"
    (out / RETURN_FOLDER / "c.xlsx" / "已占用").mkdir(parents=True)  # the copy's place is taken by a folder
    copies = write_marked_copies(report, out, workers=2)
    assert [path.name for path in copies] == ["a.xlsx", "d.xlsx"]
    assert all(path.is_file() for path in copies)
    assert _rules(broken)[-1] == "internal-error" and "生成退回副本" in broken.findings[-1].message
    assert _rules(_result(report, "c.xlsx"))[-1] == "copy-not-written"
    assert _rules(_result(report, "a.xlsx")) == ["track-unknown"]


def _crashing(result: FileResult, target: Path, on_redirect: Redirect | None) -> Path:
    """Writes the copy, except that the worker dies on c.xlsx and hangs on d.xlsx."""
    name = Path(result.label).name
    if name == "c.xlsx":
        os._exit(3)
    if name == "d.xlsx":
        time.sleep(60)
    return write_marked_copy(result, target, on_redirect)


def test_a_crashed_or_hung_copy_worker_costs_that_file_only(tmp_path: Path) -> None:
    report = _errors_inbox(tmp_path / "in", 5)
    copies = write_marked_copies(report, tmp_path / "out", workers=2, write=_crashing, time_limit=3.0)
    assert [path.name for path in copies] == ["a.xlsx", "b.xlsx", "e.xlsx"]
    crashed, hung = _result(report, "c.xlsx").findings[-1], _result(report, "d.xlsx").findings[-1]
    assert (crashed.rule, hung.rule) == ("copy-crashed", "copy-crashed")
    assert "退出码 3" in crashed.message and "3 秒" in hung.message
    assert sorted(path.name for path in (tmp_path / "out" / RETURN_FOLDER).iterdir()) == ["a.xlsx", "b.xlsx", "e.xlsx"]


def _first_slowest(result: FileResult, target: Path, on_redirect: Redirect | None) -> Path:
    """The copies finish in the reverse of their order: the first label is written last."""
    time.sleep({"in": 1.0, "x": 0.5}.get(Path(result.label).parent.name, 0.0))
    return write_marked_copy(result, target, on_redirect)


def test_names_do_not_depend_on_which_copy_is_done_first(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    for folder, reporter in (("", REPORTERS[0]), ("x", REPORTERS[1]), ("y", REPORTERS[2])):
        _with_error(inbox / folder / "a.xlsx", reporter)
    report = validate_paths([inbox], CAMPAIGN, workers=0)
    copies = write_marked_copies(report, tmp_path / "out", workers=3, write=_first_slowest)
    assert [path.name for path in copies] == ["a.xlsx", "a（2）.xlsx", "a（3）.xlsx"]
    # sorted by label: in/a.xlsx, in/x/a.xlsx, in/y/a.xlsx — each copy holds its own file's reporter
    reporters = [openpyxl.load_workbook(path, read_only=True).worksheets[1]["B2"].value for path in copies]
    assert reporters == list(REPORTERS[:3])


def _stopping(result: FileResult, target: Path, on_redirect: Redirect | None) -> Path:
    if Path(result.label).name == "b.xlsx":
        raise ZjkError("缺少安全组件")
    return write_marked_copy(result, target, on_redirect)


def test_a_run_stopping_error_in_a_worker_still_stops_the_run(tmp_path: Path) -> None:
    report = _errors_inbox(tmp_path / "in", 3)
    with pytest.raises(ZjkError, match="缺少安全组件"):
        write_marked_copies(report, tmp_path / "out", workers=2, write=_stopping)


def _locked(result: FileResult, target: Path, on_redirect: Redirect | None) -> Path:
    """As if each target were open in Excel: the copy is kept under another name and the caller told."""
    kept = write_marked_copy(result, target.with_name(f"{target.stem}_另存.xlsx"))
    assert on_redirect is not None
    on_redirect(target, kept)
    return kept


def test_a_workers_redirect_is_told_by_the_parent_in_the_order_of_the_names(tmp_path: Path) -> None:
    report = _errors_inbox(tmp_path / "in", 3)
    told: list[tuple[str, str, int]] = []
    copies = write_marked_copies(
        report, tmp_path / "out", lambda wanted, kept: told.append((wanted.name, kept.name, os.getpid())), 2, _locked
    )
    assert [path.name for path in copies] == ["a_另存.xlsx", "b_另存.xlsx", "c_另存.xlsx"]
    assert told == [(f"{name}.xlsx", f"{name}_另存.xlsx", os.getpid()) for name in "abc"]


def _copies_in_place(folder: Path) -> list[str]:
    return [path.name for path in folder.glob("*.xlsx") if not path.name.startswith(".")] if folder.exists() else []


def _stray_temps(folder: Path) -> list[str]:
    return [path.name for path in folder.glob(".~zjk-*")] if folder.exists() else []


@pytest.mark.slow
def test_ctrl_c_while_copies_are_written_leaves_no_half_written_file(tmp_path: Path) -> None:
    inbox, out = tmp_path / "收件箱", tmp_path / "输出"
    rows = [project_row(R, track="不存在的赛道", project_name=f"项目{row}") for row in range(400)]
    for index in range(40):
        write_workbook(inbox / f"{index:02d}.xlsx", R, rows, reporter=REPORTERS[index % len(REPORTERS)])
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "zjkcollect", "validate", str(inbox), "--out", str(out)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the signal reaches the workers as Ctrl-C does
    )
    returned = out / RETURN_FOLDER
    deadline = time.monotonic() + 120
    # once the first copy is in place the others are being written (not at a temp file's first sight:
    # that is inside mkstemp, where no writer can know the name it has yet to be told)
    while not _copies_in_place(returned) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.002)
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    if process.returncode != 2:
        pytest.skip("the run finished before the interrupt arrived")
    assert "已中断" in err.decode("utf-8")
    assert _stray_temps(returned) == []
