"""Findings are data: the JSON record round-trips, messages come from the catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from zjkcollect.errors import os_reason
from zjkcollect.findings import Finding, Severity, column_letter, make_finding


def test_record_round_trips_and_has_the_reports_keys() -> None:
    finding = make_finding(
        "track-unknown",
        file="a.xlsx",
        sheet="附件3",
        row=7,
        column="G",
        field="参赛赛道",
        value="工业制造业",
        hint="",
        count="15",
    )
    record = finding.to_dict()
    assert list(record) == ["file", "sheet", "row", "column", "cell", "field", "rule", "severity", "value", "message"]
    assert (record["cell"], record["severity"]) == ("G7", "error")
    assert Finding.from_dict(record) == finding
    assert finding.severity is Severity.ERROR and "工业制造业" in finding.message


def test_column_letters() -> None:
    assert [column_letter(n) for n in (1, 26, 27, 52, 703)] == ["A", "Z", "AA", "AZ", "AAA"]


def test_os_errors_are_explained_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(OSError) as raised:
        (tmp_path / "missing.xlsx").read_bytes()
    assert os_reason(raised.value) == "文件不存在"
    assert os_reason(PermissionError(13, "denied")).startswith("没有读取权限")
