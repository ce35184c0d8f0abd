"""The shape of an attachment: its role, title, header block and columns, as read from the campaign file.

The campaign file (``[columns.<field>]`` and ``[[attachments]]``) declares every attachment and
column once; templates are written from these specs, returned workbooks are read against them
and the row models are built from them (:mod:`zjkcollect.schemas`). This module holds the types
and what the program itself gives meaning to: the roles, the column kinds and the field ids the
code reads by name. Choice values are not here: they come from the campaign.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, model_validator

from zjkcollect.text import normalize_header

if TYPE_CHECKING:
    from zjkcollect.campaign import Campaign

# Sheets that templates and marked-up copies add beside the reporter's table. The writers name
# them and the reader skips them, so both take the names from here.
INSTRUCTIONS_SHEET = "填表说明"
LISTS_SHEET = "_lists"
FINGERPRINT_SHEET = "_zjkcollect"
ISSUES_SHEET = "问题清单"
# The fingerprint: row 1 is (FINGERPRINT_MARK, FINGERPRINT_FORMAT), then (key, value) rows, all text.
FINGERPRINT_MARK = "zjkcollect-template"
FINGERPRINT_FORMAT = "1"
FP_KIND = "kind"  # the attachment's id, e.g. "weekly"; templates made before ids hold its label ("附件3")
FP_TEMPLATE_VERSION = "template_version"  # campaign.campaign.template_version
FP_CAMPAIGN_YEAR = "campaign_year"  # the campaign's year, as text
FP_REPORTER = "reporter"  # only in per-reporter copies


class Kind(StrEnum):
    """An attachment's role: which file-level rules apply and what the roll-up does with it.

    The first three are singletons (a campaign has exactly one attachment of each), so their
    role is also their attachment id. ``OTHER`` attachments are checked row by row only, and
    each carries an id of its own.
    """

    SURVEY = "survey"  # 附件2: one return per unit, dated on or before the survey due date
    REGISTERED = "weekly"  # 附件3: one return per unit and calendar week, rolled up weekly
    CONTACTS = "contacts"  # 附件4: one 主管领导 and at least one 具体负责人 per unit
    OTHER = "other"


SINGLETON_ROLES = (Kind.SURVEY, Kind.REGISTERED, Kind.CONTACTS)


class ColumnKind(StrEnum):
    """How a column's cells are checked, written into templates and read back."""

    TEXT = "text"
    SERIAL = "serial"
    UNIT_NAME = "unit_name"  # a legal person's name; branch-office suffixes are warned about
    CREDIT_CODE = "credit_code"
    UNIT_TYPE = "unit_type"  # one of [[unit_types]]; must fit the row's credit code
    YES_NO = "yes_no"
    MUST_BE_YES = "must_be_yes"  # 是/否 where 否 breaks the column's ``rule``
    TRACK = "track"
    TOPIC = "topic"  # a topic of the row's track
    JIEBANG = "jiebang"  # 是 only in a track with 揭榜挂帅 sub-topics
    CHOICE = "choice"  # one value of the [choices] list the column names
    DATE = "date"  # a date within the registration period
    DIVISION = "division"  # campaign.division_name
    PHONE = "phone"  # a mobile or a landline
    MOBILE = "mobile"
    LANDLINE = "landline"
    EMAIL = "email"  # required when the row's role is the staff role
    REGISTERED_UNIT = "registered_unit"  # a unit of the reporter registry


# Fields the program reads by id (cross-column rules, file rules, the roll-up), with the kind
# (and for choices, the [choices] list) such a column must have. The campaign file lists them too.
PROGRAM_FIELDS: dict[str, tuple[ColumnKind, str | None]] = {
    "serial": (ColumnKind.SERIAL, None),
    "project_name": (ColumnKind.TEXT, None),
    "unit_name": (ColumnKind.UNIT_NAME, None),
    "credit_code": (ColumnKind.CREDIT_CODE, None),
    "unit_type": (ColumnKind.UNIT_TYPE, None),
    "track": (ColumnKind.TRACK, None),
    "topic": (ColumnKind.TOPIC, None),
    "jiebang": (ColumnKind.JIEBANG, None),
    "status": (ColumnKind.CHOICE, "registration_status"),
    "unit": (ColumnKind.REGISTERED_UNIT, None),
    "role": (ColumnKind.CHOICE, "person_roles"),
    "name": (ColumnKind.TEXT, None),
    "mobile": (ColumnKind.MOBILE, None),
}

# What makes a row a project: the rules on projects across rows and returns read these.
PROJECT_FIELDS = ("project_name", "credit_code", "track")

# The fields each singleton role's file rules and roll-up cannot do without.
ROLE_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.SURVEY: ("project_name", "credit_code", "track", "topic"),
    Kind.REGISTERED: ("project_name", "credit_code", "track", "topic", "status"),
    Kind.CONTACTS: ("unit", "role", "name", "mobile"),
    Kind.OTHER: (),
}

# Cross-column rules: a column of this kind reads the already-checked value of that field, so
# the row model checks that field first (see :func:`check_order`).
DEPENDS_ON: dict[ColumnKind, str] = {
    ColumnKind.UNIT_TYPE: "credit_code",
    ColumnKind.TRACK: "unit_type",
    ColumnKind.TOPIC: "track",
    ColumnKind.JIEBANG: "track",
    ColumnKind.EMAIL: "role",
}

# The choice list of each kind with a fixed one; CHOICE columns name theirs. These keys are
# reserved: a [choices] list may not take them (except yes_no, which is the [choices] list itself).
FIXED_LISTS: dict[ColumnKind, str] = {
    ColumnKind.UNIT_TYPE: "unit_type",
    ColumnKind.YES_NO: "yes_no",
    ColumnKind.MUST_BE_YES: "yes_no",
    ColumnKind.JIEBANG: "yes_no",
    ColumnKind.TRACK: "track",
    ColumnKind.DIVISION: "division",
    ColumnKind.REGISTERED_UNIT: "reporter",
}
RESERVED_LISTS = frozenset(FIXED_LISTS.values()) - {"yes_no"}

# Columns Excel must keep as text (18-digit codes, leading zeros in phones).
_TEXT_FORMAT_KINDS = frozenset({ColumnKind.CREDIT_CODE, ColumnKind.PHONE, ColumnKind.MOBILE, ColumnKind.LANDLINE})


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Spec):
    field: str  # the key of its [columns.<field>] table
    header: str
    kind: ColumnKind
    required: bool = False
    width: int
    hint: str = ""
    variants: tuple[str, ...] = ()
    choices: str | None = None  # CHOICE: the [choices] list
    rule: str | None = None  # MUST_BE_YES: the catalog rule a 否 breaks

    @property
    def is_text_format(self) -> bool:
        return self.kind in _TEXT_FORMAT_KINDS

    @property
    def list_key(self) -> str | None:
        """The choice list this column's dropdown shows, or None for a free column."""
        return self.choices if self.kind is ColumnKind.CHOICE else FIXED_LISTS.get(self.kind)


class Attachment(_Spec):
    id: str
    role: Kind
    label: str  # "附件3": display text, the data sheet's name
    title: str
    file_stem: str
    date_label: str  # the header block's date label
    title_hints: tuple[str, ...] = ()  # words of the title that tell this attachment from the others
    columns: tuple[Column, ...]

    @model_validator(mode="before")
    @classmethod
    def _id_from_role(cls, data: Any) -> Any:
        """A singleton role is its attachment's id; only ``other`` attachments name one."""
        if isinstance(data, dict) and "id" not in data and data.get("role") in {role.value for role in SINGLETON_ROLES}:
            return {**data, "id": data["role"]}
        return data

    @property
    def kind(self) -> Kind:
        return self.role

    def column(self, field: str) -> Column:
        return self.by_field[field]

    def has(self, field: str) -> bool:
        return field in self.by_field

    @property
    def holds_projects(self) -> bool:
        """Rows are projects (a credit code, a name, a track): the rules on projects across rows and returns apply."""
        return all(name in self.by_field for name in PROJECT_FIELDS)

    @cached_property
    def by_field(self) -> dict[str, Column]:
        return {column.field: column for column in self.columns}

    @cached_property
    def required_fields(self) -> list[str]:
        return [column.field for column in self.columns if column.required]

    @cached_property
    def header_lookup(self) -> dict[str, str]:
        """Every normalised header text that names a column → its field."""
        keys: dict[str, str] = {}
        for column in self.columns:
            for key in header_keys(column):
                keys.setdefault(key, column.field)
        return keys

    @cached_property
    def check_order(self) -> tuple[Column, ...]:
        return check_order(self.columns)


def check_order(columns: tuple[Column, ...]) -> tuple[Column, ...]:
    """The columns in the order the row check must see them: each after the field its rule reads.

    Independent of the sheet's order and of the order the campaign file lists them in (credit
    code before unit type, unit type before track, track before topic and 揭榜挂帅, role before
    e-mail); otherwise the listed order is kept.
    """
    fields = {column.field: column for column in columns}
    ordered: dict[str, Column] = {}

    def place(column: Column, waiting: frozenset[str]) -> None:
        needed = DEPENDS_ON.get(column.kind)
        if needed in fields and needed not in ordered and needed not in waiting:
            place(fields[needed], waiting | {column.field})
        ordered.setdefault(column.field, column)

    for column in columns:
        place(column, frozenset())
    return tuple(ordered.values())


def choices_for(column: Column, campaign: Campaign) -> list[str] | None:
    """The closed list of values a column takes, from the campaign; None for free columns."""
    key = column.list_key
    return None if key is None else campaign.choice_list(key)


def header_keys(column: Column) -> set[str]:
    """Every normalised header text that names this column."""
    keys = set()
    for text in (column.header, *column.variants):
        key = normalize_header(text)
        keys.add(key)
        keys.add(_without_parenthetical(key))
    return keys


def _without_parenthetical(text: str) -> str:
    cut = text.find("(")
    return text[:cut] if cut > 0 else text
