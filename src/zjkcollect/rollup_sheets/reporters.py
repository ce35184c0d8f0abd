"""报送单位统计: each unit's week and season, with a bar chart of valid projects."""

from __future__ import annotations

from zjkcollect.rollup import RosterStatus
from zjkcollect.rollup_sheets.common import STATUS_FILLS, TABLE_TOP, SheetWriter, axis_unit


class Reporters(SheetWriter):
    name = "报送单位统计"

    def write(self) -> None:
        rollup = self.rollup
        page = self.page(
            f"各报送单位报送情况统计（“数字{self.campaign.campaign.province}”考核依据）",
            f"统计截止 {self.week}；有效项目：无错误、未退赛、未与他单位冲突的项目；错误和警告为该单位尚待处理的问题；"
            f"本季为截至本周的{len(rollup.weeks)}周",
        )
        headers = [
            "序号",
            "报送单位",
            "类别",
            "本周报送情况",
            f"使用的{self.book.weekly.label}文件",
            "统计截止日期",
            "收到日期",
            "报送行数",
            "有效项目数",
            "已退赛",
            "与其他单位重复",
            "错误",
            "警告",
            *[f"本季{status.value}（周）" for status in RosterStatus],
            "报送有误的原因",
        ]
        rows = []
        fills = []
        for number, stats in enumerate(rollup.reporters, start=1):
            rows.append(
                [
                    number,
                    stats.reporter,
                    stats.level,
                    stats.status.value,
                    stats.file or "",
                    stats.report_date,
                    stats.received_on,
                    stats.rows,
                    stats.valid,
                    stats.withdrawn,
                    stats.shared,
                    stats.errors,
                    stats.warnings,
                    *[stats.season[status] for status in RosterStatus],
                    stats.note or "",
                ]
            )
            alarming = stats.status in {RosterStatus.MISSING, RosterStatus.REJECTED}
            fills.append(STATUS_FILLS[stats.status] if alarming else None)
        widths = [6, 20, 10, 12, 36, 12, 12, 10, 10, 8, 12, 8, 8, *[14] * len(RosterStatus), 60]
        page.table(headers, widths, rows, fills)
        first = TABLE_TOP
        last = TABLE_TOP + len(rows) - 1
        chart = self.book.workbook.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": "有效项目数",
                "categories": [page.name, first, 1, last, 1],
                "values": [page.name, first, 8, last, 8],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"各单位有效项目数（{self.week}）"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"min": 0, "major_unit": axis_unit(stats.valid for stats in rollup.reporters)})
        chart.set_y_axis({"reverse": True})
        chart.set_size({"width": 720, "height": max(320, 18 * len(rows) + 80)})
        # Below the table, so a printout keeps the table at a readable size.
        page.sheet.insert_chart(TABLE_TOP + len(rows) + 1, 1, chart)
