"""The side-by-side benchmark (issues 5, 12): python bench/run.py [--quick] [--no-profile] [--runs N] [--results PATH]

Generates synthetic inboxes (bench/corpus.py, cached in bench/.cache) in two families: the
real 附件3 template filled in, and plain one-sheet returns typed in the canonical layout. Then
it times, in one run and on the same files, each as a whole process (min and median of N
runs, wall and CPU time, peak RSS from /usr/bin/time -v):

* ``zjkcollect validate`` on clean and dirty inboxes, ``zjkcollect merge --week`` when it exists;
* the floors (bench/floors.py): python-calamine reading every cell of every sheet of the same files
  (so each family has its own floor); XlsxWriter (constant_memory)
  writing the very cells of the merge's workbooks; openpyxl load+save of every file that gets a marked-up copy;
* the obvious baseline (pandas.read_excel + one pydantic model per row) and the peer
  (``frictionless validate`` with an equivalent Table Schema);
* start-up: ``zjkcollect --help`` against ``python -c "import typer"``.

It writes bench/RESULTS.md (``--quick``: bench/RESULTS-quick.md) with every figure and the
issue's target ratios. Ratios never make it fail: the exit code is 0 unless the harness breaks.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import corpus as corpora  # noqa: E402

PYTHON = sys.executable
FLOORS = [PYTHON, str(BENCH / "floors.py")]
TIME = "/usr/bin/time"
SLOW_SECONDS = 60.0  # a measurement whose first run takes longer than this is run once only


def zjkcollect() -> list[str]:
    script = Path(PYTHON).parent / "zjkcollect"
    return [str(script)] if script.exists() else [PYTHON, "-m", "zjkcollect"]


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Measure:
    key: str
    label: str
    command: str
    times: list[float] = field(default_factory=list)
    peaks_kb: list[int] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds, the process and its children
    codes: list[int] = field(default_factory=list)
    output: str = ""
    note: str = ""
    skipped: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.times) and not self.skipped

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best_cpu(self) -> float:
        return min(self.cpus) if self.cpus else float("nan")

    @property
    def peak_mb(self) -> float:
        return max(self.peaks_kb) / 1024 if self.peaks_kb else float("nan")


@dataclass
class Job:
    key: str
    label: str
    command: list[str]
    prepare: Callable[[], None] | None = None
    ok_codes: tuple[int, ...] = (0,)
    cwd: Path | None = None
    # The command prints the seconds of its own measured part (JSON "seconds" and "cpu_seconds"),
    # which stand for its time: a floor that must read its input before the clock starts.
    self_timed: bool = False


class Bench:
    def __init__(self, runs: int, work: Path) -> None:
        self.runs = runs
        self.work = work
        self.results: dict[str, Measure] = {}
        self.has_time = Path(TIME).exists()
        self.peer_base = "province-clean"  # the inbox (of each family) the baseline and frictionless run on

    def measure(
        self,
        key: str,
        label: str,
        command: list[str],
        runs: int | None = None,
        prepare: Callable[[], None] | None = None,
        ok_codes: tuple[int, ...] = (0,),
        cwd: Path | None = None,
    ) -> Measure:
        return self.measure_together([Job(key, label, command, prepare, ok_codes, cwd)], runs)[0]

    def measure_together(self, jobs: list[Job], runs: int | None = None) -> list[Measure]:
        """Run the jobs in turn, round after round: a ratio's two sides see the same moments of the machine.

        Another job on the machine slows whatever runs while it does; alternating the floor and
        the command measured against it keeps that from favouring either side.
        """
        total = runs or self.runs
        results = [Measure(job.key, job.label, " ".join(_short(part) for part in job.command)) for job in jobs]
        active = list(range(len(jobs)))
        for attempt in range(total):
            for index in list(active):
                if not self._once(jobs[index], results[index], attempt, total):
                    active.remove(index)
        for result in results:
            if result.ok:
                log(
                    f"  {result.label}: min {result.best:.3f} s, median {result.median:.3f} s, "
                    f"CPU {result.best_cpu:.3f} s, peak {result.peak_mb:.0f} MB"
                )
            self.results[result.key] = result
        return results

    def _once(self, job: Job, result: Measure, attempt: int, total: int) -> bool:
        """One run of ``job`` into ``result``; False when it should not run again."""
        if job.prepare is not None:
            job.prepare()
        stats = self.work / f"time-{job.key}.txt"
        stats.unlink(missing_ok=True)
        if self.has_time:
            wrapped = [TIME, "-v", "-o", str(stats), *job.command]
        else:
            wrapped = [*FLOORS, "rusage", str(stats), "--", *job.command]
        start = time.perf_counter()
        done = subprocess.run(wrapped, cwd=job.cwd, capture_output=True, text=True, check=False)
        elapsed = time.perf_counter() - start
        result.codes.append(done.returncode)
        result.output = (done.stdout.strip().splitlines() or [""])[-1][:200]
        if done.returncode not in job.ok_codes:
            result.skipped = f"exit code {done.returncode}: {(done.stderr.strip().splitlines() or [''])[-1][:300]}"
            log(f"  ! {job.label}: {result.skipped}")
            return False
        peak, cpu = _usage(stats, self.has_time)
        if job.self_timed:
            timed = json.loads(result.output)
            elapsed, cpu = float(timed["seconds"]), float(timed["cpu_seconds"])
        result.times.append(elapsed)
        result.peaks_kb.append(peak)
        result.cpus.append(cpu)
        if attempt == 0 and elapsed > SLOW_SECONDS and total > 1:
            result.note = f"1 run only (first run took {elapsed:.0f} s)"
            return False
        return True

    def skip(self, key: str, label: str, reason: str) -> Measure:
        result = Measure(key, label, "", skipped=reason)
        self.results[key] = result
        log(f"  - {label}: skipped ({reason})")
        return result


def _usage(stats: Path, from_time: bool) -> tuple[int, float]:
    """Peak RSS (KiB) and CPU seconds (user + system, children included) of one run."""
    try:
        text = stats.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return 0, float("nan")
    if not from_time:
        peak, cpu = [*text.split(), "0", "nan"][:2]
        return int(peak), float(cpu)
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    cpu = float(user.group(1)) + float(system.group(1)) if user and system else float("nan")
    return (int(match.group(1)) if match else 0), cpu


def _short(part: str) -> str:
    text = part.replace(str(BENCH.parent) + "/", "")
    text = re.sub(r"bench/\.cache/([^/]+)-[0-9a-f]{10,12}", r"<\1>", text)
    text = re.sub(r"/tmp/[^ ]*?/(out|db|work)", r"<tmp>/\1", text)
    return text.replace(PYTHON, "python")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the corpora ----------------------------------------------------------------------------


# The two families of corpora: the filled template and plain typed returns. Role keys of the
# plain family carry the prefix; each family is measured against its own floor.
FAMILIES = (("template", ""), ("plain", "plain-"))


def specs(quick: bool) -> dict[str, corpora.CorpusSpec]:
    S = corpora.CorpusSpec
    if quick:
        base = {
            "city-clean": S("city-clean", 60, 20),
            "city-dirty": S("city-dirty", 60, 20, mistakes=0.03),
            "province-clean": S("files100-clean", 100, 50),
            "province-dirty": S("files20-dirty", 20, 50, mistakes=0.03),
            "markup-clean": S("files20-clean", 20, 50),
            "small-clean": S("files10-clean", 10, 50),
            "huge": S("huge5k-clean", 1, 5_000, seed=7),
        }
        season = S("season-quick", 10, 12, weeks=3, mistakes=0.03, seed=11)
    else:
        base = {
            "city-clean": S("city-clean", 60, 20),
            "city-dirty": S("city-dirty", 60, 20, mistakes=0.03),
            "province-clean": S("province-clean", 1000, 50),
            "province-dirty": S("province-dirty", 1000, 50, mistakes=0.03),
            "small-clean": S("files100-clean", 100, 50),
            "huge": S("huge-clean", 1, 100_000, seed=7),
        }
        season = S("season", 60, 30, weeks=6, mistakes=0.03, seed=11)
    found = dict(base)
    found["season"] = season
    for role, spec in base.items():
        found[f"plain-{role}"] = dataclasses.replace(spec, name=f"plain-{spec.name}", layout="plain")
    return found


# --- frictionless ---------------------------------------------------------------------------


def frictionless_package(corpus: corpora.Corpus) -> Path:
    """A data package beside the inbox: one resource per file, the 附件3 Table Schema, header on row 3."""
    from zjkcollect.attachments import ColumnKind, Kind
    from zjkcollect.campaign import load_campaign

    attachment = load_campaign().attachment(Kind.REGISTERED)
    required = {column.field for column in attachment.columns if column.required}
    code = "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}"
    constraints: dict[ColumnKind, dict[str, object]] = {
        ColumnKind.CREDIT_CODE: {"pattern": code},
        ColumnKind.UNIT_TYPE: {"enum": ["企业", "高等院校", "科研院所", "事业单位", "政府部门", "其他"]},
        ColumnKind.JIEBANG: {"enum": ["是", "否"]},
        ColumnKind.CHOICE: {"enum": ["已报名", "已提交材料", "已退赛"]},  # 报名状态, the only choice column
        ColumnKind.DATE: {"minimum": "2025-06-01", "maximum": "2025-07-31"},
        ColumnKind.DIVISION: {"enum": ["张家口赛区"]},
        ColumnKind.PHONE: {"pattern": "1[0-9]{10}|0[0-9]{2,3}-?[0-9]{7,8}"},
        ColumnKind.TRACK: {"enum": [track for track in corpora.TOPICS] + ["开放创新"]},
    }
    fields = []
    for column in attachment.columns:
        kind = {ColumnKind.SERIAL: "integer", ColumnKind.DATE: "date"}.get(column.kind, "string")
        rules: dict[str, object] = dict(constraints.get(column.kind, {}))
        if column.field in required:
            rules["required"] = True
        entry: dict[str, object] = {"name": column.header, "type": kind}
        if rules:
            entry["constraints"] = rules
        fields.append(entry)
    schema = {"fields": fields}
    resources = [
        {
            "name": f"r{index:05d}",
            "path": f"inbox/{name}",
            "format": "xlsx",
            "dialect": {"headerRows": [3], "excel": {"sheet": "附件3"}},
            "schema": schema,
        }
        for index, name in enumerate(corpus.files)
    ]
    path = corpus.root.parent / "datapackage.json"
    path.write_text(json.dumps({"name": "bench", "resources": resources}, ensure_ascii=False), encoding="utf-8")
    return path


# --- the run --------------------------------------------------------------------------------


def byte_compile() -> str:
    """Compile zjkcollect's modules to byte code, as pip does when it installs a wheel.

    An editable install under PYTHONDONTWRITEBYTECODE (set on this machine) would otherwise compile
    every module from source in every measured process: ≈ 0.12 s of start-up that no clerk's
    installation pays, and that would land on every whole-process figure.
    """
    package = importlib.util.find_spec("zjkcollect")
    if package is None or not package.submodule_search_locations:
        return "zjkcollect not found"
    folder = next(iter(package.submodule_search_locations))
    done = subprocess.run([PYTHON, "-m", "compileall", "-q", folder], capture_output=True, text=True, check=False)
    return f"compiled {folder}" if done.returncode == 0 else f"compileall failed: {done.stderr.strip()[:200]}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scales, 1 run each: under a minute")
    parser.add_argument("--runs", type=int, default=None, help="runs per measurement (default 3; --quick 1)")
    parser.add_argument("--profile", action="store_true", help="profile even with --quick")
    parser.add_argument("--no-profile", action="store_true", help="keep the previous results' Profile section")
    parser.add_argument("--results", type=Path, default=None, help="where to write the results")
    parser.add_argument("--skip-peers", action="store_true", help="leave out the baseline and frictionless")
    parser.add_argument(
        "--family",
        choices=[family for family, _ in FAMILIES],
        action="append",
        default=None,
        help="measure only this corpus family (repeatable; default: every family); the others show as not measured",
    )
    parser.add_argument(
        "--profile-only", action="store_true", help="only profile, and replace the Profile section of the results"
    )
    args = parser.parse_args(argv)
    runs = args.runs or (1 if args.quick else 3)
    results_path = args.results or (BENCH / ("RESULTS-quick.md" if args.quick else "RESULTS.md"))
    started = time.perf_counter()

    log("generating corpora (cached in bench/.cache) …")
    built: dict[str, corpora.Corpus] = {}
    problems: list[str] = []
    for role, spec in specs(args.quick).items():
        t0 = time.perf_counter()
        built[role] = corpora.build(spec)
        problems += [f"{spec.name}: {problem}" for problem in corpora.check(built[role])]
        log(
            f"  {spec.name}: {len(built[role].files)} files, {built[role].rows} rows ({time.perf_counter() - t0:.1f} s)"
        )
    for problem in problems:
        log(f"  ! corpus check: {problem}")
    campaign = str(built["city-clean"].campaign)
    log(f"byte code: {byte_compile()}")
    if args.profile_only:
        with tempfile.TemporaryDirectory(prefix="zjkbench-") as scratch:
            text = profile(built, campaign, Path(scratch))
        previous = results_path.read_text(encoding="utf-8") if results_path.exists() else "# Benchmark results\n"
        marker = "\n## Profile\n"
        head = previous[: previous.index(marker)] if marker in previous else previous.rstrip("\n") + "\n"
        stamp = f"Profiled on {dt.datetime.now():%Y-%m-%d %H:%M}; source: {_source_state()}.\n\n"
        before = _bench_file("PROFILE-BEFORE.md").replace("# Profile before issue 12", "## Profile before issue 12", 1)
        results_path.write_text(head + marker + "\n" + stamp + text + "\n" + before, encoding="utf-8")
        log(f"wrote the Profile section of {results_path}")
        return 0

    with tempfile.TemporaryDirectory(prefix="zjkbench-") as scratch:
        work = Path(scratch)
        bench = Bench(runs, work)
        bench.peer_base = "small-clean" if args.quick else "province-clean"
        zjk = zjkcollect()
        fresh = _fresh(work)

        log("start-up …")
        startup_runs = max(5, runs * 2) if not args.quick else 3
        bench.measure("help", "zjkcollect --help", [*zjk, "--help"], runs=startup_runs)
        bench.measure("import-typer", 'python -c "import typer"', [PYTHON, "-c", "import typer"], runs=startup_runs)

        merge_help = subprocess.run([*zjk, "merge", "--help"], capture_output=True, text=True, check=False)
        merge_ok = merge_help.returncode == 0
        for family, prefix in FAMILIES:
            if args.family and family not in args.family:
                log(f"{family} corpora: not measured (--family)")
                continue
            log(f"{family} corpora …")
            merging = merge_help.stdout if merge_ok else None
            measure_family(bench, built, prefix, campaign, zjk, fresh, merging, args.quick)
            if args.skip_peers:
                for peer in ("baseline", "frictionless"):
                    bench.skip(f"{prefix}{peer}", f"{peer} ({family})", "--skip-peers")
            else:
                measure_peers(bench, built[f"{prefix}{bench.peer_base}"], prefix)

        profile_text = ""
        profiling = (args.profile or not args.quick) and not args.no_profile
        if profiling:
            log("profile …")
            profile_text = profile(built, campaign, work)

    elapsed = time.perf_counter() - started
    text = render(bench, built, args.quick, runs, problems, merge_ok, profile_text, elapsed)
    if not profiling and results_path.exists():
        text = _keep_profile(results_path.read_text(encoding="utf-8"), text)
    results_path.write_text(text, encoding="utf-8")
    log(f"wrote {results_path} ({elapsed:.0f} s)")
    return 0


def measure_family(
    bench: Bench,
    built: dict[str, corpora.Corpus],
    prefix: str,
    campaign: str,
    zjk: list[str],
    fresh: Callable[..., Callable[[], None]],
    merge_help: str | None,
    quick: bool = False,
) -> None:
    """Validate, the floors and merge on one family's corpora (role keys start with ``prefix``).

    ``quick`` leaves out what only the merge figures need (a dirty city inbox) and, for the plain
    family, the merges: a smoke check of the harness, under a minute.
    """
    work = bench.work
    marked: list[Path] = []
    for base in ("city-clean", "city-dirty", "small-clean", "province-clean", "markup-clean", "province-dirty", "huge"):
        if quick and base == "city-dirty":
            continue
        role = prefix + base
        if role not in built:
            continue
        inbox = built[role]
        out = work / f"out-{role}"
        jobs = [_calamine(role, inbox)] if base in ("city-clean", "province-clean", "huge") else []
        jobs.append(
            Job(
                f"validate-{role}",
                f"zjkcollect validate — {_describe(inbox)}",
                [*zjk, "validate", str(inbox.root), "--out", str(out), "--campaign", campaign],
                prepare=fresh(out),
                ok_codes=(0, 1),
            )
        )
        bench.measure_together(jobs)
        copies = sorted((out / "退回").glob("*.xlsx")) if (out / "退回").exists() else []
        measured = bench.results[f"validate-{role}"]
        measured.note = "; ".join(part for part in (measured.note, f"{len(copies)} marked-up copies") if part)
        if base == "province-dirty":
            marked = _sources_of(copies, inbox)

    listing = work / f"marked-{prefix or 'template'}.txt"
    listing.write_text("\n".join(str(path) for path in marked), encoding="utf-8")
    bench.measure(
        f"{prefix}openpyxl-marked",
        f"openpyxl load+save floor — the {len(marked)} files of {built[prefix + 'province-dirty'].spec.name} "
        "that got a marked-up copy",
        [*FLOORS, "openpyxl-save", str(listing), str(work / "opx")],
        prepare=fresh(work / "opx"),
    )
    if "openpyxl-startup" not in bench.results:
        empty = work / "empty.txt"
        empty.write_text("", encoding="utf-8")
        bench.measure(
            "openpyxl-startup",
            "openpyxl load+save floor — no files (start-up only)",
            [*FLOORS, "openpyxl-save", str(empty), str(work / "opx0")],
        )

    # merge beside its floors: calamine reading the same files, XlsxWriter writing the cells the merge
    # wrote (read from the merge's outputs of the same round, before the floor's clock starts)
    for base in ("season", "city-dirty", "province-dirty"):
        role = prefix + base
        if role not in built:
            continue
        inbox = built[role]
        jobs = [_calamine(role, inbox)]
        label = f"zjkcollect merge --week {inbox.last_week} — {_describe(inbox)}"
        floor_label = f"xlsxwriter floor — the cells of the merge's workbooks ({inbox.spec.name})"
        if quick and prefix:
            bench.measure_together(jobs)  # the floors only: a smoke check skips the plain family's merges
            bench.skip(f"xlsxwriter-{role}", floor_label, "quick: it writes what the merge wrote, and no merge ran")
            continue
        if merge_help is None:
            bench.measure_together(jobs)
            bench.skip(f"merge-{role}", label, "`zjkcollect merge --help` fails: merge is not built yet")
            bench.skip(f"xlsxwriter-{role}", floor_label, "no merge: it writes what the merge wrote")
            continue
        out, db = work / f"merge-out-{role}", work / f"merge-db-{role}"
        command = [*zjk, "merge", "--week", inbox.last_week, "--inbox", str(inbox.root)]
        command += ["--out", str(out), "--db", str(db / "zjkcollect.db")]
        if "--campaign" in merge_help:
            command += ["--campaign", campaign]
        floor_out = work / f"floor-out-{role}"
        jobs.append(Job(f"merge-{role}", label, command, prepare=fresh(out, db), ok_codes=(0, 1)))
        jobs.append(
            Job(
                f"xlsxwriter-{role}",
                floor_label,
                [*FLOORS, "xlsxwriter-cells", str(out), str(floor_out)],
                prepare=fresh(floor_out),
                self_timed=True,
            )
        )
        bench.measure_together(jobs)


def _calamine(role: str, inbox: corpora.Corpus) -> Job:
    return Job(f"calamine-{role}", f"calamine floor — {_describe(inbox)}", [*FLOORS, "calamine", str(inbox.root)])


def measure_peers(bench: Bench, province: corpora.Corpus, prefix: str) -> None:
    """The obvious baseline and frictionless, on the same files as validate's peer figure."""
    bench.measure(
        f"{prefix}baseline",
        f"baseline pandas.read_excel(openpyxl) + pydantic per row — {_describe(province)}",
        [*FLOORS, "baseline", str(province.root)],
    )
    frictionless = Path(PYTHON).parent / "frictionless"
    if not (frictionless.exists() or shutil.which("frictionless")):
        bench.skip(f"{prefix}frictionless", "frictionless validate", "frictionless is not installed")
        return
    package = frictionless_package(province)
    bench.measure(
        f"{prefix}frictionless",
        f"frictionless validate (data package, Table Schema) — {_describe(province)}",
        [
            str(frictionless if frictionless.exists() else "frictionless"),
            *("validate", package.name, "--skip-errors", "blank-row", "--json"),
        ],
        cwd=package.parent,
        ok_codes=(0, 1),
    )


def _fresh(work: Path) -> Callable[..., Callable[[], None]]:
    def make(*folders: Path) -> Callable[[], None]:
        def prepare() -> None:
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True, exist_ok=True)

        return prepare

    return make


def _describe(corpus: corpora.Corpus) -> str:
    spec = corpus.spec
    weeks = f" × {spec.weeks} weeks" if spec.weeks > 1 else ""
    dirty = f", {corpus.mistake_rows} rows with mistakes" if corpus.mistake_rows else ", clean"
    return f"{spec.name} ({spec.reporters} reporters{weeks}, {len(corpus.files)} files, {corpus.rows:,} rows{dirty})"


def _sources_of(copies: list[Path], corpus: corpora.Corpus) -> list[Path]:
    by_stem = {Path(name).stem: corpus.root / name for name in corpus.files}
    return [by_stem[copy.stem] for copy in copies if copy.stem in by_stem]


# --- profile ---------------------------------------------------------------------------------


def profile(built: dict[str, corpora.Corpus], campaign: str, work: Path) -> str:
    """pyinstrument (else cProfile) on the checking, the marked-up copies and the huge sheet, in one process each."""
    target = [str(BENCH / "profile_target.py")]
    parts = [
        "The CLI checks files in worker processes, so a profiler on it sees only the parent waiting; these profiles "
        "run the same library calls in one process (`bench/profile_target.py`: `validate_files(workers=0)`, then "
        "`write_marked_copies`). The same profiles of the code before issue 12 are in `bench/PROFILE-BEFORE.md` "
        "(copied below the Profile section).\n"
    ]
    jobs = []
    for role in ("plain-province-clean", "province-clean", "plain-huge"):
        if role in built:
            what = "the huge sheet" if "huge" in role else "checking"
            jobs.append((f"{what}, {_describe(built[role])}", [str(built[role].root), campaign], 60))
    dirty = built["province-dirty"]
    jobs.append(
        (
            f"marked-up copies, first 100 files of {_describe(dirty)}",
            [str(dirty.root), campaign, "--limit", "100", "--out", str(work / "prof-out")],
            45,
        )
    )
    try:
        import pyinstrument  # noqa: F401

        have_pyinstrument = True
    except ImportError:
        have_pyinstrument = False
        parts.append("pyinstrument is not installed: cProfile (top functions by own time) instead.\n")
    for index, (title, arguments, limit) in enumerate(jobs):
        log(f"  profiling {title} …")
        if have_pyinstrument:
            report = work / f"pyinstrument-{index}.txt"
            subprocess.run(
                [PYTHON, "-m", "pyinstrument", "-r", "text", "-o", str(report), *target, *arguments],
                capture_output=True,
                check=False,
            )
            lines = report.read_text(encoding="utf-8").splitlines() if report.exists() else ["(no output)"]
            parts.append(f"### {title}\n\npyinstrument, top of the call tree:\n")
            parts.append("```\n" + "\n".join(_trim_tree(lines, limit)) + "\n```\n")
        stats_file = work / f"cprofile-{index}.out"
        subprocess.run(
            [PYTHON, "-m", "cProfile", "-o", str(stats_file), *target, *arguments], capture_output=True, check=False
        )
        if not have_pyinstrument:
            parts.append(f"### {title}\n")
        parts.append("cProfile, top 20 functions by own time:\n")
        parts.append("```\n" + _top_functions(stats_file, 20) + "\n```\n")
    return "\n".join(parts)


def _top_functions(stats_file: Path, count: int) -> str:
    import io
    import pstats

    if not stats_file.exists():
        return "(no profile written)"
    buffer = io.StringIO()
    stats = pstats.Stats(str(stats_file), stream=buffer)
    stats.strip_dirs().sort_stats("tottime").print_stats(count)
    lines = [line for line in buffer.getvalue().splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    return "\n".join(lines[max(0, start - 2) : start + count + 1])


def _trim_tree(lines: list[str], limit: int) -> list[str]:
    body = [line.rstrip() for line in lines if line.strip()]
    return body[:limit]


def _keep_profile(previous: str, text: str) -> str:
    """A run without profiling keeps the previous file's Profile section (the rest is written anew)."""
    marker, after = "\n## Profile\n", "\n## Profile before issue 12\n"
    if marker not in previous or marker not in text:
        return text
    old = previous[previous.index(marker) :]
    old = old[: old.index(after)] if after in old else old
    rest = text[text.index(marker) :]
    rest = rest[rest.index(after) :] if after in rest else ""
    return text[: text.index(marker)] + old + rest


# --- the report -----------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    goal: str
    how: str
    values: dict[str, float | None]  # family -> measured value
    passed: dict[str, bool | None]
    details: dict[str, str] = field(default_factory=dict)  # family -> what the figure is made of


def targets(bench: Bench) -> list[Target]:
    """The issue's targets, each computed for both families of corpora from this one run."""
    r = bench.results
    found: list[Target] = []
    ok = lambda *keys: all(key in r and r[key].ok for key in keys)  # noqa: E731
    scope = "province" if bench.peer_base == "province-clean" else "quick: 10 files"

    def wall(a: str, b: str) -> float | None:
        return r[a].best / r[b].best if ok(a, b) and r[b].best > 0 else None

    def cpu(a: str, b: str) -> float | None:
        return r[a].best_cpu / r[b].best_cpu if ok(a, b) and r[b].best_cpu > 0 else None

    def peak(a: str, b: str) -> float | None:
        return r[a].peak_mb / r[b].peak_mb if ok(a, b) and r[b].peak_mb > 0 else None

    def add(
        name: str,
        goal: str,
        how: str,
        value: Callable[[str], float | tuple[float | None, str] | None],
        check: Callable[[float], bool],
    ) -> None:
        values: dict[str, float | None] = {}
        details: dict[str, str] = {}
        for family, prefix in FAMILIES:
            got = value(prefix)
            if isinstance(got, tuple):
                got, details[family] = got
            values[family] = got
        passed = {family: None if got is None else check(got) for family, got in values.items()}
        found.append(Target(name, goal, how, values, passed, details))

    add(
        "validate province (clean) vs calamine floor, wall",
        "≤ 2.0×",
        "validate wall time ÷ calamine read-every-cell wall time, same files",
        lambda p: wall(f"validate-{p}province-clean", f"calamine-{p}province-clean"),
        lambda v: v <= 2.0,
    )
    add(
        "validate province (clean) vs calamine floor, CPU",
        "≤ 3.0×",
        "validate CPU time (user+sys, workers included) ÷ calamine CPU time",
        lambda p: cpu(f"validate-{p}province-clean", f"calamine-{p}province-clean"),
        lambda v: v <= 3.0,
    )
    add(
        "validate city (60 files × 20 rows, clean), start-up included, vs calamine floor",
        "≤ 5×",
        "whole-process wall time ratio",
        lambda p: wall(f"validate-{p}city-clean", f"calamine-{p}city-clean"),
        lambda v: v <= 5.0,
    )
    add(
        f"validate ({scope}, clean) vs obvious baseline",
        "≥ 8× faster",
        "baseline time ÷ validate time",
        lambda p: wall(f"{p}baseline", f"validate-{p}{bench.peer_base}"),
        lambda v: v >= 8,
    )
    add(
        f"validate ({scope}, clean) vs frictionless",
        "≥ 15× faster",
        "frictionless time ÷ validate time",
        lambda p: wall(f"{p}frictionless", f"validate-{p}{bench.peer_base}"),
        lambda v: v >= 15,
    )

    def merge(p: str) -> float | None:
        keys = (f"merge-{p}province-dirty", f"calamine-{p}province-dirty", f"xlsxwriter-{p}province-dirty")
        return r[keys[0]].best / (r[keys[1]].best + r[keys[2]].best) if ok(*keys) else None

    add(
        "merge province vs (calamine + xlsxwriter floors)",
        "≤ 1.5×",
        "merge ÷ (calamine read floor + xlsxwriter write floor), dirty province inbox: the read floor reads "
        "the inbox's files, the write floor writes the very cells (values and types) of the merge's two "
        "workbooks, constant memory, timed from the first write to the last close",
        merge,
        lambda v: v <= 1.5,
    )
    add(
        "merge memory: province peak vs city peak",
        "≤ 1.5×",
        "merge peak RSS, dirty province inbox ÷ dirty city inbox",
        lambda p: peak(f"merge-{p}province-dirty", f"merge-{p}city-dirty"),
        lambda v: v <= 1.5,
    )
    add(
        "huge sheet vs calamine floor (time)",
        "≤ 2.5×",
        "validate ÷ calamine, the one-sheet huge file",
        lambda p: wall(f"validate-{p}huge", f"calamine-{p}huge"),
        lambda v: v <= 2.5,
    )
    add(
        "huge sheet vs calamine floor (peak memory)",
        "≤ 3×",
        "peak RSS ratio",
        lambda p: peak(f"validate-{p}huge", f"calamine-{p}huge"),
        lambda v: v <= 3,
    )
    add(
        "memory: province peak vs city peak",
        "≤ 1.5×",
        "validate peak RSS, clean inboxes",
        lambda p: peak(f"validate-{p}province-clean", f"validate-{p}city-clean"),
        lambda v: v <= 1.5,
    )

    def markup(p: str) -> tuple[float | None, str]:
        twin = f"validate-{p}markup-clean" if f"validate-{p}markup-clean" in r else f"validate-{p}province-clean"
        names = (f"validate-{p}province-dirty", twin, f"{p}openpyxl-marked", "openpyxl-startup")
        copies = _copies(r[names[0]]) if ok(*names) else 0
        if not copies:
            return None, "needs validate clean/dirty and the openpyxl floor"
        extra = (r[names[0]].best - r[names[1]].best) / copies
        floor = (r[names[2]].best - r[names[3]].best) / copies
        detail = f"{copies} copies: {extra * 1000:.1f} ms/file vs openpyxl {floor * 1000:.1f} ms/file"
        return (extra / floor if floor > 0 else None), detail

    add(
        "marked-up copy: extra cost per copied file vs openpyxl load+save",
        "≤ 1.5×",
        "(dirty − clean validate) ÷ copies, against openpyxl load+save of the same files minus start-up",
        markup,
        lambda v: v <= 1.5,
    )

    def clean_copies(p: str) -> float | None:
        key = f"validate-{p}province-clean"
        return float(_copies(r[key])) if ok(key) else None

    add(
        "nothing spent on files with no finding",
        "0 copies",
        "marked-up copies written for the clean province inbox",
        clean_copies,
        lambda v: v == 0,
    )
    add(
        "linearity: province files vs 1/10 as many files",
        "≤ 12×",
        "validate time ratio for 10× the files (same content per file)",
        lambda p: wall(f"validate-{p}province-clean", f"validate-{p}small-clean"),
        lambda v: v <= 12,
    )
    add(
        "start-up: zjkcollect --help vs import typer",
        "≤ 1.5×",
        "whole-process time ratio (the same figure for both families)",
        lambda p: wall("help", "import-typer"),
        lambda v: v <= 1.5,
    )
    return found


def _copies(measure: Measure) -> int:
    match = re.search(r"(\d+) marked-up copies", measure.note)
    return int(match.group(1)) if match else 0


def _versions() -> str:
    names = ["zjkcollect", "python-calamine", "openpyxl", "XlsxWriter", "pydantic", "pandas", "typer", "frictionless"]
    names.append("pyinstrument")
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            found.append(f"{name} (not installed)")
    return ", ".join(found)


def _source_state() -> str:
    """The commit measured, and whether src/ had uncommitted changes (others work in the same checkout)."""
    root = BENCH.parent
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--", "src"], capture_output=True, text=True, check=True
        ).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    dirty = f", plus uncommitted changes to {len(changed)} file(s) under src/" if changed else ""
    return f"commit {head}{dirty}"


def _machine() -> str:
    model = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "unknown"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, AttributeError):
        pass
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    start = ", ".join(f"{value:.2f}" for value in _LOAD_AT_START)
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory} RAM, {platform.system()} {platform.release()}; "
        f"load average at the start: {start}, at the end: {load} (1, 5, 15 minutes; other jobs share the machine)"
    )


_LOAD_AT_START = os.getloadavg()


def render(
    bench: Bench,
    built: dict[str, corpora.Corpus],
    quick: bool,
    runs: int,
    problems: list[str],
    merge_ok: bool,
    profile_text: str,
    elapsed: float,
) -> str:
    out: list[str] = []
    mode = "--quick (small scales; figures are a smoke check, not the targets)" if quick else "full"
    out.append(f"# Benchmark results ({'quick' if quick else 'full'})\n")
    out.append(
        f"Produced by `{' '.join(['python bench/run.py', *sys.argv[1:]])}` on {dt.datetime.now():%Y-%m-%d %H:%M}, "
        f"mode {mode}, {runs} run(s) per measurement, {elapsed:.0f} s in all.\n"
    )
    out.append(f"- Machine: {_machine()}")
    out.append(f"- Source: {_source_state()}")
    out.append(
        f"- Python {platform.python_version()} ({sys.executable}); zjkcollect byte-compiled first, as pip installs it"
    )
    out.append(f"- Libraries: {_versions()}")
    out.append(
        f"- Peak memory: {'`/usr/bin/time -v` (Maximum resident set size)' if bench.has_time else 'getrusage(RUSAGE_CHILDREN) wrapper'}"
    )
    out.append("")
    if not merge_ok:
        out.append(
            "**merge: skipped** — `zjkcollect merge --help` does not work in this checkout yet, so the merge "
            "figures and the merge target are not measured. Re-run `python bench/run.py` once merge lands.\n"
        )
    for problem in problems:
        out.append(f"**corpus check failed:** {problem}\n")

    out.append("## Targets (issues 5 and 12)\n")
    out.append(
        "Ratios use the minimum of the runs of each side (the least-disturbed run), from this one run. Each "
        "family is measured against its own floor: *template* = the filled 附件3 template (its hidden `_lists` "
        "sheet and 200 formatted empty rows are read by the floor too), *plain* = one typed sheet per file.\n"
    )
    out.append("| target | goal | template corpus | plain corpus | how |")
    out.append("|---|---|---|---|---|")
    for target in targets(bench):
        cells = []
        for family, _ in FAMILIES:
            value, passed = target.values[family], target.passed[family]
            if value is None:
                cells.append("not measured")
                continue
            shown = f"{value:.0f}" if target.goal.endswith("copies") else f"{value:.2f}×"
            verdict = "**pass**" if passed else "**FAIL**"
            detail = f" ({target.details[family]})" if family in target.details else ""
            cells.append(f"{shown} {verdict}{detail}")
        out.append(f"| {target.name} | {target.goal} | {cells[0]} | {cells[1]} | {target.how} |")
    out.append("")

    out.append("## Every figure\n")
    out.append(
        "Whole processes (start-up included): wall-clock seconds, and CPU seconds (user + system of the process "
        "and its worker processes, the run with the least).\n"
    )
    out.append("| measurement | runs | min s | median s | CPU s | peak MB | notes |")
    out.append("|---|---|---|---|---|---|---|")
    for measure in bench.results.values():
        if measure.skipped and not measure.times:
            out.append(f"| {measure.label} | 0 | — | — | — | — | skipped: {measure.skipped} |")
            continue
        notes = "; ".join(part for part in (measure.note, _output_note(measure)) if part)
        out.append(
            f"| {measure.label} | {len(measure.times)} | {measure.best:.3f} | {measure.median:.3f} | "
            f"{measure.best_cpu:.3f} | {measure.peak_mb:.0f} | {notes} |"
        )
    out.append("")
    out.append("## Commands\n")
    for measure in bench.results.values():
        if measure.command:
            out.append(f"- {measure.key}: `{measure.command}`")
    out.append("")
    out.append("## Corpora\n")
    out.append(
        "Generated by `bench/corpus.py` with a bench campaign: the shipped 2025 campaign plus 1,000 synthetic "
        "reporters, so every file of an inbox comes from a different registered reporter and is a distinct return "
        "(cycling the 35 real reporters over weeks would make most files resends that supersede each other). "
        "*Template* corpora are the real 附件3 template (`write_template` for the bench campaign, so its `_lists` "
        "sheet carries a 1,035-name registry) with the form rows filled in (shared strings, styles and dropdowns "
        "kept). *Plain* corpora (`plain-…`) hold the same rows as a reporter who typed their own table sends: one "
        "sheet in the canonical layout (title, 填报单位/统计截止日期 row, header row, data rows), written by "
        "XlsxWriter with shared strings and date cells, nothing else. Dirty corpora have ~3% of rows "
        "with one mistake each (bad check character, two tracks, closed topic, 个体工商户 code, government unit "
        "in an industry track, wrong division, date outside registration, bad phone, unknown track, bad status).\n"
    )
    for role, corpus in built.items():
        out.append(
            f"- {role}: {_describe(corpus)}; roll-up rows for {corpus.last_week}: {corpus.rollup_rows:,}; "
            f"`{corpus.root.relative_to(BENCH.parent)}`"
        )
    out.append("")
    out.append("## Notes\n")
    out.append(
        "- The frictionless peer validates all files in one process through a data package (one resource per file, "
        "the 附件3 Table Schema with required/enum/pattern/date-range constraints, dialect `headerRows: [3]` and "
        "`excel.sheet: 附件3`), with `--skip-errors blank-row` because the template's 200 formatted empty rows "
        "would otherwise each be an error. It cannot check the credit code's check character or cross-column rules, "
        "so it does less work than validate."
    )
    out.append(
        "- The baseline reads the table with `pandas.read_excel(header=2, engine='openpyxl')` and validates each row "
        "with one pydantic model (aliases = the Chinese headers; validators for the credit code incl. check "
        "character, unit type, track, closed topics, status, date range, division, phone). It does not read the "
        "header block, so it is, if anything, flattered."
    )
    out.append(
        "- The markup figure compares the *extra* time of validating the dirty province inbox over the clean one "
        "(same content but ~3% of rows spoiled) per marked-up copy with an openpyxl load+save of exactly those "
        "files, start-up subtracted on both sides."
    )
    out.append(
        "- The xlsxwriter floor writes exactly the cells the merge wrote: after each merge run, "
        "`floors.py xlsxwriter-cells` reads every sheet of the merge's output workbooks with calamine (untimed), "
        "then writes those values with their types (text, number, date with a date format) with XlsxWriter in "
        "constant-memory mode, one workbook per output workbook, no other formatting; its time is that writing "
        "alone (it prints it). The 情况通报 (.docx) and the 催报 text stay on the merge's side."
    )
    out.append(
        f"- A measurement whose first run takes over {SLOW_SECONDS:.0f} s is run once (noted in its row). "
        "The machine has few cores and other engineers may run tests at the same time: treat differences under "
        "~10% as noise."
    )
    out.append("")
    out.append("## Gaps and what would close them\n")
    out.append(_bench_file("GAPS.md"))
    out.append("## Profile\n")
    out.append(profile_text or "Not run: `python bench/run.py --profile` adds it.\n")
    out.append(_bench_file("PROFILE-BEFORE.md").replace("# Profile before issue 12", "## Profile before issue 12", 1))
    return "\n".join(out) + "\n"


def _bench_file(name: str) -> str:
    """A hand-written part of the results, kept beside this script (its first heading dropped)."""
    path = BENCH / name
    if not path.exists():
        return f"(bench/{name} is missing)\n"
    text = path.read_text(encoding="utf-8")
    if name == "GAPS.md" and text.startswith("# "):
        text = text.split("\n", 1)[1].lstrip("\n")
    return text.rstrip("\n") + "\n"


def _output_note(measure: Measure) -> str:
    text = measure.output.strip()
    if text.startswith("{") and len(text) < 120:
        return f"`{text}`"
    return ""


if __name__ == "__main__":
    sys.exit(main())
