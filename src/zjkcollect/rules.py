"""The rule catalog: every check's stable code, severity and Chinese message template.

Codes are the API: tests, JSON consumers and the marked-up workbooks rely on them and
they never change meaning. Templates may use ``{field}``, ``{value}`` and the keyword
arguments the check passes; they tell the reporter how to fix the problem. A fact of the
campaign (the city, the update weekday, an example number …) is never written here: the check
passes it from the campaign file as a keyword argument.

Each rule also says whom it speaks to. Most speak to the **reporter**: something in the
file to fix and send again. A few are notes for the **clerk** only (a resend superseded by
a newer one, a project another unit also reported, a lock file, a file that is not a
spreadsheet, a fault of this program): they never make a marked-up copy on their own and
come last in a copy's 问题清单.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

Audience = Literal["reporter", "clerk"]
# Where a rule looks: one cell, one table or file, several returns, reading the bytes, or this program.
Scope = Literal["cell", "file", "inbox", "reading", "program"]


@dataclass(frozen=True, slots=True)
class Rule:
    severity: Literal["error", "warning"]
    message: str
    audience: Audience = "reporter"
    scope: Scope = "cell"  # set by the section the rule is listed in
    # A file-level error after which a table's rows cannot be trusted (the week is unclear, a
    # required column is absent, there are no rows): the table is kept out of the roll-up.
    blocks: bool = False


E: Literal["error"] = "error"
W: Literal["warning"] = "warning"
CLERK: Audience = "clerk"

_CELL_RULES: dict[str, Rule] = {
    "required-missing": Rule(E, "“{field}”为必填项，请填写。"),
    "choice-invalid": Rule(E, "“{field}”填写的“{value}”不在可选范围内，请从下拉列表中选择：{choices}。{hint}"),
    "choice-read-as": Rule(W, "“{field}”填写的“{value}”已按“{choice}”读取。请从下拉列表中选择“{choice}”。"),
    "text-too-long": Rule(E, "“{field}”达到或超过 Excel 单元格上限 32767 个字符，内容可能已被截断，请精简后重填。"),
    "invisible-characters": Rule(W, "“{field}”含有看不见的控制字符或零宽字符，已自动去除，请核对。"),
    "formula-not-calculated": Rule(
        E, "公式未计算，请用Excel/WPS打开并保存后重新报送（此单元格是公式，但文件里没有它的计算结果）。"
    ),
    "uscc-length": Rule(E, "统一社会信用代码应为18位，“{value}”是{length}位，请按营业执照或登记证书重填。"),
    "uscc-charset": Rule(
        E, "统一社会信用代码含有不允许的字符“{chars}”（代码只用数字和除 I、O、S、V、Z 以外的大写字母），请核对后重填。"
    ),
    "uscc-checksum": Rule(
        E, "统一社会信用代码第18位校验码不符（按前17位应为“{expected}”），代码有误，请按营业执照或登记证书重新核对。"
    ),
    "uscc-org-checksum": Rule(
        E,
        "统一社会信用代码第9–17位（组织机构代码）校验位不符（应为“{expected}”），代码有误，请按营业执照或登记证书重新核对。",
    ),
    "uscc-as-number": Rule(
        E, "统一社会信用代码被 Excel 转成了数字（{value}），数字已丢失。Excel 已将其转成数字，请设为文本后重填。"
    ),
    "uscc-not-legal-person": Rule(E, "统一社会信用代码以“{prefix}”开头，是{label}，不具有独立法人资格，不能参赛。"),
    "uscc-type-mismatch": Rule(
        W, "单位类型填的是“{unit_type}”，但统一社会信用代码以“{prefix}”开头，通常属于{expected}，请核对单位类型或代码。"
    ),
    "uscc-outside-city": Rule(
        W, "统一社会信用代码的登记地（{division}）不在{city}，请确认该单位在{division_name}参赛。"
    ),
    "branch-unit": Rule(
        W, "“{value}”看起来是分支机构（{suffix}），分支机构不具有独立法人资格，请改报其具有独立法人资格的总部或单位。"
    ),
    "not-legal-person": Rule(E, "参赛单位须具有独立法人资格，“{field}”必须为“是”。"),
    "not-applied": Rule(E, "参赛项目须已开展实际应用，“{field}”必须为“是”。"),
    "track-unknown": Rule(E, "参赛赛道“{value}”不在赛道目录中。{hint}请从下拉列表选择{count}个赛道之一。"),
    "multiple-tracks": Rule(E, "每个参赛项目限报一个赛题方向，“{value}”填了多个赛道，请只保留一个。"),
    "topic-not-in-track": Rule(E, "赛题“{value}”不属于“{track}”赛道。{hint}请从该赛道的赛题中选择。"),
    "topic-unlisted": Rule(W, "赛题“{value}”不在“{track}”赛道的已知赛题中，请对照附件1核对赛题名称。{hint}"),
    "topic-closed": Rule(E, "“{track}”赛道的赛题“{value}”不再开放报名（{reason}），请改选其他赛题。"),
    "multiple-topics": Rule(E, "每个参赛项目限报一个赛题方向，“{value}”填了多个赛题，请只保留一个。"),
    "jiebang-not-allowed": Rule(E, "只有{tracks}赛道设有“揭榜挂帅”企业需求子赛题，“{track}”赛道请填“否”。"),
    "gov-track-not-allowed": Rule(
        E, "{unit_type}只能参加{tracks}赛道，不能参加“{value}”赛道，请改选赛道或核对单位类型。"
    ),
    "division-invalid": Rule(E, "参赛赛区必须为“{division}”，请改为“{division}”。"),
    "date-invalid": Rule(E, "“{field}”填写的“{value}”不是日期，请按 {example} 的格式填写。"),
    "date-outside-registration": Rule(E, "报名日期{value}不在报名期（{start} 至 {end}）内，请核对。"),
    "phone-invalid": Rule(
        E, "“{field}”“{value}”不是有效的电话号码，请填11位手机号或带区号的固定电话（如 {example}）。"
    ),
    "mobile-invalid": Rule(E, "“{field}”“{value}”不是有效的11位手机号码，请核对后重填。"),
    "landline-invalid": Rule(E, "“{field}”“{value}”不是有效的固定电话，请填带区号的号码（如 {example}）。"),
    "stored-as-number": Rule(W, "“{field}”被 Excel 存成了数字，已按“{digits}”读取，请把该列设为文本格式后填写。"),
    "email-invalid": Rule(E, "电子邮箱“{value}”格式不正确，请填写如 name@example.com 的邮箱地址。"),
    "email-missing": Rule(E, "具体负责人必须填写电子邮箱。"),
    "unit-not-registered": Rule(E, "单位名称“{value}”不在报送单位名册中。{hint}"),
    "unit-read-as": Rule(W, "单位名称“{value}”已按名册中的“{reporter}”读取。请写成名册中的名称“{reporter}”。"),
    # A choice written with an obvious decoration is read as the catalog value, but said aloud, so
    # the reporter learns the plain form and every output carries the catalog value.
    "track-decorated": Rule(
        W, "参赛赛道填的是“{value}”，已按赛道目录中的“{track}”读取。请直接从下拉列表选择“{track}”，不要另加字样或符号。"
    ),
    "topic-decorated": Rule(
        W,
        "赛题填的是“{value}”，已按“{track}”赛道的赛题“{topic}”读取。请直接填写赛题名称“{topic}”，不要另加字样或符号。",
    ),
    "uscc-inner-space": Rule(
        E,
        "统一社会信用代码中间有空格（在第{after}位之后），代码是连续的18位数字和字母，不能有空格。"
        "请删除空格，并按营业执照或登记证书核对空格处是否漏了字符。",
    ),
}

_FILE_RULES: dict[str, Rule] = {
    "reporter-missing": Rule(E, "表头未填写“填报单位”，请从下拉列表选择本单位后重新报送。"),
    "reporter-read-as": Rule(
        W, "填报单位“{value}”已按名册中的“{reporter}”读取。请从下拉列表选择本单位，写成“{reporter}”。"
    ),
    "reporter-from-title": Rule(
        W, "没有找到“填报单位”一栏，已按表格上方“{value}”中的“{reporter}”读取。请按模板在“填报单位”处填写本单位。"
    ),
    "reporter-unknown": Rule(E, "填报单位“{value}”不在报送单位名册中。{hint}请从下拉列表选择。"),
    "date-missing": Rule(E, "表头未填写“{field}”，请填写后重新报送。"),
    "date-year-assumed": Rule(
        W, "“{field}”填写的“{value}”没有年份，已按本次活动的{year}年读作 {day}。请写上年份，如“{day}”。"
    ),
    "date-weekday-mismatch": Rule(
        W,
        "“{field}”填写的“{value}”中，{day} 是{actual}，不是{noted}。已按 {day} 读取；"
        "请核对日期和星期哪个写错了，改正后重新报送。",
    ),
    "report-date-not-week": Rule(
        E, "统计截止日期{value}不是每{weekday}的更新日，应为以下日期之一：{weeks}。", blocks=True
    ),
    # lateness is a fact for the clerk's roster; nothing in the file can fix it
    "survey-late": Rule(W, "{label} 应于 {due} 前报送，填报日期为 {value}，已逾期。", CLERK),
    "template-old-version": Rule(W, "本表使用的是旧版模板（{value}），当前为 {current}，请下载新模板填报。"),
    "column-missing": Rule(E, "表格缺少“{field}”列，请使用下发模板，不要删除列。", blocks=True),
    "example-row-ignored": Rule(
        W, "第{row_number}行是填写示例（序号写着“{value}”），没有作为数据读取。请删除示例行后重新报送。"
    ),
    "hidden-row": Rule(W, "第{row_number}行被隐藏了，已照常读取和校验。如果这一行不该报送，请删除整行而不是隐藏。"),
    "table-empty": Rule(E, "表格中没有读到任何数据行，请确认已填写并保存后重新报送。", blocks=True),
    "duplicate-row": Rule(W, "同一项目在本表中重复填报（与第{other_row}行相同），请删除重复行。"),
    "project-multiple-topics": Rule(
        E, "同一项目（{project}）在本表第{other_row}行另报了“{other}”，每个参赛项目限报一个赛题方向，请只保留一行。"
    ),
    "contacts-leader-count": Rule(E, "“{unit}”应填写且只填写1名主管领导，现有{count}名。"),
    "contacts-staff-missing": Rule(E, "“{unit}”至少要填写1名具体负责人。"),
}

# Rules across returns (see crossfile.py): they depend on which other files are around, so the
# ledger does not keep them and the roll-up decides them again from the ledger.
_INBOX_RULES: dict[str, Rule] = {
    "project-conflict": Rule(
        E,
        "同一项目（{project}）在 {other_file} 第{other_row}行报的是“{other}”，与此处不一致，每个参赛项目限报一个赛题方向，请与对方核实。",
    ),
    "project-duplicate-reporters": Rule(
        W, "同一项目也由“{other_reporter}”报送（{other_file} 第{other_row}行），汇总时只计一次。", CLERK
    ),
    "superseded": Rule(
        W, "“{reporter}”同一期还报送了 {other_file}（日期{other_date}），以较新的一份为准，本文件不再使用。", CLERK
    ),
}

_READING_RULES: dict[str, Rule] = {
    "kind-unknown": Rule(E, "无法识别这是哪一张表（{kinds}），请使用下发模板，不要改动标题和表头。"),
    "file-unreadable": Rule(E, "文件无法打开（{reason}），请重新保存为 .xlsx 后重新报送。"),
    "file-encrypted": Rule(E, "文件已加密，请取消打开密码后重新报送。"),
    "file-empty": Rule(E, "文件是空的（0字节），请重新发送。"),
    "not-spreadsheet": Rule(W, "这不是电子表格文件（{what}），已跳过。", CLERK),
    "wrong-format": Rule(
        E,
        "文件实际是{what}，不是 Excel 工作簿。请在 Excel/WPS 中打开，用“另存为”选择“Excel 工作簿（*.xlsx）”后重新报送。",
    ),
    "lock-file": Rule(W, "这是 Excel/WPS 打开文件时产生的临时锁文件，已跳过。", CLERK),
    "file-too-large": Rule(E, "文件异常，已拒绝读取（{reason}）。正常的报表不会这样，请重新保存为 .xlsx 后报送。"),
    "sheet-too-large": Rule(
        E,
        "工作表“{sheet_name}”声称使用了极大的区域（{range}），已拒绝读取。请删除多余的行列、另存为 .xlsx 后重新报送。",
    ),
    "xml-declaration": Rule(
        E,
        "文件内部含有 Excel 从不写入的 XML 声明（{part}），可能被篡改，已拒绝读取。请用 Excel/WPS 重新保存为 .xlsx 后报送。",
    ),
    "file-timeout": Rule(
        E, "读取本文件超过 {seconds} 秒仍未完成，已停止。请检查文件是否过大，删除多余内容后重新报送。"
    ),
    "reader-crashed": Rule(
        E, "读取本文件时读取程序异常退出（{reason}），文件可能已损坏。请用 Excel/WPS 打开并另存为 .xlsx 后重新报送。"
    ),
    "no-sheets": Rule(E, "文件中没有任何工作表，请确认文件内容后重新报送。"),
    # --- e-mails and archives in the inbox -------------------------------------------------------
    "mail-no-spreadsheet": Rule(
        W,
        "这封邮件（来自 {sender}，主题：{subject}）没有电子表格附件，已跳过。"
        "如对方是来报送的，请提醒其把附件2/3/4 作为邮件附件重新发送。",
        CLERK,
    ),
    "archive-unsafe-name": Rule(
        E,
        "压缩包中的“{value}”路径不安全（含“..”或绝对路径），已拒绝解压该文件。请把表格直接作为附件发送，或重新打包后发送。",
    ),
    "macro-present": Rule(
        W, "文件含有宏（VBA 代码），程序不会运行它，退回副本中也不含宏。请另存为不含宏的 .xlsx 后报送。"
    ),
}

_PROGRAM_RULES: dict[str, Rule] = {
    "copy-not-written": Rule(
        W, "未能写入本文件的退回副本（{reason}），请检查原文件是否还在、输出文件夹是否可写、磁盘是否已满。", CLERK
    ),
    "copy-crashed": Rule(
        W,
        "写本文件的退回副本时程序异常中止（{reason}），没有生成退回副本；本文件的校验结果不受影响，其他副本照常生成。"
        "请按校验结果把问题告知报送单位，并把本文件和这条信息发给开发人员。",
        CLERK,
    ),
    "internal-error": Rule(
        E,
        "{stage}时程序出错（{detail}）。这是本工具的问题，不是报送单位的错，其他文件不受影响；"
        "请人工核对本文件，并把它和这条信息发给开发人员。",
        CLERK,
    ),
}


def _scoped(scope: Scope, rules: dict[str, Rule]) -> dict[str, Rule]:
    return {code: replace(rule, scope=scope) for code, rule in rules.items()}


RULES: dict[str, Rule] = {
    **_scoped("cell", _CELL_RULES),
    **_scoped("file", _FILE_RULES),
    **_scoped("inbox", _INBOX_RULES),
    **_scoped("reading", _READING_RULES),
    **_scoped("program", _PROGRAM_RULES),
}


def codes_with(*, scope: Scope | None = None, blocks: bool | None = None) -> frozenset[str]:
    """The codes of the rules with this scope and/or this blocking flag."""
    return frozenset(
        code
        for code, rule in RULES.items()
        if (scope is None or rule.scope == scope) and (blocks is None or rule.blocks == blocks)
    )


def speaks_to_reporter(code: str) -> bool:
    """Whether a finding of this rule asks the reporter to change something (else: a note for the clerk)."""
    return RULES[code].audience == "reporter"
