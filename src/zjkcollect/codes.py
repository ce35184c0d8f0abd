"""Checks and parsers for the coded cells: credit codes, phones, dates and e-mail addresses.

Everything here is pure: a value as a spreadsheet reader returned it goes in, a normalised
form (or a named problem) comes out. Messages live in `rules.RULES`; a `CodeProblem` only
carries the rule id and the template arguments so the wording stays in one place.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberType

__all__ = [
    "CN_MOBILE",
    "ORG_ALPHABET",
    "ORG_CHECK_CHARS",
    "ORG_WEIGHTS",
    "USCC_ALPHABET",
    "USCC_WEIGHTS",
    "CodeProblem",
    "DateReading",
    "check_characters_right",
    "check_credit_code",
    "credit_code_division",
    "credit_code_shapes",
    "is_valid_credit_code",
    "org_code_check_char",
    "parse_date",
    "parse_email",
    "parse_phone",
    "read_date",
    "uscc_check_char",
]


@dataclass(frozen=True, slots=True)
class CodeProblem:
    rule: str
    context: dict[str, str]


# GB 32100-2015 leaves out I, O, S, V, Z because they are easily misread as 1, 0, 5, U, 2.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {char: index for index, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
# GB 11714 body characters in value order: int(char, 36) is the position (0-9, A=10 … Z=35).
ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_BODY = frozenset(ORG_ALPHABET)
_USCC_CHARS = frozenset(USCC_ALPHABET)
# The GB 11714 check character for each value of (11 - weighted sum mod 11) mod 11. Real check
# characters are only these; anything else in position 17 means the code was not built from an
# organisation code, so that check does not apply.
ORG_CHECK_CHARS = "0123456789X"
_ORG_CHECK = frozenset(ORG_CHECK_CHARS)

# Whitespace (including the ideographic space NFKC turns into U+0020) and the zero-width /
# bidi marks that survive NFKC when a code is pasted from a web page or a PDF.
_CODE_JUNK = re.compile("[\\s\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]+")
# What the reporter cannot see in the cell: zero-width and bidi marks and control characters
# other than tab and line breaks. They are dropped (the row check warns about them); a visible
# space inside the code is the reporter's to fix.
_CODE_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff\u00ad]+"
)
_INNER_SPACE = re.compile(r"\s+")
# What Excel (or str(float)) shows once a long digit string became a number.
_NUMBER_TEXT = re.compile(r"^[+-]?\d+(?:\.\d*)?(?:E[+-]?\d+)?$")


def uscc_check_char(first17: str) -> str:
    """The GB 32100-2015 check character (position 18) for the first 17 characters."""
    if len(first17) != 17 or not _USCC_CHARS.issuperset(first17):
        raise ValueError(f"need 17 characters from {USCC_ALPHABET}, got {first17!r}")
    return _uscc_check(first17)


# The weights are 3**i mod 31 and 34 = 3 (mod 31), so the weighted sum mod 31 is the 17 values,
# last first, read as one base-34 number (each value, at most 30, is a base-34 digit): int() does
# the whole sum in C. _TO_BASE34 turns each character into the digit of its value.
_BASE34_DIGITS = "0123456789abcdefghijklmnopqrstuvwx"
_TO_BASE34 = str.maketrans(USCC_ALPHABET, _BASE34_DIGITS[: len(USCC_ALPHABET)])
# The organisation-code weights are 3 * 6**i mod 11 and 28 = 6 (mod 11): the same, with each
# value taken mod 11 first (a base-28 digit).
_TO_BASE28 = str.maketrans(ORG_ALPHABET, "".join(_BASE34_DIGITS[value % 11] for value in range(len(ORG_ALPHABET))))


def _uscc_check(first17: str) -> str:
    """The check character of 17 characters already known to be from the alphabet."""
    total = int(first17[::-1].translate(_TO_BASE34), 34)
    return USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the first eight characters of an organisation code."""
    if len(first8) != 8 or not _ORG_BODY.issuperset(first8):
        raise ValueError(f"need 8 characters from 0-9/A-Z, got {first8!r}")
    return _org_check(first8)


def _org_check(first8: str) -> str:
    """The check character of eight characters already known to be from 0-9/A-Z."""
    total = 3 * int(first8[::-1].translate(_TO_BASE28), 28)
    # 11 - total % 11 runs 1..11; 10 is written X and 11 is written 0.
    return ORG_CHECK_CHARS[(11 - total % 11) % 11]


def _excel_number_text(number: float) -> str:
    """The number the way Excel's General format shows it: 15 significant digits at most."""
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    mantissa, exponent = f"{number:.14E}".split("E")
    mantissa = mantissa.rstrip("0").rstrip(".")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}E{sign}{int(exponent.lstrip('+-')):02d}"


def _normalise_code(text: str) -> str:
    return _CODE_JUNK.sub("", unicodedata.normalize("NFKC", text)).upper()


def _inner_space(raw: str) -> tuple[str, list[str]]:
    """The code without whitespace, and after which character each inner run of whitespace sits.

    Spaces around the code are harmless and dropped; a space inside is often a digit typed as a
    space or two codes run together, so it is named rather than silently closed up.
    """
    text = _CODE_INVISIBLE.sub("", unicodedata.normalize("NFKC", raw)).strip()
    after: list[str] = []
    kept = 0
    pieces: list[str] = []
    for piece in _INNER_SPACE.split(text):
        if pieces:
            after.append(str(kept))
        pieces.append(piece)
        kept += len(piece)
    return "".join(pieces).upper(), after


def check_credit_code(value: object) -> tuple[str, CodeProblem | None]:
    """Normalise a 统一社会信用代码 cell and name the first check it fails, if any.

    Checks run in the order a reporter can fix them: length, characters, the embedded
    organisation code's own check, then the code's final check character.
    """
    # pandas hands back NaN for an empty cell; that is a missing code, not a mangled one.
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", CodeProblem("uscc-length", {"length": "0"})
    # bool is an int subclass, but TRUE/FALSE is garbage text, not a code Excel turned numeric.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value), CodeProblem("uscc-as-number", {})
    if isinstance(value, float):
        text = _excel_number_text(value) if math.isfinite(value) else str(value)
        return text, CodeProblem("uscc-as-number", {})

    raw = value if isinstance(value, str) else str(value)
    if raw.isascii() and raw.isalnum():
        text = raw.upper()  # the usual cell: nothing to normalise, so skip NFKC and the regexes
    else:
        text, after = _inner_space(raw)
        if after:
            return text, CodeProblem("uscc-inner-space", {"after": "、".join(after)})
    # An 18-character alphanumeric string such as 1234567890E1234567 also matches the number
    # pattern, but it is a plausible code; only text with a point or sign is Excel's doing.
    if ("." in text or "E" in text) and _NUMBER_TEXT.match(text) and not (len(text) == 18 and text.isalnum()):
        return text, CodeProblem("uscc-as-number", {})

    if len(text) != 18:
        return text, CodeProblem("uscc-length", {"length": str(len(text))})

    if not _USCC_CHARS.issuperset(text):
        bad = "".join(dict.fromkeys(char for char in text if char not in _USCC_VALUE))
        return text, CodeProblem("uscc-charset", {"chars": bad})

    org_body, org_check = text[8:16], text[16]
    if org_check in _ORG_CHECK and _ORG_BODY.issuperset(org_body):
        expected_org = _org_check(org_body)
        if org_check != expected_org:
            return text, CodeProblem("uscc-org-checksum", {"expected": expected_org})

    expected = _uscc_check(text[:17])
    if text[17] != expected:
        return text, CodeProblem("uscc-checksum", {"expected": expected})
    return text, None


_USCC_SHAPE = re.compile(f"[{USCC_ALPHABET}]{{18}}")


def is_valid_credit_code(value: object) -> bool:
    """Whether ``value`` is a code :func:`check_credit_code` passes unchanged: the usual cell, checked fast.

    18 characters of the alphabet, upper case, both check characters right (the organisation
    code's where it applies, as check_credit_code decides that).
    """
    if type(value) is not str or len(value) != 18 or not _USCC_SHAPE.fullmatch(value):
        return False
    return check_characters_right(value)


def check_characters_right(code: str) -> bool:
    """Both check characters of a code of the shape is_valid_credit_code reads (18 of the alphabet).

    The organisation code's where it applies (its check character is one of its own), then the code's.
    """
    org_check = code[16]  # the body, code[8:16], is 0-9/A-Z already
    if org_check in _ORG_CHECK and org_check != _org_check(code[8:16]):
        return False
    return code[17] == _uscc_check(code[:17])


def credit_code_shapes(cells: list[object]) -> bool:
    """Whether every cell is text of 18 characters of the alphabet (C loops over the column)."""
    return set(map(type, cells)) == {str} and all(map(_USCC_SHAPE.fullmatch, cells))  # type: ignore[arg-type]


def credit_code_division(code: str) -> str:
    """Positions 3-8: the administrative division where the unit is registered (the campaign file says which prefix is its city)."""
    return _normalise_code(code)[2:8]


# --- phones ---------------------------------------------------------------------------------

# Punctuation people put inside phone numbers; anything else (letters, 转, a second number
# after a slash) makes the cell ambiguous, so it is refused rather than guessed at.
_PHONE_SEPARATORS = re.compile(r"[\s\-()\u2010-\u2015\u2212]+")
_PHONE_TEXT = re.compile(r"^\+?\d+$")
_INTEGRAL_TEXT = re.compile(r"^(\d+)\.0*$")
_MOBILE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_LANDLINE_TYPES = frozenset({PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE})
_PHONE_KINDS = frozenset({"any", "mobile", "landline"})


def _phone_digits(value: object) -> str | None:
    """The digits (with an optional leading +) of a phone cell, or None when they were lost."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value > 0 else None
    if isinstance(value, float):
        # Only an integral float below 2**53 still holds every digit the reporter typed.
        if not math.isfinite(value) or not value.is_integer() or not 0 < value < 2**53:
            return None
        return str(int(value))
    if not isinstance(value, str):
        return None
    if value.isascii():
        if value.isdigit():
            return value  # the usual cell: nothing to normalise, strip or take apart
        text = _PHONE_SEPARATORS.sub("", value.strip())  # NFKC leaves ASCII as it is
    else:
        text = _PHONE_SEPARATORS.sub("", unicodedata.normalize("NFKC", value).strip())
    integral = _INTEGRAL_TEXT.match(text)
    if integral:
        # "13800000000.0" is str(float) of a number cell: lossless. "1.38E+10" is not and
        # fails the pattern below.
        text = integral.group(1)
    return text if _PHONE_TEXT.match(text) else None


def _mobile_pattern() -> re.Pattern[str]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    return re.compile(metadata.mobile.national_number_pattern)


CN_MOBILE = _mobile_pattern()


def _format_shape() -> int | None:
    """How many leading digits choose the format of a Chinese number in international form.

    libphonenumber picks the first format whose leading-digits pattern matches the start of the
    national number and whose pattern matches all of it. When every pattern is groups of digit
    counts (``(\\d{3})(\\d{7,8})``) and every leading-digits pattern reads a bounded number of
    digits, the format, and so the area code's length, depends only on those first digits and the
    number's length. None when the metadata is not of that shape (then nothing is remembered).
    """
    from re import _parser  # the regex parser's width of a pattern; stable since Python 3.11

    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if metadata is None:
        return None
    widths = [0]
    for number_format in metadata.intl_number_format or metadata.number_format:
        if not _DIGIT_GROUPS.fullmatch(number_format.pattern):
            return None
        if number_format.leading_digits_pattern:
            widest = _parser.parse(number_format.leading_digits_pattern[-1]).getwidth()[1]
            if widest >= _parser.MAXREPEAT:
                return None
            widths.append(widest)
    return max(widths)


_DIGIT_GROUPS = re.compile(r"(?:\(\\d\{\d+(?:,\d+)?\}\))+")
_FORMAT_DIGITS = _format_shape()
_AREA_LENGTHS: dict[tuple[str, int, bool, int | None], int] = {}


def _area_key(
    national: str, italian_leading_zero: bool, leading_zeros: int | None
) -> tuple[str, int, bool, int | None]:
    """What a fixed line's area code length depends on (see _format_shape); _FORMAT_DIGITS is set."""
    return national[:_FORMAT_DIGITS], len(national), italian_leading_zero, leading_zeros


@functools.cache
def _fixed_line_tables() -> dict[int, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]]:
    """libphonenumber's type test of a Chinese national number, as patterns per length, compiled once.

    Compiled at the first landline, not at start-up: a command that reads no phone never pays for it.

    ``number_type`` asks, in order: the general pattern (else UNKNOWN), premium rate, toll free,
    shared cost, VoIP, personal, pager, UAN and voicemail (each a type of its own), then fixed line;
    each only where the number's length is one of that type's possible lengths. Per length: the
    general pattern, the patterns of the types asked before fixed line (as one), the fixed-line pattern.
    Lengths where the general or the fixed-line pattern does not apply are left out.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    if metadata is None or metadata.same_mobile_and_fixed_line_pattern:
        return {}
    before = [
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
    ]

    def pattern(desc: phonenumbers.PhoneNumberDesc | None, length: int) -> re.Pattern[str] | None:
        if desc is None or not desc.national_number_pattern:
            return None
        if desc.possible_length and length not in desc.possible_length:
            return None
        return re.compile(desc.national_number_pattern)

    tables = {}
    local_only = set(metadata.general_desc.possible_length_local_only or ())
    for length in metadata.general_desc.possible_length:
        general, fixed = pattern(metadata.general_desc, length), pattern(metadata.fixed_line, length)
        if general is None or fixed is None or length in local_only:
            continue
        # the types asked before fixed line, as one pattern: it matches all of a number when one of them does
        excluded = [found.pattern for desc in before if (found := pattern(desc, length)) is not None]
        tables[length] = (general, re.compile("|".join(f"(?:{one})" for one in excluded) or "(?!)"), fixed)
    return tables


_TRUNK_FOLLOWERS = frozenset("23456789")


def _known_landline(digits: str) -> str | bool | None:
    """parse_phone's answer for a landline typed with its trunk 0, without libphonenumber's parse.

    For "0" and a national number starting 2-9 that libphonenumber's general pattern takes, its
    parse strips the 0 and keeps the rest as the national number (no country code, international
    prefix or extension can be read into such digits), and the type test is _fixed_line_tables'. Then the
    answer is the number split at its area code (the length remembered by _area_code_length), or
    None when it is not a fixed line. False: not such a number, or its area code length is not yet
    known: ask libphonenumber.
    """
    national = digits[1:]
    if digits[0] != "0" or national[:1] not in _TRUNK_FOLLOWERS:
        return False
    tables = _fixed_line_tables().get(len(national)) if _FORMAT_DIGITS is not None else None
    if tables is None or not national.isdigit():
        return False
    general, excluded, fixed = tables
    if not general.fullmatch(national):
        return False
    if excluded.fullmatch(national) or not fixed.fullmatch(national):
        return None  # another type (toll free, shared cost, ...) or none: not a landline, not a mobile
    area_length = _AREA_LENGTHS.get(_area_key(national, False, None))
    if area_length is None:
        return False
    return f"0{national[:area_length]}-{national[area_length:]}" if area_length else None


def _area_code_length(number: phonenumbers.PhoneNumber) -> int:
    """libphonenumber's area code length of a fixed line (+86): its national destination code.

    Worked out once per (leading digits, length) where the metadata allows it (see _format_shape).
    """
    if _FORMAT_DIGITS is None:
        return phonenumbers.length_of_national_destination_code(number)
    national = str(number.national_number)
    key = _area_key(national, bool(number.italian_leading_zero), number.number_of_leading_zeros)
    found = _AREA_LENGTHS.get(key)
    if found is None:
        if len(_AREA_LENGTHS) >= 4096:  # bounded: the first digits include some of the local number's
            _AREA_LENGTHS.clear()
        found = _AREA_LENGTHS[key] = phonenumbers.length_of_national_destination_code(number)
    return found


# An office line's extension after the number: 010-87654321转801, -801, 分机801, ext. 801, #801.
_EXTENSION = re.compile(r"^(?P<line>.*\d)\s*(?:转|分机|ext\.?|x|#|-)\s*(?P<extension>\d{1,6})$", re.IGNORECASE)


def parse_phone(value: object, kind: str = "any") -> str | None:
    """A valid Chinese mobile ("13812345678") or landline ("010-12345678"), else None.

    A landline read from a number cell has lost its leading 0; libphonenumber still finds the
    area code in what is left, so such numbers are accepted and shown with the 0 restored. A
    landline may carry an extension ("010-87654321转801"), shown after 转.
    """
    if kind not in _PHONE_KINDS:
        raise ValueError(f"kind must be one of {sorted(_PHONE_KINDS)}, got {kind!r}")
    number = _parse_phone(value, kind)
    if number is None and kind != "mobile" and isinstance(value, str):
        # only when the whole is no number: "010-8765-4321" is a number, not 010-8765 转 4321
        split = _EXTENSION.match(unicodedata.normalize("NFKC", value).strip())
        line = _parse_phone(split["line"], "landline") if split else None
        if line is not None:
            return f"{line}转{split['extension']}"  # type: ignore[index]
    return number


def _parse_phone(value: object, kind: str) -> str | None:
    digits = _phone_digits(value)
    if digits is None:
        return None
    if kind != "landline" and len(digits) == 11 and CN_MOBILE.fullmatch(digits):
        # Most cells are plain mobiles: the same pattern libphonenumber would apply, without its parse.
        return digits
    if kind != "mobile":  # a mobile never starts with the trunk 0
        known = _known_landline(digits)
        if known is not False:
            return known  # type: ignore[return-value]
    try:
        number = phonenumbers.parse(digits, "CN")
    except NumberParseException:
        return None
    if number.country_code != 86 or number.extension:
        return None
    # For +86 (one region, CN) libphonenumber's is_valid_number is exactly number_type != UNKNOWN,
    # and for a fixed line of a country with a national prefix its geographical area code is the
    # national destination code: the same answers as asking each, with the type worked out once.
    number_type = phonenumbers.number_type(number)
    if number_type == PhoneNumberType.UNKNOWN:
        return None
    national = str(number.national_number)

    if kind in {"any", "mobile"} and number_type in _MOBILE_TYPES and len(national) == 11 and national[0] == "1":
        return national
    if kind in {"any", "landline"} and number_type in _LANDLINE_TYPES:
        area_length = _area_code_length(number)
        # Without an area code a 7- or 8-digit local number could belong to any city.
        if area_length == 0:
            return None
        return f"0{national[:area_length]}-{national[area_length:]}"
    return None


# --- dates ----------------------------------------------------------------------------------

# Excel's 1900 date system counts from 1899-12-30 because it wrongly treats 1900 as a leap
# year; the offset is right for every serial after 60, which covers the accepted range.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
# 20000..80000 is 1954..2119: wide enough for any plausible date, narrow enough that a
# stray count or amount in a date column is not silently read as a date.
_EXCEL_SERIAL_MIN = 20000
_EXCEL_SERIAL_MAX = 80000
# A weekday note people add after the date: （周一）, (星期三), 星期五, 礼拜天. The numbers say which
# day it is; a note that names another day is kept so the reader can be asked which one is wrong.
_WEEKDAY_NOTE = re.compile(r"\(?\s*(?:星期|周|礼拜)([一二三四五六日天七1-7])\s*\)?")
_NOTED_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_NOTED_WEEKDAY |= {str(number): number - 1 for number in range(1, 8)}
# A time of day after the date: 14:30, T00:00:00, 14时30分, 下午2点.
_TIME_PART = re.compile(
    r"(?:T|\s+|(?<=[日号]))(?:上午|下午|中午|晚上|早上|凌晨)?\s*\d{1,2}"
    r"(?::\d{2}(?::\d{2}(?:\.\d+)?)?|时(?:\d{1,2}分(?:\d{1,2}秒)?)?|点(?:\d{1,2}分?|半)?)\s*$"
)
_CN_DIGITS = {"〇": 0, "零": 0, "○": 0, "O": 0, "o": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_YEAR = r"(\d{4}|[〇零○Oo一二三四五六七八九]{4})"
_MONTH_DAY = r"(\d{1,2}|[一二三四五六七八九十廿卅]{1,3})"
_DATE_PATTERNS = (
    # One separator used consistently, so that "2026-6/26" is not quietly accepted.
    re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$"),
    re.compile(rf"^{_YEAR}年{_MONTH_DAY}月{_MONTH_DAY}[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_SEPARATORS = frozenset("-/.")
# Month and day only ("7月3日", "7/3"): a date only in a known year, and the reader is told.
_YEARLESS_PATTERNS = (
    re.compile(rf"^{_MONTH_DAY}月{_MONTH_DAY}[日号]$"),
    re.compile(r"^(\d{1,2})([-/])(\d{1,2})$"),
)


@dataclass(frozen=True, slots=True)
class DateReading:
    """A date as read from a cell; ``year_assumed`` when the cell gave no year and the campaign's was used."""

    day: dt.date
    year_assumed: bool = False
    noted_weekday: int | None = None  # the weekday a note beside the date names (date.weekday() numbering)

    @property
    def weekday_contradicted(self) -> bool:
        return self.noted_weekday is not None and self.noted_weekday != self.day.weekday()


def _chinese_number(text: str) -> int:
    """1..31 written as 六, 十二, 二十六, 廿六, 三十一 or 卅一 (or plain digits)."""
    if text.isdigit():
        return int(text)
    text = text.replace("廿", "二十").replace("卅", "三十")
    tens, ten, units = text.partition("十")
    if not ten:
        return _CN_DIGITS.get(text, -1) if len(text) == 1 else -1
    high = _CN_DIGITS.get(tens, -1) if tens else 1
    low = _CN_DIGITS.get(units, -1) if units else 0
    return high * 10 + low if high > 0 and low >= 0 and len(units) <= 1 else -1


def _year_number(text: str) -> int:
    return int(text) if text.isdigit() else int("".join(str(_CN_DIGITS[char]) for char in text))


def _date_text(text: str) -> str:
    """The date part of a date cell's text: without a weekday note, a time of day or spaces."""
    text = _WEEKDAY_NOTE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    return "".join(_TIME_PART.sub("", text).split())


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def read_date(value: object, year: int | None = None) -> DateReading | None:
    """A date from a date cell, an Excel serial number or one of the usual Chinese spellings.

    Text may carry a weekday note (（周一）, 星期五) or a time of day, and may be written in Chinese
    numerals (二〇二五年六月二十六日). A month and day without a year ("7月3日") is read in ``year``
    when one is given, and says so; without ``year`` it is not a date.
    """
    # datetime is a date subclass, so it has to be tested first to drop the time part.
    if isinstance(value, dt.datetime):
        return DateReading(value.date())
    if isinstance(value, dt.date):
        return DateReading(value)
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        if not math.isfinite(value) or not _EXCEL_SERIAL_MIN <= value <= _EXCEL_SERIAL_MAX:
            return None
        # The fractional part is the time of day.
        return DateReading(_EXCEL_EPOCH + dt.timedelta(days=math.floor(value)))
    if not isinstance(value, str):
        return None
    text = _date_text(value)
    note = _WEEKDAY_NOTE.search(unicodedata.normalize("NFKC", value))
    noted = _NOTED_WEEKDAY[note.group(1)] if note else None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year_text, month_text, day_text = (group for group in match.groups() if group not in _SEPARATORS)
            day = _make_date(_year_number(year_text), _chinese_number(month_text), _chinese_number(day_text))
            return DateReading(day, noted_weekday=noted) if day else None
    if year is None:
        return None
    for pattern in _YEARLESS_PATTERNS:
        match = pattern.match(text)
        if match:
            month_text, day_text = (group for group in match.groups() if group not in _SEPARATORS)
            day = _make_date(year, _chinese_number(month_text), _chinese_number(day_text))
            return DateReading(day, year_assumed=True, noted_weekday=noted) if day else None
    return None


def parse_date(value: object, year: int | None = None) -> dt.date | None:
    """The date :func:`read_date` reads, or None."""
    reading = read_date(value, year)
    return reading.day if reading else None


# --- e-mail ---------------------------------------------------------------------------------

# Deliberately loose: the aim is to catch a phone number or a name typed in the e-mail
# column, not to implement RFC 5322.
_EMAIL = re.compile(r"^([^\s@]+)@([^\s@.]+(?:\.[^\s@.]+)+)$")


def parse_email(value: object) -> str | None:
    """local@domain.tld with the domain lower-cased, or None when it does not look like one."""
    if not isinstance(value, str):
        return None
    text = unicodedata.normalize("NFKC", value).strip()
    match = _EMAIL.match(text)
    if not match:
        return None
    local, domain = match.groups()
    # Local parts are case-sensitive in principle; domains never are.
    return f"{local}@{domain.lower()}"


def build_credit_code(registration: str, division: str, organisation8: str) -> str:
    """A valid code from its parts (2-char authority+category, 6-digit division, 8-char org body).

    Used to make example and benchmark inboxes with codes that pass every check.
    """
    org = organisation8 + org_code_check_char(organisation8)
    first17 = registration + division + org
    return first17 + uscc_check_char(first17)
