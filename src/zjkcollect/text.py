"""Text normalisation and near-match suggestions shared by the reader and the rules."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

_WHITESPACE = re.compile(r"\s+")
# Zero-width and bidi controls that survive NFKC and make two equal-looking names differ.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_REQUIRED_NOTE = re.compile(r"[(（\[【]?(必填|选填|必填项|可选)[)）\]】]?")
# Separators reporters use between two choices in one cell.
LIST_SEPARATORS = re.compile(r"[、,，;；/／\n\r|｜]+|\s+和\s+")


def strip_invisible(text: str) -> tuple[str, bool]:
    """Remove zero-width and control characters; say whether any were there."""
    if text.isprintable():
        return text, False  # the common case: nothing to strip (zero-width marks are not printable)
    cleaned = _CONTROL.sub("", _INVISIBLE.sub("", text))
    return cleaned, cleaned != text


# Reporters repeat the same few values (unit types, tracks, headers) in every file: cache them.
@lru_cache(maxsize=65536)
def normalize_text(text: str) -> str:
    """NFKC, trimmed, inner whitespace collapsed to one space: the form rules compare."""
    cleaned, _ = strip_invisible(unicodedata.normalize("NFKC", text))
    return _WHITESPACE.sub(" ", cleaned).strip()


@lru_cache(maxsize=65536)
def normalize_name(text: str) -> str:
    """A unit or project name for matching: normalised, with all whitespace removed."""
    return _WHITESPACE.sub("", normalize_text(text))


@lru_cache(maxsize=8192)
def normalize_header(text: str) -> str:
    """A column header for matching: normalised, without spaces, stars or 必填/选填 notes."""
    header = normalize_name(text)
    header = _REQUIRED_NOTE.sub("", header)
    return header.strip("*＊:：")


def split_choices(text: str) -> list[str]:
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


def closest(value: str, choices: list[str], cutoff: float = 0.5) -> str | None:
    """The choice a reporter most likely meant, or None when nothing is near."""
    if not value or not choices:
        return None
    for choice in choices:
        if value in choice or choice in value:
            return choice
    matches = difflib.get_close_matches(value, choices, n=1, cutoff=cutoff)
    return matches[0] if matches else None
