"""What ``zjkcollect validate`` does, in one process, so a profiler sees all of it.

    python bench/profile_target.py INBOX CAMPAIGN [--out DIR] [--limit N]

The CLI checks files in worker processes (zjkcollect.isolation), where a profiler attached
to the parent sees only the waiting. This runs the same library calls with ``workers=0``:
collect the files, check each (read, locate, validate rows), apply the inbox rules, and
with ``--out`` write the marked-up copies.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("inbox", type=Path)
    parser.add_argument("campaign", type=Path)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)

    from zjkcollect.campaign import load_campaign
    from zjkcollect.inbox import collect_paths, validate_files
    from zjkcollect.markup import write_marked_copies

    campaign = load_campaign(args.campaign)
    files = collect_paths([args.inbox])[: args.limit]
    report = validate_files(files, campaign, workers=0)
    copies = write_marked_copies(report, args.out) if args.out is not None else []
    rows = sum(len(result.rows) for result in report.files)
    print(f"{len(files)} files, {rows} rows, {len(copies)} copies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
