"""Exceptions that stop a whole run. Problems inside one file are findings, not exceptions."""

from __future__ import annotations


class ZjkError(Exception):
    """A failure that stops the command; its message is shown to the clerk as one Chinese line."""


class CampaignError(ZjkError):
    """The campaign file is missing, unreadable or inconsistent."""
