"""The sheets of the roll-up workbook: one writer each, in the order the workbook shows them.

A new sheet is a :class:`~zjkcollect.rollup_sheets.common.SheetWriter` subclass in a module of
its own (a ``name`` and a ``write``) and its place in :data:`SHEETS`.
"""

from __future__ import annotations

from zjkcollect.rollup_sheets.changes import Changes
from zjkcollect.rollup_sheets.common import Book, SheetWriter
from zjkcollect.rollup_sheets.contacts import Contacts
from zjkcollect.rollup_sheets.overview import Overview
from zjkcollect.rollup_sheets.problems import Problems
from zjkcollect.rollup_sheets.projects import Projects
from zjkcollect.rollup_sheets.reminder_list import ReminderList
from zjkcollect.rollup_sheets.reporters import Reporters
from zjkcollect.rollup_sheets.roster import Roster
from zjkcollect.rollup_sheets.survey import SurveyComparison
from zjkcollect.rollup_sheets.tracks import Tracks
from zjkcollect.rollup_sheets.trend import Trend

SHEETS: tuple[type[SheetWriter], ...] = (
    Overview,
    Tracks,
    Reporters,
    Projects,
    Changes,
    Trend,
    Roster,
    ReminderList,
    SurveyComparison,
    Contacts,
    Problems,
)
SHEET_NAMES: tuple[str, ...] = tuple(sheet.name for sheet in SHEETS)

__all__ = ["SHEETS", "SHEET_NAMES", "Book", "SheetWriter", "write_sheets"]


def write_sheets(book: Book) -> None:
    for sheet in SHEETS:
        sheet(book).write()
