"""Every mistake on the clerk's side: a Chinese sentence that says what to do, exit code 2, no '程序内部错误'."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.clerk import ROOT, read_only_folder, without_privileges, working_folder, zjk
from tests.test_campaign import line
from tests.workbooks import project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.errors import machine_problem
from zjkcollect.ledger import SCHEMA_VERSION

CAMPAIGN = load_campaign()


def assert_clerk_error(done: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith("错误："), done.stderr
    assert "程序内部错误" not in done.stderr and "Traceback" not in done.stderr, done.stderr
    for part in expected:
        assert part in done.stderr, f"{part!r} not in {done.stderr!r}"


def unprivileged() -> tuple[str, ...]:
    prefix = without_privileges()
    if prefix is None:
        pytest.skip("no way here to drop root's right to write anywhere (unshare -U)")
    return prefix


# --- folders ---------------------------------------------------------------------------------------


def test_output_folder_that_cannot_be_written(tmp_path: Path) -> None:
    prefix = unprivileged()
    folder = working_folder(tmp_path)
    locked = read_only_folder(tmp_path / "只读")
    for args in (
        ["validate", "收件箱", "--out", locked],
        ["validate", "收件箱", "--out", locked / "新建"],
        ["make-templates", "--out", locked],
        ["merge", "--week", "2025-06-26", "--out", locked],
        ["validate", "收件箱", "--json", locked / "结果.json"],
    ):
        done = zjk(*args, cwd=folder, prefix=prefix)
        assert_clerk_error(done, str(locked), "无法写入", "写入权限")
    assert not any(locked.iterdir())


def test_ledger_folder_that_cannot_be_written(tmp_path: Path) -> None:
    prefix = unprivileged()
    folder = working_folder(tmp_path)
    locked = read_only_folder(tmp_path / "只读账本")
    for args in (["merge", "--week", "2025-06-26"], ["ingest", "收件箱"]):
        done = zjk(*args, "--db", locked / "zjkcollect.db", cwd=folder, prefix=prefix)
        assert_clerk_error(done, "账本所在的文件夹", str(locked), "--db")
        assert "损坏" not in done.stderr  # not a damaged database: a folder that takes no files


def test_output_path_that_is_a_file(tmp_path: Path) -> None:
    folder = working_folder(tmp_path)
    (folder / "结果.xlsx").write_bytes(b"a file, not a folder")
    for args, option in (
        (["validate", "收件箱", "--out", "结果.xlsx"], "--out"),
        (["merge", "--week", "2025-06-26", "--out", "结果.xlsx"], "--out"),
        (["merge", "--week", "2025-06-26", "--out", "结果.xlsx/子文件夹"], "--out"),
        (["make-templates", "--out", "结果.xlsx"], "--out"),
        (["validate", "收件箱", "--json", "收件箱"], "--json"),
        (["merge", "--week", "2025-06-26", "--db", "收件箱"], "--db"),
    ):
        done = zjk(*args, cwd=folder)
        assert_clerk_error(done, option)
        assert "文件夹" in done.stderr


def test_missing_output_folder_is_made_and_a_missing_inbox_is_said(tmp_path: Path) -> None:
    folder = working_folder(tmp_path)
    shutil.rmtree(folder / "输出")
    done = zjk("merge", "--week", "2025-06-26", "--out", "新的/输出", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert len(list((folder / "新的" / "输出").glob("*.xlsx"))) == 2
    assert_clerk_error(zjk("merge", "--week", "2025-06-26", "--inbox", "没有这个", cwd=folder), "找不到收件箱")


# --- the ledger ------------------------------------------------------------------------------------


def _merged_folder(tmp_path: Path) -> Path:
    folder = working_folder(tmp_path)
    done = zjk("merge", "--week", "2025-06-26", "--received", "2025-06-26", cwd=folder)
    assert done.returncode == 0, done.stderr
    return folder


def _damage(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for start in range(4096, len(data), 4096):
        data[start : start + 300] = b"\xff" * 300  # the pages' headers: a broken tree
    db.write_bytes(bytes(data))


def test_damaged_ledger_names_the_backup_and_the_command(tmp_path: Path) -> None:
    folder = _merged_folder(tmp_path)
    time.sleep(0.05)
    again = zjk("merge", "--week", "2025-06-26", cwd=folder)  # a run that writes keeps a backup first
    assert again.returncode == 0, again.stderr
    db = folder / "账本" / "zjkcollect.db"
    backups = sorted((folder / "账本" / "backups").glob("*.db"))
    assert len(backups) == 1
    _damage(db)
    for args in (["status"], ["merge", "--week", "2025-06-26"], ["ledger", "check"]):
        done = zjk(*args, cwd=folder)
        assert_clerk_error(done, "已损坏", backups[0].name, "zjkcollect ledger restore --db")
    restored = zjk("ledger", "restore", cwd=folder)
    assert restored.returncode == 0, restored.stderr
    assert zjk("status", cwd=folder).returncode == 0
    assert len(list((folder / "账本").glob("zjkcollect.db.旧-*"))) == 1  # the damaged one is kept


def test_damaged_ledger_without_backup_points_to_rebuild(tmp_path: Path) -> None:
    folder = _merged_folder(tmp_path)
    shutil.rmtree(folder / "账本" / "backups", ignore_errors=True)
    (folder / "账本" / "zjkcollect.db").write_bytes(b"not a ledger at all" * 300)
    done = zjk("status", cwd=folder)
    assert_clerk_error(done, "已损坏", "没有找到完好的备份", "zjkcollect ledger rebuild --db")
    assert_clerk_error(zjk("ledger", "restore", cwd=folder), "没有完好的备份", "ledger rebuild")
    rebuilt = zjk("ledger", "rebuild", cwd=folder)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert zjk("status", "--week", "2025-06-26", cwd=folder).returncode == 0


def test_ledger_from_a_newer_program(tmp_path: Path) -> None:
    folder = _merged_folder(tmp_path)
    db = folder / "账本" / "zjkcollect.db"
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.commit()
    connection.close()
    for args in (["status"], ["merge", "--week", "2025-06-26"]):
        assert_clerk_error(zjk(*args, cwd=folder), "更新版本", "升级")


# --- the campaign file -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "survey_due = 2025-06-23",
            "survey_due = 2026-5-20",
            [line("survey_due = "), "「survey_due = 2026-5-20」", "2026-05-20"],
        ),
        ("year = 2025\n", "year = 2025\nyear = 2026\n", [line("year = 2025", 1), "year 写了两次"]),
        ('bureau = "张家口市数据和政务服务局"', 'bureau = "张家口市数据和政务服务局', [line("bureau = "), "引号"]),
        ("survey_due =", "survy_due =", ["survy_due", "是不是 survey_due"]),
    ],
    ids=["date", "duplicate-key", "missing-quote", "misspelt-key"],
)
def test_campaign_slips(tmp_path: Path, old: str, new: str, expected: list[str]) -> None:
    folder = working_folder(tmp_path)
    config = folder / "活动配置.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    for args in (["validate", "收件箱"], ["merge", "--week", "2025-06-26"], ["make-templates"]):
        assert_clerk_error(zjk(*args, cwd=folder), "活动配置.toml", *expected)


# --- Ctrl-C, a full disk ------------------------------------------------------------------------------


def _big_inbox(folder: Path, files: int = 24, rows: int = 250) -> None:
    names = CAMPAIGN.reporter_names
    for index in range(files):
        rows_of = [project_row(Kind.REGISTERED, project_name=f"项目{index}-{row}") for row in range(rows)]
        write_workbook(folder / f"{index:02d}-附件3.xlsx", Kind.REGISTERED, rows_of, reporter=names[index % len(names)])


def _stray(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()] if folder.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="sends SIGINT to a process group as a console does")
@pytest.mark.parametrize("moment", ["validating", "recording"])
def test_ctrl_c_says_so_and_leaves_ledger_archive_and_outputs_alone(tmp_path: Path, moment: str) -> None:
    inbox = tmp_path / "收件箱"
    _big_inbox(inbox)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    process = subprocess.Popen(
        [sys.executable, "-m", "zjkcollect", "merge", "--week", "2025-06-26", "--received", "2025-06-26"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, so the signal reaches the workers as Ctrl-C does
    )
    archive = tmp_path / "账本" / "archive"
    deadline = time.monotonic() + 120
    if moment == "validating":
        time.sleep(1.5)
    else:  # once the first archive copy is written, the ledger's transaction is open
        while not any(path.suffix == ".xlsx" for path in _stray(archive)) and time.monotonic() < deadline:
            time.sleep(0.002)
    os.killpg(process.pid, signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    stderr = err.decode("utf-8")
    if process.returncode == 0:
        pytest.skip("the run finished before the interrupt arrived")
    assert process.returncode == 2, stderr
    assert "已中断，账本和已有的汇总表保持原样" in stderr and "Traceback" not in stderr
    assert _stray(archive) == []
    assert _stray(tmp_path / "输出") == []
    db = tmp_path / "账本" / "zjkcollect.db"
    if db.exists():
        connection = sqlite3.connect(db)
        assert connection.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 0
        connection.close()


def _tiny_disk_run(folder: Path, size_kb: int, *args: str) -> subprocess.CompletedProcess[str] | None:
    """Run the CLI with ``folder/disk`` a RAM disk of ``size_kb``; None where no such disk can be made."""
    if os.name != "posix" or shutil.which("unshare") is None:
        return None
    disk = folder / "disk"
    disk.mkdir(exist_ok=True)
    mount = f'mount -t tmpfs -o size={size_kb}k tmpfs "{disk}"'
    probe = subprocess.run(["unshare", "-Urm", "sh", "-c", mount], capture_output=True, check=False)
    if probe.returncode != 0:
        return None
    # A private mount namespace: the small disk exists for this one run only.
    return zjk(*args, cwd=folder, prefix=("unshare", "-Urm", "sh", "-c", f'{mount} && exec "$@"', "sh"))


def test_disk_full(tmp_path: Path) -> None:
    folder = working_folder(tmp_path)
    done = _tiny_disk_run(folder, 120, "merge", "--week", "2025-06-26", "--out", "disk/输出", "--db", "disk/账本/z.db")
    if done is None:
        pytest.skip("no RAM disk can be mounted here (unshare -Urm)")
    assert_clerk_error(done, "磁盘空间已满", "账本和已有的汇总表保持原样")


def test_machine_problems_are_told_apart_from_bugs() -> None:
    full = OSError(errno.ENOSPC, "No space left on device", "输出/.~zjk-abc.xlsx")
    assert "磁盘空间已满" in (machine_problem(full) or "") and "输出" in (machine_problem(full) or "")
    assert "写入权限" in (machine_problem(PermissionError(errno.EACCES, "denied", "输出/a.xlsx")) or "")
    assert "磁盘空间已满" in (machine_problem(sqlite3.OperationalError("database or disk is full")) or "")
    assert "ledger restore" in (machine_problem(sqlite3.DatabaseError("database disk image is malformed")) or "")
    assert machine_problem(KeyError("a bug")) is None
    assert machine_problem(sqlite3.OperationalError("no such column: x")) is None  # our SQL: a bug


def test_real_bugs_still_say_internal_error(tmp_path: Path) -> None:
    """A bug of ours is not dressed up as the clerk's problem."""
    script = (
        "import sys; sys.argv = ['zjkcollect', 'status'];"
        "import zjkcollect.merge as merge; merge.status_table = lambda *args: 1 / 0;"
        "from zjkcollect.cli import main; main()"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 2 and "程序内部错误：ZeroDivisionError" in done.stderr
