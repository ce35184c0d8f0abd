"""The real entry point (``python -m zjkcollect``): Chinese everywhere, exit code 2 without a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "zjkcollect", *args], capture_output=True, text=True, timeout=120, cwd=cwd, check=False
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["merge"], "缺少必填的选项 --week"),
        (["validate"], "缺少必填的参数 文件或文件夹"),
        (["validate", "--bogus", "x"], "没有 --bogus 这个选项"),
        (["validate", "x", "--out"], "选项 --out 后面需要跟一个值"),
        (["bogus"], "没有 bogus 这个命令"),
        (["validate", "不存在的文件夹"], "找不到文件或文件夹"),
        (["merge", "--week", "2025-06-27"], "2025-06-26、2025-07-03"),
    ],
)
def test_usage_and_run_errors_are_one_chinese_line(tmp_path: Path, args: list[str], expected: str) -> None:
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("错误：")


def test_broken_campaign_is_exit_2(tmp_path: Path) -> None:
    campaign = tmp_path / "campaign.toml"
    campaign.write_text("[campaign\nname = 1", encoding="utf-8")
    result = run("make-templates", "--out", str(tmp_path / "t"), "--campaign", str(campaign))
    assert result.returncode == 2
    assert "活动配置文件" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [[], ["validate"], ["make-templates"], ["merge"], ["ingest"], ["status"]])
def test_help_is_chinese_with_an_example(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "显示本帮助并退出" in result.stdout and "示例" in result.stdout
    assert "Show this message" not in result.stdout
