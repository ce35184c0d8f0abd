"""Seeded mutations of the example inbox: every damaged file gets a verdict and no run is cut short.

The example inbox is copied again and again, every file damaged the way mail attachments
and half-saved files are (tests/mutations.py), and each copy is validated as a real inbox
with marked-up copies and the JSON report. One mutant of each file per round keeps the
reporters apart, so the files that can still be read reach the marked-copy stage instead
of being superseded by their siblings.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from pathlib import Path

import openpyxl
import pytest

from tests.mutations import ZIP_MUTATIONS, mutated_folder
from zjkcollect.attachments import ISSUES_SHEET
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import collect_paths, run_validation
from zjkcollect.markup import RETURN_FOLDER, needs_copy, write_marked_copy
from zjkcollect.report import FileResult

INBOX = Path(__file__).resolve().parent.parent / "examples" / "inbox"
SEED = 20250626
ROUNDS = 40  # × every example file (16 today): some 600 mutants
NEVER = {"internal-error", "reader-crashed"}  # a fault of ours, or a damaged file not called damaged
TIME_BOUND = 60.0  # seconds for every round, on a busy 2-core machine

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("fuzz")
    rng = random.Random(SEED)
    campaign = load_campaign()
    done = []
    started = time.monotonic()
    for number in range(ROUNDS):
        inbox, out = root / f"{number:02d}" / "inbox", root / f"{number:02d}" / "out"
        mutations = mutated_folder(INBOX, inbox, rng)
        run = run_validation(collect_paths([inbox]), campaign, out, out / "report.json", workers=2)
        done.append((mutations, run, out))
    return {"rounds": done, "elapsed": time.monotonic() - started}


def test_every_mutant_gets_a_verdict_and_no_fault_of_ours(rounds: dict) -> None:
    verdicts: Counter[str] = Counter()
    for mutations, run, _ in rounds["rounds"]:
        # a mail or zip in the inbox gives a result per spreadsheet inside, or a note of its own
        results = [(_source(result), result) for result in run.report.files]
        assert {path for path, _ in results} == set(mutations)
        for path, result in results:
            rules = {finding.rule for finding in result.findings}
            assert rules or result.kind is not None, (path.name, mutations[path])  # a verdict, or a clean table
            assert not rules & NEVER, (path.name, mutations[path], [f.message for f in result.findings])
            verdicts.update(rules)
            for finding in result.findings:
                assert re.search(r"[\u4e00-\u9fff]", finding.message), finding.message
    assert verdicts["file-unreadable"] > 50  # the damage is real, not absorbed somewhere silently


def _source(result: FileResult) -> Path:
    """The inbox file a result is about: the mail or zip a spreadsheet was taken out of, or itself."""
    return Path(result.origin.container) if result.origin else result.path


def test_every_mutation_kind_is_exercised(rounds: dict) -> None:
    used = Counter(name for mutations, _, _ in rounds["rounds"] for name in mutations.values())
    assert {mutation.__name__ for mutation in ZIP_MUTATIONS} <= set(used)
    assert min(used.values()) >= 20, used


def test_report_json_and_copies_are_always_written(rounds: dict) -> None:
    copies = 0
    for mutations, run, out in rounds["rounds"]:
        record = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert {
            Path(item["origin"]["container"] if item["origin"] else item["file"]) for item in record["files"]
        } == set(mutations)
        wanted = {Path(result.label).stem for result in run.report.files if needs_copy(result)}
        assert {copy.stem for copy in run.copies} == wanted
        assert {path.stem for path in (out / RETURN_FOLDER).glob("*.xlsx")} == wanted
        for copy in run.copies:
            assert openpyxl.load_workbook(copy, read_only=True).sheetnames[0] == ISSUES_SHEET
        copies += len(run.copies)
    assert copies >= 10


def test_every_readable_mutant_can_be_marked(rounds: dict, tmp_path: Path) -> None:
    """Beyond the copies a run makes: a copy of every mutant that could be read, clean or not."""
    readable = [result for _, run, _ in rounds["rounds"] for result in run.report.files if result.format]
    assert len(readable) >= 100  # enough mutants stay readable to exercise the marked-copy stage
    for number, result in enumerate(readable):
        copy = write_marked_copy(result, tmp_path / f"{number}.xlsx")
        assert openpyxl.load_workbook(copy, read_only=True).sheetnames[0] == ISSUES_SHEET


def test_fuzz_stays_quick(rounds: dict) -> None:
    assert rounds["elapsed"] < TIME_BOUND
