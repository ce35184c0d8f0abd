"""联系人: every unit's latest contacts return, one person a row, and the units without one."""

from __future__ import annotations

from zjkcollect.rollup_sheets.common import SHORT_FILL, SheetWriter


class Contacts(SheetWriter):
    name = "联系人"

    def write(self) -> None:
        rollup = self.rollup
        contacts = self.book.contacts
        columns = [c for c in contacts.columns if c.field != "serial"]
        page = self.page(
            "联系人信息汇总",
            f"各单位最新一份{contacts.label}，每人一行；有错误的行未列入，见“问题清单”",
        )
        headers = ["序号", *[c.header for c in columns], "报送单位", "来源（文件及行号）"]
        rows = (
            [
                number,
                *[contact.values.get(c.field) for c in columns],
                contact.reporter,
                f"{contact.file} 第{contact.row}行",
            ]
            for number, contact in enumerate(rollup.contacts, start=1)
        )
        last = page.table(headers, [6, *[c.width for c in columns], 16, 36], rows, drawings=False)
        missing = rollup.units_without_contacts
        page.put(last + 2, 2, f"未报送联系人的单位（{len(missing)}个）", self.styles(bold=True))
        for offset, name in enumerate(missing, start=3):
            page.put(last + offset, 2, name, self.styles.cell(SHORT_FILL))
