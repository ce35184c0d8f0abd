"""催报名单: the units owing this week's return, whom to phone, and the text for the work group."""

from __future__ import annotations

from zjkcollect.outputs import put
from zjkcollect.reminders import NO_CONTACT, deadline, reminder_text, reminders
from zjkcollect.rollup_sheets.common import STATUS_FILLS, SheetWriter


class ReminderList(SheetWriter):
    name = "催报名单"

    def write(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        items = reminders(rollup, campaign)
        page = self.page(
            f"{self.book.weekly.label}催报名单",
            f"统计截止 {self.week}：本周未报送、报送有误、未更新的单位，请于{deadline(rollup.week)}前报送；"
            f"联系人为各单位最新一份{self.book.contacts.label}中的具体负责人",
        )
        headers = ["序号", "报送单位", "类别", "本周报送情况", "具体负责人", "手机", "办公电话", "说明"]
        rows = [
            [
                number,
                item.reporter,
                item.level,
                item.status.value,
                "、".join(person.name for person in item.people) or NO_CONTACT,
                "、".join(person.mobile or "" for person in item.people if person.mobile),
                "、".join(person.office_phone or "" for person in item.people if person.office_phone),
                item.detail,
            ]
            for number, item in enumerate(items, start=1)
        ]
        fills = [STATUS_FILLS[item.status] for item in items]
        last = page.table(headers, [6, 20, 10, 12, 16, 16, 16, 60], rows, fills)
        put(page.sheet, last + 2, 2, "可复制到工作群的催报文字：", self.styles(bold=True))
        for offset, line in enumerate(reminder_text(rollup, campaign, items).splitlines(), start=3):
            put(page.sheet, last + offset, 2, line, self.styles.note)
