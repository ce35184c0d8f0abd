"""E-mails and zip archives built byte by byte, as mail clients and Chinese Windows write them.

The encodings are spelled out rather than left to the standard library's writers, which
would pick UTF-8 everywhere: 163 mail and Foxmail name attachments in GBK (RFC 2231),
Outlook in GB18030 or GB2312 encoded words (RFC 2047), and Windows' "发送到压缩文件" stores
member names in GBK without the UTF-8 flag.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    style: str = "rfc2231-gbk"  # or "rfc2047-gb18030", "rfc2231-utf8", "raw-gbk"
    content_type: str = "application/octet-stream"


def _b64(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def encoded_word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def _name_headers(attachment: Attachment) -> str:
    name = attachment.name
    if attachment.style == "rfc2231-gbk":
        return (
            f"Content-Type: {attachment.content_type}\r\n"
            f"Content-Disposition: attachment;\r\n filename*=gbk''{quote(name.encode('gbk'))}\r\n"
        )
    if attachment.style == "rfc2231-utf8":
        return (
            f"Content-Type: {attachment.content_type}\r\n"
            f"Content-Disposition: attachment; filename*=UTF-8''{quote(name.encode('utf-8'))}\r\n"
        )
    if attachment.style == "rfc2047-gb18030":
        word = encoded_word(name, "gb18030")
        return (
            f'Content-Type: {attachment.content_type}; name="{word}"\r\n'
            f'Content-Disposition: attachment; filename="{word}"\r\n'
        )
    raise ValueError(attachment.style)


def _part(attachment: Attachment) -> bytes:
    if attachment.style == "raw-gbk":  # 8-bit GBK straight in the header, as old clients do
        head = b'Content-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="'
        head += attachment.name.encode("gbk") + b'"\r\n'
    else:
        head = _name_headers(attachment).encode("ascii")
    return head + b"Content-Transfer-Encoding: base64\r\n\r\n" + _b64(attachment.data).encode("ascii") + b"\r\n"


def eml(
    sender: str,
    subject: str,
    sent: dt.datetime,
    attachments: list[Attachment] = (),  # type: ignore[assignment]
    received: dt.datetime | None = None,
    forwarded: bytes | None = None,
    body: str = "您好，附件是本单位本周的报表，请查收。",
) -> bytes:
    """One message: a text body, the attachments, and a forwarded message (message/rfc822) if given."""
    boundary = "----=_Part_zjk_0001"
    headers = []
    if received is not None:
        headers.append(
            f"Received: from mail.example.cn (unknown [10.0.0.1])\r\n\tby zjkszywb.163.com with SMTP;"
            f" {email.utils.format_datetime(received)}"
        )
        headers.append(f"Received: from [192.168.1.5] by mail.example.cn; {email.utils.format_datetime(sent)}")
    headers += [
        f"From: {encoded_word('报送员', 'gb2312')} <{sender}>",
        "To: zjkszywb@163.com",
        f"Subject: {encoded_word(subject, 'gbk')}",
        f"Date: {email.utils.format_datetime(sent)}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
    ]
    parts = [
        b"Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64(body.encode("gbk")).encode("ascii")
        + b"\r\n"
    ]
    parts += [_part(attachment) for attachment in attachments]
    if forwarded is not None:
        parts.append(b"Content-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n" + forwarded + b"\r\n")
    out = "\r\n".join(headers).encode("ascii") + b"\r\n\r\n"
    for part in parts:
        out += f"--{boundary}\r\n".encode("ascii") + part
    return out + f"--{boundary}--\r\n".encode("ascii")


class _LegacyName(zipfile.ZipInfo):
    """A member whose name is stored in GBK without the UTF-8 flag, as Windows' built-in zip writes it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own hook, named by it
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def write_zip(path: Path, members: list[tuple[str, bytes]], legacy_names: bool = True) -> Path:
    """A zip of ``members`` (name → bytes); names in GBK without the UTF-8 flag unless ``legacy_names`` is False."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = _LegacyName(name) if legacy_names else zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.date_time = (2025, 7, 3, 10, 0, 0)
            archive.writestr(info, data)
    return path
