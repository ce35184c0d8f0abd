"""赛道统计: projects per track and per topic, with a column chart."""

from __future__ import annotations

from zjkcollect.outputs import put, put_row
from zjkcollect.rollup_sheets.common import SHORT_FILL, TABLE_TOP, RowStyles, SheetWriter, axis_unit, short_label


class Tracks(SheetWriter):
    name = "赛道统计"

    def write(self) -> None:
        rollup, campaign = self.rollup, self.campaign
        statuses = list(campaign.choices.registration_status)
        short = short_label(campaign)
        page = self.page(
            "各赛道参赛项目统计",
            f"统计截止 {self.week}；项目数不含已退赛；红色为项目{short}的赛道（确保每条赛道均有多个报名项目）",
        )
        headers = [
            "序号",
            "参赛赛道",
            "项目数",
            *[f"其中：{status}" for status in statuses],
            "揭榜挂帅项目数",
            "参赛单位数",
            f"是否{short}",
        ]
        rows: list[list[object]] = []
        fills: list[str | None] = []
        for number, track in enumerate(rollup.tracks, start=1):
            rows.append(
                [
                    number,
                    track.track,
                    track.projects,
                    *[track.by_status.get(s, 0) for s in statuses],
                    track.jiebang,
                    track.units,
                    short if track.short else "",
                ]
            )
            fills.append(SHORT_FILL if track.short else None)
        totals = [sum(track.by_status.get(s, 0) for track in rollup.tracks) for s in statuses]
        rows.append(
            [
                "",
                "合计",
                len(rollup.active_projects),
                *totals,
                sum(t.jiebang for t in rollup.tracks),
                rollup.unit_count,
                "",
            ]
        )
        fills.append(None)
        # Topics to the right of the tracks (row by row, as the sheet is streamed), the chart below both.
        left = len(headers) + 2
        topic_rows = [
            [t.track, topic.topic, topic.projects] for t in rollup.tracks for topic in t.topics if topic.topic
        ]
        sheet, styles = page.sheet, self.styles
        put(sheet, TABLE_TOP - 1, left, "各赛题项目数（不含已退赛）", styles(bold=True))
        topic_headers = (("参赛赛道", 16), ("参赛赛题", 30), ("项目数", 10))
        for column, (_, width) in enumerate(topic_headers, start=left):
            sheet.set_column(column - 1, column - 1, width)
        topic_styles = RowStyles(styles, None)

        def topics_beside(line: int) -> None:
            if line == TABLE_TOP:
                put_row(sheet, line, left, [header for header, _ in topic_headers], [styles.header] * 3)
            elif line - TABLE_TOP <= len(topic_rows):
                values = topic_rows[line - TABLE_TOP - 1]
                put_row(sheet, line, left, values, topic_styles.of(values))

        widths = [6, 18, 10, *[12] * len(statuses), 14, 12, 12]
        last = page.table(headers, widths, rows, fills, beside=topics_beside)
        for line in range(last + 1, TABLE_TOP + len(topic_rows) + 1):
            topics_beside(line)
        first_data = TABLE_TOP + 1
        last_track = first_data + len(rollup.tracks) - 1
        chart = self.book.workbook.add_chart({"type": "column"})
        chart.add_series(
            {
                "name": "项目数",
                "categories": [page.name, first_data - 1, 1, last_track - 1, 1],
                "values": [page.name, first_data - 1, 2, last_track - 1, 2],
                "data_labels": {"value": True},
            }
        )
        chart.set_title({"name": f"各赛道参赛项目数（{self.week}）"})
        chart.set_legend({"none": True})
        chart.set_x_axis({"num_font": {"rotation": -45}})
        chart.set_y_axis(
            {"min": 0, "major_unit": axis_unit(t.projects for t in rollup.tracks), "major_gridlines": {"visible": True}}
        )

        below = max(last, TABLE_TOP + len(topic_rows)) + 2
        sheet.insert_chart(below - 1, 0, chart, {"x_scale": 1.8, "y_scale": 1.3})
