"""A corpus of broken and hostile files, built in code. Each case: a file and the verdict it must get."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from tests.workbooks import COMPANY, project_row, write_workbook
from zjkcollect.attachments import Kind
from zjkcollect.campaign import load_campaign

R = Kind.REGISTERED


@dataclass(frozen=True)
class Case:
    name: str  # file name in the corpus folder
    build: Callable[[Path], None]
    rules: frozenset[str]  # rules the file's findings must include (empty: a clean verdict)
    rows: int | None = None  # rows that must be read, where the case is about not losing data


def _good(path: Path, rows: list[dict[str, object]] | None = None, **options: object) -> Path:
    """A valid return; each case reports as its own unit so no two corpus files supersede each other."""
    options.setdefault("reporter", reporter_for(path.name))
    return write_workbook(path, R, [project_row(R)] if rows is None else rows, **options)


def reporter_for(name: str) -> str:
    registry = load_campaign().reporter_names
    index = [case.name for case in CASES].index(name) if name in {case.name for case in CASES} else 0
    return registry[index % (len(registry) - 1)]


def _rewrite_zip(path: Path, edit: Callable[[str, bytes], bytes | None], extra: dict[str, bytes] | None = None) -> None:
    """Rewrite members of an xlsx; ``edit`` returns new bytes, or None to keep the member."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            changed = edit(info.filename, data)
            target.writestr(info.filename, data if changed is None else changed)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    path.write_bytes(buffer.getvalue())


def empty(path: Path) -> None:
    path.write_bytes(b"")


def truncated(path: Path) -> None:
    _good(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def lock_file(path: Path) -> None:
    path.write_bytes(b"\x0bWang Xiaoming" + b"\x00" * 150)


def renamed_text(path: Path) -> None:
    path.write_text("这是一封邮件正文，不是表格。\n请查收附件。", encoding="utf-8")


def html_as_xls(path: Path) -> None:
    path.write_text("<html><body><table><tr><td>项目名称</td></tr></table></body></html>", encoding="utf-8")


def xml2003_as_xls(path: Path) -> None:
    path.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet/></Workbook>',
        encoding="utf-8",
    )


def csv_as_xlsx(path: Path) -> None:
    path.write_text("项目名称,参赛单位名称,统一社会信用代码\n平台,某公司,91130730MA0F12343P\n", encoding="utf-8")


def encrypted(path: Path) -> None:
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = path.with_suffix(".plain")
    _good(plain)
    with plain.open("rb") as source, path.open("wb") as target:
        OOXMLFile(source).encrypt("1234", target)
    plain.unlink()


def zip_bomb_ratio(path: Path) -> None:
    _good(path)
    _rewrite_zip(path, lambda name, data: None, {"xl/media/padding.xml": b" " * (60 * 1024 * 1024)})


def zip_bomb_declared(path: Path) -> None:
    """A member whose header claims gigabytes (the central directory is edited after writing)."""
    _good(path)
    data = bytearray(path.read_bytes())
    directory = data.rfind(b"PK\x01\x02")
    # uncompressed size of the last central-directory entry, at offset 24
    data[directory + 24 : directory + 28] = (3_900_000_000).to_bytes(4, "little")
    path.write_bytes(bytes(data))


def many_members(path: Path) -> None:
    _good(path)
    _rewrite_zip(path, lambda name, data: None, {f"customXml/item{i}.xml": b"<a/>" for i in range(6000)})


def entity_bomb(path: Path) -> None:
    _good(path)
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]>'
    )

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/worksheets/sheet1.xml":
            return bomb + re.sub(rb"^<\?xml[^>]*\?>", b"", data)
        return None

    _rewrite_zip(path, edit)


def sparse_dimension(path: Path) -> None:
    _good(path)

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/worksheets/sheet1.xml":
            data = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', data)
            return data.replace(
                b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
            )
        return None

    _rewrite_zip(path, edit)


def uncached_formulas(path: Path) -> None:
    _good(path)
    workbook = openpyxl.load_workbook(path)
    workbook.active["B4"] = '=CONCAT("智慧","平台")'
    workbook.save(path)


def code_as_number(path: Path) -> None:
    _good(path, [project_row(R, credit_code=911307301234567890)])


def overlong_cell(path: Path) -> None:
    _good(path, [project_row(R, summary=None, note="长" * 33000)])


def invisible_characters(path: Path) -> None:
    _good(path, [project_row(R, project_name="智慧\u200b葡萄园\u202e平台")])


def macro_workbook(path: Path) -> None:
    _good(path)
    _rewrite_zip(path, lambda name, data: None, {"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"Attribute VB_Name" * 50})


def strict_ooxml(path: Path) -> None:
    _good(path)
    transitional = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    strict = b"http://purl.oclc.org/ooxml/spreadsheetml/main"

    def edit(name: str, data: bytes) -> bytes | None:
        return data.replace(transitional, strict) if name.endswith(".xml") else None

    _rewrite_zip(path, edit)


def date1904(path: Path) -> None:
    _good(path)
    workbook = openpyxl.load_workbook(path)
    workbook.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    sheet = workbook.active
    sheet["G2"] = dt.date(2025, 6, 26)
    sheet["K4"] = dt.date(2025, 6, 20)
    workbook.save(path)


def hidden_table_sheet(path: Path) -> None:
    _good(path, sheet_before=True)
    workbook = openpyxl.load_workbook(path)
    workbook["报送表"].sheet_state = "hidden"
    workbook.save(path)


def merged_data_cells(path: Path) -> None:
    rows = [project_row(R), project_row(R, project_name="二期", unit_name=None, credit_code=None, unit_type=None)]
    _good(path, rows)
    workbook = openpyxl.load_workbook(path)
    for column in "CDE":
        workbook.active.merge_cells(f"{column}4:{column}5")
    workbook.save(path)


def huge_sheet(path: Path) -> None:
    """100,000 rows written with XlsxWriter's constant-memory mode (openpyxl would take minutes)."""
    import xlsxwriter

    from tests.specs import ATTACHMENTS

    columns = ATTACHMENTS[R].columns
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("附件3")
    sheet.write_string(0, 0, ATTACHMENTS[R].title)
    sheet.write_row(1, 0, ["填报单位", reporter_for(path.name), "", "", "", "统计截止日期", "2025-06-26"])
    sheet.write_row(2, 0, [column.header for column in columns])
    base = project_row(R, registered_on="2025-06-20")
    for index in range(100_000):
        values = {**base, "serial": index + 1, "project_name": f"项目{index}"}
        sheet.write_row(3 + index, 0, [values.get(column.field) or "" for column in columns])
    workbook.close()


def no_table(path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "本周无新增项目"
    workbook.save(path)


def header_only(path: Path) -> None:
    _good(path, [])


def no_sheets(path: Path) -> None:
    _good(path)

    def edit(name: str, data: bytes) -> bytes | None:
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data, flags=re.S)
        return None

    _rewrite_zip(path, edit)


def hyperlink_text(path: Path) -> None:
    _good(path, [project_row(R, note='=HYPERLINK("http://example.com/x","点击领奖")', partners="@SUM(1+1)")])


def random_binary(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 40)


def word_as_xlsx(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    path.write_bytes(buffer.getvalue())


def plain_zip(path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("附件3.txt", "见压缩包")
    path.write_bytes(buffer.getvalue())


def missing_sheet_part(path: Path) -> None:
    _good(path)
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info.filename, source.read(info.filename))
    path.write_bytes(buffer.getvalue())


def fullwidth_everything(path: Path) -> None:
    wide = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
    _good(path, [project_row(R, credit_code=COMPANY.translate(wide), contact_phone="１３８１２３４５６７８")])


def invalid_xml(path: Path) -> None:
    _good(path)
    _rewrite_zip(path, lambda name, data: b"<worksheet><sheetData><row" if name == "xl/worksheets/sheet1.xml" else None)


CASES: list[Case] = [
    Case("空文件.xlsx", empty, frozenset({"file-empty"})),
    Case("截断.xlsx", truncated, frozenset({"file-unreadable"})),
    Case("~$附件3.xlsx", lock_file, frozenset({"lock-file"})),
    Case("改名的文本.xlsx", renamed_text, frozenset({"not-spreadsheet"})),
    Case("网页另存.xls", html_as_xls, frozenset({"wrong-format"})),
    Case("XML表格2003.xls", xml2003_as_xls, frozenset({"wrong-format"})),
    Case("逗号分隔.xlsx", csv_as_xlsx, frozenset({"wrong-format"})),
    Case("加密.xlsx", encrypted, frozenset({"file-encrypted"})),
    Case("压缩炸弹.xlsx", zip_bomb_ratio, frozenset({"file-too-large"})),
    Case("声明超大.xlsx", zip_bomb_declared, frozenset({"file-too-large"})),
    Case("成员过多.xlsx", many_members, frozenset({"file-too-large"})),
    Case("实体炸弹.xlsx", entity_bomb, frozenset({"xml-declaration"})),
    Case("稀疏大表.xlsx", sparse_dimension, frozenset({"sheet-too-large"})),
    Case("公式未计算.xlsx", uncached_formulas, frozenset({"formula-not-calculated"})),
    Case("代码成数字.xlsx", code_as_number, frozenset({"uscc-as-number"})),
    Case("超长单元格.xlsx", overlong_cell, frozenset({"text-too-long"})),
    Case("零宽字符.xlsx", invisible_characters, frozenset({"invisible-characters"})),
    Case("带宏.xlsm", macro_workbook, frozenset({"macro-present"}), rows=1),
    Case("严格格式.xlsx", strict_ooxml, frozenset(), rows=1),
    Case("1904日期.xlsx", date1904, frozenset(), rows=1),
    Case("隐藏工作表.xlsx", hidden_table_sheet, frozenset(), rows=1),
    Case("合并单元格.xlsx", merged_data_cells, frozenset(), rows=2),
    Case("十万行.xlsx", huge_sheet, frozenset(), rows=100_000),
    Case("没有表格.xlsx", no_table, frozenset({"kind-unknown"})),
    Case("只有表头.xlsx", header_only, frozenset({"table-empty"})),
    Case("没有工作表.xlsx", no_sheets, frozenset({"no-sheets"})),
    Case("超链接文本.xlsx", hyperlink_text, frozenset(), rows=1),
    Case("乱码.xls", random_binary, frozenset({"not-spreadsheet"})),
    Case("Word文档.xlsx", word_as_xlsx, frozenset({"not-spreadsheet"})),
    Case("普通压缩包.xlsx", plain_zip, frozenset({"not-spreadsheet"})),
    Case("缺少工作表部件.xlsx", missing_sheet_part, frozenset({"file-unreadable"})),
    Case("全角字符.xlsx", fullwidth_everything, frozenset(), rows=1),
    Case("XML损坏.xlsx", invalid_xml, frozenset({"file-unreadable"})),
]


def build_corpus(folder: Path) -> dict[str, Case]:
    folder.mkdir(parents=True, exist_ok=True)
    for case in CASES:
        case.build(folder / case.name)
    return {case.name: case for case in CASES}
