"""The shipped campaign file: ``campaign-<year>.toml`` in this folder (of several, the last by name).

Kept free of heavy imports: the command line reads the shipped calendar for its help examples
before any command runs.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from dataclasses import dataclass
from importlib import resources

BUILTIN_CAMPAIGN_PATTERN = "campaign-*.toml"


def builtin_campaign_name() -> str | None:
    """The file name of the shipped campaign, or None when the installation lacks it."""
    names = sorted(
        entry.name
        for entry in resources.files(__name__).iterdir()
        if entry.is_file() and fnmatch.fnmatchcase(entry.name, BUILTIN_CAMPAIGN_PATTERN)
    )
    return names[-1] if names else None


def builtin_campaign_bytes(name: str) -> bytes:
    return resources.files(__name__).joinpath(name).read_bytes()


@dataclass(frozen=True, slots=True)
class Examples:
    """Values of the shipped campaign for the command line's help: its year and its first weeks."""

    year: str
    first_week: str
    second_week: str
    weekday: int  # date.weekday() of the update day


def builtin_examples() -> Examples | None:
    """The shipped calendar's year and first two weeks; None when the file cannot be read as expected."""
    name = builtin_campaign_name()
    if name is None:
        return None
    try:
        return examples_from(builtin_campaign_bytes(name))
    except OSError:
        return None


def file_examples(path: str) -> Examples | None:
    """The same values from a campaign file on disk; None when it cannot be read as expected
    (the command itself then says what is wrong with it)."""
    try:
        with open(path, "rb") as handle:
            return examples_from(handle.read())
    except OSError:
        return None


def examples_from(content: bytes) -> Examples | None:
    try:
        data = tomllib.loads(content.decode("utf-8-sig"))
        weeks = data["calendar"]["weeks"]
        year = data["campaign"]["year"]
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError):
        return None
    if not (isinstance(weeks, list) and weeks and all(isinstance(week, dt.date) for week in weeks)):
        return None
    second = weeks[1] if len(weeks) > 1 else weeks[0]
    return Examples(str(year), weeks[0].isoformat(), second.isoformat(), weeks[0].weekday())
