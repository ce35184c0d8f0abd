"""What the 填表说明 sheet says: its numbered rules, written from the campaign and the attachment."""

from __future__ import annotations

from zjkcollect.attachments import Attachment, Column, ColumnKind, Kind
from zjkcollect.campaign import Campaign
from zjkcollect.selfcheck import self_checks
from zjkcollect.templates.layout import (
    BLANK_ROWS,
    FIRST_DATA_ROW,
    data_sheet_name,
    topics_closed_list,
    zh_date,
)


def of_kind(attachment: Attachment, kind: ColumnKind) -> list[Column]:
    return [column for column in attachment.columns if column.kind is kind]


def basic_rules(campaign: Campaign, attachment: Attachment) -> list[str]:
    calendar = campaign.calendar
    sheet = data_sheet_name(attachment)
    unit = (
        "一名人员" if attachment.kind is Kind.CONTACTS else "一个参赛项目" if attachment.holds_projects else "一条信息"
    )
    rules = [
        f"本表由{campaign.campaign.addressees}填写，报送{campaign.campaign.bureau}。"
        f"请在“{sheet}”工作表中填写；不要修改标题和表头，不要删除、插入或调换列，不要重命名工作表。",
        f"表头“填报单位”请从下拉列表中选择本单位；“{attachment.date_label}”请填写日期，格式如 "
        f"{calendar.weeks[0].isoformat()}。",
        f"从第{FIRST_DATA_ROW}行起每行填写{unit}，已预设{BLANK_ROWS}行格式，不够可继续向下填写；不要在表格中插入合计行或空行。",
        "带下拉箭头的单元格请从下拉列表中选择；选中单元格时会显示该栏的填写提示。",
        self_check_rule(campaign, attachment),
        "“统一社会信用代码”和各电话号码列已设为文本格式，请直接输入，不要改为数字格式，"
        "以免18位代码被 Excel 改成科学计数法、号码开头的0丢失。",
    ]
    if attachment.kind is Kind.SURVEY:
        rules.append(
            f"本表请于{zh_date(calendar.survey_due)}前报送，全面统计本单位、本领域、本赛道、本辖区符合参赛条件的项目。"
        )
    elif attachment.kind is Kind.REGISTERED:
        day = calendar.update_day
        rules.append(
            f"本表自{zh_date(calendar.weeks[0])}起每{day}更新报送，“{attachment.date_label}”填写本次更新对应的{day}"
            f"（{'、'.join(zh_date(d) for d in calendar.weeks)}）。"
            "每次报送截至当周的全部参赛项目（含以前各周已报的项目），不要只报新增项目。"
        )
    elif attachment.kind is Kind.CONTACTS:
        rules.append(f"本表随{campaign.attachment(Kind.SURVEY).label}于{zh_date(calendar.survey_due)}前报送。")
    return rules


def self_check_rule(campaign: Campaign, attachment: Attachment) -> str:
    checks = self_checks(attachment, campaign, FIRST_DATA_ROW)
    what = "；".join(check.description for check in checks)
    return (
        f"填写时，不符合要求的单元格会自动变红（浅红底色、深红色字，见表格左上角的说明）：{what}。改正后红色自动消失。"
        "变红只是填写时的提示，没有变红不代表一定合格；是否合格以"
        f"{campaign.campaign.bureau}用校验程序（zjkcollect validate）校验的结果为准。"
    )


def entry_rules(campaign: Campaign, attachment: Attachment) -> list[str]:
    columns = attachment.by_field
    rules_data = campaign.credit_code
    never = "、".join(f"“{prefix}”" for prefix in rules_data.never_legal_person)
    branch = "、".join(rules_data.branch_suffixes)
    branch_rule = f"{branch}等分支机构不具有独立法人资格，请改报其具有独立法人资格的单位。" if branch else ""
    gov_types = "、".join(campaign.government.unit_types)
    gov_tracks = "、".join(campaign.government.tracks)
    jiebang = "、".join(track.name for track in campaign.tracks if track.jiebang)
    yes, no = campaign.choices.yes_no
    eligible = "、".join(campaign.campaign.eligible_unit_types)
    rules = [
        f"参赛单位须是具有独立法人资格的{eligible}等单位。统一社会信用代码以{never}开头的"
        f"{rules_data.never_legal_person_label}不具有独立法人资格，不能参赛。{branch_rule}"
    ]
    if "unit_name" in columns and "partners" in columns:
        rules.append(
            f"允许合作组队参赛：“{columns['unit_name'].header}”填牵头单位，其他单位填在“{columns['partners'].header}”中，"
            "多个单位用“、”分隔。"
        )
    rules += [
        "每个参赛项目限报一个赛题方向：每行只填一个赛道、一个赛题，同一项目不要重复填报或分报多个赛题。",
        f"{gov_types}只能参加{gov_tracks}赛道。",
    ]
    rules += [
        f"“{column.header}”：只有{jiebang}赛道设有企业需求子赛题（“揭榜挂帅”），其他赛道请填“{no}”。"
        for column in of_kind(attachment, ColumnKind.JIEBANG)
    ]
    if "topic" in columns:
        rules.append(topic_rule(campaign, attachment))
    for track in campaign.tracks:
        if track.closed_topics:
            closed = "、".join(f"“{topic}”" for topic in track.closed_topics)
            rules.append(f"{track.name}赛道的{closed}赛题不再开放报名，不能填报，下拉列表中也不列出。")
    must = of_kind(attachment, ColumnKind.MUST_BE_YES)
    if must:
        rules.append(f"参赛项目须已开展实际应用：{'和'.join(f'“{column.header}”' for column in must)}都应为“{yes}”。")
    calendar = campaign.calendar
    for column in of_kind(attachment, ColumnKind.DATE):
        rules.append(
            ("" if must else "参赛项目须已开展实际应用。") + f"“{column.header}”填写在赛事平台报名的日期，应在报名期"
            f"（{zh_date(calendar.registration_start)}至{zh_date(calendar.registration_end)}）内。"
        )
    rules.append(
        f"参赛赛区填“{campaign.campaign.division_name}”；参赛项目全国范围内仅在{campaign.campaign.province}分赛区参赛。"
        "“单位类型”应与统一社会信用代码前两位相符（见下表），不相符的将请您核对。"
    )
    return rules


def topic_rule(campaign: Campaign, attachment: Attachment) -> str:
    columns = attachment.by_field
    text = (
        f"“{columns['topic'].header}”请先选择“{columns['track'].header}”，再从下拉列表中选择该赛道的一个赛题；"
        "下拉列表只列出各赛道目前开放报名的已知赛题。"
    )
    if topics_closed_list(campaign):
        return text + "只能填写下拉列表中的赛题。"
    unlisted = [track.name for track in campaign.tracks if not (track.topics_complete and track.open_topics)]
    return (
        text + f"{'、'.join(unlisted)}赛道的赛题省附件1尚未全部列出，可直接输入赛题名称（Excel/WPS 提示时点“是”保留），"
        f"由{campaign.campaign.bureau}核对。"
    )


def contact_rules(campaign: Campaign, attachment: Attachment) -> list[str]:
    choices = campaign.choices
    columns = attachment.by_field
    rules = [
        f"“{columns['unit'].header}”从下拉列表中选择本单位，每行填写一人。",
        f"每个单位填写且只填写1名{choices.leader_role}，至少填写1名{choices.staff_role}。",
        f"“{columns['role'].header}”从下拉列表中选择：{'、'.join(choices.person_roles)}。",
    ]
    phones = [f"“{columns['mobile'].header}”填写11位手机号码"]
    example = campaign.campaign.landline_example
    phones += [
        f"“{column.header}”填写带区号的固定电话，如 {example}" for column in of_kind(attachment, ColumnKind.LANDLINE)
    ]
    rules.append("；".join(phones) + "。")
    rules += [
        f"{choices.staff_role}必须填写“{column.header}”，如 name@example.com。"
        for column in of_kind(attachment, ColumnKind.EMAIL)
    ]
    return rules
