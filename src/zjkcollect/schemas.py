"""Row schemas: one pydantic v2 model per attachment, built from the campaign's column specs.

Each column kind has one validator (:data:`_VALIDATORS`); an attachment's row model is its
columns, each with the validator of its kind, so a column is declared only in the campaign
file. A row is validated with one ``model_validate`` call. Errors are raised as
``PydanticCustomError`` whose *type* is the rule code from :mod:`zjkcollect.rules`;
warnings cannot stop validation, so they are appended to a list in the validation
context. Rules that look at two columns (topic ↔ track, unit type ↔ credit code,
government unit ↔ track, 揭榜挂帅 ↔ track, e-mail ↔ role) read the already-validated
fields from ``info.data``, so the model's fields follow :attr:`Attachment.check_order`.

:func:`validate_row` is that model call, one row at a time: the reference. :func:`validate_rows`
checks a table a column at a time with the same validators, called directly, and runs each
once per distinct (column, cell value, the part of the value it depends on): unit types,
tracks, topics, dates and statuses repeat down a column and across files, so most cells cost
a dictionary look-up. The row-level outcome (values, issues and their order) is the same.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import repeat
from operator import itemgetter
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, create_model
from pydantic_core import PydanticCustomError

from zjkcollect import codes
from zjkcollect.attachments import DEPENDS_ON, Attachment, Column, ColumnKind
from zjkcollect.campaign import Campaign, Track
from zjkcollect.codes import parse_date, parse_email, parse_phone
from zjkcollect.outputs import EXCEL_MAX_CELL_CHARS
from zjkcollect.rules import RULES
from zjkcollect.text import (
    closest,
    normalize_name,
    normalize_text,
    split_choices,
    strip_invisible,
    undecorate,
    yes_no_meaning,
)


@dataclass(slots=True)
class RowIssue:
    """A problem found in one field of one row, before it is placed in a file."""

    rule: str
    field: str
    value: str | None
    context: dict[str, str]


@dataclass(slots=True)
class RowContext:
    """What the validators need: the campaign, the fields absent from the file, and a sink for warnings."""

    campaign: Campaign
    absent: frozenset[str] = frozenset()
    warnings: list[RowIssue] = field(default_factory=list)
    clean: dict[str, Any] = field(default_factory=dict)


def display(value: object) -> str | None:
    """A cell value as the reporter would read it."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _fail(rule: str, value: object, **context: str) -> PydanticCustomError:
    return PydanticCustomError(rule, rule, {"value": display(value), **context})


def _warn(info: ValidationInfo, rule: str, value: object, **context: str) -> None:
    row: RowContext = info.context
    row.warnings.append(RowIssue(rule, info.field_name or "", display(value), context))


def _suggestion(value: str, choices: list[str], guess: str | None = None) -> str:
    guess = guess or closest(value, choices)
    return f"您是否要填“{guess}”？" if guess else ""


def _yes_no_guess(text: str, choices: list[str]) -> str | None:
    """The 是/否 choice a mark such as √, ×, Y or 是的 most likely stands for."""
    meaning = yes_no_meaning(text)
    return None if meaning is None else choices[0 if meaning else 1]


# Words reporters add after a track or topic name ("工业制造赛道"); the catalog names lack them.
_TRACK_LABEL = "赛道"
_TOPIC_LABEL = "赛题"


# --- field validators -----------------------------------------------------------------------------
# Each takes the raw cell value and returns the normalised value, or raises the rule's error.


def _text(value: object, info: ValidationInfo) -> str | None:
    if value is None:
        return None
    text = value if type(value) is str else (display(value) or "")
    text, had_invisible = strip_invisible(text)
    if had_invisible:
        _warn(info, "invisible-characters", value)
    # a reader hands back at most Excel's limit, so a full cell may already have lost its end
    if len(text) >= EXCEL_MAX_CELL_CHARS:
        raise _fail("text-too-long", value)
    text = normalize_text(text)
    return text or None


def _required(value: object, info: ValidationInfo) -> str | None:
    text = _text(value, info)
    if text is None:
        row: RowContext = info.context
        if info.field_name in row.absent:
            return None  # the missing column is reported once for the file
        raise _fail("required-missing", value)
    return text


def _remember(info: ValidationInfo, value: Any) -> Any:
    row: RowContext = info.context
    row.clean[info.field_name or ""] = value
    return value


def _plain(required: bool) -> Callable[[object, ValidationInfo], str | None]:
    """The check of a text column: present when required, tidied."""

    def validate(value: object, info: ValidationInfo) -> str | None:
        return _remember(info, _required(value, info) if required else _text(value, info))

    return validate


def _choice(
    value: object, info: ValidationInfo, choices: list[str], required: bool, *, yes_no: bool = False
) -> str | None:
    text = _required(value, info) if required else _text(value, info)
    if text is None:
        return None
    if text not in choices:
        compact = normalize_name(text)
        matched = next((choice for choice in choices if normalize_name(choice) == compact), None)
        alias = _campaign(info).choice_aliases.get(text) if matched is None else None
        if alias in choices:
            # a word the campaign file lists as meaning a choice (分管领导 for 主管领导): read as it, with a warning
            _warn(info, "choice-read-as", value, choice=alias)
            return alias
        if matched is None:
            # √, Y or 是的 stay errors (the cell must hold the word), but the hint says which word.
            guess = _yes_no_guess(text, choices) if yes_no else None
            raise _fail("choice-invalid", value, choices="、".join(choices), hint=_suggestion(text, choices, guess))
        text = matched
    return text


def _yes_no(value: object, info: ValidationInfo, required: bool) -> str | None:
    return _choice(value, info, _campaign(info).choices.yes_no, required, yes_no=True)


def _campaign(info: ValidationInfo) -> Campaign:
    row: RowContext = info.context
    return row.campaign


Validator = Callable[[object, ValidationInfo], Any]


def _unit_name(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        name = _required(value, info) if column.required else _text(value, info)
        if name is not None:
            for suffix in _campaign(info).credit_code.branch_suffixes:
                if name.endswith(suffix):
                    _warn(info, "branch-unit", value, suffix=suffix)
                    break
        return _remember(info, name)

    return validate


def _credit_code(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        if _text(value, info) is None:
            return _remember(info, _required(value, info) if column.required else None)
        code, problem = codes.check_credit_code(value)
        if problem is not None:
            raise _fail(problem.rule, value, **problem.context)
        rules = _campaign(info).credit_code
        prefix = code[:2]
        if prefix in rules.never_legal_person:
            raise _fail("uscc-not-legal-person", value, prefix=prefix, label=rules.never_legal_person_label)
        division = code[2:8]  # credit_code_division(code): a code that passed is already normalised
        facts = _campaign(info).campaign
        if not division.startswith(facts.city_division_prefix):
            _warn(
                info, "uscc-outside-city", value, division=division, city=facts.city, division_name=facts.division_name
            )
        return _remember(info, code)

    return validate


def _unit_type(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        campaign = _campaign(info)
        name = _choice(value, info, campaign.unit_type_names, column.required)
        code = info.data.get("credit_code")
        if name is not None and code:
            declared = campaign.unit_type_by_name[name]
            if not declared.fits(code):
                fitting = [unit.name for unit in campaign.unit_types if unit.fits(code) and "**" not in unit.prefixes]
                expected = "、".join(fitting) if fitting else "其他类型"
                _warn(info, "uscc-type-mismatch", value, unit_type=name, prefix=code[:2], expected=expected)
        return _remember(info, name)

    return validate


def _must_be_yes(column: Column) -> Validator:
    rule = column.rule or ""

    def validate(value: object, info: ValidationInfo) -> str | None:
        answer = _yes_no(value, info, column.required)
        if answer is not None and answer != _campaign(info).choices.yes_no[0]:
            raise _fail(rule, value)
        return _remember(info, answer)

    return validate


def _yes_no_column(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        return _remember(info, _yes_no(value, info, column.required))

    return validate


def _find_track(text: str, campaign: Campaign) -> tuple[Track | None, bool]:
    """The track a cell names, and whether it names it plainly (catalog name or alias, spacing aside)."""
    lookup = campaign.track_lookup
    key = normalize_name(text)
    found = lookup.get(key)
    if found is not None:
        return found, True
    return lookup.get(undecorate(key, _TRACK_LABEL)), False


def _track(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        text = _required(value, info) if column.required else _text(value, info)
        if text is None:
            return _remember(info, None)
        campaign = _campaign(info)
        found, plain = _find_track(text, campaign)
        if found is None:
            parts = (_find_track(part, campaign)[0] for part in split_choices(text))
            named = {track.name for track in parts if track is not None}
            if len(named) > 1:
                raise _fail("multiple-tracks", value)
            hint = _suggestion(text, campaign.track_names)
            raise _fail("track-unknown", value, hint=hint, count=str(len(campaign.tracks)))
        if not plain:
            # Read as the catalog track so every output carries the catalog name, but said aloud.
            _warn(info, "track-decorated", value, track=found.name)
        unit = info.data.get("unit_type")
        government = campaign.government
        if unit in government.unit_types and found.name not in government.tracks:
            raise _fail("gov-track-not-allowed", value, unit_type=unit, tracks="、".join(government.tracks))
        return _remember(info, found.name)

    return validate


def _find_topic(text: str, topics: list[str]) -> tuple[str, bool] | None:
    """The listed topic a cell names apart from spacing (plain) or decorations such as 赛题."""
    if not topics:
        return None
    key = normalize_name(text)
    bare = undecorate(key, _TOPIC_LABEL)
    for topic in topics:
        listed = normalize_name(topic)
        if listed == key:
            return topic, True
        if listed == bare:
            return topic, False
    return None


def _topic(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        text = _required(value, info) if column.required else _text(value, info)
        chosen: str | None = info.data.get("track")
        if text is None or chosen is None:
            return _remember(info, text)
        campaign = _campaign(info)
        track_spec: Track = campaign.track_by_name[chosen]
        for closed in track_spec.closed_topics:
            if normalize_name(closed) in normalize_name(text):
                raise _fail("topic-closed", value, track=chosen, reason=campaign.campaign.closed_topic_reason)
        known = campaign.all_topics
        parts = split_choices(text)
        if len([part for part in parts if part in known]) > 1:
            raise _fail("multiple-topics", value)
        if text in track_spec.topics:
            return _remember(info, text)
        listed = _find_topic(text, track_spec.topics)
        if listed is not None:
            topic, plain = listed
            if not plain:
                _warn(info, "topic-decorated", value, track=chosen, topic=topic)
            return _remember(info, topic)
        hint = _suggestion(text, track_spec.open_topics)
        if track_spec.topics_complete or (text in known and known[text] != chosen):
            raise _fail("topic-not-in-track", value, track=chosen, hint=hint)
        if track_spec.topics:
            _warn(info, "topic-unlisted", value, track=chosen, hint=hint)
        return _remember(info, text)

    return validate


def _jiebang(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        campaign = _campaign(info)
        answer = _yes_no(value, info, column.required)
        chosen = info.data.get("track")
        if answer == campaign.choices.yes_no[0] and chosen is not None and not campaign.track_by_name[chosen].jiebang:
            allowed = "、".join(track.name for track in campaign.tracks if track.jiebang)
            raise _fail("jiebang-not-allowed", value, track=chosen, tracks=allowed)
        return _remember(info, answer)

    return validate


def _choice_column(column: Column) -> Validator:
    key = column.choices or ""

    def validate(value: object, info: ValidationInfo) -> str | None:
        choices = _campaign(info).choice_list(key) or []
        return _remember(info, _choice(value, info, choices, column.required))

    return validate


def _registration_date(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> dt.date | None:
        text = _required(value, info) if column.required else _text(value, info)
        if text is None:
            return _remember(info, None)
        day = parse_date(value)
        calendar = _campaign(info).calendar
        if day is None:
            raise _fail("date-invalid", value, example=calendar.weeks[0].isoformat())
        if not calendar.registration_start <= day <= calendar.registration_end:
            raise _fail(
                "date-outside-registration",
                day,
                start=calendar.registration_start.isoformat(),
                end=calendar.registration_end.isoformat(),
            )
        return _remember(info, day)

    return validate


def _division(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        text = _required(value, info) if column.required else _text(value, info)
        expected = _campaign(info).campaign.division_name
        if text is not None and normalize_name(text) != normalize_name(expected):
            raise _fail("division-invalid", value, division=expected)
        return _remember(info, expected if text is not None else None)

    return validate


def _phone(kind: str, rule: str) -> Callable[[Column], Validator]:
    def build(column: Column) -> Validator:
        def validate(value: object, info: ValidationInfo) -> str | None:
            text = _required(value, info) if column.required else _text(value, info)
            if text is None:
                return _remember(info, None)
            number = parse_phone(value, kind)
            if number is None:
                raise _fail(rule, value, example=_campaign(info).campaign.landline_example)
            if isinstance(value, int | float):
                _warn(info, "stored-as-number", value, digits=number)
            return _remember(info, number)

        return validate

    return build


def _registered_unit(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        text = _required(value, info) if column.required else _text(value, info)
        if text is None:
            return _remember(info, None)
        campaign = _campaign(info)
        reporter = campaign.find_reporter(text)
        if reporter is None and (longer := campaign.reporter_starting(text)) is not None:
            # the unit's organ written out (某某县数据和政务服务局 for 某某县): counted as the registered unit
            _warn(info, "unit-read-as", value, reporter=longer.name)
            return _remember(info, longer.name)
        if reporter is None:
            raise _fail("unit-not-registered", value, hint=_suggestion(text, campaign.reporter_names))
        return _remember(info, reporter.name)

    return validate


def _email(column: Column) -> Validator:
    def validate(value: object, info: ValidationInfo) -> str | None:
        text = _text(value, info)
        if text is None:
            if info.data.get("role") == _campaign(info).choices.staff_role:
                raise _fail("email-missing", value)
            return _remember(info, _required(value, info) if column.required else None)
        address = parse_email(text)
        if address is None:
            raise _fail("email-invalid", value)
        return _remember(info, address)

    return validate


# One validator per column kind; each is built for its column (whether it is required, its list, its rule).
_VALIDATORS: dict[ColumnKind, Callable[[Column], Validator]] = {
    ColumnKind.TEXT: lambda column: _plain(column.required),
    ColumnKind.SERIAL: lambda column: _plain(column.required),
    ColumnKind.UNIT_NAME: _unit_name,
    ColumnKind.CREDIT_CODE: _credit_code,
    ColumnKind.UNIT_TYPE: _unit_type,
    ColumnKind.YES_NO: _yes_no_column,
    ColumnKind.MUST_BE_YES: _must_be_yes,
    ColumnKind.TRACK: _track,
    ColumnKind.TOPIC: _topic,
    ColumnKind.JIEBANG: _jiebang,
    ColumnKind.CHOICE: _choice_column,
    ColumnKind.DATE: _registration_date,
    ColumnKind.DIVISION: _division,
    ColumnKind.PHONE: _phone("any", "phone-invalid"),
    ColumnKind.MOBILE: _phone("mobile", "mobile-invalid"),
    ColumnKind.LANDLINE: _phone("landline", "landline-invalid"),
    ColumnKind.EMAIL: _email,
    ColumnKind.REGISTERED_UNIT: _registered_unit,
}


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)


def build_row_model(attachment: Attachment) -> type[BaseModel]:
    """The row model of an attachment: its columns in check order, each with its kind's validator."""
    fields: dict[str, Any] = {}
    for column in attachment.check_order:
        value_type = dt.date | None if column.kind is ColumnKind.DATE else str | None
        fields[column.field] = (Annotated[value_type, BeforeValidator(_VALIDATORS[column.kind](column))], None)
    return create_model(f"Row_{attachment.id}", __base__=_Row, **fields)


# Built models by attachment object: a campaign's attachments live as long as the campaign, and
# the models cannot travel to worker processes (they are made at run time), so each process builds its own.
_MODELS: dict[int, tuple[Attachment, type[BaseModel]]] = {}


def row_model(attachment: Attachment) -> type[BaseModel]:
    cached = _MODELS.get(id(attachment))
    if cached is None or cached[0] is not attachment:
        cached = _MODELS[id(attachment)] = (attachment, build_row_model(attachment))
    return cached[1]


@dataclass(slots=True)
class RowOutcome:
    """One validated row: the normalised values (those that passed) and every issue found."""

    values: dict[str, Any]
    issues: list[RowIssue]

    @property
    def has_error(self) -> bool:
        return any(issue.rule in _ERROR_RULES for issue in self.issues)


def validate_row(
    attachment: Attachment | str, raw: dict[str, object], campaign: Campaign, absent: frozenset[str] = frozenset()
) -> RowOutcome:
    """Check one row's raw cell values (keyed by field name) with one model call.

    ``attachment`` is the spec, or the id of one of the campaign's attachments.
    """
    if isinstance(attachment, str):
        attachment = campaign.attachment(attachment)
    context = RowContext(campaign=campaign, absent=absent)
    model = row_model(attachment)
    issues: list[RowIssue] = []
    try:
        values = model.model_validate(raw, context=context).model_dump()
    except ValidationError as exc:
        values = dict(context.clean)
        for error in exc.errors(include_url=False):
            field_name = str(error["loc"][0]) if error["loc"] else ""
            ctx = {key: str(item) for key, item in (error.get("ctx") or {}).items() if key != "value"}
            seen = (error.get("ctx") or {}).get("value")
            issues.append(RowIssue(error["type"], field_name, seen, ctx))
    issues.extend(context.warnings)
    return RowOutcome(values=values, issues=issues)


_ERROR_RULES = frozenset(code for code, rule in RULES.items() if rule.severity == "error")


# --- a column at a time -----------------------------------------------------------------------


class _Info:
    """The three things a validator reads of pydantic's ``ValidationInfo``, to call it outside a model."""

    __slots__ = ("context", "data", "field_name")

    def __init__(self, context: RowContext, field_name: str, data: dict[str, Any]) -> None:
        self.context = context
        self.field_name = field_name
        self.data = data


# One cell's verdict: the normalised value (FAILED when it failed), the error, the warnings, and
# whether it is clean (no error, no warning: the row needs nothing but the value).
CellOutcome = tuple[Any, RowIssue | None, tuple[RowIssue, ...], bool]
FAILED = object()
# Cell types that are never equal to a value of another type: they are their own cache key.
_UNTAGGED = frozenset({str, type(None), dt.date, dt.datetime})
# Distinct values remembered per column and process; a column of unique values (codes, phones)
# starts over when it is full, so the memory stays bounded whatever the size of the inbox.
CACHE_LIMIT = 4096


def _dependency_view(kind: ColumnKind, campaign: Campaign) -> Callable[[Any], Any] | None:
    """The part of the depended-on value a column's check reads (None: all of it).

    The unit type's check reads only the credit code's first characters (the unit types'
    prefixes), so it is looked up by those and runs once per (unit type, prefix).
    """
    if kind is ColumnKind.UNIT_TYPE:
        length = max(2, *(len(prefix) for unit in campaign.unit_types for prefix in unit.prefixes))
        return lambda code: code[:length] if isinstance(code, str) else code
    return None


# What a quick check returns for a cell that is not the usual one: the validator decides.
_SLOW = object()
Quick = Callable[[list[object]], list[Any]]  # a column's cells -> each one's value, or _SLOW
# A cell the validator flagged: its row's index, the error (or None) and the warnings.
Dirty = tuple[int, RowIssue | None, tuple[RowIssue, ...]]


def _quick_text(value: object) -> Any:
    """A plain text cell's checked value when it is the usual cell (printable text, not empty).

    _text on such a cell strips nothing and warns of nothing; what is left is normalize_text.
    """
    if type(value) is str and value.isprintable() and len(value) < EXCEL_MAX_CELL_CHARS:
        text = normalize_text(value)
        if text:
            return text
    elif type(value) is float and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # a serial number: display() of it, which normalize_text keeps as it is
    elif type(value) is int:
        return str(value)
    return _SLOW


def _quick_texts(cells: list[object]) -> list[Any]:
    """:func:`_quick_text` of every cell; a column of printable text, or of whole numbers, at once with C loops."""
    texts: list[str] = cells  # type: ignore[assignment]
    types = set(map(type, cells))
    if types == {float}:
        numbers: list[float] = cells  # type: ignore[assignment]
        if all(map(float.is_integer, numbers)) and max(map(abs, numbers)) < 1e15:
            return list(map(str, map(int, numbers)))  # serial numbers, as _quick_text reads each
        return list(map(_quick_text, cells))
    if types == {str} and all(map(str.isprintable, texts)) and max(map(len, texts), default=0) < EXCEL_MAX_CELL_CHARS:
        values = list(map(normalize_text, texts))
        if all(values):
            return values
    return list(map(_quick_text, cells))


def _per_cell(quick: Callable[[object], Any]) -> Quick:
    return lambda cells: list(map(quick, cells))


def _quick_check(column: Column, campaign: Campaign) -> Quick | None:
    """For the columns of values that seldom repeat (names, codes, phones): the usual cells' values, fast.

    A cell of the usual shape gets the value its validator would return with no issue at all,
    without the validator's calls; any other cell gets _SLOW, and the validator. None: no such path.
    """
    kind = column.kind
    if kind in (ColumnKind.TEXT, ColumnKind.SERIAL):
        if column.required:
            return _quick_texts

        def optional_texts(cells: list[object]) -> list[Any]:
            empty = cells.count(None)
            if empty == len(cells):
                return list(cells)  # an empty optional column: _text gives None, and that is all
            if not empty:
                return _quick_texts(cells)
            # the filled cells at once, then each in its place; an empty one is None (_text's answer)
            found = iter(_quick_texts([value for value in cells if value is not None]))
            return [None if value is None else next(found) for value in cells]

        return optional_texts
    if kind is ColumnKind.UNIT_NAME:
        suffixes = tuple(campaign.credit_code.branch_suffixes)

        def unit_names(cells: list[object]) -> list[Any]:
            values = _quick_texts(cells)
            if suffixes and any(type(v) is str and v.endswith(suffixes) for v in values):
                return [_SLOW if type(v) is str and v.endswith(suffixes) else v for v in values]  # a branch: warned of
            return values

        return unit_names
    if kind is ColumnKind.CREDIT_CODE:
        never = frozenset(campaign.credit_code.never_legal_person)
        city = campaign.campaign.city_division_prefix

        def ours(code: str) -> bool:
            # what _credit_code accepts without an issue besides the checks: a legal person, of the city
            return code[:2] not in never and code[2:8].startswith(city)

        def credit_code(value: object) -> Any:
            return value if codes.is_valid_credit_code(value) and ours(value) else _SLOW  # type: ignore[arg-type]

        def credit_codes(cells: list[object]) -> list[Any]:
            if not codes.credit_code_shapes(cells):
                return list(map(credit_code, cells))
            passes = codes.check_characters_right
            return [code if passes(code) and ours(code) else _SLOW for code in cells]  # type: ignore[arg-type]

        return credit_codes
    if kind in _PHONE_KINDS:
        mobile = codes.CN_MOBILE.fullmatch if kind is not ColumnKind.LANDLINE else None
        phone_kind = _PHONE_KINDS[kind]

        def phone(value: object) -> Any:
            # a phone typed as text: what _phone returns is parse_phone's answer, when it has one
            if type(value) is str:
                if mobile is not None and len(value) == 11 and value.isascii() and value.isdigit() and mobile(value):
                    return value  # parse_phone's first answer: the digits themselves
                if value.isprintable() and len(value) < EXCEL_MAX_CELL_CHARS:
                    number = codes.parse_phone(value, phone_kind)
                    if number is not None:
                        return number
            return _SLOW

        return _per_cell(phone)
    return None


_PHONE_KINDS = {ColumnKind.PHONE: "any", ColumnKind.MOBILE: "mobile", ColumnKind.LANDLINE: "landline"}


@dataclass(slots=True)
class _ColumnCheck:
    field: str
    validate: Validator
    depends: str | None  # the field whose checked value this column's rule reads
    view: Callable[[Any], Any] | None
    context: RowContext
    quick: Quick | None = None  # the usual cell's value without the validator (never for a dependent column)
    clean: dict[Any, Any] = field(default_factory=dict)  # cell key -> checked value, for cells without an issue
    cache: dict[Any, CellOutcome] = field(default_factory=dict)  # cell key -> outcome, for cells with one
    info: _Info = field(init=False)

    def __post_init__(self) -> None:
        self.info = _Info(self.context, self.field, {})

    def check(self, cells: list[object], dependencies: list[Any] | None) -> tuple[list[Any], list[Dirty]]:
        """Every row's checked value (FAILED where it failed), and the cells with an issue.

        A (value, dependency) checked before is looked up, not checked again: a clean one in
        ``clean`` (its value), one with an issue in ``cache`` (its whole outcome).
        """
        quick = self.quick
        positions: list[int] | None = None
        if quick is not None:
            values = quick(cells)
            if _SLOW not in values:
                return values, []
            positions = [index for index, value in enumerate(values) if value is _SLOW]
            cells = [cells[index] for index in positions]
        keys = self._keys(cells, dependencies)
        clean, cache = self.clean, self.cache
        found = list(map(clean.get, keys, repeat(_SLOW)))
        dirty: list[Dirty] = []
        if _SLOW in found:
            for index in [index for index, value in enumerate(found) if value is _SLOW]:
                key = keys[index]
                value = clean.get(key, _SLOW)  # an earlier row of this table may have had the same value
                if value is _SLOW:
                    outcome = cache.get(key)
                    if outcome is None:
                        outcome = self.run(cells[index], None if dependencies is None else dependencies[index])
                        kept = clean if outcome[3] else cache
                        if len(kept) >= CACHE_LIMIT:
                            kept.clear()
                        kept[key] = outcome[0] if outcome[3] else outcome
                    value = outcome[0]
                    if not outcome[3]:
                        dirty.append((index if positions is None else positions[index], outcome[1], outcome[2]))
                found[index] = value
        if positions is None:
            return found, dirty
        for index, value in zip(positions, found, strict=True):
            values[index] = value
        return values, dirty

    @staticmethod
    def _keys(cells: list[object], dependencies: list[Any] | None) -> list[Any]:
        # 1, 1.0 and True are equal as keys but not as cells, so numbers carry their type
        keys: list[Any] = cells
        if not _UNTAGGED.issuperset(map(type, cells)):
            keys = [value if type(value) is str else (type(value), value) for value in cells]
        if dependencies is not None:
            keys = list(zip(keys, dependencies, strict=True))
        return keys

    def run(self, value: object, dependency: Any) -> CellOutcome:
        """The validator on one cell, exactly as the row model calls it."""
        context, info = self.context, self.info
        warnings = context.warnings = []
        if self.depends is not None:
            info.data = {self.depends: dependency}
        try:
            result = self.validate(value, info)  # type: ignore[arg-type]
        except PydanticCustomError as exc:
            found = exc.context or {}
            details = {key: str(item) for key, item in found.items() if key != "value"}
            return FAILED, RowIssue(exc.type, self.field, found.get("value"), details), tuple(warnings), False
        return (result, None, tuple(warnings), False) if warnings else (result, None, (), True)


# Column checks by (campaign, attachment, absent fields); each process builds its own.
_PLANS: dict[tuple[int, int, frozenset[str]], tuple[Campaign, Attachment, list[_ColumnCheck]]] = {}


def _plan(attachment: Attachment, campaign: Campaign, absent: frozenset[str]) -> list[_ColumnCheck]:
    key = (id(campaign), id(attachment), absent)
    cached = _PLANS.get(key)
    if cached is None or cached[0] is not campaign or cached[1] is not attachment:
        context = RowContext(campaign=campaign, absent=absent)
        checks = []
        for column in attachment.check_order:
            depends = DEPENDS_ON.get(column.kind)
            view = _dependency_view(column.kind, campaign) if depends else None
            quick = None if depends else _quick_check(column, campaign)
            checks.append(_ColumnCheck(column.field, _VALIDATORS[column.kind](column), depends, view, context, quick))
        cached = _PLANS[key] = (campaign, attachment, checks)
    return cached[2]


@dataclass(slots=True)
class CheckedColumns:
    """A table's rows checked a column at a time: per field, every row's checked value, or FAILED."""

    names: list[str]  # the fields in check order
    values: dict[str, list[Any]]
    errors: dict[int, list[RowIssue]]  # row index -> its errors, in check order
    warnings: dict[int, list[RowIssue]]  # row index -> its warnings, in check order

    def issues(self, index: int) -> list[RowIssue]:
        """Row ``index``'s issues as the row model orders them: the errors, then the warnings."""
        return [*self.errors.get(index, ()), *self.warnings.get(index, ())]

    def has_error(self, index: int) -> bool:
        return any(issue.rule in _ERROR_RULES for issue in self.issues(index))

    def column(self, name: str) -> list[Any]:
        """Every row's checked value of ``name``; None where it failed or the table lacks it."""
        found = self.values.get(name)
        return [None] * self.count if found is None else _passed(found)

    @property
    def count(self) -> int:
        return len(next(iter(self.values.values()))) if self.values else 0

    def row_values(self) -> list[dict[str, Any]]:
        """Each row's checked values as the row model gives them: the fields that passed, in check order."""
        names = self.names
        if not names:
            return []
        rows = []
        for index, results in enumerate(zip(*(self.values[name] for name in names), strict=True)):
            if index in self.errors:
                rows.append({name: value for name, value in zip(names, results, strict=True) if value is not FAILED})
            else:
                rows.append(dict(zip(names, results, strict=True)))
        return rows


def _passed(values: list[Any]) -> list[Any]:
    """Checked values with None where the check failed (a new list only when one did)."""
    if FAILED not in values:
        return values
    return [None if value is FAILED else value for value in values]


def _cells(rows: list[dict[str, object]], name: str) -> list[object]:
    try:
        return list(map(itemgetter(name), rows))  # a table's rows all have the table's columns
    except KeyError:
        return [raw.get(name) for raw in rows]


def check_columns(
    attachment: Attachment,
    rows: list[dict[str, object]],
    campaign: Campaign,
    absent: frozenset[str] = frozenset(),
) -> CheckedColumns:
    """Check a table's rows a column at a time (see :func:`validate_rows`)."""
    cells = {column.field: _cells(rows, column.field) for column in attachment.check_order}
    return check_cells(attachment, cells, len(rows), campaign, absent)


def check_cells(
    attachment: Attachment,
    columns: Mapping[str, list[object]],
    count: int,
    campaign: Campaign,
    absent: frozenset[str] = frozenset(),
) -> CheckedColumns:
    """:func:`check_columns` on the table's raw cells by field, as the layout hands them over (``count`` rows).

    A field without a list in ``columns`` is empty in every row (the table lacks the column).
    """
    plan = _plan(attachment, campaign, absent)
    checked: dict[str, list[Any]] = {}
    errors: dict[int, list[RowIssue]] = {}
    warnings: dict[int, list[RowIssue]] = {}
    for check in plan:
        cells = columns.get(check.field)
        if cells is None:
            cells = [None] * count
        dependencies: list[Any] | None = None
        if check.depends is not None:
            # what the row model's info.data holds: the checked value; None when it failed or is absent
            found = checked.get(check.depends)
            dependencies = [None] * count if found is None else _passed(found)
            if check.view is not None:
                dependencies = list(map(check.view, dependencies))
        checked[check.field], dirty = check.check(cells, dependencies)
        for index, error, warned in dirty:
            if error is not None:
                errors.setdefault(index, []).append(error)
            if warned:
                warnings.setdefault(index, []).extend(warned)
    return CheckedColumns([check.field for check in plan], checked, errors, warnings)


def validate_rows(
    attachment: Attachment | str,
    rows: list[dict[str, object]],
    campaign: Campaign,
    absent: frozenset[str] = frozenset(),
) -> list[RowOutcome]:
    """Check a table's rows a column at a time; the same outcomes as :func:`validate_row` on each row."""
    if isinstance(attachment, str):
        attachment = campaign.attachment(attachment)
    checked = check_columns(attachment, rows, campaign, absent)
    if not checked.names:
        return [RowOutcome({}, []) for _ in rows]
    return [RowOutcome(values, checked.issues(index)) for index, values in enumerate(checked.row_values())]
