"""Seeded mutations of real returns, the way broken mail attachments and half-saved files look.

Each mutation takes a file's bytes and a ``random.Random`` and returns damaged bytes:
truncated, bytes flipped, a zip member's compressed stream damaged, a member missing,
an XML part garbled (cut short, junk inserted, tags unbalanced). Only the standard
library is used so the damage is exactly what is written here, not what a writer repairs.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

Mutation = Callable[[bytes, random.Random], bytes]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, max(2, len(data)))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 12)):
        position = rng.randrange(len(damaged))
        damaged[position] ^= 1 << rng.randrange(8)
    return bytes(damaged)


def _members(data: bytes) -> list[zipfile.ZipInfo] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return archive.infolist()
    except zipfile.BadZipFile:
        return None


def damage_member(data: bytes, rng: random.Random) -> bytes:
    """Overwrite a stretch of one member's compressed stream: its inflate or its CRC fails."""
    members = [m for m in _members(data) or [] if m.compress_size > 4]
    if not members:
        return flip_bytes(data, rng)
    member = rng.choice(members)
    name_length, extra_length = struct.unpack("<HH", data[member.header_offset + 26 : member.header_offset + 30])
    start = member.header_offset + 30 + name_length + extra_length
    damaged = bytearray(data)
    offset = start + rng.randrange(member.compress_size)
    for position in range(offset, min(offset + rng.randint(1, 16), start + member.compress_size)):
        damaged[position] = rng.randrange(256)
    return bytes(damaged)


def _rewrite(data: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """Copy a zip member by member; ``edit`` returns new bytes, or None to drop the member."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = edit(info.filename, source.read(info.filename))
            if content is not None:
                target.writestr(info.filename, content)
    return buffer.getvalue()


def drop_member(data: bytes, rng: random.Random) -> bytes:
    members = _members(data)
    if not members:
        return truncate(data, rng)
    victim = rng.choice(members).filename
    return _rewrite(data, lambda name, content: None if name == victim else content)


def _garble(content: bytes, rng: random.Random) -> bytes:
    choice = rng.randrange(4)
    position = rng.randrange(max(1, len(content)))
    if choice == 0:
        return content[:position]  # cut short
    if choice == 1:
        return content[:position] + rng.choice([b"<", b"&", b"]]>", b"<x", b"\x00", b"\xff\xfe"]) + content[position:]
    if choice == 2:
        return content.replace(b"</", b"<", rng.randint(1, 3))  # unbalanced tags
    return content[:position] + bytes(rng.randrange(256) for _ in range(rng.randint(1, 40))) + content[position:]


def garble_xml(data: bytes, rng: random.Random) -> bytes:
    """Rewrite one XML part so it no longer parses (the zip itself stays sound)."""
    members = [m.filename for m in _members(data) or [] if m.filename.endswith((".xml", ".rels"))]
    if not members:
        return flip_bytes(data, rng)
    victim = rng.choice(members)
    return _rewrite(data, lambda name, content: _garble(content, rng) if name == victim else content)


ZIP_MUTATIONS: tuple[Mutation, ...] = (truncate, flip_bytes, damage_member, drop_member, garble_xml)
BYTE_MUTATIONS: tuple[Mutation, ...] = (truncate, flip_bytes)


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One seeded mutation fit for the container: (its name, the damaged bytes)."""
    mutations = ZIP_MUTATIONS if data.startswith(b"PK\x03\x04") else BYTE_MUTATIONS
    mutation = rng.choice(mutations)
    return mutation.__name__, mutation(data, rng)


def mutated_folder(source: Path, target: Path, rng: random.Random) -> dict[Path, str]:
    """Every file under ``source`` once, mutated, at the same place under ``target``; path → mutation."""
    written: dict[Path, str] = {}
    for path in sorted(item for item in source.rglob("*") if item.is_file()):
        name, damaged = mutate(path.read_bytes(), rng)
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(damaged)
        written[copy] = name
    return written
