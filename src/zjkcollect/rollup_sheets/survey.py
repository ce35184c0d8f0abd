"""摸底对照: projects surveyed but not registered, and registered but never surveyed."""

from __future__ import annotations

from zjkcollect.rollup_sheets.common import SheetWriter, places

# What the sheet shows of each project (its headers are the attachments' own).
COMPARED_FIELDS = ("project_name", "unit_name", "credit_code", "track", "topic")


class SurveyComparison(SheetWriter):
    name = "摸底对照"

    def write(self) -> None:
        rollup = self.rollup
        survey, weekly = self.book.survey, self.book.weekly
        page = self.page(
            f"{survey.label}摸底与{weekly.label}报名对照",
            f"按统一社会信用代码和项目名称对照；{survey.label}取各单位最新一份，{weekly.label}取本周汇总"
            "（报名行有错误的按未报名计）",
        )
        shown = [survey.by_field.get(name) or weekly.by_field.get(name) for name in COMPARED_FIELDS]
        headers = [
            "序号",
            "对照结果",
            *[column.header if column else "" for column in shown],
            "报送单位",
            "来源（文件及行号）",
        ]
        groups = (
            ("已摸底、尚未报名", rollup.surveyed_not_registered),
            ("已报名、未摸底", rollup.registered_not_surveyed),
        )
        rows = (
            [
                number,
                label,
                *[project.get(name) for name in COMPARED_FIELDS],
                "、".join(project.reporters),
                places(project),
            ]
            for number, (label, project) in enumerate(
                ((label, project) for label, projects in groups for project in projects), start=1
            )
        )
        page.table(headers, [6, 16, 28, 28, 22, 14, 24, 18, 40], rows, drawings=False)
