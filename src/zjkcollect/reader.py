"""Reading a returned file: decide what it is from its bytes, then read every sheet's values.

Readers are pure: they never modify the input. Values come from python-calamine, which
reads .xlsx/.xlsm/.xls/.et/.ods alike; what it cannot read becomes a :class:`ReadFailure`
carrying a rule code, never an exception that escapes the run.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from zjkcollect.attachments import INSTRUCTIONS_SHEET, LISTS_SHEET
from zjkcollect.errors import ReadFailure
from zjkcollect.guard import DAMAGED_ZIP, ZipFacts, inspect_archive

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
LOCK_PREFIX = "~$"


@dataclass(slots=True)
class Grid:
    """One sheet's values, row 1 first; ``rows[r][c]`` is cell (r+1, c+1)."""

    name: str
    rows: list[list[object]]
    hidden: bool = False
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = field(default_factory=list)

    def value(self, row: int, column: int) -> object:
        """Cell value at 1-based (row, column); '' where nothing is stored."""
        if 1 <= row <= len(self.rows):
            cells = self.rows[row - 1]
            if 1 <= column <= len(cells):
                return cells[column - 1]
        return ""


@dataclass(slots=True)
class WorkbookData:
    path: Path
    format: str  # xlsx, xlsm, xls, et, ods
    sheets: list[Grid]
    facts: ZipFacts = field(default_factory=ZipFacts)


def sniff(data: bytes) -> str:
    """The container format from the first bytes: zip, ole, html, xml, text, empty or unknown."""
    if not data:
        return "empty"
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        return "ole"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return "html"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "xml"
    try:
        data[:4096].decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        try:
            data[:4096].decode("gb18030")
            return "text"
        except UnicodeDecodeError:
            return "unknown"


def _zip_format(data: bytes, archive: zipfile.ZipFile | None = None) -> str:
    """The format of a zip container (``archive`` is ``data`` already opened, left open)."""
    try:
        if archive is None:
            with zipfile.ZipFile(io.BytesIO(data)) as opened:
                return _archive_format(opened)
        return _archive_format(archive)
    except DAMAGED_ZIP as exc:
        raise ReadFailure("file-unreadable", reason="文件已损坏或不完整") from exc


def _archive_format(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "mimetype" in names:
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        if "opendocument.spreadsheet" in mimetype:
            return "ods"
        raise ReadFailure("not-spreadsheet", what=f"OpenDocument 文档（{mimetype}）")
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        return "xlsm" if "xl/vbaProject.bin" in names else "xlsx"
    if "word/document.xml" in names:
        raise ReadFailure("not-spreadsheet", what="Word 文档")
    if "ppt/presentation.xml" in names:
        raise ReadFailure("not-spreadsheet", what="PowerPoint 文档")
    raise ReadFailure("not-spreadsheet", what="压缩包")


def _ole_format(data: bytes, suffix: str) -> str:
    import msoffcrypto

    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        encrypted = office.is_encrypted()
    except Exception:
        encrypted = False
    if encrypted:
        raise ReadFailure("file-encrypted")
    return "et" if suffix == ".et" else "xls"


def detect_format(data: bytes, suffix: str) -> str:
    """Spreadsheet format of ``data`` decided by content; raises ReadFailure for anything else."""
    kind = sniff(data)
    if kind == "zip":
        return _zip_format(data)
    if kind == "ole":
        return _ole_format(data, suffix)
    if kind == "empty":
        raise ReadFailure("file-empty")
    if kind == "html":
        raise ReadFailure("wrong-format", what="网页（HTML）格式")
    if kind == "xml":
        if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
            raise ReadFailure("wrong-format", what="“XML 电子表格 2003”格式")
        raise ReadFailure("not-spreadsheet", what="XML 文件")
    if kind == "text":
        if _looks_like_csv(data):
            raise ReadFailure("wrong-format", what="CSV 文本")
        raise ReadFailure("not-spreadsheet", what="文本文件")
    raise ReadFailure("not-spreadsheet", what="无法识别的文件")


def _looks_like_csv(data: bytes) -> bool:
    lines = [line for line in data[:8192].splitlines() if line.strip()][:5]
    return bool(lines) and all(line.count(b",") >= 1 or line.count(b"\t") >= 1 for line in lines)


# Sheets our own templates carry that never hold the reporter's table: not worth reading.
TEMPLATE_AUX_SHEETS = frozenset({LISTS_SHEET, INSTRUCTIONS_SHEET})


def read_values(path: Path, data: bytes, file_format: str, all_sheets: bool = False) -> WorkbookData:
    """Every sheet's cell values via python-calamine (without the templates' helper sheets unless asked)."""
    import python_calamine as calamine

    try:
        workbook = calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except calamine.PasswordError as exc:
        raise ReadFailure("file-encrypted") from exc
    except BaseException as exc:
        raise _unreadable(exc) from exc
    sheets: list[Grid] = []
    try:
        for meta in workbook.sheets_metadata:
            if str(meta.typ) not in {"SheetTypeEnum.WorkSheet", "WorkSheet"}:
                continue
            if not all_sheets and meta.name in TEMPLATE_AUX_SHEETS:
                continue
            sheet = workbook.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            merged = list(sheet.merged_cell_ranges or [])
            hidden = "Visible" not in str(meta.visible)
            sheets.append(Grid(name=meta.name, rows=rows, hidden=hidden, merged=merged))
    except BaseException as exc:
        raise _unreadable(exc) from exc
    finally:
        workbook.close()
    return WorkbookData(path=path, format=file_format, sheets=sheets)


def _unreadable(exc: BaseException) -> ReadFailure:
    """The reader's failure as the file's verdict.

    A Rust panic inside python-calamine (a damaged .xls it indexes past the end of) reaches
    Python as pyo3's PanicException, which derives from BaseException, not Exception: left
    alone it kills the worker and the file is reported as a crash instead of as damaged.
    """
    if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
        raise exc  # KeyboardInterrupt, SystemExit: not about the file
    return ReadFailure("file-unreadable", reason=_reason(exc))


def _reason(exc: BaseException) -> str:
    """A Chinese reason; the reader's own (English) words follow only as detail for whoever helps."""
    if type(exc).__name__ == "WorksheetNotFound":  # listed in the workbook, but its part is gone
        return f"文件已损坏：工作表“{str(exc)[:40]}”的内容缺失"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"文件内容已损坏或格式不受支持；技术信息：{text[:100]}"


def is_lock_file(path: Path) -> bool:
    return path.name.startswith(LOCK_PREFIX)


def load_workbook_data(path: Path, data: bytes, all_sheets: bool = False) -> WorkbookData:
    """Format by content, the guard's checks for zip containers, then every sheet's values."""
    if sniff(data) == "zip":
        # one zip directory read serves the format and the guard
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except DAMAGED_ZIP as exc:
            raise ReadFailure("file-unreadable", reason="文件已损坏或不完整") from exc
        try:
            file_format = _zip_format(data, archive)
        except ReadFailure:
            archive.close()
            raise
        facts = inspect_archive(archive, file_format)
    else:
        file_format = detect_format(data, path.suffix.lower())
        facts = ZipFacts()
    if file_format in {"xls", "et"}:
        facts.has_macros = _ole_has_macros(data)
    workbook = read_values(path, data, file_format, all_sheets)
    workbook.facts = facts
    if not workbook.sheets:
        raise ReadFailure("no-sheets")
    return workbook


def _ole_has_macros(data: bytes) -> bool:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return any(entry[0] in {"_VBA_PROJECT_CUR", "Macros"} for entry in ole.listdir(streams=True, storages=True))
    except Exception:
        return False
