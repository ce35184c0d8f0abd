"""The floors and the baseline, each run by bench/run.py as its own process.

    python bench/floors.py calamine DIR            read every cell of every sheet of every .xlsx under DIR
    python bench/floors.py xlsxwriter-cells SRC OUT  write with XlsxWriter the cells of every .xlsx under SRC (a
                                                   merge's outputs) into OUT, one workbook each; times the writing only
    python bench/floors.py openpyxl-save LIST OUT  openpyxl load + save of each file named in LIST (one a line)
    python bench/floors.py baseline DIR            pandas.read_excel(engine="openpyxl") + one pydantic model per row
    python bench/floors.py rusage OUT -- CMD...    run CMD, write its peak RSS in KiB and CPU seconds to OUT (no /usr/bin/time)

Each does that work and nothing else, and prints one JSON line of counts (so a run that
silently did nothing shows up in RESULTS.md). ``xlsxwriter-cells`` reads its cells before the
clock starts and prints the seconds (wall and CPU) of the writing itself, which bench/run.py
takes as its time.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _xlsx_under(root: str) -> list[Path]:
    return sorted(path for path in Path(root).rglob("*.xlsx") if not path.name.startswith("~$"))


def calamine_floor(root: str) -> dict[str, int]:
    import python_calamine as calamine

    files = cells = 0
    for path in _xlsx_under(root):
        workbook = calamine.CalamineWorkbook.from_path(str(path))
        for name in workbook.sheet_names:
            rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            cells += sum(len(row) for row in rows)
        workbook.close()
        files += 1
    return {"files": files, "cells": cells}


Cell = tuple[int, int, object]  # 0-based row, column, value (str, float, bool, date or datetime)


def _cells_of(path: Path) -> list[tuple[str, list[Cell]]]:
    """Every non-empty cell of every sheet of ``path`` as calamine reads it, row by row."""
    import python_calamine as calamine

    workbook = calamine.CalamineWorkbook.from_path(str(path))
    sheets = []
    for name in workbook.sheet_names:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        cells = [(r, c, value) for r, row in enumerate(rows) for c, value in enumerate(row) if value != ""]
        sheets.append((name, cells))
    workbook.close()
    return sheets


def xlsxwriter_cells_floor(source: str, out: str) -> dict[str, float]:
    """The merge's write floor: the very cells the merge wrote (values and types), written again.

    The cells of every workbook under ``source`` (the merge's outputs) are read first; then, on
    the clock, each workbook is written with XlsxWriter in constant-memory mode, one output
    workbook per input, each cell with the write call of its type (dates with a date format).
    No other formatting, no row heights, no charts: what any writer of these cells must do.
    """
    import datetime as dt
    import time

    import xlsxwriter

    books = [(path.name, _cells_of(path)) for path in _xlsx_under(source)]
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    options = {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    options["strings_to_urls"] = False
    wall, cpu = time.perf_counter(), time.process_time()
    cells = sheets = 0
    for name, content in books:
        workbook = xlsxwriter.Workbook(str(target / name), options)
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        for sheet_name, sheet_cells in content:
            sheet = workbook.add_worksheet(sheet_name)
            for row, column, value in sheet_cells:
                if isinstance(value, str):
                    sheet.write_string(row, column, value)
                elif isinstance(value, bool):
                    sheet.write_boolean(row, column, value)
                elif isinstance(value, dt.date | dt.datetime):
                    sheet.write_datetime(row, column, value, date_format)
                elif isinstance(value, int | float):
                    sheet.write_number(row, column, value)
                else:
                    sheet.write_string(row, column, str(value))
            cells += len(sheet_cells)
            sheets += 1
        workbook.close()
    return {
        "workbooks": len(books),
        "sheets": sheets,
        "cells": cells,
        "seconds": round(time.perf_counter() - wall, 3),
        "cpu_seconds": round(time.process_time() - cpu, 3),
    }


def openpyxl_floor(listing: str, out: str) -> dict[str, int]:
    """What the marked-up copy cannot avoid: load the workbook (as markup does) and save it."""
    import openpyxl

    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    paths = [Path(line) for line in Path(listing).read_text(encoding="utf-8").splitlines() if line.strip()]
    for index, path in enumerate(paths):
        workbook = openpyxl.load_workbook(path, data_only=True, keep_vba=False, keep_links=False)
        workbook.save(target / f"{index}.xlsx")
    return {"files": len(paths)}


def baseline(root: str) -> dict[str, int]:
    """The obvious pipeline: pandas + openpyxl to read, one pydantic model per row to check."""
    import datetime as dt
    import re
    from typing import Annotated

    import pandas as pd
    from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
    tracks = {
        "工业制造",
        "现代农业",
        "商贸流通",
        "交通运输",
        "金融服务",
        "科技创新",
        "文化旅游",
        "医疗健康",
        "医疗保障",
        "应急管理",
        "气象服务",
        "城市治理",
        "绿色低碳",
        "开放创新",
        "京津冀协同发展",
    }
    closed = {"建设高质量垂直行业大模型数据集", "公共数据与社会数据融合应用"}
    phone = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")

    class Project(BaseModel):
        model_config = ConfigDict(populate_by_name=True, str_strip_whitespace=True)

        serial: Annotated[int | None, Field(alias="序号")] = None
        project_name: Annotated[str, Field(alias="项目名称", min_length=1)]
        unit_name: Annotated[str, Field(alias="参赛单位名称（牵头单位）", min_length=1)]
        credit_code: Annotated[str, Field(alias="统一社会信用代码")]
        unit_type: Annotated[str, Field(alias="单位类型")]
        partners: Annotated[str | None, Field(alias="联合参赛单位")] = None
        track: Annotated[str, Field(alias="参赛赛道")]
        topic: Annotated[str, Field(alias="参赛赛题")]
        jiebang: Annotated[str | None, Field(alias="是否企业需求子赛题（揭榜挂帅）")] = None
        status: Annotated[str, Field(alias="报名状态")]
        registered_on: Annotated[dt.date, Field(alias="报名日期")]
        division: Annotated[str, Field(alias="参赛赛区")]
        contact_name: Annotated[str, Field(alias="项目联系人", min_length=1)]
        contact_phone: Annotated[str, Field(alias="联系电话")]
        note: Annotated[str | None, Field(alias="备注")] = None

        @field_validator("credit_code")
        @classmethod
        def _code(cls, value: str) -> str:
            value = value.upper()
            if len(value) != 18 or any(char not in alphabet for char in value):
                raise ValueError("统一社会信用代码格式错误")
            total = sum(alphabet.index(char) * weight for char, weight in zip(value[:17], weights, strict=True))
            if alphabet[(31 - total % 31) % 31] != value[17]:
                raise ValueError("统一社会信用代码校验位错误")
            if value.startswith("92"):
                raise ValueError("个体工商户不具有独立法人资格")
            return value

        @field_validator("unit_type")
        @classmethod
        def _unit_type(cls, value: str) -> str:
            if value not in {"企业", "高等院校", "科研院所", "事业单位", "政府部门", "其他"}:
                raise ValueError("单位类型不在列表中")
            return value

        @field_validator("track")
        @classmethod
        def _track(cls, value: str) -> str:
            if value not in tracks:
                raise ValueError("赛道不在目录中")
            return value

        @field_validator("topic")
        @classmethod
        def _topic(cls, value: str) -> str:
            if value in closed:
                raise ValueError("该赛题不再开放")
            return value

        @field_validator("status")
        @classmethod
        def _status(cls, value: str) -> str:
            if value not in {"已报名", "已提交材料", "已退赛"}:
                raise ValueError("报名状态不在列表中")
            return value

        @field_validator("registered_on")
        @classmethod
        def _date(cls, value: dt.date) -> dt.date:
            if not dt.date(2025, 6, 1) <= value <= dt.date(2025, 7, 31):
                raise ValueError("报名日期不在报名期内")
            return value

        @field_validator("division")
        @classmethod
        def _division(cls, value: str) -> str:
            if value != "张家口赛区":
                raise ValueError("参赛赛区应为张家口赛区")
            return value

        @field_validator("contact_phone", mode="before")
        @classmethod
        def _phone(cls, value: object) -> str:
            text = str(value).strip()
            if not phone.match(text):
                raise ValueError("联系电话格式错误")
            return text

    files = rows = errors = 0
    for path in _xlsx_under(root):
        frame = pd.read_excel(path, sheet_name=0, header=2, engine="openpyxl", dtype={"联系电话": str})
        frame = frame.dropna(how="all")
        for record in frame.to_dict("records"):
            clean = {
                key: (None if isinstance(value, float) and value != value else value) for key, value in record.items()
            }
            if isinstance(clean.get("报名日期"), pd.Timestamp):
                clean["报名日期"] = clean["报名日期"].date()
            try:
                Project.model_validate(clean)
            except ValidationError as exc:
                errors += exc.error_count()
            rows += 1
        files += 1
    return {"files": files, "rows": rows, "errors": errors}


def rusage(out: str, command: list[str]) -> int:
    import resource
    import subprocess

    code = subprocess.run(command, check=False).returncode
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    Path(out).write_text(f"{usage.ru_maxrss} {usage.ru_utime + usage.ru_stime}", encoding="utf-8")
    return code


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    command, args = argv[0], argv[1:]
    if command == "rusage":
        return rusage(args[0], args[args.index("--") + 1 :])
    if command == "calamine":
        result = calamine_floor(args[0])
    elif command == "xlsxwriter-cells":
        result = xlsxwriter_cells_floor(args[0], args[1])
    elif command == "openpyxl-save":
        result = openpyxl_floor(args[0], args[1])
    elif command == "baseline":
        result = baseline(args[0])
    else:
        print(f"unknown floor {command!r}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
