"""E-mails and zip archives in the inbox: the spreadsheets inside them become files to check.

A clerk's inbox folder holds what mail clients give: ``.eml`` files (Foxmail, Outlook's
"另存为", Thunderbird, the 163 web mail's "导出") and zip downloads (163's "打包下载", Windows'
"发送到压缩文件", 7-Zip). :func:`unpack` takes the inbox's file list and returns it with every
such container replaced by the spreadsheets it holds, written to one temporary folder and
labelled ``桥西区.eml › 附件3.xlsx``. Each of them carries an :class:`Origin`: the container,
and for a mail its sender, subject and the time it arrived, which ``ingest`` takes as the time
received (so 迟报 is decided by the mail, not by the day the clerk got round to it).

Safety: a zip's directory is checked against the same limits as a workbook's (member count,
inflated size, compression ratio) before one byte is inflated; members are written only
into the temporary folder, under a name of our making; names with ``..`` or an absolute path
are refused. Whether a zip is an archive or a workbook is decided by its content.
"""

from __future__ import annotations

import datetime as dt
import email
import email.errors
import email.header
import email.message
import email.policy
import email.utils
import io
import re
import tempfile
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from zjkcollect.errors import ReadFailure
from zjkcollect.findings import make_finding
from zjkcollect.guard import CHUNK, LOCAL_HEADER, MAX_MEMBER_INFLATED, MAX_TOTAL_INFLATED, check_members
from zjkcollect.reader import OLE_MAGIC, ZIP_MAGIC
from zjkcollect.report import FileResult

SEPARATOR = " › "  # between a container's label and a member's name
SPREADSHEET_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".et", ".ett", ".ods", ".xltx", ".csv"})
SPREADSHEET_TYPES = frozenset(
    {
        "application/vnd.ms-excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel.sheet.macroenabled.12",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/kset",  # WPS 表格
    }
)
MAIL_SUFFIXES = frozenset({".eml"})
ARCHIVE_SUFFIXES = frozenset({".zip"})
CANDIDATE_SUFFIXES = SPREADSHEET_SUFFIXES | MAIL_SUFFIXES | ARCHIVE_SUFFIXES
MAX_DEPTH = 3  # a mail in a zip in a mail is real; deeper nesting is not worth following
MAX_MAIL_BYTES = MAX_TOTAL_INFLATED
# Mail clients label GBK text "gb2312" (or plain GBK); GB18030 reads all of them.
_GB_FAMILY = frozenset({"gb2312", "gbk", "cp936", "gb18030", "x-gbk", "euc-cn", "csgb2312", "gb_2312-80", "ms936"})
_HEADER_LINE = re.compile(rb"^[A-Za-z][A-Za-z0-9-]*:")
_MAIL_HEADERS = (b"received:", b"from:", b"date:", b"mime-version:", b"message-id:", b"subject:", b"return-path:")
_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}
)
_UNICODE_PATH_EXTRA = 0x7075  # Info-ZIP's UTF-8 name, written by 7-Zip and WinRAR beside a legacy name


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a file taken out of a container came from."""

    container: str  # the label of the outermost .eml or .zip in the inbox
    sender: str | None = None  # the mail's From address, when the file came by mail
    subject: str | None = None
    received_at: dt.datetime | None = None  # aware; the mail's first Received: date, else its Date:
    # The temporary folder the file was written to: it lives as long as something refers to it.
    keep: Any = field(default=None, compare=False, repr=False)

    @property
    def by_mail(self) -> bool:
        return self.sender is not None or self.subject is not None

    def describe(self) -> str | None:
        return describe_origin(self.sender, self.subject) if self.by_mail else None

    def local_time(self, timezone: dt.tzinfo) -> dt.datetime | None:
        """The time received in the campaign's local time, without a zone (as the ledger stores it)."""
        if self.received_at is None:
            return None
        return self.received_at.astimezone(timezone).replace(tzinfo=None, microsecond=0)

    def to_dict(self) -> dict[str, object]:
        return {
            "container": self.container,
            "sender": self.sender,
            "subject": self.subject,
            "received_at": self.received_at.isoformat() if self.received_at else None,
        }


def describe_origin(sender: str | None, subject: str | None) -> str | None:
    """The words shown beside a file that came by mail: "来自 qx@163.com，主题：桥西区附件3"."""
    parts = []
    if sender:
        parts.append(f"来自 {sender}")
    if subject:
        parts.append(f"主题：{subject}")
    return "，".join(parts) if parts else None


@dataclass(slots=True)
class Unpacked:
    """The inbox with its containers opened: files to check, where each came from, notes on containers."""

    files: list[tuple[Path, str]] = field(default_factory=list)
    origins: dict[Path, Origin] = field(default_factory=dict)
    notes: list[FileResult] = field(default_factory=list)  # containers with something to say, as verdicts
    folder: tempfile.TemporaryDirectory[str] | None = None

    def attach(self, results: Iterable[FileResult]) -> None:
        """Give each result its origin (which also keeps the temporary folder while the result lives)."""
        for result in results:
            origin = self.origins.get(result.path)
            if origin is not None:
                result.origin = origin


def unpack(files: Iterable[tuple[Path, str]]) -> Unpacked:
    """``files`` with every mail and zip archive replaced by the spreadsheets inside, in the order given."""
    unpacker = _Unpacker()
    for path, label in files:
        kind = container_kind(path)
        if kind is None:
            unpacker.result.files.append((path, label))
            continue
        unpacker.top = label
        try:
            size = path.stat().st_size
            if size > MAX_MAIL_BYTES:
                raise ReadFailure("file-too-large", reason=f"文件达 {size // (1024 * 1024)} MB")
            data = path.read_bytes()
        except OSError:
            unpacker.result.files.append((path, label))  # the reader turns it into "file-unreadable"
            continue
        except ReadFailure as failure:
            unpacker.note(path, label, failure.rule, **failure.context)
            continue
        if kind == "mail":
            unpacker.mail(path, label, data, depth=0, inherited=None)
        else:
            unpacker.archive(path, label, data, depth=0, origin=Origin(label))  # no mail: no sender, no time
    return unpacker.result


def container_kind(path: Path) -> str | None:
    """What an inbox file holds: "mail", "archive" or None, by content (the suffix only for mails)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8192)
    except OSError:
        return None
    if head.startswith(ZIP_MAGIC):
        if _first_member(head) in _OFFICE_FIRST_MEMBERS:
            return None  # a workbook or document as Office and ODF write it: no need to read its directory
        return "archive" if _is_archive_file(path) else None
    if path.suffix.lower() in MAIL_SUFFIXES or _looks_like_mail(head):
        return "mail"
    return None


# What Office (Excel, WPS) and OpenDocument files store first; the zip's central directory decides
# for anything else.
_OFFICE_FIRST_MEMBERS = frozenset(
    {b"[Content_Types].xml", b"mimetype", b"_rels/.rels", b"docProps/app.xml", b"docProps/core.xml"}
)


def _first_member(head: bytes) -> bytes | None:
    """The name in a zip's first local file header, if the head holds it."""
    if len(head) < LOCAL_HEADER.size:
        return None
    _, _, length, _ = LOCAL_HEADER.unpack_from(head)
    end = LOCAL_HEADER.size + length
    return head[LOCAL_HEADER.size : end] if len(head) >= end else None


def _is_archive_file(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as archive:
            return _is_plain_archive(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # a damaged zip: the reader says what is wrong with it


def _is_plain_archive(names: list[str]) -> bool:
    """A zip that is not an Office/OpenDocument file: workbooks and documents are zips too."""
    return "[Content_Types].xml" not in names and "mimetype" not in names


def _looks_like_mail(head: bytes) -> bool:
    """RFC 5322 headers up to the first blank line, among them From: and one more mail header."""
    block = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    lines = [line for line in block.splitlines() if line and not line[:1].isspace()]
    if not lines or not all(_HEADER_LINE.match(line) for line in lines):
        return False
    names = {line.split(b":", 1)[0].lower() + b":" for line in lines}
    return b"from:" in names and len(names & set(_MAIL_HEADERS)) >= 2


class _Unpacker:
    def __init__(self) -> None:
        self.result = Unpacked()
        self.count = 0
        self.top = ""  # the label of the inbox file being opened: every origin names it

    @property
    def folder(self) -> Path:
        if self.result.folder is None:
            self.result.folder = tempfile.TemporaryDirectory(prefix="zjkcollect-")
        return Path(self.result.folder.name)

    def note(self, path: Path, label: str, rule: str, value: object = None, **context: object) -> None:
        result = FileResult(path=path, label=label, skipped=True)
        result.findings.append(make_finding(rule, file=label, value=value, **context))
        self.result.notes.append(result)

    def keep(self, origin: Origin, path: Path, label: str) -> None:
        bound = Origin(origin.container, origin.sender, origin.subject, origin.received_at, self.result.folder)
        self.result.files.append((path, label))
        self.result.origins[path] = bound

    def write(self, name: str, data: bytes) -> Path:
        """A new file in the temporary folder, in a folder of its own, under a safe form of ``name``."""
        self.count += 1
        target = self.folder / f"{self.count:04d}" / _safe_file_name(name, self.count)
        target.parent.mkdir()
        target.write_bytes(data)
        return target

    # --- mails ----------------------------------------------------------------------------------

    def mail(self, path: Path, label: str, data: bytes, depth: int, inherited: Origin | None) -> int:
        """Take the spreadsheets out of one message; returns how many. A forwarded message's
        attachments arrived with the mail that forwarded it (``inherited``)."""
        try:
            message = email.message_from_bytes(data, policy=email.policy.default)
            origin = inherited or _mail_origin(message, self.top)
            found = self._parts(path, label, message, depth, origin, set())
        except (RecursionError, ValueError, TypeError, LookupError, IndexError) as exc:
            self.note(path, label, "file-unreadable", reason=f"邮件格式无法解析（{type(exc).__name__}）")
            return 0
        if found == 0 and inherited is None:
            self.note(
                path,
                label,
                "mail-no-spreadsheet",
                sender=origin.sender or "未知发件人",
                subject=origin.subject or "（无主题）",
            )
        return found

    def _parts(
        self, path: Path, label: str, message: email.message.EmailMessage, depth: int, origin: Origin, used: set[str]
    ) -> int:
        found = 0
        for part in message.walk():  # walk() also enters forwarded messages (message/rfc822)
            if part.is_multipart():
                continue
            name = attachment_name(part)
            content_type = part.get_content_type()
            if name is None and content_type not in SPREADSHEET_TYPES:
                continue  # the body, inline pictures
            payload = part.get_payload(decode=True)
            if not isinstance(payload, bytes) or not payload:
                continue
            shown = name or f"附件{found + 1}"
            member_label = _unique(f"{label}{SEPARATOR}{shown}", used)
            found += self._take(
                path, member_label, shown, classify(shown, content_type, payload), payload, depth, origin
            )
        return found

    def _take(
        self, path: Path, label: str, name: str, kind: str | None, data: bytes, depth: int, origin: Origin
    ) -> int:
        """One attachment or member: a spreadsheet is kept; a mail or zip is opened in turn."""
        if kind == "sheet":
            self.keep(origin, self.write(name, data), label)
            return 1
        if depth >= MAX_DEPTH and kind in {"mail", "archive"}:
            self.note(path, label, "file-too-large", reason=f"邮件和压缩包嵌套超过 {MAX_DEPTH} 层")
            return 0
        if kind == "mail":
            # an attached .eml arrived with the mail it is attached to; one in a zip has its own time
            return self.mail(path, label, data, depth + 1, origin if origin.by_mail else None)
        if kind == "archive":
            return self.archive(path, label, data, depth + 1, origin)
        return 0

    # --- archives -------------------------------------------------------------------------------

    def archive(self, path: Path, label: str, data: bytes, depth: int, origin: Origin) -> int:
        """Take the spreadsheets (and mails) out of a zip; returns how many spreadsheets."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = archive.infolist()
                names = {index: member_name(member) for index, member in enumerate(members)}
                check_members(members, names)  # before anything is inflated
                found = self._members(path, label, archive, members, names, depth, origin)
        except ReadFailure as failure:
            self.note(path, label, failure.rule, **failure.context)
            return 0
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error) as exc:
            self.note(path, label, "file-unreadable", reason=f"压缩包已损坏（{type(exc).__name__}）")
            return 0
        if found == 0 and depth == 0:
            self.note(path, label, "not-spreadsheet", what="压缩包，其中没有电子表格或邮件")
        return found

    def _members(
        self,
        path: Path,
        label: str,
        archive: zipfile.ZipFile,
        members: list[zipfile.ZipInfo],
        names: dict[int, str],
        depth: int,
        origin: Origin,
    ) -> int:
        found = 0
        used: set[str] = set()
        for index, member in enumerate(members):
            name = names[index]
            if member.is_dir() or name.endswith(("/", "\\")):
                continue
            if not is_safe_member_name(name):
                self.note(path, label, "archive-unsafe-name", value=name)
                continue
            parts = PurePosixPath(name.replace("\\", "/")).parts
            if any(part.startswith(".") or part == "__MACOSX" for part in parts):
                continue  # hidden files and macOS resource forks, as hidden files in folders are skipped
            member_label = _unique(f"{label}{SEPARATOR}{'/'.join(parts)}", used)
            suffix = PurePosixPath(parts[-1]).suffix.lower()
            if suffix and suffix not in CANDIDATE_SUFFIXES:
                continue  # a .pdf or .docx beside the returns: not ours to read
            if member.flag_bits & 0x1:
                self.note(path, member_label, "file-encrypted")
                continue
            try:
                data = _inflate(archive, member, name)
            except ReadFailure as failure:  # this member lied about its size: refuse it, keep the others
                self.note(path, member_label, failure.rule, **failure.context)
                continue
            found += self._take(path, member_label, parts[-1], classify(parts[-1], "", data), data, depth, origin)
        return found


def _mail_origin(message: email.message.EmailMessage, container: str) -> Origin:
    raw = _raw_headers(message)
    return Origin(
        container=container,
        sender=_sender(raw.get("from")),
        subject=decode_header_text(raw["subject"]) if raw.get("subject") else None,
        received_at=received_time(message),
    )


def _raw_headers(message: email.message.Message) -> dict[str, str]:
    """The first of each header as it stands in the file (the policy's decoding is redone below)."""
    found: dict[str, str] = {}
    for name, value in message.raw_items():
        found.setdefault(name.lower(), str(value))
    return found


def _sender(raw: str | None) -> str | None:
    if not raw:
        return None
    _name, address = email.utils.parseaddr(decode_header_text(raw))
    return address or decode_header_text(raw).strip() or None


def received_time(message: email.message.Message) -> dt.datetime | None:
    """The date of the first (topmost, the receiving server's) Received: header, else Date:; aware."""
    for value in message.get_all("received", []) or []:
        stamp = _parse_date(str(value).rpartition(";")[2])
        if stamp is not None:
            return stamp
        break  # "first Received" only: an older hop's time is the sender's side, not arrival
    value = message.get("date")
    return _parse_date(str(value)) if value is not None else None


def _parse_date(text: str) -> dt.datetime | None:
    text = re.sub(r"\([^)]*\)", " ", text).strip()
    if not text:
        return None
    try:
        stamp = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    # "-0000" means the time is in UTC with nothing known of the sender's zone
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.UTC)


# --- names -------------------------------------------------------------------------------------------


def _decode_bytes(data: bytes, charset: str | None) -> str:
    """Text in a declared charset; GBK-family labels read as GB18030; undeclared: UTF-8, then GB18030."""
    label = (charset or "").strip().lower()
    candidates = ["gb18030"] if label in _GB_FAMILY else ([label] if label and label != "unknown-8bit" else [])
    candidates += ["utf-8", "gb18030"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("gb18030", errors="replace")


def _raw_bytes(text: str) -> bytes | None:
    """Bytes a parser kept as surrogate escapes (8-bit text in a header), or None for clean text."""
    if not any("\udc80" <= char <= "\udcff" for char in text):
        return None
    return text.encode("utf-8", errors="surrogateescape")


def decode_header_text(raw: str) -> str:
    """A header value: RFC 2047 encoded words (any charset) and raw 8-bit GBK or UTF-8 alike."""
    data = _raw_bytes(raw)
    if data is not None:
        raw = _decode_bytes(data, None)
    try:
        pieces = email.header.decode_header(raw)
    except (email.errors.HeaderParseError, ValueError):
        return raw
    text = "".join(_decode_bytes(piece, charset) if isinstance(piece, bytes) else piece for piece, charset in pieces)
    return re.sub(r"\s*\n\s*", " ", text).strip()


def attachment_name(part: email.message.Message) -> str | None:
    """The part's file name: RFC 2231 (``filename*=gbk''…``), RFC 2047 (``=?GB18030?B?…?=``) or raw 8-bit."""
    raw = _raw_headers(part)
    for header, parameter in (("content-disposition", "filename"), ("content-type", "name")):
        value = raw.get(header)
        if value is None:
            continue
        data = _raw_bytes(value)
        if data is not None:
            value = _decode_bytes(data, None)
        holder = email.message.Message()  # the compat32 parser keeps RFC 2231 values as bytes + charset
        holder[header] = value
        found = holder.get_param(parameter, header=header)
        if isinstance(found, tuple):
            charset, _language, text = found
            name = _decode_bytes(text.encode("latin-1", errors="replace"), charset)
        elif isinstance(found, str) and found:
            name = decode_header_text(email.utils.unquote(found))
        else:
            continue
        name = PurePosixPath(name.replace("\\", "/")).name.strip()
        if name:
            return name
    return None


def member_name(member: zipfile.ZipInfo) -> str:
    """A member's name: UTF-8 when flagged (or given in Info-ZIP's UTF-8 extra field), else GBK/CP936."""
    if member.flag_bits & 0x800:
        return member.filename
    raw = member.filename.encode("cp437")  # how zipfile decoded the stored bytes; this undoes it
    unicode_name = _unicode_path_extra(member.extra, raw)
    if unicode_name is not None:
        return unicode_name
    try:
        text = raw.decode("utf-8")
        # Pure ASCII is the same either way; UTF-8 that decodes is almost never GBK by accident.
        return text
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return member.filename


def _unicode_path_extra(extra: bytes, raw: bytes) -> str | None:
    offset = 0
    while offset + 4 <= len(extra):
        kind = int.from_bytes(extra[offset : offset + 2], "little")
        size = int.from_bytes(extra[offset + 2 : offset + 4], "little")
        body = extra[offset + 4 : offset + 4 + size]
        # the CRC says the UTF-8 name still describes the legacy one beside it
        if kind == _UNICODE_PATH_EXTRA and len(body) > 5 and body[0] == 1 and _crc_matches(body, raw):
            try:
                return body[5:].decode("utf-8")
            except UnicodeDecodeError:
                return None
        offset += 4 + size
    return None


def _crc_matches(body: bytes, raw: bytes) -> bool:
    return int.from_bytes(body[1:5], "little") == zlib.crc32(raw)


def is_safe_member_name(name: str) -> bool:
    """No ``..`` part, no absolute path (``/x``, ``\\x``, ``C:x``), no NUL."""
    if "\x00" in name:
        return False
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        return False
    return ".." not in unified.split("/")


def _safe_file_name(name: str, number: int) -> str:
    """A file name every file system accepts, keeping the suffix the reader looks at (.et, .xls)."""
    base = PurePosixPath(name.replace("\\", "/")).name
    cleaned = _UNSAFE_CHARS.sub("_", base).strip().rstrip(". ")
    stem, dot, suffix = cleaned.rpartition(".")
    if not cleaned or (not stem and dot) or stem.lower() in _WINDOWS_DEVICES or cleaned.lower() in _WINDOWS_DEVICES:
        cleaned = f"附件{number}" + (f".{suffix}" if dot else "")
    while len(cleaned.encode("utf-8")) > 200:  # leave room under the 255-byte limit
        stem, dot, suffix = cleaned.rpartition(".")
        cleaned = f"{stem[:-1]}.{suffix}" if dot and stem else cleaned[:-1]
    return cleaned


def _unique(label: str, used: set[str]) -> str:
    candidate, number = label, 2
    while candidate in used:
        candidate = f"{label}（{number}）"
        number += 1
    used.add(candidate)
    return candidate


def _names_or_empty(data: bytes) -> list[str]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError):
        return ["[Content_Types].xml"]  # not an archive we can open: leave it to the reader


def classify(name: str, content_type: str, data: bytes) -> str | None:
    """What an attachment is: "sheet", "mail", "archive" or None (a .pdf, a picture, the body text).

    The content decides first, as for files in the inbox (a zip is an archive when it is not an
    Office or OpenDocument file); then a spreadsheet's name or type is trusted, so that a broken
    one still gets its verdict from the reader.
    """
    suffix = PurePosixPath(name).suffix.lower()
    if data.startswith(ZIP_MAGIC) and _is_plain_archive(_names_or_empty(data)):
        return "archive"  # also a zip renamed .xlsx: what the inbox walk would make of it too
    if suffix in MAIL_SUFFIXES or content_type == "message/rfc822" or _looks_like_mail(data[:8192]):
        return "mail"
    if suffix in SPREADSHEET_SUFFIXES or content_type in SPREADSHEET_TYPES:
        return "sheet"
    if not suffix and data.startswith((ZIP_MAGIC, OLE_MAGIC)):
        return "sheet"
    return None


def _inflate(archive: zipfile.ZipFile, member: zipfile.ZipInfo, name: str) -> bytes:
    """A member's bytes, stopping as soon as it grows past what the directory declared."""
    limit = min(member.file_size, MAX_MEMBER_INFLATED)
    buffer = bytearray()
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            buffer += chunk
            if len(buffer) > limit:
                raise ReadFailure("file-too-large", reason=f"部件 {name} 解压后超出声明大小")
    return bytes(buffer)
