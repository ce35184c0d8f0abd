"""E-mails and zip archives in the inbox: what a mail client gives is read, dated by the mail, and safe.

The inbox is built byte by byte (tests/mails.py) as 163 mail, Foxmail, Outlook and Chinese
Windows write it. Week 2 (Thursday 2025-07-03) is merged on the Friday without ``--received``:
each return's 已报送/迟报 comes from its mail's time.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import sqlite3
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.builders import W2, at, code, person, project, write_contacts, write_registered
from tests.mails import CHINA, Attachment, eml, write_zip
from zjkcollect.campaign import load_campaign
from zjkcollect.inbox import collect_paths, validate_paths
from zjkcollect.ledger import Ledger
from zjkcollect.mailbox import SEPARATOR, container_kind, is_safe_member_name, member_name, unpack
from zjkcollect.merge import Received, received_on, run_ingest, run_merge
from zjkcollect.rollup import RosterStatus

CAMPAIGN = load_campaign()
UTC = dt.UTC
THURSDAY = dt.datetime(2025, 7, 3, 16, 20, tzinfo=CHINA)
FRIDAY = dt.datetime(2025, 7, 4, 9, 5, tzinfo=CHINA)

QX = project(
    "区域检查检验结果互认",
    "张家口市第一医院",
    "40200000",
    credit_code=code("40200000", "130703", "12"),
    unit_type="事业单位",
    track="京津冀协同发展",
    topic="医疗服务共享",
)
ZB = project("风电功率预测", "张北县风能开发有限公司", "MA0C4411", credit_code=code("MA0C4411", "130722"))
ZB_BAD = project("坏代码项目", "张北戊公司", "MA0F1235", credit_code="123")
HL = project(
    "怀来葡萄酒产业数据平台", "怀来县沙城葡萄科技有限公司", "MA0F1234", track="现代农业", topic="农业生产数据应用"
)
WQ = project(
    "万全玉米种业数据",
    "万全区种业有限公司",
    "MA0P1111",
    credit_code=code("MA0P1111", "130708"),
    track="现代农业",
    topic="农业生产数据应用",
)
HA = project(
    "怀安物流数据平台",
    "怀安县物流有限公司",
    "MA0Q2222",
    credit_code=code("MA0Q2222", "130728"),
    track="交通运输",
    topic="物流数据应用",
)
CC = project(
    "赤城温泉客流分析",
    "赤城县文旅有限公司",
    "MA0R3333",
    credit_code=code("MA0R3333", "130732"),
    track="文化旅游",
    topic="智慧景区",
)


def _workbook(folder: Path, reporter: str, rows: list[dict[str, Any]], kind: str = "registered") -> bytes:
    path = folder / f"{reporter}-{kind}.xlsx"
    if kind == "contacts":
        write_contacts(path, reporter, "2025-06-20", rows)
    else:
        write_registered(path, reporter, W2, rows)
    return path.read_bytes()


def build_inbox(root: Path) -> Path:
    """Six mails and two zips, as the clerk exports them on Friday 2025-07-04."""
    made, inbox = root / "made", root / "inbox"
    inbox.mkdir(parents=True)
    qiaoxi = _workbook(made, "桥西区", [QX])
    # 163 mail: RFC 2231 name in GBK; the receiving server's Received: line says Thursday afternoon
    (inbox / "桥西区.eml").write_bytes(
        eml(
            "qx@163.com",
            "桥西区附件3",
            THURSDAY,
            [Attachment("桥西区-附件3（7.3）.xlsx", qiaoxi)],
            received=THURSDAY + dt.timedelta(minutes=1),
        )
    )
    # Outlook: RFC 2047 name in GB18030, no Received: line (saved from the sent folder): Date: counts
    (inbox / "张北县附件3.eml").write_bytes(
        eml(
            "zb@126.com",
            "张北县附件3（7.3）",
            FRIDAY,
            [Attachment("张北县-附件3（7.3）.xlsx", _workbook(made, "张北县", [ZB, ZB_BAD]), style="rfc2047-gb18030")],
        )
    )
    # a forwarded message: its attachment arrived with the forwarding mail, on Thursday morning
    inner = eml(
        "hl@qq.com",
        "怀来县附件3",
        dt.datetime(2025, 7, 1, 8, 0, tzinfo=CHINA),
        [Attachment("怀来县附件3.xlsx", _workbook(made, "怀来县", [HL]), style="rfc2231-utf8")],
    )
    (inbox / "转发：怀来县附件3.eml").write_bytes(
        eml(
            "fw@163.com",
            "转发：怀来县附件3",
            dt.datetime(2025, 7, 3, 11, 0, tzinfo=CHINA),
            forwarded=inner,
            received=dt.datetime(2025, 7, 3, 3, 0, 5, tzinfo=UTC),
        )
    )
    # sent at 23:50 on Thursday by the sender's clock, received 00:10 on Friday China time (16:10 UTC)
    (inbox / "万全区.eml").write_bytes(
        eml(
            "wq@163.com",
            "万全区附件3",
            dt.datetime(2025, 7, 3, 23, 50, tzinfo=CHINA),
            [Attachment("万全区附件3.xlsx", _workbook(made, "万全区", [WQ]))],
            received=dt.datetime(2025, 7, 3, 16, 10, tzinfo=UTC),
        )
    )
    # no spreadsheet at all: only a note
    (inbox / "会议回执.eml").write_bytes(
        eml("hy@163.com", "关于参加培训会的回执", THURSDAY, [Attachment("回执.pdf", b"%PDF-1.4 receipt")])
    )
    # Windows' "发送到压缩文件": GBK names without the UTF-8 flag, a folder inside, a mail inside, an escape
    chicheng = eml(
        "cc@163.com", "赤城县附件3", THURSDAY, [Attachment("赤城县附件3.xlsx", _workbook(made, "赤城县", [CC]))]
    )
    contacts = [
        person("怀安县", "主管领导", "赵六", "13900000001"),
        person("怀安县", "具体负责人", "钱七", "13900000002", office_phone="0313-6012345"),
    ]
    write_zip(
        inbox / "附件打包下载.zip",
        [
            ("怀安县/怀安县-附件3.xlsx", _workbook(made, "怀安县", [HA])),
            ("怀安县/怀安县-附件4联系人.xlsx", _workbook(made, "怀安县", contacts, "contacts")),
            ("赤城县/赤城县.eml", chicheng),
            ("怀安县/说明.txt", "请查收".encode("gbk")),
            ("../../逃逸.xlsx", qiaoxi),
        ],
    )
    # a zip bomb: 8 MB of zeros in a few kilobytes, refused from its directory alone
    write_zip(inbox / "大文件.zip", [("炸弹.xlsx", bytes(8 * 1024 * 1024))])
    return inbox


@pytest.fixture
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Temporary files go here, so the test sees every file the run writes."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def _files(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


# --- what is inside ----------------------------------------------------------------------------------


def test_every_spreadsheet_in_mails_and_zips_is_a_submission_with_its_origin(
    tmp_path: Path, private_temp: Path
) -> None:
    inbox = build_inbox(tmp_path)
    unpacked = unpack(collect_paths([inbox]))
    labels = {Path(label).relative_to(inbox).as_posix(): path for path, label in unpacked.files}
    assert set(labels) == {
        f"桥西区.eml{SEPARATOR}桥西区-附件3（7.3）.xlsx",  # GBK, RFC 2231
        f"张北县附件3.eml{SEPARATOR}张北县-附件3（7.3）.xlsx",  # GB18030, RFC 2047
        f"转发：怀来县附件3.eml{SEPARATOR}怀来县附件3.xlsx",  # inside the forwarded message
        f"万全区.eml{SEPARATOR}万全区附件3.xlsx",
        f"附件打包下载.zip{SEPARATOR}怀安县/怀安县-附件3.xlsx",  # GBK member names, in their folder
        f"附件打包下载.zip{SEPARATOR}怀安县/怀安县-附件4联系人.xlsx",
        f"附件打包下载.zip{SEPARATOR}赤城县/赤城县.eml{SEPARATOR}赤城县附件3.xlsx",  # a mail in the zip
    }
    origins = {label.split(SEPARATOR)[0]: unpacked.origins[path] for label, path in labels.items()}
    assert (origins["桥西区.eml"].sender, origins["桥西区.eml"].subject) == ("qx@163.com", "桥西区附件3")
    assert origins["桥西区.eml"].describe() == "来自 qx@163.com，主题：桥西区附件3"
    assert origins["桥西区.eml"].received_at == THURSDAY + dt.timedelta(minutes=1)
    assert origins["张北县附件3.eml"].received_at == FRIDAY  # no Received: line, so Date:
    forwarded = origins["转发：怀来县附件3.eml"]
    assert (forwarded.sender, forwarded.local_time(CAMPAIGN.calendar.timezone)) == (
        "fw@163.com",
        dt.datetime(2025, 7, 3, 11, 0, 5),
    )
    # the first Received: line (the bureau's server), not the sender's Date:, in China time
    assert origins["万全区.eml"].local_time(CAMPAIGN.calendar.timezone) == dt.datetime(2025, 7, 4, 0, 10)
    zipped = unpacked.origins[labels[f"附件打包下载.zip{SEPARATOR}怀安县/怀安县-附件3.xlsx"]]
    assert (zipped.by_mail, zipped.received_at) == (False, None)
    in_zip = unpacked.origins[labels[f"附件打包下载.zip{SEPARATOR}赤城县/赤城县.eml{SEPARATOR}赤城县附件3.xlsx"]]
    assert (in_zip.sender, in_zip.received_at) == ("cc@163.com", THURSDAY)
    # the bytes are the attachments' own
    assert (
        labels[f"桥西区.eml{SEPARATOR}桥西区-附件3（7.3）.xlsx"].read_bytes()
        == (tmp_path / "made" / "桥西区-registered.xlsx").read_bytes()
    )


def test_containers_with_nothing_to_read_or_something_wrong_get_a_note(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    report = validate_paths([inbox], CAMPAIGN)
    notes = {
        (Path(f.file).relative_to(inbox).as_posix(), f.rule, f.value)
        for f in report.findings
        if f.rule in {"mail-no-spreadsheet", "archive-unsafe-name", "file-too-large"}
    }
    assert notes == {
        ("会议回执.eml", "mail-no-spreadsheet", None),
        ("附件打包下载.zip", "archive-unsafe-name", "../../逃逸.xlsx"),
        ("大文件.zip", "file-too-large", None),
    }
    note = next(f for f in report.findings if f.rule == "mail-no-spreadsheet")
    assert "hy@163.com" in note.message and "关于参加培训会的回执" in note.message
    bomb = next(f for f in report.findings if f.rule == "file-too-large")
    assert "炸弹.xlsx" in bomb.message  # the member named as the reporter wrote it
    read = {Path(r.label).name: (r.kinds, r.reporter) for r in report.files if r.tables}
    assert read[f"桥西区.eml{SEPARATOR}桥西区-附件3（7.3）.xlsx"] == ("附件3", "桥西区")
    assert read["怀安县-附件4联系人.xlsx"] == ("附件4", "怀安县")
    # the bad credit code in 张北县's mail is found at its cell, as in any other file
    found = {(Path(f.file).name, f.rule, f.cell) for f in report.findings}
    assert (f"张北县附件3.eml{SEPARATOR}张北县-附件3（7.3）.xlsx", "uscc-length", "D5") in found
    summary = report.to_dict()["files"]
    by_mail = [item for item in summary if item["origin"] and item["origin"]["sender"] == "qx@163.com"]
    assert [item["origin"]["subject"] for item in by_mail] == ["桥西区附件3"]


def test_nothing_is_written_outside_the_temporary_folder_and_it_goes_away(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    before = _files(tmp_path)
    unpacked = unpack(collect_paths([inbox]))
    assert unpacked.folder is not None
    folder = Path(unpacked.folder.name)
    written = _files(tmp_path) - before
    assert written and all(path.is_relative_to(folder) for path in written)
    assert folder.parent == private_temp
    assert not any(path.name == "逃逸.xlsx" for path in _files(tmp_path))  # the ../ member was never written
    assert len(written) == len(unpacked.files) == 7
    del unpacked, written
    gc.collect()
    assert not folder.exists()  # the folder lives only while something refers to its files


def test_zip_member_names_and_safety() -> None:
    import zipfile

    legacy = zipfile.ZipInfo("x")
    legacy.filename = "桥西区-附件3.xlsx".encode("gbk").decode("cp437")  # how zipfile reads an unflagged GBK name
    assert member_name(legacy) == "桥西区-附件3.xlsx"
    flagged = zipfile.ZipInfo("桥西区-附件3.xlsx")
    flagged.flag_bits |= 0x800
    assert member_name(flagged) == "桥西区-附件3.xlsx"
    for name in ("../a.xlsx", "a/../../b.xlsx", "/etc/passwd", "\\\\server\\a.xlsx", "C:\\a.xlsx", "..\\a.xlsx"):
        assert not is_safe_member_name(name), name
    for name in ("a.xlsx", "怀安县/附件3.xlsx", "a..b.xlsx", "..a/b.xlsx"):
        assert is_safe_member_name(name), name


def test_a_workbook_is_told_apart_from_an_archive_by_content(tmp_path: Path) -> None:
    workbook = write_registered(tmp_path / "附件3.zip", "桥西区", W2, [QX])  # a workbook named .zip
    archive = write_zip(tmp_path / "附件3.xlsx", [("附件3.xlsx", workbook.read_bytes())])  # a zip named .xlsx
    assert container_kind(workbook) is None
    assert container_kind(archive) == "archive"
    report = validate_paths([workbook, archive], CAMPAIGN)
    assert sorted((Path(r.label).name, r.kinds) for r in report.files) == [
        ("附件3.xlsx › 附件3.xlsx", "附件3"),
        ("附件3.zip", "附件3"),
    ]


# --- received times and the roster -----------------------------------------------------------------


def _statuses(run: Any) -> dict[str, RosterStatus]:
    return {stats.reporter: stats.status for stats in run.rollup.reporters}


def test_the_mails_time_decides_on_time_or_late_without_received(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    db, out = tmp_path / "zjkcollect.db", tmp_path / "out"
    run = run_merge(CAMPAIGN, W2, inbox, out, db, now=at(W2 + dt.timedelta(days=1), 15))
    statuses = _statuses(run)
    assert {name: statuses[name] for name in ("桥西区", "怀来县", "赤城县", "张北县", "万全区", "怀安县")} == {
        "桥西区": RosterStatus.ON_TIME,  # Thursday 16:21
        "怀来县": RosterStatus.ON_TIME,  # forwarded on Thursday 11:00
        "赤城县": RosterStatus.ON_TIME,  # a mail inside the zip, Thursday
        "张北县": RosterStatus.LATE,  # Friday 09:05
        "万全区": RosterStatus.LATE,  # received 00:10 on Friday, China time
        "怀安县": RosterStatus.LATE,  # a zip carries no mail time: taken in on Friday
    }
    received = {stats.reporter: stats.received_on for stats in run.rollup.reporters if stats.received_on}
    assert received["桥西区"] == W2 and received["万全区"] == W2 + dt.timedelta(days=1)
    ignored = {(Path(r.label).name, r.findings[0].rule) for r in run.ingest.ignored}
    assert ignored == {
        ("会议回执.eml", "mail-no-spreadsheet"),
        ("附件打包下载.zip", "archive-unsafe-name"),
        ("大文件.zip", "file-too-large"),
    }
    with sqlite3.connect(db) as connection:
        rows = connection.execute(
            "SELECT original_name, mail_from, mail_subject, mail_time, ingested_at FROM files ORDER BY original_name"
        ).fetchall()
    stored = {row[0]: row[1:] for row in rows}
    assert stored["桥西区-附件3（7.3）.xlsx"] == (
        "qx@163.com",
        "桥西区附件3",
        "2025-07-03T16:21:00+08:00",
        "2025-07-03T16:21:00",
    )
    assert stored["怀安县-附件3.xlsx"] == (None, None, None, "2025-07-04T15:00:00")


def test_an_explicit_received_date_still_wins(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    clock = received_on("2025-07-03", today=dt.date(2025, 7, 4))
    assert isinstance(clock, Received)
    run = run_merge(CAMPAIGN, W2, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=clock)
    statuses = _statuses(run)
    assert all(statuses[name] is RosterStatus.ON_TIME for name in ("张北县", "万全区", "怀安县", "桥西区"))


def test_ingest_on_arrival_then_merge_keeps_the_mails_time(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    db = tmp_path / "zjkcollect.db"
    run_ingest(CAMPAIGN, [inbox], db, now=at(W2 + dt.timedelta(days=7)))
    with Ledger(db) as ledger:
        times = {stored.original_name: stored.received_on for stored in ledger.files()}
    assert times["桥西区-附件3（7.3）.xlsx"] == W2
    assert times["张北县-附件3（7.3）.xlsx"] == W2 + dt.timedelta(days=1)
    run = run_merge(CAMPAIGN, W2, inbox, tmp_path / "out", db, now=at(W2 + dt.timedelta(days=8)))
    assert run.ingest.new == [] and _statuses(run)["桥西区"] is RosterStatus.ON_TIME


def test_the_roll_up_shows_the_mail_beside_the_file(tmp_path: Path, private_temp: Path) -> None:
    inbox = build_inbox(tmp_path)
    run = run_merge(CAMPAIGN, W2, inbox, tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W2, 18))
    workbook = openpyxl.load_workbook(run.rollup_path)
    stats = {row[1]: row for row in workbook["报送单位统计"].iter_rows(min_row=4, values_only=True) if row[1]}
    assert stats["桥西区"][4] == "桥西区-附件3（7.3）.xlsx（来自 qx@163.com，主题：桥西区附件3）"
    assert stats["怀安县"][4] == "怀安县-附件3.xlsx"
    problems = [row for row in workbook["问题清单"].iter_rows(min_row=4, values_only=True) if row[0]]
    zhangbei = [row for row in problems if row[1] == "张北县" and row[11] == "uscc-length"]
    assert [row[3] for row in zhangbei] == ["张北县-附件3（7.3）.xlsx（来自 zb@126.com，主题：张北县附件3（7.3））"]


# --- the 催报 list ----------------------------------------------------------------------------------------


def test_the_reminder_list_names_whom_to_phone(tmp_path: Path) -> None:
    inbox, db, out = tmp_path / "inbox", tmp_path / "zjkcollect.db", tmp_path / "out"
    week1 = CAMPAIGN.calendar.weeks[0]
    staff = person("怀来县", "具体负责人", "孙八", "13700000008", office_phone="0313-6688001")
    write_contacts(
        inbox / "怀来县附件4.xlsx", "怀来县", "2025-06-20", [person("怀来县", "主管领导", "周九", "13700000009"), staff]
    )
    write_registered(inbox / "怀来县附件3.xlsx", "怀来县", week1, [HL])
    write_registered(inbox / "桥西区附件3.xlsx", "桥西区", W2, [QX])
    write_contacts(
        inbox / "宣化区附件4.xlsx",
        "宣化区",
        "2025-06-20",
        [person("宣化区", "具体负责人", "吴十", "13600000010", office_phone=None)],
    )
    write_registered(inbox / "宣化区附件3.xlsx", "宣化区", "2025-07-02", [ZB])  # not a Thursday: cannot count
    # 蔚县's 具体负责人 left the e-mail out (an error, so the row is not read): its 主管领导 is named instead
    write_contacts(
        inbox / "蔚县附件4.xlsx",
        "蔚县",
        "2025-06-20",
        [
            person("蔚县", "主管领导", "郑十一", "13500000011"),
            person("蔚县", "具体负责人", "王十二", "13500000012", email=None),
        ],
    )
    run = run_merge(CAMPAIGN, W2, inbox, out, db, now=at(W2, 17))
    text = run.reminder_path.read_bytes()
    assert run.reminder_path == out / "催报名单_2025-07-03.txt"
    assert text.startswith(b"\xef\xbb\xbf") and b"\r\n" in text
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[1] == "请以下单位于7月3日（周四）前将附件3报送至 zjkszywb@163.com："
    listed = {line.split("（")[0].split(". ", 1)[1]: line for line in lines[2:-1]}
    owing = {stats.reporter for stats in run.rollup.reporters if stats.status is not RosterStatus.ON_TIME}
    assert set(listed) == owing and "桥西区" not in listed
    assert listed["怀来县"].endswith(
        "怀来县（孙八 13700000008，办公电话 0313-6688001）——未更新：本周未更新，仍沿用 2025-06-26 的数据"
    )
    assert "宣化区（吴十 13600000010）——报送有误：" in listed["宣化区"] and "宣化区附件3.xlsx" in listed["宣化区"]
    assert listed["张北县"].endswith("张北县（未报联系人）——未报送：尚未报送过附件3")
    assert "蔚县（郑十一（主管领导） 13500000011，办公电话 0313-7680129）——未报送" in listed["蔚县"]
    order = [line.split("（")[0].split(". ", 1)[1] for line in lines[2:-1]]
    assert order.index("张北县") < order.index("宣化区") < order.index("怀来县")  # never sent, unusable, stale
    sheet = openpyxl.load_workbook(run.rollup_path)["催报名单"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=4, values_only=True) if isinstance(row[0], int)}
    assert rows["怀来县"][3:7] == ("未更新", "孙八", "13700000008", "0313-6688001")
    assert rows["张北县"][3:5] == ("未报送", "未报联系人")
    assert set(rows) == owing


def test_nobody_to_remind(tmp_path: Path) -> None:
    campaign = CAMPAIGN.model_copy(update={"reporters": [r for r in CAMPAIGN.reporters if r.name == "桥西区"]})
    write_registered(tmp_path / "inbox" / "附件3.xlsx", "桥西区", W2, [QX])
    run = run_merge(campaign, W2, tmp_path / "inbox", tmp_path / "out", tmp_path / "zjkcollect.db", now=at(W2))
    lines = run.reminder_path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[1] == "本周各单位均已报送附件3，无需催报。"


def test_cli_merge_of_a_mail_inbox_prints_where_each_output_is(
    tmp_path: Path, private_temp: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from zjkcollect.cli import app

    build_inbox(tmp_path)
    monkeypatch.chdir(tmp_path)
    merged = CliRunner().invoke(app, ["merge", "--week", "2025-07-03", "--inbox", "inbox", "--out", "输出"])
    assert merged.exit_code == 0, merged.output
    lines = merged.output.splitlines()
    for label, name in (
        ("汇总表", "张家口市数据要素×大赛参赛项目汇总_2025-07-03.xlsx"),
        ("报省附件3", "附件3-“数据要素×”大赛河北分赛参赛项目统计表（张家口市汇总_2025-07-03）.xlsx"),
        ("催报名单", "催报名单_2025-07-03.txt"),
        ("情况通报", "情况通报_2025-07-03.docx"),
    ):
        assert f"{label}：{Path('输出') / name}" in lines
        assert (tmp_path / "输出" / name).is_file()
    flat = re.sub(r"[\s│]", "", merged.output)  # the table wraps long cells inside its borders
    assert "（来自qx@163.com，主题：桥西区附件3）" in flat
    assert "关于参加培训会的回执" in flat  # the mail without a spreadsheet is named


def test_workbooks_are_not_archives_and_a_zip_of_workbooks_is(tmp_path: Path) -> None:
    import xlsxwriter

    from zjkcollect.mailbox import container_kind

    by_openpyxl = write_registered(tmp_path / "a.xlsx", "桥东区", W2, [])
    by_xlsxwriter = tmp_path / "b.xlsx"
    with xlsxwriter.Workbook(by_xlsxwriter) as workbook:
        workbook.add_worksheet().write(0, 0, "序号")
    archive = tmp_path / "c.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(by_openpyxl, "桥东区/附件3.xlsx")
        bundle.write(by_xlsxwriter, "b.xlsx")
    named_like_a_workbook = tmp_path / "d.xlsx"  # a zip of workbooks with a workbook's name
    named_like_a_workbook.write_bytes(archive.read_bytes())
    assert [container_kind(path) for path in (by_openpyxl, by_xlsxwriter, archive, named_like_a_workbook)] == [
        None,
        None,
        "archive",
        "archive",
    ]
