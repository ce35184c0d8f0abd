"""报送情况: each unit's status in every week so far, coloured, with the counts below."""

from __future__ import annotations

from zjkcollect.outputs import put
from zjkcollect.rollup import RosterStatus
from zjkcollect.rollup_sheets.common import STATUS_FILLS, TABLE_TOP, SheetWriter


class Roster(SheetWriter):
    name = "报送情况"

    def write(self) -> None:
        rollup = self.rollup
        weekly = self.book.weekly.label
        day = self.campaign.calendar.update_day
        page = self.page(
            "各单位每周报送情况",
            f"已报送：当周{day}前收到当周{weekly}；迟报：当周{weekly}在{day}之后收到；未更新：当周没有新{weekly}，"
            f"沿用以前各周数据；报送有误：报送了当周{weekly}但无法计入（原因见最后一列）；未报送：从未报送",
        )
        weeks = [week.isoformat() for week in rollup.weeks]
        headers = ["序号", "报送单位", "类别", *weeks, "报送有误的原因"]
        sheet, styles = page.sheet, self.styles
        page.table(headers, [6, 20, 10, *[12] * len(weeks), 60], [])
        for offset, row in enumerate(rollup.roster, start=1):
            line = TABLE_TOP + offset
            put(sheet, line, 1, offset, styles.number())
            put(sheet, line, 2, row.reporter, styles.cell())
            put(sheet, line, 3, row.level, styles.cell())
            for column, status in enumerate(row.statuses, start=4):
                put(sheet, line, column, status.value, styles.cell(STATUS_FILLS[status], align="center"))
            notes = [f"{week}：{note}" for week, note in zip(weeks, row.notes, strict=True) if note]
            if notes:
                put(sheet, line, 4 + len(weeks), "\n".join(notes), styles.cell())
        last = TABLE_TOP + len(rollup.roster)
        sheet.autofilter(TABLE_TOP - 1, 0, last - 1, len(headers) - 1)
        for offset, status in enumerate(RosterStatus, start=2):
            line = last + offset
            put(sheet, line, 2, f"{status.value}单位数", styles.cell(STATUS_FILLS[status]))
            for column, index in enumerate(range(len(weeks)), start=4):
                count = sum(1 for row in rollup.roster if row.statuses[index] is status)
                put(sheet, line, column, count, styles.number())
