"""The clerk's console: any encoding, 80 columns, help without Python, a working folder from ``init``."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.clerk import EXAMPLES, WEEK1, working_folder, zjk
from zjkcollect import __version__
from zjkcollect.campaign import load_campaign, shipped_campaign_bytes
from zjkcollect.columns import cells, wrap

CAMPAIGN = load_campaign()

# Every command, in the order of a clerk's season, run in a working folder made by ``init``.
SEASON: list[tuple[list[str], int]] = [
    (["init", "另一个工作文件夹"], 0),
    (["--version"], 0),
    (["make-templates"], 0),
    (["validate", "收件箱"], 1),
    (["ingest", "收件箱", "--received", "2025-06-26"], 0),
    (["merge", "--week", "2025-06-26"], 0),
    (["status", "--week", "2025-06-26"], 0),
    (["ledger", "check"], 0),
    (["ledger", "restore"], 0),
    (["ledger", "rebuild"], 0),
]


@pytest.mark.parametrize("encoding", ["gbk", None], ids=["gbk-console", "piped"])
def test_every_command_survives_the_console(tmp_path: Path, encoding: str | None) -> None:
    """A GBK console (a redirect on Chinese Windows) and a plain pipe: no crash, Chinese intact, ✔ as words."""
    folder = working_folder(tmp_path, EXAMPLES)  # spreadsheets, mails and a zip: 桥西区.eml › 附件3.xlsx
    outputs = {}
    for args, code in SEASON:
        done = zjk(*args, cwd=folder, encoding=encoding)  # decoding is strict: a wrong byte fails here
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr and "程序内部错误" not in done.stderr, done.stderr
        assert "?" not in done.stdout, (args, done.stdout)  # nothing was replaced for want of a character
        outputs[args[0] if args[0] != "ledger" else " ".join(args[:2])] = done.stdout
    assert "第1周-2025-06-26/宣化区-附件2-摸底统计表.xlsx" in outputs["validate"]
    assert "2025-06-26 汇总" in outputs["merge"] and "桥东区" in outputs["status"]
    if encoding == "gbk":
        assert "通过" in outputs["validate"] and "✔" not in outputs["validate"]
        assert ".eml > " in outputs["validate"]  # › is not in GBK
    else:
        assert "✔" in outputs["validate"] and ".eml › " in outputs["validate"]
    for args in (["--help"], *([command, "--help"] for command in ("validate", "merge", "ledger"))):
        done = zjk(*args, cwd=folder, encoding=encoding)
        assert done.returncode == 0 and "示例" in done.stdout


def test_at_80_columns_file_names_are_whole_and_output_paths_stand_alone(tmp_path: Path) -> None:
    folder = working_folder(tmp_path, EXAMPLES)
    validated = zjk("validate", "收件箱", cwd=folder, columns=80)
    lines = validated.stdout.splitlines()
    names = [
        path.relative_to(folder / "收件箱").as_posix() for path in (folder / "收件箱").rglob("*") if path.is_file()
    ]
    assert len(names) > 10
    for name in names:  # a mail or an archive leads the line of each spreadsheet inside it: 桥西区.eml › 附件3.xlsx
        assert any(line == name or line.startswith(f"{name} › ") for line in lines), f"{name} is not whole on a line"
    assert not any(str(folder) in line for line in lines if "xlsx" in line and "报送" not in line)
    merged = zjk("merge", "--week", "2025-07-03", "--received", "2025-07-03", cwd=folder, columns=80)
    assert merged.returncode == 0, merged.stderr
    outputs = [path.relative_to(folder) for path in (folder / "输出").glob("*.xlsx")]
    assert len(outputs) == 2
    merged_lines = [line.split("：", 1)[-1] for line in merged.stdout.splitlines()]
    for path in outputs:  # 汇总表：输出/….xlsx, one output a line, never wrapped
        assert str(path) in merged_lines, f"{path} is not whole on its own line"
    for line in merged.stdout.splitlines():  # a name or path longer than the console is left whole
        if not any(name in line for name in [*names, *map(str, outputs)]):
            assert cells(line) <= 80, line


COMMANDS = [
    [],
    ["validate"],
    ["make-templates"],
    ["merge"],
    ["ingest"],
    ["status"],
    ["init"],
    ["ledger"],
    ["ledger", "check"],
    ["ledger", "restore"],
    ["ledger", "rebuild"],
]
PYTHON_WORDS = re.compile(r"<\w+(\[.*?\])?>|\{\w+\}|\blist\[|\bPath\b|\bstr\b|\bint\b|\bbool\b|Usage|Options|Arguments")


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: " ".join(command) or "zjkcollect")
def test_help_is_for_a_clerk(tmp_path: Path, command: list[str]) -> None:
    done = zjk(*command, "--help", cwd=tmp_path, columns=200)  # wider consoles still get 80 columns
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "示例" in text and "退出码" in text and "用法：" in text
    assert not PYTHON_WORDS.search(text), PYTHON_WORDS.search(text)
    for line in text.splitlines():
        assert cells(line) <= 80, line


def test_wrapping_keeps_words_names_and_punctuation_in_place() -> None:
    text = "汇总表保存在 输出/张家口市汇总_2025-07-03.xlsx，运行 zjkcollect merge --week 2025-07-03（默认：收件箱）。"
    for width in range(20, 60):
        lines = wrap(text, width)
        assert "".join(line.replace(" ", "") for line in lines) == text.replace(" ", "")
        assert all(cells(line) <= width for line in lines if "xlsx" not in line)
        assert not any(line[0] in "，。）" for line in lines)
        joined = "\n".join(lines)
        for whole in ("输出/张家口市汇总_2025-07-03.xlsx", "zjkcollect", "--week", "（默认：收件箱）"):
            assert whole in joined


def test_init_makes_the_working_folder_and_commands_use_its_campaign(tmp_path: Path) -> None:
    folder = working_folder(tmp_path)
    for sub in ("收件箱", "输出", "模板"):
        assert (folder / sub).is_dir()
    config = folder / "活动配置.toml"
    assert config.read_bytes() == shipped_campaign_bytes()  # comments and all
    again = zjk("init", folder, cwd=tmp_path)
    assert again.returncode == 0 and "已存在" in again.stdout
    # The folder's campaign is the one used: a change to it shows in --version, a slip in it stops the run.
    config.write_text(
        config.read_text(encoding="utf-8").replace('template_version = "2025.1"', 'template_version = "2026.7"'),
        encoding="utf-8",
    )
    version = zjk("--version", cwd=folder)
    assert __version__ in version.stdout and "2026.7" in version.stdout and "2025.1" in version.stdout
    made = zjk("make-templates", cwd=folder)
    assert made.returncode == 0, made.stderr
    assert len(list((folder / "模板").glob("*.xlsx"))) == 3
    config.write_text(
        config.read_text(encoding="utf-8").replace("survey_due = 2025-06-23", "survey_due = 2025-6-23"),
        encoding="utf-8",
    )
    broken = zjk("validate", "收件箱", cwd=folder)
    assert broken.returncode == 2 and "活动配置.toml" in broken.stderr and "2025-06-23" in broken.stderr
    shipped = zjk("validate", "收件箱", "--campaign", tmp_path / "nothing.toml", cwd=folder)
    assert shipped.returncode == 2 and "nothing.toml" in shipped.stderr  # --campaign wins over the folder's file
    elsewhere = tmp_path / "其他"
    elsewhere.mkdir()
    shutil.copytree(WEEK1, elsewhere / "收件箱")
    assert zjk("validate", "收件箱", cwd=elsewhere).returncode == 1  # outside a working folder: the shipped campaign


def test_version_names_program_and_campaign(tmp_path: Path) -> None:
    done = zjk("--version", cwd=tmp_path)
    assert done.returncode == 0
    assert f"zjkcollect {__version__}" in done.stdout
    assert CAMPAIGN.campaign.template_version in done.stdout and CAMPAIGN.campaign.name in done.stdout


OTHER_CAMPAIGN = Path(__file__).parent / "data" / "campaign-2026-other.toml"


def test_help_dates_come_from_the_campaign_the_run_would_use(tmp_path: Path) -> None:
    other = load_campaign(OTHER_CAMPAIGN)
    shipped_first = load_campaign().calendar.weeks[0].isoformat()
    first = other.calendar.weeks[0].isoformat()
    assert other.calendar.weeks[0].weekday() == 4 and first != shipped_first  # Fridays, another year
    for option in (["--campaign", OTHER_CAMPAIGN], [f"--campaign={OTHER_CAMPAIGN}"]):
        text = zjk("merge", "--help", *option, cwd=tmp_path).stdout
        assert f"--week {first}" in text and "统计周（周五）" in text, text
        assert shipped_first not in text
    # a working folder's own campaign file is the one its commands use, so its dates are shown
    shutil.copy(OTHER_CAMPAIGN, tmp_path / "活动配置.toml")
    assert f"--week {first}" in zjk("merge", "--help", cwd=tmp_path).stdout
    # an unreadable file falls back to the shipped calendar; the command itself reports the file
    broken = tmp_path / "坏.toml"
    broken.write_text("[calendar\n", encoding="utf-8")
    assert f"--week {shipped_first}" in zjk("merge", "--help", "--campaign", broken, cwd=tmp_path).stdout
