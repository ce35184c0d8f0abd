"""项目明细: every distinct project of the week, in the weekly attachment's columns."""

from __future__ import annotations

from zjkcollect.rollup_sheets.common import SheetWriter, places


class Projects(SheetWriter):
    name = "项目明细"

    def write(self) -> None:
        rollup = self.rollup
        columns = [c for c in self.book.weekly.columns if c.field != "serial"]
        page = self.page(
            "参赛项目明细",
            f"统计截止 {self.week}；全市去重后每个项目一行（含已退赛）；有错误的行未列入，见“问题清单”",
        )
        headers = ["序号", *[c.header for c in columns], "报送单位", "来源（文件及行号）", "数据所属周"]
        # a generator: each row is made as it is written, never the whole list of projects at once,
        # its values read from the ledger one project at a time (the roll-up holds them slim)
        whole = self.book.project_values(rollup.projects)
        rows = (
            [
                number,
                *[values.get(c.field) for c in columns],
                "、".join(project.reporters),
                places(project),
                "、".join(sorted({s.week.isoformat() for s in project.sources if s.week})),
            ]
            for number, (project, values) in enumerate(zip(rollup.projects, whole, strict=True), start=1)
        )
        page.table(headers, [6, *[c.width for c in columns], 18, 40, 12], rows, drawings=False)
