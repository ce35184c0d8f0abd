"""The 催报 list: the units still owing the week's 附件3, with whom to phone.

For the roll-up's week every registry unit that is 未报送, 未更新 or 报送有误 is listed with
its 具体负责人 (name, mobile, office phone) from the unit's latest 附件4 in the ledger, or
"未报联系人" when it never sent one. The same list is a sheet of the roll-up workbook and a
plain text to paste into the work group, written beside the roll-up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from zjkcollect.attachments import Kind
from zjkcollect.campaign import Campaign
from zjkcollect.rollup import Contact, ReporterStats, RollUp, RosterStatus
from zjkcollect.text import weekday_name

# Who is reminded, in the order the list gives them: never sent, sent but unusable, not updated.
OWING = (RosterStatus.MISSING, RosterStatus.REJECTED, RosterStatus.STALE)
NO_CONTACT = "未报联系人"


def reminder_file_name(week: dt.date) -> str:
    return f"催报名单_{week.isoformat()}.txt"


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    mobile: str | None
    office_phone: str | None
    role: str | None = None  # said only when the person is not the 具体负责人

    def describe(self) -> str:
        numbers = [number for number in (self.mobile,) if number]
        if self.office_phone:
            numbers.append(f"办公电话 {self.office_phone}")
        name = f"{self.name}（{self.role}）" if self.role else self.name
        return " ".join([name, "，".join(numbers)]) if numbers else name


@dataclass(frozen=True, slots=True)
class Reminder:
    reporter: str
    level: str
    status: RosterStatus
    detail: str  # why: never sent, which week's data is carried forward, or why the return did not count
    people: list[Person]

    @property
    def contact(self) -> str:
        return "；".join(person.describe() for person in self.people) if self.people else NO_CONTACT


def reminders(rollup: RollUp, campaign: Campaign) -> list[Reminder]:
    """Every unit owing this week's 附件3, those that never sent first, in the registry's order."""
    rank = {status: index for index, status in enumerate(OWING)}
    staff = campaign.choices.staff_role
    owing = [stats for stats in rollup.reporters if stats.status in rank]
    owing.sort(key=lambda stats: rank[stats.status])  # stable: the registry's order within a status
    return [
        Reminder(
            reporter=stats.reporter,
            level=stats.level,
            status=stats.status,
            detail=_detail(stats, campaign),
            people=_people(rollup.contacts, stats.reporter, staff),
        )
        for stats in owing
    ]


def _detail(stats: ReporterStats, campaign: Campaign) -> str:
    attachment = campaign.attachment(Kind.REGISTERED).label
    if stats.status is RosterStatus.REJECTED:
        return f"本周报送的{attachment}无法计入：{stats.note}" if stats.note else f"本周报送的{attachment}无法计入"
    if stats.status is RosterStatus.STALE and stats.report_date is not None:
        return f"本周未更新，仍沿用 {stats.report_date.isoformat()} 的数据"
    return f"尚未报送过{attachment}"


def _people(contacts: list[Contact], reporter: str, role: str) -> list[Person]:
    """The unit's 具体负责人 from its latest 附件4, as the roll-up read them (rows with errors left out);
    when none of them could be read, whoever else the 附件4 names, with their role."""
    mine = [
        contact.values
        for contact in contacts
        if (contact.values.get("unit") or contact.reporter) == reporter and contact.values.get("name")
    ]
    staff = [values for values in mine if values.get("role") == role]
    return [
        Person(
            str(values["name"]),
            values.get("mobile"),
            values.get("office_phone"),
            None if values.get("role") == role else values.get("role"),
        )
        for values in (staff or mine)
    ]


def deadline(week: dt.date) -> str:
    """ "7月3日（周N）": the week's update day, by which the week's return is due."""
    return f"{week.month}月{week.day}日（{weekday_name(week.weekday())}）"


def reminder_text(rollup: RollUp, campaign: Campaign, items: list[Reminder] | None = None) -> str:
    """The text to paste into the work group (lines end in CRLF for Windows Notepad)."""
    items = reminders(rollup, campaign) if items is None else items
    attachment = campaign.attachment(Kind.REGISTERED).label
    info = campaign.campaign
    period = rollup.weeks.index(rollup.week) + 1
    lines = [
        f"{info.contest}{info.division_name}{attachment}催报名单（第{period}期，统计截止 {rollup.week.isoformat()}）"
    ]
    if not items:
        lines.append(f"本周各单位均已报送{attachment}，无需催报。")
    else:
        lines.append(f"请以下单位于{deadline(rollup.week)}前将{attachment}报送至 {info.mailbox}：")
        for number, item in enumerate(items, start=1):
            lines.append(f"{number}. {item.reporter}（{item.contact}）——{item.status.value}：{item.detail}")
        lines.append(f"共 {len(items)} 个单位。{info.bureau}")
    return "\r\n".join(lines) + "\r\n"


def write_reminder_text(rollup: RollUp, campaign: Campaign, path: Path) -> None:
    """Write the text to ``path`` (UTF-8 with a BOM, which every Notepad reads as UTF-8)."""
    path.write_bytes(reminder_text(rollup, campaign).encode("utf-8-sig"))
