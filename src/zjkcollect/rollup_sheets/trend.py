"""趋势: each track's project count week by week, with a line chart."""

from __future__ import annotations

from zjkcollect.rollup_sheets.common import TABLE_TOP, SheetWriter, axis_unit


class Trend(SheetWriter):
    name = "趋势"

    def write(self) -> None:
        rollup = self.rollup
        page = self.page("各赛道参赛项目数趋势", "每周统计截止日的项目数（不含已退赛）")
        weeks = [week.isoformat() for week in rollup.weeks]
        rows: list[list[object]] = [[track, *counts] for track, counts in rollup.trend]
        totals = [sum(counts[i] for _, counts in rollup.trend) for i in range(len(weeks))]
        rows.append(["合计", *totals])
        page.table(["参赛赛道", *weeks], [18, *[12] * len(weeks)], rows)
        chart = self.book.workbook.add_chart({"type": "line"})
        for offset in range(len(rollup.trend)):
            row = TABLE_TOP + offset  # 0-based row of this track
            chart.add_series(
                {
                    "name": [page.name, row, 0],
                    "categories": [page.name, TABLE_TOP - 1, 1, TABLE_TOP - 1, len(weeks)],
                    "values": [page.name, row, 1, row, len(weeks)],
                    "marker": {"type": "circle", "size": 5},
                }
            )
        chart.set_title({"name": "各赛道项目数趋势"})
        chart.set_y_axis({"min": 0, "major_unit": axis_unit(n for _, counts in rollup.trend for n in counts)})
        chart.set_legend({"position": "right"})
        chart.set_size({"width": 680, "height": 400})
        page.sheet.insert_chart(TABLE_TOP - 1, len(weeks) + 2, chart)
