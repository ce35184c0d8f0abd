"""问题清单: every open problem of the returns in use and of those received after them."""

from __future__ import annotations

from zjkcollect.rollup_sheets.common import SheetWriter


class Problems(SheetWriter):
    name = "问题清单"

    def write(self) -> None:
        rollup = self.rollup
        page = self.page(
            "待处理问题清单",
            f"统计截止 {self.week}；各单位正在使用的报表及其后收到但无法使用的报表中的全部问题；错误行未计入统计",
        )
        headers = [
            "序号",
            "报送单位",
            "附件",
            "文件",
            "工作表",
            "单元格",
            "项目名称",
            "字段",
            "填写内容",
            "严重程度",
            "问题说明",
            "规则代码",
        ]
        rows = (
            [
                number,
                problem.reporter,
                problem.kind,
                problem.file,
                problem.sheet,
                problem.cell or (f"第{problem.row}行" if problem.row else ""),
                problem.project,
                problem.field,
                problem.value,
                problem.severity.label,
                problem.message,
                problem.rule,
            ]
            for number, problem in enumerate(rollup.problems, start=1)
        )
        page.table(headers, [6, 16, 8, 30, 10, 8, 24, 16, 20, 8, 70, 22], rows, drawings=False)
