"""Where ``validate``'s time per file goes, stage by stage, in one process (CPU seconds).

    python bench/stage_times.py INBOX CAMPAIGN

Runs ``validate_file`` (slim, as the workers do) on every file of INBOX after a warm-up on the
first 50, with ``time.process_time`` around the guard, calamine's read, locating the tables
(and the rows within that), checking the rows (and the column checks within that), and the
pickling of each result as a worker sends it. Compare a stage with the calamine line: that
is the floor's own work on the same files.
"""

from __future__ import annotations

import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from zjkcollect import checker, inbox, layout, reader
from zjkcollect.campaign import load_campaign
from zjkcollect.isolation import _dumps

TIMES: dict[str, float] = defaultdict(float)


def _timed(module: Any, name: str, stage: str) -> None:
    inner: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            TIMES[stage] += time.process_time() - start

    setattr(module, name, timed)


def main(argv: list[str]) -> int:
    folder, campaign_path = Path(argv[0]), Path(argv[1])
    _timed(reader, "inspect_archive", "guard")
    _timed(reader, "read_values", "calamine read")
    _timed(inbox, "locate_tables", "locate tables")
    _timed(layout, "_data_rows", "  of which the rows")
    _timed(inbox, "check_table", "check rows")
    # the name checker calls the column checks by, in this and in older code (to time those too)
    names = ("check_table_cells", "check_cells", "check_columns")
    _timed(checker, next(name for name in names if hasattr(checker, name)), "  of which the columns")
    campaign = load_campaign(campaign_path)
    files = inbox.collect_paths([folder])
    for path, label in files[:50]:
        inbox.validate_file(path, label, campaign, slim=True)
    order = ["guard", "calamine read", "locate tables", "  of which the rows", "check rows", "  of which the columns"]
    TIMES.clear()
    TIMES.update(dict.fromkeys(order, 0.0))
    size = 0
    start = time.process_time()
    for path, label in files:
        result = inbox.validate_file(path, label, campaign, slim=True)
        before = time.process_time()
        size += len(_dumps((0, result), campaign))
        TIMES["pickle the result"] += time.process_time() - before
    total = time.process_time() - start
    count = len(files)
    for stage, seconds in TIMES.items():
        print(f"{stage:24} {seconds:7.2f} s {seconds / count * 1000:9.3f} ms/file")
    print(
        f"{'total':24} {total:7.2f} s {total / count * 1000:9.3f} ms/file; results {size / count / 1024:.1f} KiB/file"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
