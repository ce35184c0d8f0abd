"""Exceptions that stop a whole run. Problems inside one file are findings, not exceptions."""

from __future__ import annotations


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
