"""The three attachments' layouts: titles, header blocks and columns.

Templates are written from these specs and returned workbooks are read against them,
so a column is defined once. Choice lists are not here: they come from the campaign.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from zjkcollect.campaign import Campaign
from zjkcollect.text import normalize_header

# Sheets that templates and marked-up copies add beside the reporter's table. The writers name
# them and the reader skips them, so both take the names from here.
INSTRUCTIONS_SHEET = "填表说明"
LISTS_SHEET = "_lists"
FINGERPRINT_SHEET = "_zjkcollect"
ISSUES_SHEET = "问题清单"
# The fingerprint: row 1 is (FINGERPRINT_MARK, FINGERPRINT_FORMAT), then (key, value) rows, all text.
FINGERPRINT_MARK = "zjkcollect-template"
FINGERPRINT_FORMAT = "1"
FP_KIND = "kind"  # Kind value, e.g. "附件3"
FP_TEMPLATE_VERSION = "template_version"  # campaign.campaign.template_version
FP_CAMPAIGN_YEAR = "campaign_year"  # e.g. "2025"
FP_REPORTER = "reporter"  # only in per-reporter copies


class Kind(StrEnum):
    SURVEY = "附件2"
    REGISTERED = "附件3"
    CONTACTS = "附件4"


class ColumnKind(StrEnum):
    TEXT = "text"
    UNIT_NAME = "unit_name"
    CREDIT_CODE = "credit_code"
    UNIT_TYPE = "unit_type"
    YES_NO = "yes_no"
    TRACK = "track"
    TOPIC = "topic"
    JIEBANG = "jiebang"
    STATUS = "status"
    DATE = "date"
    DIVISION = "division"
    PHONE = "phone"
    MOBILE = "mobile"
    LANDLINE = "landline"
    EMAIL = "email"
    PERSON_ROLE = "person_role"
    REGISTERED_UNIT = "registered_unit"
    SERIAL = "serial"


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    header: str
    required: bool
    kind: ColumnKind
    width: int
    hint: str
    variants: tuple[str, ...] = ()

    @property
    def is_text_format(self) -> bool:
        """Columns Excel must keep as text (18-digit codes, leading zeros in phones)."""
        return self.kind in {
            ColumnKind.CREDIT_CODE,
            ColumnKind.PHONE,
            ColumnKind.MOBILE,
            ColumnKind.LANDLINE,
        }


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: Kind
    title: str
    file_stem: str
    date_label: str
    columns: tuple[Column, ...]

    def column(self, field: str) -> Column:
        return next(column for column in self.columns if column.field == field)

    @property
    def required_fields(self) -> list[str]:
        return [column.field for column in self.columns if column.required]


def _c(field: str, header: str, required: bool, kind: ColumnKind, width: int, hint: str, *variants: str) -> Column:
    return Column(field, header, required, kind, width, hint, variants)


K = ColumnKind
_SERIAL = _c("serial", "序号", False, K.SERIAL, 6, "可不填")
_PROJECT = _c("project_name", "项目名称", True, K.TEXT, 28, "必填：参赛项目全称", "参赛项目名称")
_UNIT = _c(
    "unit_name",
    "参赛单位名称（牵头单位）",
    True,
    K.UNIT_NAME,
    28,
    "必填：具有独立法人资格的单位全称；联合参赛的填牵头单位",
    "参赛单位名称",
    "牵头单位",
    "参赛单位",
)
_CODE = _c(
    "credit_code",
    "统一社会信用代码",
    True,
    K.CREDIT_CODE,
    22,
    "必填：18位统一社会信用代码，按营业执照或登记证书填写",
    "社会信用代码",
    "信用代码",
)
_UNIT_TYPE = _c("unit_type", "单位类型", True, K.UNIT_TYPE, 12, "必填：从下拉列表选择")
_PARTNERS = _c("partners", "联合参赛单位", False, K.TEXT, 24, "可不填：多个单位用“、”分隔", "联合单位")
_TRACK = _c("track", "参赛赛道", True, K.TRACK, 16, "必填：从下拉列表选择一个赛道", "赛道")
_TOPIC = _c(
    "topic", "参赛赛题", True, K.TOPIC, 28, "必填：先选赛道，再从下拉列表选择该赛道的一个赛题", "赛题", "赛题方向"
)
_JIEBANG = _c(
    "jiebang",
    "是否企业需求子赛题（揭榜挂帅）",
    False,
    K.JIEBANG,
    14,
    "是/否：只有工业制造、商贸流通、金融服务、文化旅游、城市治理、绿色低碳赛道可填“是”",
    "是否揭榜挂帅",
    "是否企业需求子赛题",
)
_CONTACT = _c("contact_name", "项目联系人", True, K.TEXT, 12, "必填", "联系人")
_PHONE = _c(
    "contact_phone", "联系电话", True, K.PHONE, 16, "必填：11位手机号或带区号的固定电话，如 0313-7680129", "电话"
)
_NOTE = _c("note", "备注", False, K.TEXT, 20, "可不填")

ATTACHMENTS: dict[Kind, Attachment] = {
    Kind.SURVEY: Attachment(
        kind=Kind.SURVEY,
        title="符合参赛条件项目摸底统计表",
        file_stem="附件2-符合参赛条件项目摸底统计表",
        date_label="填报日期",
        columns=(
            _SERIAL,
            _PROJECT,
            _UNIT,
            _CODE,
            _UNIT_TYPE,
            _c(
                "legal_person",
                "是否具有独立法人资格",
                True,
                K.YES_NO,
                12,
                "必填：参赛单位须具有独立法人资格，应为“是”",
                "独立法人资格",
            ),
            _PARTNERS,
            _TRACK,
            _TOPIC,
            _JIEBANG,
            _c(
                "applied",
                "是否已开展实际应用",
                True,
                K.YES_NO,
                12,
                "必填：参赛项目须已开展实际应用，应为“是”",
                "是否开展实际应用",
            ),
            _c("summary", "项目简介", True, K.TEXT, 36, "必填：简要说明项目内容和数据要素应用场景", "简介"),
            _c("benefits", "经济社会效益", False, K.TEXT, 28, "可不填：已取得或预期的经济社会效益", "效益"),
            _c("platform_registered", "是否已在赛事平台报名", False, K.YES_NO, 12, "是/否", "是否已报名"),
            _CONTACT,
            _PHONE,
            _NOTE,
        ),
    ),
    Kind.REGISTERED: Attachment(
        kind=Kind.REGISTERED,
        title="“数据要素×”大赛河北分赛参赛项目统计表",
        file_stem="附件3-“数据要素×”大赛河北分赛参赛项目统计表",
        date_label="统计截止日期",
        columns=(
            _SERIAL,
            _PROJECT,
            _UNIT,
            _CODE,
            _UNIT_TYPE,
            _PARTNERS,
            _TRACK,
            _TOPIC,
            _JIEBANG,
            _c("status", "报名状态", True, K.STATUS, 12, "必填：从下拉列表选择", "状态"),
            _c("registered_on", "报名日期", True, K.DATE, 12, "必填：在赛事平台报名的日期，如 2025-06-26", "报名时间"),
            _c("division", "参赛赛区", True, K.DIVISION, 12, "必填：张家口赛区", "赛区"),
            _CONTACT,
            _PHONE,
            _NOTE,
        ),
    ),
    Kind.CONTACTS: Attachment(
        kind=Kind.CONTACTS,
        title="联系人信息表",
        file_stem="附件4-联系人信息表",
        date_label="填报日期",
        columns=(
            _SERIAL,
            _c("unit", "单位名称", True, K.REGISTERED_UNIT, 22, "必填：从下拉列表选择本单位", "单位"),
            _c("role", "人员类别", True, K.PERSON_ROLE, 12, "必填：主管领导或具体负责人", "类别"),
            _c("name", "姓名", True, K.TEXT, 10, "必填"),
            _c("position", "职务", True, K.TEXT, 16, "必填"),
            _c("office_phone", "办公电话", False, K.LANDLINE, 16, "可不填：带区号的固定电话，如 0313-7680129", "座机"),
            _c("mobile", "手机号码", True, K.MOBILE, 16, "必填：11位手机号码", "手机", "手机号"),
            _c("email", "电子邮箱", False, K.EMAIL, 24, "具体负责人必填", "邮箱", "电子邮件"),
            _NOTE,
        ),
    ),
}


def choices_for(column: Column, campaign: Campaign) -> list[str] | None:
    """The closed list of values a column takes, from the campaign; None for free columns."""
    choices = campaign.choices
    match column.kind:
        case ColumnKind.UNIT_TYPE:
            return campaign.unit_type_names
        case ColumnKind.YES_NO | ColumnKind.JIEBANG:
            return list(choices.yes_no)
        case ColumnKind.TRACK:
            return campaign.track_names
        case ColumnKind.STATUS:
            return list(choices.registration_status)
        case ColumnKind.DIVISION:
            return [campaign.campaign.division_name]
        case ColumnKind.PERSON_ROLE:
            return list(choices.person_roles)
        case ColumnKind.REGISTERED_UNIT:
            return campaign.reporter_names
        case _:
            return None


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
