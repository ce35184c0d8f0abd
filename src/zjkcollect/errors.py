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
