"""Per-file isolation: each file is read and checked in a worker process with a time limit.

A reader that hangs, or aborts the process on a native allocation failure, then costs
one file its verdict ("file-timeout", "reader-crashed") instead of the whole run; an
exception from our own code on one file becomes that file's "internal-error". The
workers also spread the reading over the machine's cores. Results come back in the
order the files were given, so nothing downstream depends on which worker was faster.

The pool itself (:func:`run_isolated`) runs any per-item job this way: ``validate`` also
writes its marked-up copies with it (see markup.py).
"""

from __future__ import annotations

import contextlib
import copyreg
import functools
import gc
import io
import multiprocessing
import os
import pickle
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from zjkcollect import row_halves
from zjkcollect.attachments import Attachment
from zjkcollect.campaign import Campaign
from zjkcollect.findings import Finding, make_finding
from zjkcollect.report import FileResult

FILE_TIME_LIMIT = 120.0
WORKER_MEMORY_LIMIT = 8 * 1024**3  # address space per worker, where the platform can cap it
INTERRUPT_GRACE = 2.0  # seconds the workers get to clean up after Ctrl-C before they are killed

FileCheck = Callable[[Path, str, Campaign], FileResult]


def default_workers(file_count: int) -> int:
    return max(1, min(os.cpu_count() or 1, 4, file_count))


READ_STAGE = "读取和校验本文件"


def error_detail(exc: BaseException) -> str:
    """The exception in one line, for the developer the clerk forwards it to."""
    return "".join(traceback.format_exception_only(exc)).strip().replace("\n", " ")[:200]


def internal_error(label: str, stage: str, exc: BaseException) -> Finding:
    """A fault of this program at one stage of one file, as that file's finding."""
    return make_finding("internal-error", file=label, stage=stage, detail=error_detail(exc))


def guarded_check(check: FileCheck, path: Path, label: str, campaign: Campaign) -> FileResult:
    """Run one file's check; a bug in our own code becomes that file's verdict, not a crash of the run."""
    try:
        return check(path, label, campaign)
    except MemoryError:
        result = FileResult(path=path, label=label)
        result.findings.append(make_finding("reader-crashed", file=label, reason="内存不足"))
        return result
    except Exception as exc:
        result = FileResult(path=path, label=label)
        result.findings.append(internal_error(label, READ_STAGE, exc))
        return result


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection while one file is checked (it resumes, as it was, after).

    A sheet read is a list per row, and checking it makes a tuple or a list per row and column:
    every 700 of them would start a collection that walks every live container, the sheet's
    rows included, so a 100,000-row sheet cost more in collections than in checking. What one
    file leaves in cycles is collected once the collector runs again.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _limit_memory() -> None:
    try:
        import resource
    except ImportError:  # not on Windows
        return
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (WORKER_MEMORY_LIMIT, WORKER_MEMORY_LIMIT))


def _silence_native_errors() -> None:
    """A native reader that aborts prints a backtrace; the clerk gets the verdict instead."""
    if os.environ.get("ZJK_DEBUG"):
        return
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)


def _shared_attachment(index: int) -> Attachment:
    """Stands in a worker's pickled result for one of the campaign's attachments (see _ResultPickler)."""
    raise RuntimeError("resolved by _ResultUnpickler against the parent's campaign")


class _ResultPickler(pickle.Pickler):
    """A worker's result with the campaign's attachments as their index, not as copies.

    Every table names its attachment; sent whole, each of a thousand results would carry its
    own copy of the attachment's spec, to be unpickled and kept by the parent.
    """

    def __init__(self, file: io.BytesIO, campaign: Campaign) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        indexes = {id(attachment): index for index, attachment in enumerate(campaign.attachments)}

        def reduce(attachment: Attachment) -> Any:
            index = indexes.get(id(attachment))
            return (
                attachment.__reduce_ex__(pickle.HIGHEST_PROTOCOL) if index is None else (_shared_attachment, (index,))
            )

        self.dispatch_table = copyreg.dispatch_table.copy()
        self.dispatch_table[Attachment] = reduce


class _ResultUnpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, campaign: Campaign) -> None:
        super().__init__(file)
        self.campaign = campaign

    def find_class(self, module: str, name: str) -> Any:
        if module == __name__ and name == _shared_attachment.__name__:
            return self.campaign.attachments.__getitem__
        return super().find_class(module, name)


def _dumps(item: object, campaign: Campaign) -> bytes:
    buffer = io.BytesIO()
    _ResultPickler(buffer, campaign).dump(item)
    return buffer.getvalue()


def _loads(data: bytes, campaign: Campaign) -> Any:
    return _ResultUnpickler(io.BytesIO(data), campaign).load()


# A worker's job: the index of one item of a list the worker already holds (given at its start;
# with fork, inherited rather than pickled), run in the worker, its outcome returned as bytes.
Task = Callable[[int], bytes]


@dataclass(frozen=True, slots=True)
class Lost:
    """A job whose worker process died (``exitcode``) or ran past the time limit."""

    timed_out: bool
    exitcode: int | None = None


# In the parent, as each job ends: its outcome (or why it was lost); False starts no further job.
Receive = Callable[[int, bytes | Lost], bool]


def _no_setup() -> None:
    return None


def _worker(connection: Connection, task: Task, setup: Callable[[], None]) -> None:
    _limit_memory()
    _silence_native_errors()
    setup()
    while True:
        try:
            index = connection.recv()
        except EOFError:
            return
        if index is None:
            return
        # No collection until the outcome is on its way: a file's check leaves every object it
        # made in the youngest generation, and the first collection after it walks them all
        # (40 ms for a 100,000-row sheet). Resumed after the send, it runs when the worker next
        # needs memory -- its next job -- and not at all after the last one.
        with collector_paused():
            connection.send_bytes(task(index))


class _Slot:
    """One worker process and the job it is busy with."""

    def __init__(self, context: Any, task: Task, setup: Callable[[], None]) -> None:
        parent, child = context.Pipe()
        self.connection = parent
        self.process = context.Process(target=_worker, args=(child, task, setup), daemon=True)
        self.process.start()
        child.close()
        self.job: int | None = None
        self.deadline = 0.0

    def give(self, job: int, time_limit: float) -> None:
        self.job = job
        self.deadline = time.monotonic() + time_limit
        self.connection.send(job)

    def stop(self, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.connection.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.connection.close()


def can_fork() -> bool:
    """Whether workers start as forks of this process, holding what it holds without pickling it."""
    return sys.platform.startswith("linux")


def _context() -> Any:
    # fork reuses the parent's imported modules, which makes workers start in milliseconds
    return multiprocessing.get_context("fork" if can_fork() else None)


def run_isolated(
    count: int,
    task: Task,
    workers: int,
    receive: Receive,
    time_limit: float = FILE_TIME_LIMIT,
    setup: Callable[[], None] = _no_setup,
) -> None:
    """Jobs ``0 .. count-1`` in at most ``workers`` processes, each job with its own time limit.

    ``receive`` gets every job's outcome in the parent as the job ends; a worker that dies or
    hangs costs its one job (``Lost``) and is replaced. When ``receive`` returns False no further
    job is started; the busy ones still finish and are received.
    """
    pending = deque(range(count))
    context = _context()
    slots = [_Slot(context, task, setup) for _ in range(min(workers, count))]

    def replace(slot: _Slot) -> _Slot:
        slot.stop(kill=True)
        fresh = _Slot(context, task, setup)
        slots[slots.index(slot)] = fresh
        return fresh

    try:
        for slot in slots:
            if pending:
                slot.give(pending.popleft(), time_limit)
        while any(slot.job is not None for slot in slots):
            busy = [slot for slot in slots if slot.job is not None]
            timeout = max(0.0, min(slot.deadline for slot in busy) - time.monotonic())
            ready = wait([slot.connection for slot in busy], timeout=timeout)
            for slot in busy:
                assert slot.job is not None
                index = slot.job
                if slot.connection in ready:
                    try:
                        outcome: bytes | Lost = slot.connection.recv_bytes()
                        slot.job = None
                    except (EOFError, OSError):
                        slot.process.join(timeout=5)  # the pipe closes before the dead process is reaped
                        outcome = Lost(timed_out=False, exitcode=slot.process.exitcode)
                        slot = replace(slot)
                elif time.monotonic() >= slot.deadline:
                    outcome = Lost(timed_out=True)
                    slot = replace(slot)
                else:
                    continue
                if not receive(index, outcome):
                    pending.clear()
                if pending:
                    slot.give(pending.popleft(), time_limit)
    except KeyboardInterrupt:
        # Ctrl-C reached the workers too (one process group): let each remove what it was writing
        _let_finish(slots, INTERRUPT_GRACE)
        raise
    finally:
        for slot in slots:
            slot.stop(kill=slot.job is not None)


def _let_finish(slots: list[_Slot], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    for slot in slots:
        slot.process.join(timeout=max(0.0, deadline - time.monotonic()))


class _CheckTask:
    """A check worker's job: one file of ``files`` checked, its result pickled for the parent."""

    def __init__(self, check: FileCheck, files: list[tuple[Path, str]], campaign: Campaign) -> None:
        self.check, self.files, self.campaign = check, files, campaign

    def __call__(self, index: int) -> bytes:
        path, label = self.files[index]
        return _dumps(guarded_check(self.check, path, label, self.campaign), self.campaign)


def check_isolated(
    files: list[tuple[Path, str]],
    campaign: Campaign,
    check: FileCheck,
    workers: int,
    time_limit: float = FILE_TIME_LIMIT,
    progress: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Check every file in worker processes; results in the order of ``files``."""
    results: list[FileResult | None] = [None] * len(files)
    count = min(workers, len(files))
    # cores the pool leaves idle (one file, two cores): a worker may share a long table's rows with them
    helpers = max(0, (os.cpu_count() or 1) - count) // max(count, 1)

    def receive(index: int, outcome: bytes | Lost) -> bool:
        path, label = files[index]
        if isinstance(outcome, bytes):
            result: FileResult = _loads(outcome, campaign)
        elif outcome.timed_out:
            result = _failed(path, label, "file-timeout", seconds=str(int(time_limit)))
        else:
            result = _failed(path, label, "reader-crashed", reason=f"退出码 {outcome.exitcode}")
        results[index] = result
        if progress is not None:
            progress(result)
        return True

    task = _CheckTask(check, files, campaign)
    run_isolated(len(files), task, count, receive, time_limit, functools.partial(row_halves.allow_helpers, helpers))
    return [result for result in results if result is not None]


def _failed(path: Path, label: str, rule: str, **context: str) -> FileResult:
    result = FileResult(path=path, label=label)
    result.findings.append(make_finding(rule, file=label, **context))
    return result
