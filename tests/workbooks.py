"""Build returned workbooks in code, in the canonical layout or in the messy ways reporters send them."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import uuid
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from tests.specs import ATTACHMENTS
from zjkcollect.attachments import Kind
from zjkcollect.codes import build_credit_code

COMPANY = build_credit_code("91", "130730", "MA0F1234")
COMPANY_2 = build_credit_code("91", "130702", "MA0A7777")
UNIVERSITY = build_credit_code("12", "130700", "40000062")
# COMPANY with a wrong 18th (check) character
BAD_CHECKSUM = COMPANY[:17] + ("0" if COMPANY[17] != "0" else "1")


def project_row(kind: Kind, **changes: object) -> dict[str, object]:
    """A clean project row (附件2 or 附件3) as field → value."""
    row: dict[str, object] = {
        "serial": 1,
        "project_name": "智慧葡萄园数据平台",
        "unit_name": "怀来县某某科技有限公司",
        "credit_code": COMPANY,
        "unit_type": "企业",
        "legal_person": "是",
        "partners": None,
        "track": "现代农业",
        "topic": "农业生产数据应用",
        "jiebang": "否",
        "applied": "是",
        "summary": "汇聚气象、土壤和种植数据，指导精准灌溉。",
        "benefits": "节水30%",
        "platform_registered": "是",
        "status": "已报名",
        "registered_on": dt.date(2025, 6, 20),
        "division": "张家口赛区",
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "note": None,
    }
    row.update(changes)
    fields = {column.field for column in ATTACHMENTS[kind].columns}
    return {key: value for key, value in row.items() if key in fields}


def contact_row(**changes: object) -> dict[str, object]:
    row: dict[str, object] = {
        "serial": 1,
        "unit": "怀来县",
        "role": "具体负责人",
        "name": "李四",
        "position": "科长",
        "office_phone": "0313-7680129",
        "mobile": "13912345678",
        "email": "lisi@example.com",
        "note": None,
    }
    row.update(changes)
    return row


def write_workbook(
    path: Path,
    kind: Kind,
    rows: Sequence[dict[str, object]],
    *,
    reporter: object = "怀来县",
    date: object = dt.date(2025, 6, 26),
    rows_above: int = 0,
    inline_labels: bool = False,
    column_order: Sequence[str] | None = None,
    header_text: dict[str, str] | None = None,
    extra_columns: Sequence[str] = (),
    footer: str | None = None,
    blank_rows_between: int = 0,
    sheet_before: bool = False,
    drop_columns: Sequence[str] = (),
) -> Path:
    """Write a filled attachment with openpyxl; the keyword arguments reproduce real-world mess."""
    attachment = ATTACHMENTS[kind]
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if sheet_before:
        sheet.title = "说明"
        sheet["A1"] = "请见第二个工作表"
        sheet = workbook.create_sheet("报送表")
    fields = list(column_order or [column.field for column in attachment.columns])
    fields = [name for name in fields if name not in drop_columns]
    headers = {column.field: column.header for column in attachment.columns} | (header_text or {})
    top = 1 + rows_above
    for index in range(rows_above):
        sheet.cell(row=1 + index, column=1, value=f"（内部）第{index + 1}行备注")
    sheet.cell(row=top, column=1, value=attachment.title)
    sheet.merge_cells(start_row=top, start_column=1, end_row=top, end_column=len(fields))
    if inline_labels:
        sheet.cell(row=top + 1, column=1, value=f"填报单位：{reporter}")
        shown = date.isoformat() if isinstance(date, dt.date) else date
        sheet.cell(row=top + 1, column=6, value=f"{attachment.date_label}：{shown}")
    else:
        sheet.cell(row=top + 1, column=1, value="填报单位")
        sheet.cell(row=top + 1, column=2, value=reporter)
        sheet.cell(row=top + 1, column=6, value=attachment.date_label)
        sheet.cell(row=top + 1, column=7, value=date)
    header_row = top + 2
    all_headers = [headers[name] for name in fields] + list(extra_columns)
    for column, text in enumerate(all_headers, start=1):
        sheet.cell(row=header_row, column=column, value=text)
    row_number = header_row + 1
    for row in rows:
        for column, name in enumerate(fields, start=1):
            value = row.get(name)
            if value is not None:
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, str) and value.startswith("="):
                    cell._value = value
                    cell.data_type = "s"
                else:
                    cell.value = value
        for offset, _ in enumerate(extra_columns):
            sheet.cell(row=row_number, column=len(fields) + 1 + offset, value="额外内容")
        row_number += 1 + blank_rows_between
    if footer:
        sheet.cell(row=row_number + 1, column=1, value=footer)
        sheet.cell(row=row_number + 2, column=1, value="这一行不应被读入")
        sheet.cell(row=row_number + 2, column=2, value="这一行不应被读入")
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)
    return path


def libreoffice_convert(source: Path, target_format: str, out_dir: Path) -> Path:
    """Convert with headless LibreOffice (xls, ods, xlsx, pdf); needs soffice on PATH."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed"
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    filters = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf"}
    try:
        completed = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                filters[target_format],
                "--outdir",
                str(out_dir),
                str(source),
            ],
            capture_output=True,
            timeout=180,
            check=False,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    produced = out_dir / f"{source.stem}.{target_format}"
    assert produced.exists() and produced.stat().st_size > 0, completed.stderr.decode(errors="replace")
    return produced
