"""Exceptions that stop a whole run, and the clerk's own machine's failures said in Chinese.

Problems inside one file are findings, not exceptions. A failure of the clerk's machine (a folder
that cannot be written, a full disk, a damaged ledger) is not a bug: :func:`machine_problem`
turns it into a Chinese sentence that says what to do, and the CLI keeps "程序内部错误" for the rest.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

INTERRUPTED = "已中断，账本和已有的汇总表保持原样。重新运行同一命令即可。"


class ZjkError(Exception):
    """A failure that stops the command; its message is shown to the clerk as one Chinese line."""


class CampaignError(ZjkError):
    """The campaign file is missing, unreadable or inconsistent."""


class ReadFailure(Exception):
    """One file cannot be read; ``rule`` and ``context`` become its finding (the run goes on)."""

    def __init__(self, rule: str, **context: str) -> None:
        super().__init__(rule)
        self.rule = rule
        self.context = context


def os_reason(exc: OSError) -> str:
    """Why the operating system would not let us read a file, in Chinese."""
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被其他程序占用"
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    return f"系统无法读取该文件（错误号 {exc.errno}）"


_DISK_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


def write_reason(exc: OSError) -> str:
    """Why the operating system would not let us write, in Chinese."""
    if exc.errno in _DISK_FULL:
        return "磁盘空间已满"
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM):
        return "没有写入权限（文件夹可能是只读的，或文件正被其他程序占用）"
    if exc.errno == errno.EROFS:
        return "所在的磁盘是只读的"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "路径中的某一级是文件而不是文件夹"
    if isinstance(exc, FileNotFoundError):
        return "路径不存在（盘符、U盘或网络共享是否可用？）"
    if exc.errno == errno.ENAMETOOLONG:
        return "路径太长，请换一个层级较浅的文件夹"
    return f"系统无法写入（错误号 {exc.errno}：{exc.strerror or '未知'}）"


def check_writable_folder(folder: Path, what: str, option: str) -> None:
    """Make sure ``folder`` exists (creating it) and takes new files, before any work is done.

    ``what`` names the folder for the clerk (输出文件夹, 账本所在的文件夹), ``option`` the option
    that changes it (empty when it is an argument). A trial file is more honest than ``os.access``, which Windows answers loosely.
    """
    use = f"请用 {option} " if option else "请"
    if folder.exists() and not folder.is_dir():
        raise ZjkError(f"{what} {folder} 是一个文件，不是文件夹：{use}指定一个文件夹")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ZjkError(f"无法建立{what} {folder}：{write_reason(exc)}。{use}换一个文件夹") from exc
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".~zjk-probe-"):
            pass
    except OSError as exc:
        raise ZjkError(
            f"{what} {folder} 无法写入：{write_reason(exc)}。{use}换一个可以写入的文件夹，或请管理员开通写入权限"
        ) from exc


def check_output_file(path: Path, option: str) -> None:
    """An output file's path must not be a folder, and its folder must take new files."""
    if path.is_dir():
        raise ZjkError(f"{option} 应给出文件名，而 {path} 是一个文件夹：请写成例如 {path / '结果.json'}")
    check_writable_folder(path.parent, f"{option} 文件所在的文件夹", option)


def machine_problem(exc: BaseException) -> str | None:
    """A Chinese sentence for a failure of the clerk's machine, or None when it is a bug of ours."""
    if isinstance(exc, MemoryError):
        return "内存不足：请关闭其他程序后重新运行；账本和已有的汇总表保持原样。"
    if isinstance(exc, OSError) and exc.errno is not None:
        where = _where(exc)
        if exc.errno in _DISK_FULL:
            place = f"，无法写入{where}" if where else ""
            return f"磁盘空间已满{place}：请清理磁盘或换一个有空间的文件夹后重新运行；账本和已有的汇总表保持原样。"
        return f"无法读写{where or '文件'}：{write_reason(exc)}。请处理后重新运行；账本和已有的汇总表保持原样。"
    return _sqlite_problem(exc)


def _where(exc: OSError) -> str:
    name = exc.filename
    if not name:
        return ""
    path = Path(os.fsdecode(name))
    # A temp file beside an output names the folder better than its own random name.
    if path.name.startswith(".~zjk-"):
        path = path.parent
    return f" {path}"


_SQLITE_PROBLEMS = (
    ("database or disk is full", "磁盘空间已满，账本无法写入：请清理磁盘后重新运行；账本和已有的汇总表保持原样。"),
    ("disk i/o error", "读写账本文件时磁盘出错：请检查磁盘（或U盘、网络共享）是否可用后重新运行。"),
    ("readonly database", "账本文件或它所在的文件夹是只读的：请取消只读属性，或用 --db 换一个可以写入的位置。"),
    ("unable to open database file", "无法打开账本文件：请检查 --db 给出的位置是否存在、是否可以写入。"),
    ("database is locked", "账本文件正被另一个 zjkcollect 命令使用，请等它结束后再运行。"),
    (
        "malformed",
        "账本文件已损坏：运行 zjkcollect ledger restore 从备份恢复，或运行 zjkcollect ledger rebuild 从 archive 文件夹重建。",
    ),
    (
        "not a database",
        "账本文件已损坏：运行 zjkcollect ledger restore 从备份恢复，或运行 zjkcollect ledger rebuild 从 archive 文件夹重建。",
    ),
)


def _sqlite_problem(exc: BaseException) -> str | None:
    if type(exc).__module__ != "sqlite3" or type(exc).__name__ not in ("OperationalError", "DatabaseError"):
        return None
    text = str(exc).lower()
    return next((message for needle, message in _SQLITE_PROBLEMS if needle in text), None)
