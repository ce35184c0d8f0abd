"""Checks on a zip-based workbook before any parser sees it.

Some readers allocate whatever a file claims (a sheet "using" A1:XFD1048576, a member that
inflates to gigabytes) and abort the whole process when that fails, which no ``except``
can catch. So the zip directory, the inflated sizes and the XML prologues are checked
here first, with limits far above any real return (a few thousand rows) and far below
what hurts. The same pass finds formulas without cached values and macros, which the
value reader would otherwise turn silently into empty cells.
"""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from zjkcollect.errors import ReadFailure

MAX_MEMBERS = 5_000
MAX_TOTAL_INFLATED = 400 * 1024 * 1024
MAX_MEMBER_INFLATED = 250 * 1024 * 1024
MAX_RATIO = 200  # inflated / compressed, for members big enough to matter
RATIO_FLOOR = 1024 * 1024
MAX_SHEET_CELLS = 20_000_000
MAX_SHEET_ROWS = 1_048_576
PROLOGUE_BYTES = 64 * 1024
CHUNK = 1024 * 1024
# What a damaged member raises on the way out: a broken deflate stream (zlib.error), a CRC
# mismatch or bad local header (BadZipFile), a stream that ends early (EOFError), flag bits
# flipped to claim a compression method or strong encryption the zip module lacks
# (NotImplementedError), or a member marked as password-protected (RuntimeError).
DAMAGED_ZIP: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zlib.error,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
# A cell with content: the (?<!/) refuses a self-closed empty cell (<c r="H4" s="3"/>), whose
# lazy body would otherwise run on to the next cell's </c> and take that cell's formula.
_FORMULA_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?r="([A-Z]{1,3}\d+)"[^>]*?(?<!/)>(.*?)</(?:\w+:)?c>', re.S)
_LAST_ROW = re.compile(rb'<row\s[^>]*?r="(\d+)"')
# Every writer we know puts r first; a file that hides it elsewhere still meets the worker's limits.
# Patterns start with a literal so the regex engine can scan for it at C speed (a sheet can be 80 MB).
# Two or three letters in one pattern: the sheet (up to 80 MB) is scanned once, not once per width.
_WIDE_CELL = re.compile(rb'<c r="([A-Z]{2,3})\d')
_WIDEST_REFERENCE = 18_278  # column ZZZ: the widest three letters can name
_HIDDEN_ROW = re.compile(rb'<row r="(\d+)"[^>]*?\shidden="(?:1|true)"')
_HAS_FORMULA = re.compile(rb"<f[\s>/]")
_HAS_VALUE = re.compile(rb"<v>[^<]")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


@dataclass(slots=True)
class ZipFacts:
    """What the guard learned on the way: sheet names by part, uncached formulas, macros."""

    uncached_formulas: dict[str, list[str]] = field(default_factory=dict)  # sheet name -> cell refs
    hidden_rows: dict[str, set[int]] = field(default_factory=dict)  # sheet name -> row numbers
    has_macros: bool = False
    strict_ooxml: bool = False


def column_number(letters: bytes | str) -> int:
    number = 0
    for char in letters if isinstance(letters, str) else letters.decode("ascii"):
        number = number * 26 + ord(char) - 64
    return number


def inspect_zip(data: bytes, file_format: str) -> ZipFacts:
    """Refuse what would make a reader blow up; return facts the value reader cannot see."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except DAMAGED_ZIP as exc:
        raise ReadFailure("file-unreadable", reason="文件已损坏或不完整") from exc
    return inspect_archive(archive, file_format)


def inspect_archive(archive: zipfile.ZipFile, file_format: str) -> ZipFacts:
    """:func:`inspect_zip` on a zip already opened (the format was read from it); closes it."""
    try:
        return _inspect(archive, file_format)
    except DAMAGED_ZIP as exc:  # a member's header, its name, ...
        raise ReadFailure("file-unreadable", reason="文件已损坏或不完整") from exc


def _inspect(archive: zipfile.ZipFile, file_format: str) -> ZipFacts:
    with archive:
        members = archive.infolist()
        check_members(members)
        facts = ZipFacts(has_macros=any(m.filename.lower().endswith("vbaproject.bin") for m in members))
        data = archive.fp.getvalue() if isinstance(archive.fp, io.BytesIO) else None
        inflated: dict[str, bytes] = {}  # the parts sheet_parts read, so the loop does not inflate them again
        sheet_names = sheet_parts(archive, inflated, data) if file_format in {"xlsx", "xlsm"} else {}
        for member in members:
            if not member.filename.lower().endswith((".xml", ".rels", ".vml")) or member.is_dir():
                continue
            content = inflated.pop(member.filename, None)
            if content is None:
                content = _inflate(archive, member, data)
            # a declaration can only come before the root element: the prologue is all there is to search
            if content.find(b"<!", 0, PROLOGUE_BYTES) >= 0 and _DECLARATION.search(content, 0, PROLOGUE_BYTES):
                raise ReadFailure("xml-declaration", part=member.filename)
            if member.filename in sheet_names:
                _check_extent(content, sheet_names[member.filename])
                cells = _uncached_formulas(content)
                if cells:
                    facts.uncached_formulas[sheet_names[member.filename]] = cells
                if b'hidden="' in content:
                    hidden = {int(number) for number in _HIDDEN_ROW.findall(content)}
                    if hidden:
                        facts.hidden_rows[sheet_names[member.filename]] = hidden
            if member.filename == "xl/workbook.xml" and b"purl.oclc.org/ooxml/spreadsheetml/main" in content[:4096]:
                facts.strict_ooxml = True
    return facts


def check_members(members: list[zipfile.ZipInfo], names: dict[int, str] | None = None) -> None:
    """Refuse a zip whose directory promises too much: member count, inflated size, compression ratio.

    Only the directory is read, so nothing has been inflated when this refuses. ``names`` gives
    members' decoded names (by index) for the message, where the stored ones are mis-encoded.
    """
    if len(members) > MAX_MEMBERS:
        raise ReadFailure("file-too-large", reason=f"压缩包内有 {len(members)} 个部件")
    declared = sum(member.file_size for member in members)
    if declared > MAX_TOTAL_INFLATED:
        raise ReadFailure("file-too-large", reason=f"解压后达 {declared // (1024 * 1024)} MB")
    for index, member in enumerate(members):
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            name = (names or {}).get(index, member.filename)
            raise ReadFailure("file-too-large", reason=f"部件 {name} 压缩比异常（疑似压缩炸弹）")


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, data: bytes | None = None) -> bytes:
    """Inflate one member, stopping as soon as it grows past what its header declared.

    ``data``: the archive's bytes, when at hand: a deflated member is then inflated by zlib
    straight from them (see _inflate_deflated), with zipfile's checks and without its machinery.
    """
    limit = min(member.file_size, MAX_MEMBER_INFLATED)
    try:
        content = None if data is None else _inflate_deflated(archive, data, member, limit)
        if content is None:
            with archive.open(member) as stream:
                # one byte past the limit is enough to know the member lies about its size
                content = stream.read(limit + 1)
    except DAMAGED_ZIP as exc:
        raise ReadFailure("file-unreadable", reason=f"文件已损坏（其中的部件 {member.filename} 无法解压）") from exc
    if len(content) > limit:
        raise ReadFailure("file-too-large", reason=f"部件 {member.filename} 解压后超出声明大小")
    return content


LOCAL_HEADER = struct.Struct("<4s2xH18xHH")  # a zip local file header: signature, flags, name length, extra length
_LOCAL_MAGIC = b"PK\x03\x04"
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, compressed patch data, strong encryption


def _inflate_deflated(archive: zipfile.ZipFile, data: bytes, member: zipfile.ZipInfo, limit: int) -> bytes | None:
    """What ``archive.open(member).read(limit + 1)`` returns, or raises, for a plain deflated member.

    The same checks as zipfile's: the local header is there and names the member; reading stops
    at the declared size, and what was read must match the CRC; a stream that ends early is
    damaged. zlib never writes more than ``limit + 1`` bytes, so a bomb stops there. None for
    anything else (stored, encrypted, a header that differs, bytes missing): zipfile reads it.
    """
    if member.compress_type != zipfile.ZIP_DEFLATED or member.flag_bits & _UNUSUAL_FLAGS:
        return None
    start = member.header_offset
    if start < 0 or start + LOCAL_HEADER.size > len(data):
        return None
    magic, flags, name_length, extra_length = LOCAL_HEADER.unpack_from(data, start)
    name_start = start + LOCAL_HEADER.size
    try:
        encoding = "utf-8" if flags & 0x800 else archive.metadata_encoding or "cp437"
        name = data[name_start : name_start + name_length].decode(encoding)
    except UnicodeDecodeError:
        return None
    if magic != _LOCAL_MAGIC or name != member.orig_filename:
        return None
    begin = name_start + name_length + extra_length
    compressed = data[begin : begin + member.compress_size]
    if len(compressed) < member.compress_size:
        return None
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    content = inflater.decompress(compressed, limit + 1)
    if len(content) > limit and limit < member.file_size:
        return content  # past MAX_MEMBER_INFLATED: the caller refuses it
    if len(content) >= member.file_size:
        content = content[: member.file_size]  # zipfile reads no further than the declared size
    elif not inflater.eof:
        raise EOFError("Compressed file ended before the end-of-stream marker was reached")
    if zlib.crc32(content) != member.CRC:
        raise zipfile.BadZipFile(f"Bad CRC-32 for file {member.filename!r}")
    return content


def sheet_parts(
    archive: zipfile.ZipFile, inflated: dict[str, bytes] | None = None, data: bytes | None = None
) -> dict[str, str]:
    """Worksheet part path → sheet name, from workbook.xml and its relationships (kept in ``inflated``)."""
    from defusedxml import DefusedXmlException, ElementTree

    names = ("xl/workbook.xml", "xl/_rels/workbook.xml.rels")
    try:
        parts = [_inflate(archive, archive.getinfo(name), data) for name in names]
    except KeyError as exc:
        raise ReadFailure("file-unreadable", reason="工作簿结构不完整") from exc
    if inflated is not None:
        inflated.update(zip(names, parts, strict=True))
    try:
        workbook, rels = (_parse(part, ElementTree.fromstring) for part in parts)
    except ElementTree.ParseError as exc:
        raise ReadFailure("file-unreadable", reason="工作簿结构不完整") from exc
    except DefusedXmlException as exc:  # defusedxml refuses entities and DTDs
        raise ReadFailure("xml-declaration", part="xl/workbook.xml") from exc
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        targets[rel.get("Id")] = path
    parts = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet"):
            rel_id = next((value for key, value in element.attrib.items() if key.endswith("}id")), None)
            if rel_id in targets:
                parts[targets[rel_id]] = element.get("name", "")
    return parts


def _parse(part: bytes, defused: Callable[[bytes], Any]) -> Any:
    """The XML tree; defusedxml's parser only where a declaration could be (it costs a parser per part)."""
    if b"<!" in part:  # a DOCTYPE or ENTITY needs "<!"; CDATA and comments too, but they are rare
        return defused(part)
    from xml.etree import ElementTree

    return ElementTree.fromstring(part)


def _check_extent(content: bytes, sheet: str) -> None:
    """Refuse a sheet whose claimed or actual used range is far beyond any real return.

    Readers allocate the whole rectangle from A1 to the last cell, so one cell at
    XFD1048576 costs as much as a full sheet, whatever the <dimension> element says.
    """
    match = _DIMENSION.search(content, 0, PROLOGUE_BYTES)
    if match and match.group(3):
        rows = int(match.group(4)) - int(match.group(2)) + 1
        columns = column_number(match.group(3)) - column_number(match.group(1)) + 1
        _refuse_if_huge(rows, columns, sheet, match.group(0).decode("ascii", "replace")[-40:])
    last_row = _LAST_ROW.search(content, max(0, content.rfind(b"<row ") - 1)) if b"<row " in content else None
    rows = int(last_row.group(1)) if last_row else content.count(b"<row")
    columns = 26
    if rows <= MAX_SHEET_ROWS and rows * _WIDEST_REFERENCE <= MAX_SHEET_CELLS:
        return  # even cells out to column ZZZ would not make it too large: no need to look for them
    if _WIDE_CELL.search(content):
        columns = max(map(column_number, set(_WIDE_CELL.findall(content))))  # each column once
    _refuse_if_huge(rows, columns, sheet, f"{rows} 行 × {columns} 列")


def _refuse_if_huge(rows: int, columns: int, sheet: str, shown: str) -> None:
    if rows > MAX_SHEET_ROWS or rows * columns > MAX_SHEET_CELLS:
        raise ReadFailure("sheet-too-large", sheet_name=sheet, range=shown)


def _uncached_formulas(content: bytes) -> list[str]:
    if not _HAS_FORMULA.search(content):
        return []
    return [
        match.group(1).decode("ascii")
        for match in _FORMULA_CELL.finditer(content)
        if _HAS_FORMULA.search(match.group(2)) and not _HAS_VALUE.search(match.group(2))
    ]
