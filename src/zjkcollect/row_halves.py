"""A long table's rows checked in two processes, when the worker has a core to spare.

A returned workbook of 100,000 rows is one file: one worker reads it while the other cores
wait. Its rows are checked a column at a time (:func:`schemas.check_cells`), and a row's
verdict depends on that row alone, so the rows split cleanly: after the sheet is read, the
worker forks; the child checks the last rows while the worker checks the first (WORKER_SHARE),
and sends back only what differs from the cells it was given (most checked values are the
cell itself) and the issues it found. The result is the one :func:`schemas.check_cells` gives
on the whole table: the same values, the same issues in the same order for every row.

Only where ``os.fork`` exists, only when the pool left a core idle (:func:`allow_helpers`,
set by the worker pool) and only for tables long enough to pay for the fork. A child that
fails for any reason is not a verdict: the worker checks those rows itself.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Mapping
from itertools import compress
from operator import and_, eq, is_, not_
from typing import Any

from zjkcollect.attachments import Attachment
from zjkcollect.campaign import Campaign
from zjkcollect.schemas import FAILED, CheckedColumns, RowIssue, check_cells

# Below this many rows the fork and the hand-back cost more than half the checking saves.
MIN_ROWS = 20_000
# The worker's share of the rows. The child is slower per row: every cell it touches is on a
# page it shares with the worker until it writes to it (a reference count is a write), so the
# page is copied first. On the 100,000-row sheet the halves took 0.52 s (worker) and 0.64 s
# (child); 55% to the worker evens them.
WORKER_SHARE = 0.55

_helpers = 0  # processes this one may start to share a table's rows; the worker pool sets it


def allow_helpers(count: int) -> None:
    """How many more processes this process may start while checking a table (0: none)."""
    global _helpers
    _helpers = max(0, count)


def check_table_cells(
    attachment: Attachment,
    columns: Mapping[str, list[object]],
    count: int,
    campaign: Campaign,
    absent: frozenset[str] = frozenset(),
    kept: frozenset[str] | None = None,
) -> CheckedColumns:
    """:func:`schemas.check_cells`, with the rows past the worker's share in a child process.

    ``kept``: the fields whose checked values the caller reads (None: all). When the rows are
    shared, only those come back from the child, and the result holds only those; the issues
    are always every field's. Comparing a column's values with its cells costs as much as
    checking it, so a verdict that keeps four fields does not pay for fifteen.
    """
    if _helpers < 1 or count < MIN_ROWS or not hasattr(os, "fork"):
        return check_cells(attachment, columns, count, campaign, absent)
    half = int(count * WORKER_SHARE)
    first = {name: cells[:half] for name, cells in columns.items()}
    second = {name: cells[half:] for name, cells in columns.items()}
    reading, writing = os.pipe()
    try:
        child = os.fork()
    except OSError:
        os.close(reading)
        os.close(writing)
        return check_cells(attachment, columns, count, campaign, absent)
    if child == 0:  # the forked child: it never returns from here
        os.close(reading)
        _serve_half(writing, attachment, second, count - half, campaign, absent, kept)
    os.close(writing)
    head = check_cells(attachment, first, half, campaign, absent)
    tail = _received_half(reading, child, second, count - half)
    if tail is None:
        tail = check_cells(attachment, second, count - half, campaign, absent)
    return _joined(head, tail, half)


def _serve_half(
    writing: int,
    attachment: Attachment,
    columns: dict[str, list[object]],
    count: int,
    campaign: Campaign,
    absent: frozenset[str],
    kept: frozenset[str] | None,
) -> None:
    """In the child: check the rows, send what the parent cannot rebuild, and leave at once.

    ``os._exit`` skips the interpreter's shutdown: nothing of the worker's (its pipe to the
    pool, buffered output, atexit handlers) runs twice.
    """
    code = 1
    try:
        checked = check_cells(attachment, columns, count, campaign, absent)
        payload = pickle.dumps(_differences(checked, columns, kept), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(writing, "wb") as stream:
            stream.write(payload)
        code = 0
    finally:
        os._exit(code)


Issues = dict[int, list[RowIssue]]
Differences = tuple[list[str], dict[str, list[tuple[int, Any]]], dict[str, list[int]], Issues, Issues]


def _differences(
    checked: CheckedColumns, columns: Mapping[str, list[object]], kept: frozenset[str] | None = None
) -> Differences:
    """The checked values that are not their cell (same type, equal value), the failed ones, the issues.

    Compared a column at a time with C loops: most columns are their cells, value for value.
    Only the ``kept`` fields' values (None: every field's), unless the table has none of them.
    """
    changed: dict[str, list[tuple[int, Any]]] = {}
    failed: dict[str, list[int]] = {}
    names = checked.names
    if kept is not None and not kept.isdisjoint(names):
        names = [name for name in names if name in kept]
    for name in names:
        values = checked.values[name]
        cells = columns.get(name)
        if cells is None:
            cells = [None] * len(values)
        same = list(map(and_, map(eq, values, cells), map(is_, map(type, values), map(type, cells))))
        if FAILED in values:
            failed[name] = [index for index, value in enumerate(values) if value is FAILED]
            for index in failed[name]:
                same[index] = True  # sent as failed, not as a value
        if not all(same):
            changed[name] = [(index, values[index]) for index in compress(range(len(values)), map(not_, same))]
    return names, changed, failed, checked.errors, checked.warnings


def _received_half(reading: int, child: int, columns: Mapping[str, list[object]], count: int) -> CheckedColumns | None:
    """The child's ``count`` rows rebuilt from its differences; None when it did not deliver them."""
    with os.fdopen(reading, "rb") as stream:
        payload = stream.read()
    _, status = os.waitpid(child, 0)
    if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
        return None
    try:
        names, changed, failed, errors, warnings = pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, ValueError):
        return None
    values: dict[str, list[Any]] = {}
    for name in names:
        cells = columns.get(name)
        rebuilt = list(cells) if cells is not None else [None] * count
        for index, value in changed.get(name, ()):
            rebuilt[index] = value
        for index in failed.get(name, ()):
            rebuilt[index] = FAILED
        values[name] = rebuilt
    return CheckedColumns(names, values, errors, warnings)


def _joined(head: CheckedColumns, tail: CheckedColumns, offset: int) -> CheckedColumns:
    """The two halves as one table: the tail's rows numbered after the head's, the tail's fields."""
    values = {name: head.values[name] + tail.values[name] for name in tail.names}
    errors = {**head.errors, **{index + offset: found for index, found in tail.errors.items()}}
    warnings = {**head.warnings, **{index + offset: found for index, found in tail.warnings.items()}}
    return CheckedColumns(tail.names, values, errors, warnings)
