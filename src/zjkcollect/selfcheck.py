"""Self-checks: the conditional formats that turn a template cell red as the reporter types.

Each check mirrors rules of ``validate`` (:mod:`zjkcollect.schemas`, :mod:`zjkcollect.codes`)
as spreadsheet formulas, so a wrong check character, a 个体工商户 code, a government unit in
an industry track … shows the moment it is typed, not a week later in a marked-up copy.

What the formulas may use, so that Excel 2010+, WPS and LibreOffice all evaluate them the
same way (and keep them through a save as .xls):

* only long-standing, non-volatile functions (ASC, CLEAN, TRIM, SUBSTITUTE, LEN, LEFT, MID,
  FIND, SEARCH, ISNUMBER, SUMPRODUCT, MOD, ABS, DATE, AND, OR); not IFERROR and no array
  constants, which LibreOffice loses when it saves a conditional format as .xls;
* campaign data (tracks, topics, unit types, prefixes, dates) and the code weights live in
  cells of the hidden ``_lists`` sheet behind defined names (:func:`helper_lists`), never as
  literals typed into a formula; the names keep every formula under 255 characters;
* at most three formulas per column (LibreOffice drops every conditional format of a range
  with more when it saves .xls);
* no formula errors, so no client's handling of an error in a condition matters: lookups
  compare (``=``) or sit inside ISNUMBER; FIND never looks for an empty text (1 in Excel,
  #VALUE! in LibreOffice).

The checks are conservative. Where a formula cannot decide what validate decides (a text date,
a topic written with two separators, a track in quotes, a + inside a mobile …) the cell stays
white and validate remains the judge; a red cell means validate reports an error in that cell.
The formulas compare what the reader compares: ``ASC`` (full-width to half-width) and ``CLEAN``
stand in for NFKC and the removal of control characters, removing or trimming spaces of every
width for :func:`zjkcollect.text.normalize_name` / ``normalize_text``. Where that stand-in falls
short the sheet is stricter than validate, in cases nobody types: a zero-width space pasted into
a credit code (validate drops it and warns), a no-break space in a topic of a complete list, a
tab or an ideographic space in a 单位类型 whose track validate refuses (the 揭榜挂帅 and topic
cells then turn red too; validate names the track only).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

from zjkcollect import codes
from zjkcollect.attachments import DEPENDS_ON, Attachment, ColumnKind
from zjkcollect.campaign import Campaign, Track
from zjkcollect.findings import column_letter
from zjkcollect.text import normalize_name, undecorate

# Excel's limits: a conditional format's formula (as the dialog and .xls take it) and the number
# of conditional formats an .xls cell keeps.
FORMULA_LIMIT = 255
FORMULAS_PER_COLUMN = 3

ERROR_FILL = "#FFC7CE"  # Excel's "light red fill with dark red text", as in the marked-up copies
ERROR_FONT = "#9C0006"

# --- defined names of the helper lists on _lists ---------------------------------------------------
# Short, so that a formula that names four of them still fits in 255 characters. A code's
# character values come from comparing its characters (a row) with an alphabet (a column):
# SUMPRODUCT((MID(code, positions, 1) = chars) * values * weights) is the weighted sum.
POS = "ZJK_POS"  # 1 … 18 in a row: the character positions of a credit code
USCC_ANY = "ZJK_USCC_ANY"  # the GB 32100 alphabet in upper and lower case, one cell
USCC_CHR = "ZJK_USCC_CHR"  # the alphabet, a column …
USCC_VAL = "ZJK_USCC_VAL"  # … and the characters' values 0 … 30
USCC_W = "ZJK_USCC_W"  # a row: the 17 weights and 1 for the check character; valid codes sum to 0 mod 31
# The organisation code at positions 9 … 17: the body's characters (value int(c, 36)) and, at
# 17, the check character (value 0 … 10, X = 10), weighted 1: a valid one sums to 0 mod 11.
ORG_POS = "ZJK_ORG_POS"  # 9 … 17 in a row
ORG_CHR = "ZJK_ORG_CHR"  # 0-9, A-Z in a column
ORG_VAL = "ZJK_ORG_VAL"  # a character's value at each position: a table, characters by positions
ORG_W = "ZJK_ORG_W"  # a row: the 8 weights and 1
ORG_CHK = "ZJK_ORG_CHK"  # one cell, "0123456789X": the characters that make position 17 a check character
NEVER = "ZJK_NEVER"  # prefixes that are never a legal person (92 个体工商户)
TKEY = "ZJK_TKEY"  # spellings validate reads as a track (name, aliases, name+赛道), normalised
TNOJB = "ZJK_TNOJB"  # … 1 where that track has no 揭榜挂帅 sub-topics
TBAN = "ZJK_TBAN"  # … 1 where government units may not enter that track
TDONE = "ZJK_TDONE"  # … 1 where the track's topic list is complete
TFOR = "ZJK_TFOR"  # … the topics of other tracks, which are wrong in this one, as |a|b|
# Per spelling of a track with a complete topic list: a row that every text matches (the
# separator, appended to the text), weight 1, then one row per topic, normalised, weight -1; and
# the track's TBAN flag. The weighted count of matches is 1 exactly when no listed topic is there.
OWNKEY = "ZJK_OWNKEY"
OWN = "ZJK_OWN"
OWNW = "ZJK_OWNW"
OWNBAN = "ZJK_OWNBAN"
GOVU = "ZJK_GOVU"  # the unit types limited to the government tracks
CLKEY = "ZJK_CLKEY"  # (track spelling, closed topic) pairs …
CL = "ZJK_CL"
CLBAN = "ZJK_CLBAN"  # … with the track's TBAN flag
MOB = "ZJK_MOB"  # how a valid mobile may begin: dialling lead + mobile prefix …
MOBLEN = "ZJK_MOBLEN"  # … and the length the whole number then has
DIALLED = "ZJK_DIALLED"  # what a mobile number may consist of: + and the digits
MAIL = "ZJK_MAIL"  # fragments of an e-mail domain: three that are wrong, one that must be there …
MAIL_W = "ZJK_MAIL_W"  # … and their weights

# A spelling no normalised cell can equal (the formulas remove every space): fills a list that
# would otherwise be empty, since a defined name must cover at least one cell.
_NEVER_MATCHES = " "
_TOPIC_SEPARATORS = ("|", "¦", "‖", "§")
# What reporters write after a track's name, which validate reads (as schemas does).
_TRACK_WORD = "赛道"
# GB 11714's organisation code sits at positions 9-17 of the credit code (codes.check_credit_code).
_ORG_FIRST = 9
_ORG_CHECK_POSITION = _ORG_FIRST + len(codes.ORG_WEIGHTS)
_CODE_LENGTH = len(codes.USCC_WEIGHTS) + 1
# The letters GB 32100 leaves out of the code (they read like 1, 0, 5, U, 2).
_LEFT_OUT = "、".join(sorted(set(codes.ORG_ALPHABET) - set(codes.USCC_ALPHABET)))
(_MOBILE_LENGTH,) = phonenumbers.PhoneMetadata.metadata_for_region("CN").mobile.possible_length
# The ITU's international call prefix, which China uses.
_INTERNATIONAL_PREFIX = "00"


Value = str | int | None


@dataclass(frozen=True, slots=True)
class HelperList:
    """A block of ``_lists`` behind a defined name: a label above it, its rows of values."""

    name: str
    label: str
    rows: tuple[tuple[Value, ...], ...]


def _column(name: str, label: str, values: Iterable[Value]) -> HelperList:
    return HelperList(name, label, tuple((value,) for value in values))


def _row(name: str, label: str, values: Iterable[Value]) -> HelperList:
    return HelperList(name, label, (tuple(values),))


@dataclass(frozen=True, slots=True)
class SelfCheck:
    """The conditional formats of one column: red when any formula is TRUE."""

    column: int  # 1-based column of the attachment it colours
    rules: tuple[str, ...]  # the validate rule codes it mirrors
    description: str  # what turns red, in Chinese, for 填表说明
    formulas: tuple[str, ...]  # without "=", relative to the first data row given to self_checks


# --- the helper lists ------------------------------------------------------------------------------


def helper_lists(campaign: Campaign) -> list[HelperList]:
    """Everything the formulas look up, generated from the campaign and the code standards."""
    alphabet = codes.USCC_ALPHABET
    org_positions = range(_ORG_FIRST, _ORG_CHECK_POSITION + 1)
    lists = [
        _row(POS, "信用代码位置", range(1, _CODE_LENGTH + 1)),
        _column(USCC_ANY, "信用代码字符（含小写）", [alphabet + alphabet.lower()]),
        _column(USCC_CHR, "信用代码字符", list(alphabet)),
        _column(USCC_VAL, "字符值", list(range(len(alphabet)))),
        _row(USCC_W, "信用代码权重", [*codes.USCC_WEIGHTS, 1]),
        _row(ORG_POS, "组织机构代码位置", org_positions),
        _column(ORG_CHR, "组织机构代码字符", list(codes.ORG_ALPHABET)),
        HelperList(
            ORG_VAL,
            "字符值（按位置）",
            tuple(tuple(_org_value(char, position) for position in org_positions) for char in codes.ORG_ALPHABET),
        ),
        _row(ORG_W, "组织机构代码权重", [*codes.ORG_WEIGHTS, 1]),
        _column(ORG_CHK, "组织机构代码校验码", [codes.ORG_CHECK_CHARS]),
        _column(NEVER, "非法人代码前两位", campaign.credit_code.never_legal_person or [_NEVER_MATCHES]),
    ]
    lists += _track_lists(campaign)
    # The empty start of length 0 first: an empty cell is not a wrong mobile.
    starts, lengths = zip((None, 0), *mobile_starts(), strict=True)
    lists += [
        _column(MOB, "手机号码开头", starts),
        _column(MOBLEN, "手机号码位数", lengths),
        _column(DIALLED, "手机号码字符", ["+0123456789"]),
        _column(MAIL, "邮箱域名片段", ["@.", ".@", "..", "."]),
        _column(MAIL_W, "邮箱域名片段权重", [1, 1, 1, -1]),
    ]
    return lists


def _org_value(char: str, position: int) -> int:
    """What a character counts at a position of the organisation code (0 where it cannot stand)."""
    if position < _ORG_CHECK_POSITION:
        return codes.ORG_ALPHABET.index(char)
    return codes.ORG_CHECK_CHARS.index(char) if char in codes.ORG_CHECK_CHARS else 0


def track_spellings(campaign: Campaign) -> dict[str, Track]:
    """Normalised spellings validate reads as a track: the catalog's names and aliases, and each
    with 赛道 after it (which validate reads with a warning). Other decorations are not judged."""
    spellings = dict(campaign.track_lookup)
    for key, track in campaign.track_lookup.items():
        decorated = key + _TRACK_WORD
        if campaign.track_lookup.get(undecorate(decorated, _TRACK_WORD)) is track:
            spellings.setdefault(decorated, track)
    return spellings


def _track_lists(campaign: Campaign) -> list[HelperList]:
    separator = topic_separator(campaign)
    government = campaign.government
    keys, no_jiebang, banned, complete, foreign = [], [], [], [], []
    closed_keys, closed, closed_banned = [], [], []
    own_keys, own, own_weights, own_banned = [], [], [], []
    for key, track in track_spellings(campaign).items():
        ban = int(track.name not in government.tracks)
        keys.append(key)
        no_jiebang.append(int(not track.jiebang))
        banned.append(ban)
        complete.append(int(track.topics_complete))
        # as schemas.check_topic: a topic of another track is wrong unless this track lists it too
        foreign.append(
            _joined([t for other in campaign.tracks for t in other.topics if t not in track.topics], separator)
        )
        for topic in track.closed_topics:
            closed_keys.append(key)
            closed.append(normalize_name(topic))
            closed_banned.append(ban)
        if track.topics_complete:
            own_keys += [key] * (1 + len(track.topics))
            own += [separator, *(normalize_name(topic) for topic in track.topics)]
            own_weights += [1] + [-1] * len(track.topics)
            own_banned += [ban] * (1 + len(track.topics))
    # the hidden columns' labels name the first restricted unit type (政府部门 …) for them all
    barred = f"{government.unit_types[0]}不可参加" if government.unit_types else "不限单位类型"
    return [
        _column(TKEY, "赛道写法", keys),
        _column(TNOJB, "无揭榜挂帅", no_jiebang),
        _column(TBAN, barred, banned),
        _column(TDONE, "赛题已列全", complete),
        _column(TFOR, "其他赛道的赛题", foreign),
        _column(GOVU, "限报赛道的单位类型", [normalize_name(u) for u in government.unit_types] or [_NEVER_MATCHES]),
        _column(CLKEY, "赛道写法（不再开放）", closed_keys or [_NEVER_MATCHES]),
        _column(CL, "不再开放的赛题", closed or [_NEVER_MATCHES]),
        _column(CLBAN, f"{barred}（不再开放）", closed_banned or [0]),
        _column(OWNKEY, "赛道写法（赛题已列全）", own_keys or [_NEVER_MATCHES]),
        _column(OWN, "该赛道的赛题", own or [_NEVER_MATCHES]),
        _column(OWNW, "权重", own_weights or [0]),
        _column(OWNBAN, f"{barred}（赛题已列全）", own_banned or [0]),
    ]


def _joined(topics: list[str], separator: str) -> str:
    """|a|b| for FIND("|topic|"); a lone | when there are none, which no such search finds."""
    return separator + separator.join(topics) + separator if topics else separator


def topic_separator(campaign: Campaign) -> str:
    """A character no listed topic contains, to join a track's topics into one searchable text."""
    topics = [topic for track in campaign.tracks for topic in track.topics]
    for candidate in _TOPIC_SEPARATORS:
        if not any(candidate in topic for topic in topics):
            return candidate
    raise ValueError(f"every separator {_TOPIC_SEPARATORS} occurs in some topic")


@lru_cache(maxsize=1)
def mobile_starts() -> tuple[tuple[str, int], ...]:
    """(how a valid mobile begins, the length of the whole number) for every accepted form.

    The mobile prefixes come from libphonenumber's pattern for Chinese mobiles, which
    :func:`zjkcollect.codes.parse_phone` uses; the dialling leads are those it strips
    (national prefix 0, country code 86, +86, 0086).
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("CN")
    country = str(metadata.country_code)
    leads = ("", metadata.national_prefix, country, "+" + country, _INTERNATIONAL_PREFIX + country)
    prefixes = mobile_prefixes(_MOBILE_LENGTH)
    return tuple((lead + prefix, len(lead) + _MOBILE_LENGTH) for lead in leads for prefix in prefixes)


def mobile_prefixes(length: int, depth: int = 5) -> list[str]:
    """The shortest digit prefixes that decide whether a ``length``-digit number is a mobile.

    Every ``depth``-digit start is tried with several endings; the pattern must not look
    further than ``depth`` digits (it does not: its longest fixed part is 1740x). Starts
    whose ten children all pass are merged into their parent.
    """
    pattern = codes.CN_MOBILE
    endings = ("0" * (length - depth), "9" * (length - depth), "1234567890"[: length - depth])
    accepted: set[str] = set()
    for number in range(10**depth):
        start = f"{number:0{depth}d}"
        verdicts = {bool(pattern.fullmatch(start + ending)) for ending in endings}
        if len(verdicts) > 1:
            raise ValueError(f"the mobile pattern looks beyond {depth} digits at {start}")
        if verdicts == {True}:
            accepted.add(start)
    for size in range(depth - 1, 0, -1):
        parents = {start[:size] for start in accepted if len(start) == size + 1}
        for parent in parents:
            children = {parent + digit for digit in "0123456789"}
            if children <= accepted:
                accepted -= children
                accepted.add(parent)
    return sorted(accepted)


# --- formula pieces --------------------------------------------------------------------------------

# What NFKC turns into a space and normalize_name then removes; ASC does not convert them all.
_SPACES = (" ", "\u3000", "\u00a0")


def _squeezed(ref: str, *also: str) -> str:
    """normalize_name, thoroughly: half-width, no control characters, no spaces of any width
    (and none of the characters ``also``)."""
    formula = f"CLEAN(ASC({ref}))"
    for char in (*_SPACES, *also):
        formula = f'SUBSTITUTE({formula},{_quoted(char)},"")'
    return formula


def _trimmed(ref: str) -> str:
    """A code as validate reads it: half-width, no control characters, no spaces of any width at
    either end (one inside is the reporter's to fix)."""
    formula = f"CLEAN(ASC({ref}))"
    for char in _SPACES[1:]:
        formula = f'SUBSTITUTE({formula},{_quoted(char)}," ")'
    return f"TRIM({formula})"


def _key_form(ref: str) -> str:
    """A choice as it is looked up (tracks, unit types, 是): a spelling it misses is not judged."""
    return f'SUBSTITUTE(ASC({ref})," ","")'


def _name_form(ref: str) -> str:
    """normalize_name, briefly, for looking a value up: a value it fails to match is not judged."""
    return f'SUBSTITUTE(CLEAN(ASC({ref}))," ","")'


def _text_form(ref: str) -> str:
    """normalize_text: half-width, trimmed, inner runs of spaces made one."""
    return f'TRIM(SUBSTITUTE(CLEAN(ASC({ref})),"\u3000"," "))'


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _date(day: dt.date) -> str:
    return f"DATE({day.year},{day.month},{day.day})"


def _government_unit(unit: str) -> str:
    """1 when the row's 单位类型 is one limited to the government tracks, else 0."""
    return f"SUMPRODUCT(--({GOVU}={_key_form(unit)}))"


# --- the checks ------------------------------------------------------------------------------------


def credit_code_formulas(code: str) -> tuple[str, ...]:
    """Length or characters; a number cell, the never-legal-person prefix or the check character;
    the organisation code's check character."""
    text = _trimmed(code)
    # The length is 0 (empty) or 18 exactly when it is 9 away from 9. The characters of a short
    # code are padded with valid ones: its length is judged on its own, and FIND("") is avoided.
    half = _CODE_LENGTH // 2
    shape = (
        f"OR(ABS(LEN({text})-{half})<>{half},"
        f"SUMPRODUCT(--ISNUMBER(FIND(MID({text}&{USCC_ANY},{POS},1),{USCC_ANY})))<{_CODE_LENGTH})"
    )
    # A valid code's values times the weights, plus the check character's value, is 0 mod 31.
    # "=" ignores case, so a lower-case code counts the same. A prefix found in the roughly
    # cleaned text is there in the cleaned one too.
    check = (
        f"OR(ISNUMBER({code}),SUMPRODUCT(--(LEFT(TRIM(ASC({code})),2)={NEVER}))>0,"
        f"MOD(SUMPRODUCT((MID({text},{POS},1)={USCC_CHR})*{USCC_VAL}*{USCC_W}),{len(codes.USCC_ALPHABET)})>0)"
    )
    # The organisation check applies when position 17 holds a check character. It reads the
    # roughly cleaned text when that has 18 characters: if it still holds a space of another
    # width or a control character, the code is wrong or shorter, and the first formula has
    # already turned the cell red.
    rough = f"TRIM(ASC({code}))"
    organisation = (
        f"AND(LEN({rough})={_CODE_LENGTH},ISNUMBER(SEARCH(MID({rough},{_ORG_CHECK_POSITION},1),{ORG_CHK})),"
        f"MOD(SUMPRODUCT((MID({rough},{ORG_POS},1)={ORG_CHR})*{ORG_VAL}*{ORG_W}),{len(codes.ORG_CHECK_CHARS)})>0)"
    )
    return shape, check, organisation


def government_track_formulas(track: str, unit: str) -> tuple[str, ...]:
    return (f"AND({_government_unit(unit)}>0,SUMPRODUCT(({TKEY}={_key_form(track)})*{TBAN})>0)",)


def _accepted(track_banned: str, unit: str) -> str:
    """1 unless the track is refused for this unit type: validate then checks nothing that depends on it."""
    return f"(1-{track_banned}*{_government_unit(unit)})"


def jiebang_formulas(jiebang: str, track: str, unit: str, campaign: Campaign) -> tuple[str, ...]:
    yes = _quoted(normalize_name(campaign.choices.yes_no[0]))
    return (
        f"AND({_key_form(jiebang)}={yes},SUMPRODUCT(({TKEY}={_key_form(track)})*{TNOJB}*{_accepted(TBAN, unit)})>0)",
    )


def topic_formulas(topic: str, track: str, unit: str, campaign: Campaign) -> tuple[str, ...]:
    """A closed topic (anywhere in the text); a topic outside a complete list; a topic of another track."""
    spelled, named = _key_form(track), _name_form(topic)
    bar = _quoted(topic_separator(campaign))
    closed = f"SUMPRODUCT(({CLKEY}={spelled})*ISNUMBER(FIND({CL},{named}))*{_accepted(CLBAN, unit)})>0"
    # A complete list's track and none of its topics in the text: validate also reads a topic
    # with 赛题 or quotes around it, and every such text contains the topic.
    unlisted = (
        f"AND(LEN({named})>0,SUMPRODUCT(({OWNKEY}={spelled})*ISNUMBER(FIND({OWN},{named}&{bar}))"
        f"*{OWNW}*{_accepted(OWNBAN, unit)})>0)"
    )
    # exactly another track's topic, as validate compares it
    foreign = (
        f"SUMPRODUCT(({TKEY}={spelled})*ISNUMBER(FIND({bar}&{_text_form(topic)}&{bar},{TFOR}))"
        f"*{_accepted(TBAN, unit)})>0"
    )
    return closed, unlisted, foreign


def registration_date_formulas(day: str, campaign: Campaign) -> tuple[str, ...]:
    """Only date cells (numbers) are judged: Excel keeps a typed date as a number; text waits for validate."""
    calendar = campaign.calendar
    start, end = _date(calendar.registration_start), _date(calendar.registration_end)
    # The time of day is dropped: the whole last day is inside the period.
    return (f"AND(ISNUMBER({day}),OR({day}<{start},{day}>={end}+1))",)


def division_formulas(division: str, campaign: Campaign) -> tuple[str, ...]:
    text = _squeezed(division)
    return (f"AND(LEN({text})>0,{text}<>{_quoted(normalize_name(campaign.campaign.division_name))})",)


def mobile_formulas(mobile: str) -> tuple[str, ...]:
    """Only digits (and a leading +); a known mobile start with the length that start needs.

    The first row of the MOB table is the empty start with length 0, so an empty cell matches it.
    """
    digits = _squeezed(mobile, "-")
    # padded with allowed characters, as in credit_code_formulas: FIND("") differs between clients
    characters = f"SUMPRODUCT(--ISNUMBER(FIND(MID({digits}&{DIALLED}&{DIALLED},{POS},1),{DIALLED})))<{_CODE_LENGTH}"
    shape = f"SUMPRODUCT((LEFT({digits},LEN({MOB}))={MOB})*(LEN({digits})={MOBLEN}))=0"
    return characters, shape


def email_formulas(email: str, role: str | None, campaign: Campaign) -> tuple[str, ...]:
    """Missing for 具体负责人; one @ with something before it and no spaces; a dotted domain."""
    text = f"TRIM(CLEAN(ASC({email})))"
    formulas = []
    if role is not None:
        staff = _quoted(normalize_name(campaign.choices.staff_role))
        formulas.append(f"AND({_key_form(role)}={staff},LEN({text})=0)")
    formulas.append(
        f'AND(LEN({text})>0,OR(LEN({text})-LEN(SUBSTITUTE({text},"@",""))<>1,LEFT({text},1)="@",'
        f'ISNUMBER(FIND(" ",{text}))))'
    )
    # In "@" + the domain + "@" the MAIL fragments "@." (leading dot), ".@" (trailing dot),
    # ".." (empty label) weigh 1 and "." -1: the sum is -1 exactly when the domain is well formed.
    # Without an "@" the rule above speaks (and ISNUMBER turns the failed FIND into no fragments).
    at = f'FIND("@",{text})'
    formulas.append(f'AND(ISNUMBER({at}),SUMPRODUCT(ISNUMBER(FIND({MAIL},MID({text},{at},32767)&"@"))*{MAIL_W})>-1)')
    return tuple(formulas)


# --- per attachment --------------------------------------------------------------------------------


def self_checks(attachment: Attachment, campaign: Campaign, row: int) -> list[SelfCheck]:
    """The checks of an attachment's columns, written for the cells of ``row``.

    Written for the first data row they become the conditional formats of the whole column
    (the row reference is relative); a test writes them for any row to evaluate them.
    """
    columns = {column.kind: index for index, column in enumerate(attachment.columns, start=1)}

    fields = {column.field: index for index, column in enumerate(attachment.columns, start=1)}

    def ref(kind: ColumnKind) -> str | None:
        index = columns.get(kind)
        return None if index is None else f"${column_letter(index)}{row}"

    def ref_field(field: str) -> str | None:
        index = fields.get(field)
        return None if index is None else f"${column_letter(index)}{row}"

    checks: list[SelfCheck] = []

    def add(kind: ColumnKind, rules: tuple[str, ...], description: str, build: Callable[[], tuple[str, ...]]) -> None:
        if kind in columns:
            checks.append(SelfCheck(columns[kind], rules, description, build()))

    code, unit, track = ref(ColumnKind.CREDIT_CODE), ref(ColumnKind.UNIT_TYPE), ref(ColumnKind.TRACK)
    credit = campaign.credit_code
    never = "、".join(credit.never_legal_person)
    add(
        ColumnKind.CREDIT_CODE,
        (
            "uscc-as-number",
            "uscc-length",
            "uscc-charset",
            "uscc-checksum",
            "uscc-org-checksum",
            "uscc-not-legal-person",
            "uscc-inner-space",
        ),
        f"统一社会信用代码不是{_CODE_LENGTH}位、中间有空格或不允许的字符（如字母{_LEFT_OUT}）、校验码不对，"
        f"或以{never}开头（{credit.never_legal_person_label}）",
        lambda: credit_code_formulas(str(code)),
    )
    government = campaign.government
    if unit is not None:
        add(
            ColumnKind.TRACK,
            ("gov-track-not-allowed",),
            f"{'、'.join(government.unit_types)}选了{'、'.join(government.tracks)}以外的赛道",
            lambda: government_track_formulas(str(track), str(unit)),
        )
    if track is not None and unit is not None:
        add(
            ColumnKind.TOPIC,
            ("topic-closed", "topic-not-in-track"),
            "赛题不再开放报名，或不是所选赛道的赛题",
            lambda: topic_formulas(str(ref(ColumnKind.TOPIC)), str(track), str(unit), campaign),
        )
        jiebang = "、".join(t.name for t in campaign.tracks if t.jiebang)
        add(
            ColumnKind.JIEBANG,
            ("jiebang-not-allowed",),
            f"{jiebang}以外的赛道“揭榜挂帅”填了“{campaign.choices.yes_no[0]}”",
            lambda: jiebang_formulas(str(ref(ColumnKind.JIEBANG)), str(track), str(unit), campaign),
        )
    calendar = campaign.calendar
    add(
        ColumnKind.DATE,
        ("date-outside-registration", "date-invalid"),
        f"报名日期不在报名期（{calendar.registration_start.isoformat()} 至 {calendar.registration_end.isoformat()}）内",
        lambda: registration_date_formulas(str(ref(ColumnKind.DATE)), campaign),
    )
    add(
        ColumnKind.DIVISION,
        ("division-invalid",),
        f"参赛赛区不是“{campaign.campaign.division_name}”",
        lambda: division_formulas(str(ref(ColumnKind.DIVISION)), campaign),
    )
    add(
        ColumnKind.MOBILE,
        ("mobile-invalid",),
        f"手机号码不是{_MOBILE_LENGTH}位手机号",
        lambda: mobile_formulas(str(ref(ColumnKind.MOBILE))),
    )
    add(
        ColumnKind.EMAIL,
        ("email-missing", "email-invalid"),
        f"电子邮箱格式不对，或{campaign.choices.staff_role}没有填写电子邮箱",
        lambda: email_formulas(str(ref(ColumnKind.EMAIL)), ref_field(DEPENDS_ON[ColumnKind.EMAIL]), campaign),
    )
    return checks


def check_limits(checks: list[SelfCheck]) -> None:
    """Refuse checks Excel or an .xls file would not keep (call it with the longest row numbers)."""
    for check in checks:
        if len(check.formulas) > FORMULAS_PER_COLUMN:
            raise ValueError(f"{len(check.formulas)} conditional formats on a column; .xls keeps {FORMULAS_PER_COLUMN}")
        for formula in check.formulas:
            if len(formula) > FORMULA_LIMIT:
                raise ValueError(f"conditional format formula longer than {FORMULA_LIMIT} characters: {formula}")
