"""The campaign file: every decision of the bureau's letter that a clerk may change, as data.

The shipped file lives in ``zjkcollect/data/`` (:func:`zjkcollect.data.builtin_campaign_name`). Everything that
depends on tracks, topics, unit types, reporters, the calendar or the attachments and their
columns reads it from here.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import tomllib
from functools import cached_property
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zjkcollect.attachments import (
    FINGERPRINT_SHEET,
    INSTRUCTIONS_SHEET,
    ISSUES_SHEET,
    LISTS_SHEET,
    PROGRAM_FIELDS,
    RESERVED_LISTS,
    ROLE_FIELDS,
    SINGLETON_ROLES,
    Attachment,
    Column,
    ColumnKind,
    Kind,
)
from zjkcollect.data import builtin_campaign_bytes, builtin_campaign_name
from zjkcollect.errors import CampaignError, os_reason
from zjkcollect.rules import RULES
from zjkcollect.text import normalize_name, weekday_name


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignInfo(_Strict):
    name: str
    year: int
    bureau: str
    city: str
    addressees: str  # who fills in the returns, as the instructions say it: 各县区……和市有关单位
    province: str  # as in "<province>分赛区": the province's short name
    contest: str  # the competition's name without the year, as document titles use it
    contest_short: str  # the competition without the sub-contest, as the roll-up's title and file name use it
    mailbox: str  # where the returns are e-mailed to
    min_projects_per_track: int = Field(ge=1)
    division_name: str
    city_division_prefix: str
    closed_topic_reason: str  # why a closed topic takes no registrations, said in its error
    landline_example: str  # a local landline, shown wherever a phone number is explained
    eligible_unit_types: list[str] = Field(min_length=1)  # named in the instructions' eligibility rule
    template_version: str

    @property
    def city_prefixes(self) -> tuple[str, ...]:
        """How a unit's name may start with the city: ``<city>`` and, for ``…市``, without the 市."""
        short = self.city.removesuffix("市")
        return (self.city, short) if short and short != self.city else (self.city,)


class Calendar(_Strict):
    survey_due: dt.date
    registration_start: dt.date
    registration_end: dt.date
    utc_offset: str = Field(pattern=r"^[+-](0\d|1[0-4]):[0-5]\d$")
    weeks: list[dt.date] = Field(min_length=1)

    @property
    def timezone(self) -> dt.timezone:
        """The campaign's local time, to which a mail's send time is converted before it is dated."""
        sign = -1 if self.utc_offset.startswith("-") else 1
        hours, minutes = (int(part) for part in self.utc_offset[1:].split(":"))
        return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))

    @property
    def update_weekday(self) -> int:
        """The weekday every update falls on (Monday 0 … Sunday 6): the weekday of the weeks."""
        return self.weeks[0].weekday()

    @property
    def update_day(self) -> str:
        """The update weekday as the texts say it: 周一 … 周日, the weekday every week falls on."""
        return weekday_name(self.update_weekday)

    @model_validator(mode="after")
    def _weeks_share_a_weekday(self) -> Calendar:
        first = self.weeks[0]
        for index, week in enumerate(self.weeks):
            if week.weekday() != first.weekday():
                raise ValueError(
                    f"calendar.weeks 第{index + 1}项 {week} 是{weekday_name(week.weekday(), long=True)}，"
                    f"第1项 {first} 是{weekday_name(first.weekday(), long=True)}：每周更新日必须是同一个星期几"
                )
        if self.weeks != sorted(set(self.weeks)):
            raise ValueError("calendar.weeks 必须按日期从早到晚排列且不重复")
        if self.registration_start > self.registration_end:
            raise ValueError("calendar.registration_start 晚于 registration_end")
        return self


# Names of [choices] lists and of [columns] tables: they become defined names and JSON keys.
_KEY = re.compile(r"[a-z][a-z0-9_]*")
# Excel refuses these in a sheet name; an attachment's label is its data sheet's name.
_SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*\[\]:]")
_SHEET_NAME_LIMIT = 31
MIN_COLUMNS = 4  # the header block needs the first two columns and the last two
# Sheets templates and marked copies add beside the attachment's own (named after its label).
_PROGRAM_SHEETS = frozenset({INSTRUCTIONS_SHEET, LISTS_SHEET, FINGERPRINT_SHEET, ISSUES_SHEET})


class Choices(BaseModel):
    """The closed lists of values; besides the named ones, any further list a choice column may use."""

    model_config = ConfigDict(extra="allow", frozen=True)

    yes_no: list[str] = Field(min_length=2, max_length=2)
    registration_status: list[str] = Field(min_length=1)
    withdrawn_status: str
    person_roles: list[str] = Field(min_length=1)
    leader_role: str
    staff_role: str

    @model_validator(mode="after")
    def _members_are_listed(self) -> Choices:
        if self.withdrawn_status not in self.registration_status:
            raise ValueError(f"choices.withdrawn_status “{self.withdrawn_status}”不在 registration_status 中")
        for key in ("leader_role", "staff_role"):
            if getattr(self, key) not in self.person_roles:
                raise ValueError(f"choices.{key} “{getattr(self, key)}”不在 person_roles 中")
        for key, values in (self.model_extra or {}).items():
            if not _KEY.fullmatch(key) or key in RESERVED_LISTS:
                raise ValueError(
                    f"choices.{key}：取值列表的名称只能用小写英文字母、数字和下划线（以字母开头），"
                    f"且不能是 {'、'.join(sorted(RESERVED_LISTS))}"
                )
            if not isinstance(values, list) or not values or not all(isinstance(v, str) and v for v in values):
                raise ValueError(f'choices.{key}：应为不为空的文字列表，如 ["甲", "乙"]')
        return self

    def named(self, key: str) -> list[str] | None:
        """A list of this table by its key (``registration_status``, ``person_roles``, an added one)."""
        if key in ("yes_no", "registration_status", "person_roles"):
            return list(getattr(self, key))
        extra = (self.model_extra or {}).get(key)
        return list(extra) if isinstance(extra, list) else None

    @property
    def list_names(self) -> list[str]:
        return ["yes_no", "registration_status", "person_roles", *(self.model_extra or {})]


class CreditCodeRules(_Strict):
    never_legal_person: list[str]
    never_legal_person_label: str
    branch_suffixes: list[str] = []


class UnitType(_Strict):
    name: str
    prefixes: list[str] = Field(min_length=1)

    def fits(self, code: str) -> bool:
        return any(_prefix_matches(pattern, code) for pattern in self.prefixes)


def _prefix_matches(pattern: str, code: str) -> bool:
    return len(code) >= len(pattern) and all(p in ("*", c) for p, c in zip(pattern, code, strict=False))


class Government(_Strict):
    unit_types: list[str]
    tracks: list[str]


class Track(_Strict):
    name: str
    category: str
    jiebang: bool = False
    topics: list[str] = []
    topics_complete: bool = False
    closed_topics: list[str] = []
    aliases: list[str] = []

    @property
    def open_topics(self) -> list[str]:
        return [topic for topic in self.topics if topic not in self.closed_topics]


class Reporter(_Strict):
    name: str
    level: str
    division_code: str | None = None
    aliases: list[str] = []


class Campaign(_Strict):
    campaign: CampaignInfo
    calendar: Calendar
    choices: Choices
    # Words reporters write for a choice (分管领导 for 主管领导): read as that choice, with a warning.
    choice_aliases: dict[str, str] = {}
    credit_code: CreditCodeRules
    unit_types: list[UnitType] = Field(min_length=1)
    government: Government
    tracks: list[Track] = Field(min_length=1)
    reporters: list[Reporter] = Field(min_length=1)
    columns: dict[str, Column] = Field(min_length=1)
    attachments: list[Attachment] = Field(min_length=1)
    source: str = ""

    @model_validator(mode="before")
    @classmethod
    def _resolve_columns(cls, data: Any) -> Any:
        """Each column's field id is its table key; attachments name their columns by that key."""
        if not isinstance(data, dict):
            return data
        columns = data.get("columns")
        if isinstance(columns, dict):
            for key, spec in columns.items():
                if isinstance(spec, dict) and "field" in spec:
                    raise ValueError(f"columns.{key}：不要填写 field，栏目的标识就是表名“{key}”")
            columns = {key: {**spec, "field": key} if isinstance(spec, dict) else spec for key, spec in columns.items()}
            data = {**data, "columns": columns}
        attachments = data.get("attachments")
        if isinstance(attachments, list) and isinstance(columns, dict):
            resolved = []
            for index, entry in enumerate(attachments):
                if isinstance(entry, dict) and isinstance(entry.get("columns"), list):
                    where = f"attachments 第{index + 1}项（{entry.get('label', '')}）的 columns"
                    for ref in entry["columns"]:
                        if not isinstance(ref, str) or ref not in columns:
                            raise ValueError(f"{where} 中的“{ref}”未在 [columns] 中定义，请先添加 [columns.{ref}]")
                    entry = {**entry, "columns": [columns[ref] for ref in entry["columns"]]}
                resolved.append(entry)
            data = {**data, "attachments": resolved}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        track_names = [track.name for track in self.tracks]
        _no_duplicates("tracks", track_names)
        _no_duplicates("reporters", [reporter.name for reporter in self.reporters])
        _no_duplicates("unit_types", [unit.name for unit in self.unit_types])
        for index, track in enumerate(self.tracks):
            for topic in track.closed_topics:
                if topic not in track.topics:
                    raise ValueError(
                        f"tracks 第{index + 1}项（{track.name}）的 closed_topics 中的“{topic}”不在该赛道的 topics 中"
                    )
        choices = self.choices
        listed = {value for name in choices.list_names for value in choices.named(name) or ()}
        for alias, meant in self.choice_aliases.items():
            if meant not in listed:
                raise ValueError(f"choice_aliases 中“{alias}”对应的“{meant}”不在 [choices] 的任何下拉列表中")
        for name in self.government.tracks:
            if name not in track_names:
                raise ValueError(f"government.tracks 中的赛道“{name}”不在赛道目录 tracks 中")
        unit_names = {unit.name for unit in self.unit_types}
        for name in self.government.unit_types:
            if name not in unit_names:
                raise ValueError(f"government.unit_types 中的“{name}”不在 unit_types 中")
        for name in self.campaign.eligible_unit_types:
            if name not in unit_names:
                raise ValueError(f"campaign.eligible_unit_types 中的“{name}”不在 unit_types 中")
        for index, reporter in enumerate(self.reporters):
            code = reporter.division_code
            if code is not None and not (len(code) == 6 and code.isdigit()):
                raise ValueError(f"reporters 第{index + 1}项（{reporter.name}）的 division_code “{code}”应为6位数字")
        for column in self.columns.values():
            _check_column(column, self.choices)
        _check_attachments(self.attachments)
        return self

    # Lookups used on every row; computed once per campaign.
    @cached_property
    def attachment_by_id(self) -> dict[str, Attachment]:
        return {attachment.id: attachment for attachment in self.attachments}

    def attachment(self, kind: str) -> Attachment:
        """The attachment with this id; for the survey, weekly and contacts roles the role itself."""
        return self.attachment_by_id[kind]

    def find_attachment(self, text: str) -> Attachment | None:
        """The attachment an id or a label names (templates made before ids carry the label)."""
        text = text.strip()
        found = self.attachment_by_id.get(text)
        return found or next((item for item in self.attachments if item.label == text), None)

    @cached_property
    def all_header_keys(self) -> frozenset[str]:
        """Every normalised header text of every attachment (to tell header rows from data)."""
        return frozenset(key for attachment in self.attachments for key in attachment.header_lookup)

    @cached_property
    def shared_fields(self) -> frozenset[str]:
        """Fields every attachment has: matching them does not tell attachments apart."""
        return frozenset.intersection(*(frozenset(item.by_field) for item in self.attachments))

    def choice_list(self, key: str) -> list[str] | None:
        """The values of a named choice list: [choices] lists and those the campaign defines elsewhere."""
        match key:
            case "unit_type":
                return self.unit_type_names
            case "track":
                return self.track_names
            case "division":
                return [self.campaign.division_name]
            case "reporter":
                return self.reporter_names
        return self.choices.named(key)

    @cached_property
    def track_by_name(self) -> dict[str, Track]:
        return {track.name: track for track in self.tracks}

    @cached_property
    def track_lookup(self) -> dict[str, Track]:
        """Normalised name or alias → track.

        Only what the campaign declares: a decorated name such as ``工业制造赛道`` is read by the row
        check, which says so in a warning.
        """
        lookup: dict[str, Track] = {}
        for track in self.tracks:
            for name in (track.name, *track.aliases):
                lookup[normalize_name(name)] = track
        return lookup

    @cached_property
    def unit_type_by_name(self) -> dict[str, UnitType]:
        return {unit.name: unit for unit in self.unit_types}

    @cached_property
    def reporter_lookup(self) -> dict[str, Reporter]:
        """Normalised name or alias → reporter; the name with the city before it is accepted too."""
        lookup: dict[str, Reporter] = {}
        city = normalize_name(self.campaign.city)
        prefixes = [normalize_name(prefix) for prefix in self.campaign.city_prefixes]
        for reporter in self.reporters:
            for name in (reporter.name, *reporter.aliases):
                key = normalize_name(name)
                lookup[key] = reporter
                for prefix in prefixes:
                    # 市教育局 takes the short prefix only: <city>市教育局 would say 市 twice
                    if prefix != city or not key.startswith("市"):
                        lookup[prefix + key] = reporter
        return lookup

    @cached_property
    def all_topics(self) -> dict[str, str]:
        """Every listed topic → its track name."""
        return {topic: track.name for track in self.tracks for topic in track.topics}

    @property
    def reporter_levels(self) -> list[str]:
        """The registry's levels (县区, 市直部门 …) in the order they first appear."""
        return list(dict.fromkeys(reporter.level for reporter in self.reporters))

    @property
    def track_names(self) -> list[str]:
        return [track.name for track in self.tracks]

    @property
    def reporter_names(self) -> list[str]:
        return [reporter.name for reporter in self.reporters]

    @property
    def unit_type_names(self) -> list[str]:
        return [unit.name for unit in self.unit_types]

    def find_reporter(self, text: str) -> Reporter | None:
        return self.reporter_lookup.get(normalize_name(text))

    def reporter_starting(self, text: str) -> Reporter | None:
        """The reporter a longer name starts with: 某某县人民政府, 某某县数据和政务服务局 → 某某县.

        The longest registered name (or alias, with or without the city) the text begins with and
        goes on from; None when there is none.
        """
        key = normalize_name(text)
        names = [
            name for name in self.reporter_lookup if len(name) >= 2 and len(key) > len(name) and key.startswith(name)
        ]
        return self.reporter_lookup[max(names, key=len)] if names else None

    def reporters_named_in(self, text: str) -> list[Reporter]:
        """Every reporter whose registered name (or alias) appears in the text, e.g. in a table's title."""
        key = normalize_name(text)
        found: dict[str, Reporter] = {}
        for name, reporter in self.reporter_lookup.items():
            if len(name) >= 2 and name in key:
                found.setdefault(reporter.name, reporter)
        return list(found.values())

    def week_for(self, day: dt.date) -> dt.date | None:
        """``day`` itself when it is one of the calendar's update days, else None."""
        return day if day in self.calendar.weeks else None


def _check_column(column: Column, choices: Choices) -> None:
    where = f"columns.{column.field}"
    if not _KEY.fullmatch(column.field):
        raise ValueError(f"{where}：栏目标识只能用小写英文字母、数字和下划线（以字母开头）")
    if column.width < 1:
        raise ValueError(f"{where}.width：列宽应为正整数")
    if column.kind is ColumnKind.CHOICE:
        if column.choices is None:
            raise ValueError(f"{where}：类型为 choice 的栏目须用 choices 指明取值列表（[choices] 中的一项）")
        if choices.named(column.choices) is None:
            raise ValueError(
                f"{where}.choices：取值列表“{column.choices}”未在 [choices] 中定义"
                f"（已定义：{'、'.join(choices.list_names)}）"
            )
    elif column.choices is not None:
        raise ValueError(f"{where}.choices：只有类型为 choice 的栏目才能指定取值列表")
    if column.kind is ColumnKind.MUST_BE_YES:
        rule = RULES.get(column.rule or "")
        if rule is None or rule.scope != "cell":
            raise ValueError(
                f"{where}.rule：类型为 must_be_yes 的栏目须用 rule 指明填“否”时违反的规则，"
                f"“{column.rule or ''}”不是规则目录中的单元格规则（如 not-legal-person、not-applied）"
            )
    elif column.rule is not None:
        raise ValueError(f"{where}.rule：只有类型为 must_be_yes 的栏目才能指定 rule")
    expected = PROGRAM_FIELDS.get(column.field)
    if expected is not None and (column.kind, column.choices) != expected:
        kind, listed = expected
        wanted = f'{kind.value}（choices = "{listed}"）' if listed else kind.value
        raise ValueError(f"{where}：程序按标识“{column.field}”读取此栏目，其类型 kind 应为 {wanted}")


def _check_attachments(attachments: list[Attachment]) -> None:
    for role in SINGLETON_ROLES:
        count = sum(1 for attachment in attachments if attachment.role is role)
        if count != 1:
            raise ValueError(f'attachments 中 role = "{role.value}" 的附件应有且只有1个，现有{count}个')
    for index, attachment in enumerate(attachments):
        where = f"attachments 第{index + 1}项（{attachment.label}）"
        if attachment.role is Kind.OTHER:
            if not _KEY.fullmatch(attachment.id) or attachment.id in {role.value for role in Kind}:
                raise ValueError(
                    f'{where}.id：role = "other" 的附件须有自己的 id（小写英文字母、数字和下划线），'
                    "且不能与 role 的名称相同"
                )
        elif attachment.id != attachment.role.value:
            raise ValueError(
                f'{where}.id：role = "{attachment.role.value}" 的附件不要填写 id（或填 "{attachment.role.value}"）'
            )
        if len(attachment.label) > _SHEET_NAME_LIMIT or _SHEET_NAME_FORBIDDEN.search(attachment.label):
            raise ValueError(
                f"{where}.label：用作工作表名称，不能超过{_SHEET_NAME_LIMIT}个字符，不能含有 \\ / ? * [ ] :"
            )
        if attachment.label in _PROGRAM_SHEETS:
            raise ValueError(f"{where}.label：“{attachment.label}”是程序自用的工作表名称，请换一个")
        fields = [column.field for column in attachment.columns]
        _no_duplicates(f"{where}.columns", fields)
        if len(fields) < MIN_COLUMNS:
            raise ValueError(f"{where}.columns：至少需要{MIN_COLUMNS}个栏目（表头区占用第一列和最后两列）")
        missing = [name for name in ROLE_FIELDS[attachment.role] if name not in fields]
        if missing:
            raise ValueError(
                f'{where}.columns：role = "{attachment.role.value}" 的附件必须包含栏目 {"、".join(missing)}'
            )
        if any(column.kind is ColumnKind.TOPIC for column in attachment.columns) and "track" not in fields:
            raise ValueError(f"{where}.columns：有参赛赛题栏目的附件必须同时包含栏目 track（参赛赛道）")
    for key in ("id", "label", "file_stem"):
        _no_duplicates(f"attachments 的 {key}", [getattr(attachment, key) for attachment in attachments])


def _no_duplicates(key: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{key} 中“{name}”重复出现")
        seen.add(name)


def load_campaign(path: Path | str | None = None) -> Campaign:
    """Load and check a campaign file; the shipped one when ``path`` is None."""
    if path is None:
        name = builtin_campaign_name()
        if name is None:
            raise CampaignError("程序安装不完整：找不到内置的活动配置文件，请重新安装")
        raw = builtin_campaign_bytes(name)
        source = f"内置活动配置 {name}"
    else:
        path = Path(path)
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CampaignError(f"无法读取活动配置文件 {path}：{os_reason(exc)}") from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CampaignError(
            f"活动配置文件 {source} 不是 UTF-8 编码，请用 UTF-8 保存（记事本：另存为 → 编码选 UTF-8）"
        ) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"活动配置文件 {source} {describe_syntax_error(text, str(exc))}") from exc
    return _build(data, source, text)


def shipped_campaign_bytes() -> bytes:
    """The shipped campaign file, comments and all (``zjkcollect init`` copies it for the clerk)."""
    name = builtin_campaign_name()
    if name is None:
        raise CampaignError("程序安装不完整：找不到内置的活动配置文件，请重新安装")
    return builtin_campaign_bytes(name)


# --- syntax slips, said in Chinese -------------------------------------------------------------------

_WHERE = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)\s*$")
_DATE_SLIP = re.compile(r"(?<![\d-])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d])")
_TOML_KEY = re.compile(r"^\s*([^=\s\[\]#]+)\s*=")
_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]")
_CHINESE_QUOTES = "“”‘’「」"


def describe_syntax_error(text: str, english: str) -> str:
    """A TOML syntax error as one Chinese line: where, the offending line quoted, and what to do."""
    match = _WHERE.search(english)
    reason = english[: match.start()] if match else english
    lines = text.splitlines()
    number = int(match.group(1)) if match and match.group(1) else None
    if number is None and match is not None:  # "at end of document": show the last line with text
        number = next((index + 1 for index in range(len(lines) - 1, -1, -1) if lines[index].strip()), None)
    line = lines[number - 1] if number is not None and 0 < number <= len(lines) else ""
    place = f"第 {number} 行" if number is not None else ""
    if match and match.group(2):
        place += f"第 {match.group(2)} 列"
    quoted = f"「{line.strip()}」" if line.strip() else ""
    hint = _syntax_hint(reason, line, lines, number)
    parts = [f"{place}格式有误" if place else "格式有误", quoted, hint]
    return "：".join(part for part in parts[:2] if part) + (f"——{hint}" if hint else "")


def _syntax_hint(reason: str, line: str, lines: list[str], number: int | None) -> str:
    for checker in (_date_hint, _duplicate_hint, _quote_hint, _bracket_hint):
        hint = checker(reason, line, lines, number)
        if hint:
            return hint
    return f"不符合 TOML 格式（{reason}），请对照内置配置文件的写法修改"


def _date_hint(reason: str, line: str, _lines: list[str], _number: int | None) -> str:
    value = line.split("=", 1)[1] if "=" in line else line
    for found in _DATE_SLIP.finditer(value.split("#", 1)[0]):
        year, month, day = found.groups()
        fixed = f"{year}-{int(month):02d}-{int(day):02d}"
        if found.group(0) != fixed:
            return f"日期要写成“年-月-日”且月和日都用两位数字，例如 {fixed}，不加引号"
    if reason.startswith("Invalid date"):
        return "这个日期不存在（例如 6 月没有 31 日），请核对"
    return ""


def _duplicate_hint(reason: str, line: str, lines: list[str], number: int | None) -> str:
    if reason.startswith("Cannot declare"):
        table = _TOML_TABLE.match(line)
        name = f"[{table.group(2)}]" if table else "这个表头"
        return f"{name} 写了两次，请把两处的内容合并到一处"
    if not reason.startswith("Cannot overwrite"):
        return ""
    key = _TOML_KEY.match(line)
    if key is None:
        return "同一个配置项写了两次，请删掉多余的一个"
    name = key.group(1).strip()
    earlier = _earlier_key_line(name, lines, number or len(lines))
    where = f"（另一处在第 {earlier} 行）" if earlier else ""
    return f"配置项 {name} 写了两次{where}，请删掉多余的一个"


def _earlier_key_line(name: str, lines: list[str], number: int) -> int | None:
    """The line of the same key earlier in the same table."""
    for index in range(number - 2, -1, -1):
        if _TOML_TABLE.match(lines[index]):
            return None
        key = _TOML_KEY.match(lines[index])
        if key is not None and key.group(1).strip() == name:
            return index + 1
    return None


def _quote_hint(reason: str, line: str, _lines: list[str], _number: int | None) -> str:
    if any(mark in line for mark in _CHINESE_QUOTES) and reason.startswith(("Invalid value", "Expected", "Unclosed")):
        return '文字两端要用英文双引号 "，不能用中文引号 “ ”'
    if reason.startswith(("Illegal character", "Unterminated string")) and line.count('"') % 2 == 1:
        return '引号没有配对：文字两端都要有英文双引号 "，请补上缺少的那个'
    if reason.startswith("Invalid value"):
        value = line.split("=", 1)[1].strip() if "=" in line else ""
        if value and not value[0].isascii():
            return f'文字要用英文双引号括起来，例如 {line.split("=", 1)[0].strip()} = "{value}"'
        return f"等号右边的值写法不对：文字加英文双引号，日期写成 {DATE_EXAMPLE}，是/否写成 true/false，列表用 [ ]"
    return ""


def _bracket_hint(reason: str, line: str, _lines: list[str], _number: int | None) -> str:
    if "table declaration" in reason or "array declaration" in reason:
        return "表头的方括号没有配对，应写成 [calendar] 或 [[tracks]] 这样的形式"
    if reason.startswith("Unclosed array"):
        return "列表缺少右方括号 ]，请检查列表是否完整"
    if reason.startswith("Expected '=' after a key"):
        if "＝" in line:
            return "请用英文等号 =，不能用中文等号 ＝"
        return "每行应写成“配置项 = 值”，请检查是否少了等号或多了空格"
    if reason.startswith("Expected newline"):
        return "这一行等号右边只能有一个值；文字请加英文双引号，注释请以 # 开头"
    return ""


def _build(data: dict[str, Any], source: str, text: str = "") -> Campaign:
    try:
        return Campaign.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise CampaignError(f"活动配置文件 {source} 有误：{_describe(exc, text)}") from exc


# How a date is written in the campaign file (year-month-day, two-digit month and day); any date would do.
DATE_EXAMPLE = "2026-05-20"
_PYDANTIC_TYPES_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "无法识别的配置项",
    "date_type": f"应为日期（如 {DATE_EXAMPLE}）",
    "date_from_datetime_parsing": f"应为日期（如 {DATE_EXAMPLE}）",
    "date_from_datetime_inexact": f"应为日期（如 {DATE_EXAMPLE}），不要带时间",
    "date_parsing": f"应为日期（如 {DATE_EXAMPLE}）",
    "string_type": "应为文字",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "too_short": "不能为空",
    "string_pattern_mismatch": "格式不对（时区写成 +08:00 的形式）",
    "greater_than_equal": "应为不小于 1 的整数",
}


def _describe(exc: ValidationError, text: str = "") -> str:
    errors = exc.errors(include_url=False)
    # A misspelt key shows up twice (the real key missing, the misspelt one unknown): name the typo.
    typos = [error for error in errors if error["type"] == "extra_forbidden" and _suggest(error["loc"])]
    first = typos[0] if typos else errors[0]
    location = _format_location(first["loc"])
    if first["type"] == "value_error":
        return str(first["ctx"]["error"]) if "ctx" in first else first["msg"]
    if first["type"] == "enum":
        expected = str(first.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{location}：“{first['input']}”不是可用的取值，可用：{expected.replace(', ', '、')}"
    reason = _PYDANTIC_TYPES_ZH.get(first["type"], first["msg"])
    if first["type"] == "extra_forbidden":
        suggestion = _suggest(first["loc"])
        if suggestion:
            reason += f"，是不是 {suggestion}？"
        line = _key_line(text, str(first["loc"][-1]))
        if line:
            reason += f"（第 {line} 行）"
    return f"{location}：{reason}" if location else reason


def _suggest(loc: tuple[int | str, ...]) -> str | None:
    """The valid key nearest to the unknown key at ``loc``, if one is near enough."""
    model = _model_at(loc[:-1])
    if model is None or not isinstance(loc[-1], str):
        return None
    keys = [name for name in model.model_fields if name != "source"]
    close = difflib.get_close_matches(loc[-1], keys, n=1, cutoff=0.6)
    return close[0] if close else None


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model whose keys are valid at ``loc`` (through lists, by index, and tables of tables, by key)."""
    model: Any = Campaign
    keyed = False  # the next part is a key of a table of tables (a dict), not a field
    for part in loc:
        if isinstance(part, int) or keyed:
            keyed = False
            continue  # an item of a list or a dict: its model was taken at the field
        field = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if field is None:
            return None
        annotation = field.annotation
        args = [arg for arg in get_args(annotation) if arg is not type(None)]
        keyed = get_origin(annotation) is dict
        model = args[-1] if args else annotation
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _key_line(text: str, key: str) -> int | None:
    """The first line that sets ``key`` or opens a table of that name."""
    pattern = re.compile(rf"^\s*(?:\[\[?\s*{re.escape(key)}\s*\]|{re.escape(key)}\s*=)")
    for number, line in enumerate(text.splitlines(), start=1):
        if pattern.match(line):
            return number
    return None


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f" 第{part + 1}项" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
