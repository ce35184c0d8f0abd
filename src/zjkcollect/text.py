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
    if text.isprintable() and unicodedata.is_normalized("NFKC", text):
        # The usual cell: nothing to strip, and its only whitespace is the ASCII space (every
        # other space character is not printable), so splitting on spaces is the whole job.
        return " ".join(text.split())
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


# Pairs a reporter wraps a choice in (after NFKC: full-width brackets are already ASCII).
_WRAPPERS = {"“": "”", "‘": "’", '"': '"', "'": "'", "《": "》", "【": "】", "「": "」", "『": "』", "(": ")", "[": "]"}
# Separators and full stops left at either end of a choice ("工业制造、", "工业制造。").
_LOOSE_ENDS = "、,;/|｜。.:：!！"


def undecorate(key: str, label: str) -> str:
    """A choice (already in `normalize_name` form) without what reporters add around it.

    Removes punctuation left at either end, wrapping quotes or brackets and a trailing label
    such as 赛道 (``“工业制造”赛道`` → ``工业制造``). Only called when the plain form did not match.
    """
    previous = None
    while key != previous:
        previous = key
        key = key.strip(_LOOSE_ENDS)
        if key.endswith(label) and len(key) > len(label):
            key = key[: -len(label)]
        if len(key) > 2 and _WRAPPERS.get(key[0]) == key[-1]:
            key = key[1:-1]
    return key


# What reporters write in a 是/否 cell instead of the word: True means 是, False means 否.
# Compared case-folded and without spaces or a final full stop.
_YES_NO_MARKS: dict[str, bool] = {
    **dict.fromkeys(("√", "✓", "✔", "☑", "🗸", "y", "yes", "true", "ok", "是的", "对", "对的", "有", "已"), True),
    **dict.fromkeys(
        ("×", "✗", "✘", "✕", "☒", "x", "n", "no", "false", "否的", "不是", "不", "错", "无", "没有", "未"), False
    ),
}


def yes_no_meaning(text: str) -> bool | None:
    """Whether a 是/否 cell's mark most likely means yes (True) or no (False); None when unclear."""
    return _YES_NO_MARKS.get(normalize_name(text).casefold().rstrip("。.!！"))


# Chinese weekday names by date.weekday() (Monday 0): 周一 … 周日, or 星期一 … 星期日.
_WEEKDAY_NUMERALS = "一二三四五六日"


def weekday_name(weekday: int, long: bool = False) -> str:
    """The Chinese name of a weekday (``date.weekday()``): 周一 …, or 星期一 … when ``long``."""
    return ("星期" if long else "周") + _WEEKDAY_NUMERALS[weekday]
