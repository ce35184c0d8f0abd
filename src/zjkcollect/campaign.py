"""The campaign file: every decision of the bureau's letter that a clerk may change, as data.

The shipped 2025 file lives in ``zjkcollect/data/campaign-2025.toml``. Everything that
depends on tracks, topics, unit types, reporters or the calendar reads it from here.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from zjkcollect.errors import CampaignError, os_reason
from zjkcollect.text import normalize_name

DEFAULT_CAMPAIGN_RESOURCE = "campaign-2025.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CampaignInfo(_Strict):
    name: str
    year: int
    bureau: str
    city: str
    contest: str  # the competition's name without the year, as document titles use it
    mailbox: str  # where the returns are e-mailed to
    min_projects_per_track: int = Field(ge=1)
    division_name: str
    city_division_prefix: str
    template_version: str


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

    @model_validator(mode="after")
    def _weeks_are_thursdays(self) -> Calendar:
        for index, week in enumerate(self.weeks):
            if week.weekday() != 3:
                raise ValueError(f"calendar.weeks 第{index + 1}项 {week} 不是星期四，每周更新日必须是星期四")
        if self.weeks != sorted(set(self.weeks)):
            raise ValueError("calendar.weeks 必须按日期从早到晚排列且不重复")
        if self.registration_start > self.registration_end:
            raise ValueError("calendar.registration_start 晚于 registration_end")
        return self


class Choices(_Strict):
    yes_no: list[str]
    registration_status: list[str]
    withdrawn_status: str
    person_roles: list[str]
    leader_role: str
    staff_role: str

    @model_validator(mode="after")
    def _members_are_listed(self) -> Choices:
        if self.withdrawn_status not in self.registration_status:
            raise ValueError(f"choices.withdrawn_status “{self.withdrawn_status}”不在 registration_status 中")
        for key in ("leader_role", "staff_role"):
            if getattr(self, key) not in self.person_roles:
                raise ValueError(f"choices.{key} “{getattr(self, key)}”不在 person_roles 中")
        return self


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
    credit_code: CreditCodeRules
    unit_types: list[UnitType] = Field(min_length=1)
    government: Government
    tracks: list[Track] = Field(min_length=1)
    reporters: list[Reporter] = Field(min_length=1)
    source: str = ""

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
        for name in self.government.tracks:
            if name not in track_names:
                raise ValueError(f"government.tracks 中的赛道“{name}”不在赛道目录 tracks 中")
        unit_names = {unit.name for unit in self.unit_types}
        for name in self.government.unit_types:
            if name not in unit_names:
                raise ValueError(f"government.unit_types 中的“{name}”不在 unit_types 中")
        for index, reporter in enumerate(self.reporters):
            code = reporter.division_code
            if code is not None and not (len(code) == 6 and code.isdigit()):
                raise ValueError(f"reporters 第{index + 1}项（{reporter.name}）的 division_code “{code}”应为6位数字")
        return self

    # Lookups used on every row; computed once per campaign.
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
        """Normalised name or alias → reporter; ``张家口市`` prefixes are accepted too."""
        lookup: dict[str, Reporter] = {}
        for reporter in self.reporters:
            for name in (reporter.name, *reporter.aliases):
                key = normalize_name(name)
                lookup[key] = reporter
                lookup["张家口" + key] = reporter
                if not key.startswith("市"):
                    lookup["张家口市" + key] = reporter
        return lookup

    @cached_property
    def all_topics(self) -> dict[str, str]:
        """Every listed topic → its track name."""
        return {topic: track.name for track in self.tracks for topic in track.topics}

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

    def week_for(self, day: dt.date) -> dt.date | None:
        """``day`` itself when it is one of the calendar's update Thursdays, else None."""
        return day if day in self.calendar.weeks else None


def _no_duplicates(key: str, names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{key} 中“{name}”重复出现")
        seen.add(name)


def load_campaign(path: Path | str | None = None) -> Campaign:
    """Load and check a campaign file; the shipped 2025 file when ``path`` is None."""
    if path is None:
        resource = resources.files("zjkcollect.data").joinpath(DEFAULT_CAMPAIGN_RESOURCE)
        raw = resource.read_bytes()
        source = f"内置活动配置 {DEFAULT_CAMPAIGN_RESOURCE}"
    else:
        path = Path(path)
        source = str(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CampaignError(f"无法读取活动配置文件 {path}：{os_reason(exc)}") from exc
    try:
        data = tomllib.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise CampaignError(f"活动配置文件 {source} 不是 UTF-8 编码，请用 UTF-8 保存") from exc
    except tomllib.TOMLDecodeError as exc:
        raise CampaignError(f"活动配置文件 {source} 格式错误：{exc}") from exc
    return _build(data, source)


def _build(data: dict[str, Any], source: str) -> Campaign:
    try:
        return Campaign.model_validate({**data, "source": source})
    except ValidationError as exc:
        raise CampaignError(f"活动配置文件 {source} 有误：{_describe(exc)}") from exc


_PYDANTIC_TYPES_ZH = {
    "missing": "缺少必填项",
    "extra_forbidden": "无法识别的配置项",
    "date_type": "应为日期（如 2025-06-26）",
    "date_from_datetime_parsing": "应为日期（如 2025-06-26）",
    "date_from_datetime_inexact": "应为日期（如 2025-06-26），不要带时间",
    "date_parsing": "应为日期（如 2025-06-26）",
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


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_url=False)[0]
    location = _format_location(first["loc"])
    if first["type"] == "value_error":
        return str(first["ctx"]["error"]) if "ctx" in first else first["msg"]
    reason = _PYDANTIC_TYPES_ZH.get(first["type"], first["msg"])
    return f"{location}：{reason}" if location else reason


def _format_location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f" 第{part + 1}项" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
