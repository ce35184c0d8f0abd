"""周变化: projects new, withdrawn, gone or changed since the previous week."""

from __future__ import annotations

from collections.abc import Iterable

from zjkcollect.rollup_sheets.common import SheetWriter


class Changes(SheetWriter):
    name = "周变化"

    def write(self) -> None:
        rollup = self.rollup
        compared = (
            f"本周（{self.week}）与上周（{rollup.previous_week}）相比"
            if rollup.previous_week
            else f"本周（{self.week}）为第一周，无上周数据可比，所有项目计为新增"
        )
        page = self.page("参赛项目周变化", compared + "；消失：上周有、本周汇总中不再出现的项目")
        headers = [
            "序号",
            "变化",
            "项目名称",
            "参赛单位名称（牵头单位）",
            "统一社会信用代码",
            "参赛赛道",
            "参赛赛题",
            "报名状态",
            "报送单位",
            "说明",
        ]
        rows: Iterable[list[object]] = (
            [
                number,
                change.kind.value,
                change.project.get("project_name"),
                change.project.get("unit_name"),
                change.project.get("credit_code"),
                change.project.get("track"),
                change.project.get("topic"),
                change.project.get("status"),
                "、".join(change.project.reporters),
                change.detail,
            ]
            for number, change in enumerate(rollup.changes, start=1)
        )
        if not rollup.changes:
            rows = [["", "无变化", "", "", "", "", "", "", "", ""]]
        page.table(headers, [6, 8, 28, 28, 22, 14, 24, 12, 18, 50], rows, drawings=False)
