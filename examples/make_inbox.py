"""Make the example inbox: two Thursdays of returns from several reporters, built from the real templates.

Run from the repository root:  python examples/make_inbox.py
It rewrites examples/inbox/ and examples/inbox-expected.json, the list of every planted
mistake as (file, rule, cell) that ``zjkcollect validate examples/inbox`` must find — and
nothing else. The .xls file is made with LibreOffice when it is installed; otherwise the
previously committed one is kept.

``python examples/make_inbox.py --mail-only`` rewrites only the mail export (邮件导出/: .eml
files as mail clients save them and a zip as 163 mail's "打包下载" gives it) and its entries in
the expected list, leaving every other example file's bytes as they are.
"""

from __future__ import annotations

import base64
import datetime as dt
import email.utils
import json
import shutil
import subprocess
import sys
import tempfile
import uuid
import zipfile
from pathlib import Path
from urllib.parse import quote

import openpyxl

from zjkcollect.attachments import SINGLETON_ROLES, Kind
from zjkcollect.campaign import load_campaign
from zjkcollect.codes import build_credit_code
from zjkcollect.findings import column_letter
from zjkcollect.templates import FIRST_DATA_ROW, HEADER_BLOCK_ROW, header_block, write_template

HERE = Path(__file__).resolve().parent
INBOX = HERE / "inbox"
EXPECTED = HERE / "inbox-expected.json"
WEEK1 = "第1周-2025-06-26"
WEEK2 = "第2周-2025-07-03"
MAIL = "邮件导出"  # what the clerk exports from the mailbox on Friday morning
CHINA = dt.timezone(dt.timedelta(hours=8))
CAMPAIGN = load_campaign()
ATTACHMENTS = {attachment.id: attachment for attachment in CAMPAIGN.attachments}


def code(registration: str, division: str, body: str) -> str:
    return build_credit_code(registration, division, body)


# Units with valid codes registered in 张家口's counties.
GRAPE = code("91", "130730", "MA0F1234")  # 怀来县 company
WINDFARM = code("91", "130722", "MA0C4411")  # 张北县 company
DATACENTER = code("91", "130730", "MA0E7890")
ICE_SNOW = code("91", "130709", "MA0D2468")  # 崇礼区 resort company
UNIVERSITY = code("12", "130700", "40100000")  # a public university
LOGISTICS = code("91", "130702", "MA0A7777")  # 桥东区
HOSPITAL = code("12", "130703", "40200000")  # 桥西区 public hospital
STEEL = code("91", "130705", "MA0B3355")  # 宣化区
CITY_BUREAU = code("11", "130700", "00001234")  # a city government department
INDIVIDUAL = code("92", "130702", "MA0G1357")  # 个体工商户
MOTOR = code("91", "130771", "MA0H2222")  # 经开区 manufacturer


def project(**values: object) -> dict[str, object]:
    base: dict[str, object] = {
        "unit_type": "企业",
        "legal_person": "是",
        "jiebang": "否",
        "applied": "是",
        "platform_registered": "是",
        "status": "已报名",
        "registered_on": dt.date(2025, 6, 18),
        "division": "张家口赛区",
        "summary": "汇聚行业数据，形成可复制的数据要素应用场景。",
        "benefits": "降本增效，带动就业。",
    }
    return base | values


GRAPE_ROW = project(
    project_name="怀来葡萄酒产业数据平台",
    unit_name="怀来县沙城葡萄科技有限公司",
    credit_code=GRAPE,
    track="现代农业",
    topic="农业生产数据应用",
    contact_name="张明",
    contact_phone="13831310001",
)
DATACENTER_ROW = project(
    project_name="算力调度与绿电消纳数据服务",
    unit_name="怀来县云谷数据科技有限公司",
    credit_code=DATACENTER,
    track="绿色低碳",
    topic="绿电与算力协同",
    jiebang="是",
    contact_name="刘洋",
    contact_phone="13831310002",
)
WINDFARM_ROW = project(
    project_name="风电场运维数据智能分析",
    unit_name="张北县风能开发有限公司",
    credit_code=WINDFARM,
    track="工业制造",
    topic="设备运维数据应用",
    contact_name="王海",
    contact_phone="13831310003",
)
UNIVERSITY_ROW = project(
    project_name="冬奥场馆客流数据融合应用",
    unit_name="河北北方学院",
    credit_code=UNIVERSITY,
    unit_type="高等院校",
    track="文化旅游",
    topic="文旅客流数据应用",
    contact_name="陈静",
    contact_phone="0313-4029001",
)
LOGISTICS_ROW = project(
    project_name="城乡物流数据协同平台",
    unit_name="张家口桥东物流有限公司",
    credit_code=LOGISTICS,
    track="交通运输",
    topic="物流数据应用",
    contact_name="孙磊",
    contact_phone="13831310005",
)
HOSPITAL_ROW = project(
    project_name="区域检查检验结果互认",
    unit_name="张家口市第一医院",
    credit_code=HOSPITAL,
    unit_type="事业单位",
    track="京津冀协同发展",
    topic="医疗服务共享",
    contact_name="周敏",
    contact_phone="13831310006",
)
STEEL_ROW = project(
    project_name="钢铁生产能耗数据优化",
    unit_name="宣化钢铁数字科技有限公司",
    credit_code=STEEL,
    track="绿色低碳",
    topic="工业能耗数据应用",
    contact_name="吴刚",
    contact_phone="13831310007",
)
ICE_ROW = project(
    project_name="冰雪旅游一码通",
    unit_name="崇礼冰雪旅游发展有限公司",
    credit_code=ICE_SNOW,
    track="文化旅游",
    topic="智慧景区",
    contact_name="郑雪",
    contact_phone="13831310008",
)
YUXIAN_ROW = project(
    project_name="蔚县剪纸非遗数字化",
    unit_name="蔚县剪纸文化传播有限公司",
    credit_code=code("91", "130726", "MA0N3344"),
    track="文化旅游",
    topic="智慧景区",
    contact_name="陈静",
    contact_phone="13831310014",
)
MOTOR_ROW = project(
    project_name="新能源汽车零部件质量追溯",
    unit_name="张家口经开区汽车零部件有限公司",
    credit_code=MOTOR,
    track="工业制造",
    topic="质量追溯数据应用",
    jiebang="是",
    contact_name="冯军",
    contact_phone="13831310009",
)


QIAOXI_ROW = project(
    project_name="社区养老服务数据平台",
    unit_name="张家口桥西智慧养老有限公司",
    credit_code=code("91", "130703", "MA0R4455"),
    track="城市治理",
    topic="城市运行监测",
    contact_name="曹琳",
    contact_phone="13831310015",
)
WANQUAN_ROW = project(
    project_name="万全鲜食玉米种业数据",
    unit_name="万全区禾丰种业有限公司",
    credit_code=code("91", "130708", "MA0T6677"),
    track="现代农业",
    topic="农业生产数据应用",
    contact_name="严伟",
    contact_phone="13831310016",
)
HUAIAN_ROW = project(
    project_name="怀安县物流园区数据调度",
    unit_name="怀安县通达物流有限公司",
    credit_code=code("91", "130728", "MA0U8899"),
    track="交通运输",
    topic="物流数据应用",
    contact_name="华强",
    contact_phone="13831310017",
)


ZHUOLU_ROW = project(
    project_name="涿鹿县葡萄酒庄文旅数据",
    unit_name="涿鹿县桑干河酒庄有限公司",
    credit_code=code("91", "130731", "MA0W2233"),
    track="商贸流通",
    topic="消费数据应用",
    contact_name="杨帆",
    contact_phone="13831310018",
)


class Inbox:
    """Writes the example files and records every planted mistake."""

    def __init__(self, root: Path, templates: Path) -> None:
        self.root = root
        self.templates = templates
        self.expected: list[dict[str, str | None]] = []

    def plant(self, relative: str, rule: str, cell: str | None) -> None:
        self.expected.append({"file": relative, "rule": rule, "cell": cell})

    def from_template(
        self, relative: str, kind: Kind, reporter: str, date: dt.date, rows: list[dict[str, object]]
    ) -> Path:
        """Fill the real blank template as a reporter would in Excel."""
        workbook = openpyxl.load_workbook(self.templates / f"{kind.value}.xlsx")
        sheet = workbook.worksheets[0]
        block = header_block(ATTACHMENTS[kind])
        sheet.cell(row=HEADER_BLOCK_ROW, column=block.reporter_value_column, value=reporter)
        sheet.cell(row=HEADER_BLOCK_ROW, column=block.date_value_column, value=date)
        columns = ATTACHMENTS[kind].columns
        for offset, row in enumerate(rows):
            for index, column in enumerate(columns, start=1):
                value = offset + 1 if column.field == "serial" else row.get(column.field)
                if value is not None:
                    sheet.cell(row=FIRST_DATA_ROW + offset, column=index, value=value)
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        workbook.save(target)
        return target

    def cell(self, kind: Kind, row_index: int, field: str) -> str:
        index = next(i for i, c in enumerate(ATTACHMENTS[kind].columns, start=1) if c.field == field)
        return f"{column_letter(index)}{FIRST_DATA_ROW + row_index}"


def own_layout_workbook(target: Path, reporter: str, date: dt.date, rows: list[dict[str, object]]) -> None:
    """A reporter who copied the table into their own workbook: notes above, labels inline, other order, a footer."""
    attachment = ATTACHMENTS[Kind.REGISTERED]
    order = [
        "project_name",
        "unit_name",
        "credit_code",
        "unit_type",
        "track",
        "topic",
        "jiebang",
        "status",
        "registered_on",
        "division",
        "contact_name",
        "contact_phone",
        "partners",
        "note",
    ]
    headers = {column.field: column.header for column in attachment.columns}
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "工信局报送"
    sheet["A1"] = "（内部）请于周四上午报市数据局"
    sheet["A2"] = "经办：科技科"
    sheet["A4"] = "“数据要素×”大赛河北分赛参赛项目统计表"
    sheet.merge_cells("A4:N4")
    sheet["A5"] = f"填报单位：{reporter}"
    sheet["H5"] = f"统计截止日期：{date.year}年{date.month}月{date.day}日"
    for index, field in enumerate(order, start=1):
        sheet.cell(row=6, column=index, value=headers[field].replace("（牵头单位）", "\n（牵头单位）") + " *")
    for offset, row in enumerate(rows):
        for index, field in enumerate(order, start=1):
            if row.get(field) is not None:
                sheet.cell(row=7 + offset, column=index, value=row[field])
    sheet.cell(row=9 + len(rows), column=1, value="填表人：李工    审核人：赵科长")
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)


def two_attachments_workbook(
    target: Path, reporter: str, date: dt.date, sheets: list[tuple[str, Kind, list[dict[str, object]]]]
) -> list[str]:
    """A reporter who keeps 附件2 and 附件4 as two sheets of one workbook (as the letter sends them together).

    Returns the cell of each data row's first column, per sheet, so mistakes can be planted by row.
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, kind, rows in sheets:
        attachment = ATTACHMENTS[kind]
        sheet = workbook.create_sheet(title)
        sheet["A1"] = f"{attachment.label}  {attachment.title}"
        sheet["A2"] = f"填报单位：{reporter}"
        sheet["E2"] = attachment.date_label
        sheet["F2"] = date
        sheet["F2"].number_format = "yyyy年m月d日"
        for index, column in enumerate(attachment.columns, start=1):
            sheet.cell(row=3, column=index, value=column.header)
        for offset, row in enumerate(rows):
            for index, column in enumerate(attachment.columns, start=1):
                value = offset + 1 if column.field == "serial" else row.get(column.field)
                if value is not None:
                    sheet.cell(row=4 + offset, column=index, value=value)
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return [title for title, _, _ in sheets]


def merged_cells_workbook(
    target: Path, reporter: str, date: dt.date, unit: dict[str, object], projects: list[dict[str, object]]
) -> None:
    """A county clerk's own 附件3 as it is really typed: title and header block each one merged cell
    (unit and date together), a two-row header with 参赛单位 merged over its three columns, the lead
    unit's name, code and type merged down over its projects, a 小计 row and a signature line."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "附件3"
    sheet["A1"] = "“数据要素×”大赛河北分赛参赛项目统计表"
    sheet.merge_cells("A1:O1")
    sheet["A2"] = f"填报单位：{reporter}        统计截止日期：{date.year}年{date.month}月{date.day}日（周四）"
    sheet.merge_cells("A2:O2")
    single = [
        "序号",
        "项目名称",
        None,
        None,
        None,
        "联合参赛单位",
        "参赛赛道",
        "参赛赛题",
        "是否揭榜挂帅",
        "报名状态",
        "报名日期",
        "参赛赛区",
        "项目联系人",
        "联系电话",
        "备注",
    ]
    for column, header in enumerate(single, start=1):
        if header is not None:
            sheet.cell(row=3, column=column, value=header)
            sheet.merge_cells(start_row=3, start_column=column, end_row=4, end_column=column)
    sheet["C3"] = "参赛单位"
    sheet.merge_cells("C3:E3")
    sheet["C4"], sheet["D4"], sheet["E4"] = "名称", "统一社会信用代码", "单位类型"
    fields = [
        "project_name",
        None,
        None,
        None,
        "partners",
        "track",
        "topic",
        "jiebang",
        "status",
        "registered_on",
        "division",
        "contact_name",
        "contact_phone",
        "note",
    ]
    first = 5
    for offset, row in enumerate(projects):
        sheet.cell(row=first + offset, column=1, value=offset + 1)
        for column, field in enumerate(fields, start=2):
            if field is not None and row.get(field) is not None:
                sheet.cell(row=first + offset, column=column, value=row[field])
    last = first + len(projects) - 1
    for column, field in ((3, "unit_name"), (4, "credit_code"), (5, "unit_type")):
        sheet.cell(row=first, column=column, value=unit[field])
        sheet.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)
    sheet.cell(row=last + 1, column=1, value="小计")
    sheet.cell(row=last + 1, column=2, value=f"{len(projects)}个项目")
    sheet.cell(row=last + 3, column=1, value="填表人：刘芳        审核人：陈局长")
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)


def one_sheet_workbook(
    target: Path,
    reporter: str,
    week: dt.date,
    projects: list[dict[str, object]],
    contacts_date: dt.date,
    contacts: list[dict[str, object]],
) -> dict[str, int]:
    """A county clerk who puts everything on one sheet: the title states the date (（截至…）), a 栏次 row
    under each header, 附件4 pasted under 附件3 with its own title and block, and the unit written only
    in the signature line at the foot of 附件3. Returns the sheet row of each table's first data row."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    first_rows: dict[str, int] = {}
    row = 1
    for kind, rows, title in (
        (Kind.REGISTERED, projects, f"{ATTACHMENTS[Kind.REGISTERED].title}（截至{week.year}年{week.month}月{week.day}日）"),
        (Kind.CONTACTS, contacts, ATTACHMENTS[Kind.CONTACTS].title),
    ):
        attachment = ATTACHMENTS[kind]
        sheet.cell(row=row, column=1, value=f"{attachment.label}  {title}")
        if kind is Kind.CONTACTS:
            sheet.cell(row=row + 1, column=1, value=f"填报单位：{reporter}")
            sheet.cell(row=row + 1, column=5, value=f"{attachment.date_label}：")
            sheet.cell(row=row + 1, column=6, value=contacts_date).number_format = "yyyy年m月d日"
        for index, column in enumerate(attachment.columns, start=1):
            sheet.cell(row=row + 2, column=index, value=column.header)
            sheet.cell(row=row + 3, column=index, value=index)  # the 栏次 row
        first_rows[kind.value] = row + 4
        for offset, values in enumerate(rows):
            for index, column in enumerate(attachment.columns, start=1):
                value = offset + 1 if column.field == "serial" else values.get(column.field)
                if value is not None:
                    sheet.cell(row=row + 4 + offset, column=index, value=value)
        row += 4 + len(rows)
        if kind is Kind.REGISTERED:
            sheet.cell(row=row + 1, column=1, value=f"填报单位（盖章）：{reporter}")
            sheet.cell(row=row + 1, column=6, value="填表人：杨帆")
            row += 4
    target.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(target)
    return first_rows


def add_one_sheet_file(root: Path, week2: dt.date) -> list[dict[str, str | None]]:
    """涿鹿县's week-2 file (see one_sheet_workbook): 附件3 clean, its staff contact without an e-mail."""
    name = f"{WEEK2}/涿鹿县附件3和附件4（一张表）.xlsx"
    contacts = [
        {"unit": "涿鹿县", "role": "主管领导", "name": "孙副县长", "position": "副县长", "mobile": "13931320031"},
        {"unit": "涿鹿县", "role": "具体负责人", "name": "周科长", "position": "科长", "mobile": "13931320032"},
    ]
    first_rows = one_sheet_workbook(root / name, "涿鹿县", week2, [ZHUOLU_ROW], dt.date(2025, 6, 30), contacts)
    email = next(i for i, c in enumerate(ATTACHMENTS[Kind.CONTACTS].columns, start=1) if c.field == "email")
    return [{"file": name, "rule": "email-missing", "cell": f"{column_letter(email)}{first_rows['contacts'] + 1}"}]


_FILTERS = {"xls": "xls:MS Excel 97", "ods": "ods"}


def convert(source: Path, target: Path) -> bool:
    """Save ``source`` in the format of ``target``'s suffix with LibreOffice (.et is WPS's name for .xls)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        return False
    fmt = "xls" if target.suffix in {".xls", ".et"} else target.suffix.lstrip(".")
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                _FILTERS[fmt],
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        shutil.move(Path(out) / f"{source.stem}.{fmt}", target)
    shutil.rmtree(profile, ignore_errors=True)
    return True


def saved_as(source: Path, relative: str, root: Path) -> None:
    """Replace the filled .xlsx by the same workbook saved as another format (or the committed copy)."""
    target = root / relative
    converted = convert(source, target)
    source.unlink()
    if not converted:
        if not (INBOX / relative).exists():
            sys.exit(f"需要 LibreOffice（soffice）来生成示例文件 {relative}")
        shutil.copy(INBOX / relative, target)


def build(root: Path) -> list[dict[str, str | None]]:
    week1, week2 = CAMPAIGN.calendar.weeks[0], CAMPAIGN.calendar.weeks[1]
    R = Kind.REGISTERED
    with tempfile.TemporaryDirectory() as folder:
        templates = Path(folder)
        for kind in SINGLETON_ROLES:
            write_template(CAMPAIGN, kind, templates / f"{kind.value}.xlsx")
        inbox = Inbox(root, templates)

        # --- week 1 -------------------------------------------------------------------------------
        # 怀来县: clean, the file name every county uses and resends each week
        inbox.from_template(f"{WEEK1}/怀来县/附件3.xlsx", R, "怀来县", week1, [GRAPE_ROW, DATACENTER_ROW])
        # 宣化区: the survey (附件2) and contacts (附件4), both clean
        inbox.from_template(
            f"{WEEK1}/宣化区-附件2-摸底统计表.xlsx", Kind.SURVEY, "宣化区", dt.date(2025, 6, 20), [STEEL_ROW]
        )
        contacts = [
            {"unit": "宣化区", "role": "主管领导", "name": "赵副区长", "position": "副区长", "mobile": "13931320001"},
            {
                "unit": "宣化区",
                "role": "具体负责人",
                "name": "钱科长",
                "position": "科长",
                "office_phone": "0313-3012345",
                "mobile": "13931320002",
                "email": "xuanhua@example.com",
            },
        ]
        inbox.from_template(
            f"{WEEK1}/宣化区-附件4-联系人.xlsx", Kind.CONTACTS, "宣化区", dt.date(2025, 6, 20), contacts
        )
        # 蔚县: 附件2 and 附件4 kept as two sheets of one workbook (contacts first); its 具体负责人
        # left the e-mail out, which only shows when the second table is read too
        yuxian_contacts = [
            {"unit": "蔚县", "role": "具体负责人", "name": "孙科长", "position": "科长", "mobile": "13931330002"},
            {"unit": "蔚县", "role": "主管领导", "name": "李副县长", "position": "副县长", "mobile": "13931330001"},
        ]
        name = f"{WEEK1}/蔚县-附件2和附件4.xlsx"
        two_attachments_workbook(
            root / name,
            "蔚县",
            dt.date(2025, 6, 20),
            [("联系人", Kind.CONTACTS, yuxian_contacts), ("摸底", Kind.SURVEY, [YUXIAN_ROW])],
        )
        inbox.plant(name, "email-missing", inbox.cell(Kind.CONTACTS, 0, "email"))
        # 桥东区: the mistakes clerks really see, one per row
        bad_check = LOGISTICS[:17] + ("0" if LOGISTICS[17] != "0" else "1")
        qiaodong = [
            LOGISTICS_ROW | {"credit_code": bad_check},
            project(
                project_name="城市道路停车数据",
                unit_name="张家口市城市管理局",
                credit_code=CITY_BUREAU,
                unit_type="政府部门",
                track="工业制造",
                topic="停车数据应用",
                contact_name="韩冰",
                contact_phone="13831310010",
            ),
            project(
                project_name="社区团购数据平台",
                unit_name="桥东区鲜果超市",
                credit_code=INDIVIDUAL,
                unit_type="企业",
                track="商贸流通",
                topic="消费数据应用",
                contact_name="杨帆",
                contact_phone="13831310011",
            ),
            project(
                project_name="行业大模型语料库",
                unit_name="张家口桥东智算有限公司",
                credit_code=code("91", "130702", "MA0J8642"),
                track="开放创新",
                topic="建设高质量垂直行业大模型数据集",
                contact_name="林涛",
                contact_phone="13831310012",
            ),
            project(
                project_name="工业园区碳排放监测",
                unit_name="张家口桥东环保科技有限公司",
                credit_code=code("91", "130702", "MA0K1122"),
                track="工业制造、绿色低碳",
                topic="碳排放数据应用",
                contact_name="何佳",
                contact_phone=13831310013,
            ),
        ]
        name = f"{WEEK1}/桥东区 附件3（6.26）.xlsx"
        inbox.from_template(name, R, "桥东区", week1, qiaodong)
        inbox.plant(name, "uscc-checksum", inbox.cell(R, 0, "credit_code"))
        inbox.plant(name, "gov-track-not-allowed", inbox.cell(R, 1, "track"))
        inbox.plant(name, "uscc-not-legal-person", inbox.cell(R, 2, "credit_code"))
        inbox.plant(name, "topic-closed", inbox.cell(R, 3, "topic"))
        inbox.plant(name, "multiple-tracks", inbox.cell(R, 4, "track"))
        inbox.plant(name, "stored-as-number", inbox.cell(R, 4, "contact_phone"))
        # 市教育局 and 桥西区 both report the university's project: a duplicate, counted once
        inbox.from_template(f"{WEEK1}/市教育局.xlsx", R, "市教育局", week1, [UNIVERSITY_ROW])
        name = f"{WEEK1}/桥西区-附件3.xlsx"
        inbox.from_template(name, R, "桥西区", week1, [HOSPITAL_ROW, UNIVERSITY_ROW])
        inbox.plant(name, "project-duplicate-reporters", inbox.cell(R, 1, "track"))
        inbox.plant(f"{WEEK1}/市教育局.xlsx", "project-duplicate-reporters", inbox.cell(R, 0, "track"))
        # 市工信局: its own layout, and a file name that says nothing (the kind comes from the content)
        own_layout_workbook(
            root / f"{WEEK1}/新建 Microsoft Excel 工作表.xlsx", "市工信局", week1, [WINDFARM_ROW, MOTOR_ROW]
        )
        # 张北县: saved as .xls (Excel 97-2003) in WPS, with one typo in the track
        zhangbei = inbox.from_template(
            f"{WEEK1}/张北县.xlsx",
            R,
            "张北县",
            week1,
            [WINDFARM_ROW | {"project_name": "风电功率预测", "track": "工业制造业"}],
        )
        saved_as(zhangbei, f"{WEEK1}/张北县.xls", root)
        inbox.plant(f"{WEEK1}/张北县.xls", "track-unknown", inbox.cell(R, 0, "track"))
        # an Excel lock file left beside the attachments
        (root / f"{WEEK1}/~$附件3.xlsx").write_bytes(b"\x0bWang Xiaoming" + b"\x00" * 150)
        inbox.plant(f"{WEEK1}/~$附件3.xlsx", "lock-file", None)

        # --- week 2 -------------------------------------------------------------------------------
        # 怀来县 resends 附件3.xlsx: one new project, one withdrawn
        inbox.from_template(
            f"{WEEK2}/怀来县/附件3.xlsx",
            R,
            "怀来县",
            week2,
            [
                GRAPE_ROW,
                DATACENTER_ROW | {"status": "已退赛"},
                ICE_ROW
                | {
                    "project_name": "怀来文旅数据大脑",
                    "unit_name": "怀来县文旅发展有限公司",
                    "credit_code": code("91", "130730", "MA0L5566"),
                },
            ],
        )
        # 桥东区 corrects its file
        fixed = [
            LOGISTICS_ROW,
            ICE_ROW | {"unit_name": "张家口桥东冰雪科技有限公司", "credit_code": code("91", "130702", "MA0M9900")},
        ]
        inbox.from_template(f"{WEEK2}/桥东区 附件3（7.3）.xlsx", R, "桥东区", week2, fixed)
        # 市工信局 now uses the template
        inbox.from_template(f"{WEEK2}/市工信局-附件3.xlsx", R, "市工信局", week2, [WINDFARM_ROW, MOTOR_ROW])
        # 经开区 reports for the first time, a week late for 6.26 but on time for 7.3
        inbox.from_template(f"{WEEK2}/经开区.xlsx", R, "经开区", week2, [MOTOR_ROW])
        inbox.plant(f"{WEEK2}/经开区.xlsx", "project-duplicate-reporters", inbox.cell(R, 0, "track"))
        # 阳原县 types its own table with merged cells; the lead unit's code (merged over both of its
        # projects) has a wrong check character, so each row gets the error and the marked copy
        # draws both on the merged cell
        yangyuan = {"unit_name": "阳原县皮毛数字产业有限公司", "credit_code": code("91", "130727", "MA0P7788")}
        yangyuan["credit_code"] = str(yangyuan["credit_code"])[:17] + (
            "0" if str(yangyuan["credit_code"])[17] != "0" else "1"
        )
        yangyuan["unit_type"] = "企业"
        fur = [
            project(
                project_name="皮毛产业链数据平台",
                track="商贸流通",
                topic="消费数据应用",
                contact_name="刘芳",
                contact_phone="13831310015",
            ),
            project(
                project_name="皮毛交易价格指数",
                track="金融服务",
                topic="数据资产融资",
                contact_name="刘芳",
                contact_phone="13831310015",
            ),
        ]
        name = f"{WEEK2}/阳原县附件3（合并单元格）.xlsx"
        merged_cells_workbook(root / name, "阳原县", week2, yangyuan, fur)
        inbox.plant(name, "uscc-checksum", "D5")
        inbox.plant(name, "uscc-checksum", "D6")
        # 宣化区 fills 附件3 in WPS and sends its own .et format; 崇礼区 uses LibreOffice (.ods)
        xuanhua = inbox.from_template(f"{WEEK2}/宣化区.xlsx", R, "宣化区", week2, [STEEL_ROW])
        saved_as(xuanhua, f"{WEEK2}/宣化区-附件3.et", root)
        chongli_row = ICE_ROW | {"contact_phone": "0313-123"}
        chongli = inbox.from_template(f"{WEEK2}/崇礼区.xlsx", R, "崇礼区", week2, [chongli_row])
        saved_as(chongli, f"{WEEK2}/崇礼区-附件3.ods", root)
        inbox.plant(f"{WEEK2}/崇礼区-附件3.ods", "phone-invalid", inbox.cell(R, 0, "contact_phone"))
        inbox.plant(f"{WEEK2}/市工信局-附件3.xlsx", "project-duplicate-reporters", inbox.cell(R, 1, "track"))
        return inbox.expected + add_one_sheet_file(root, week2) + build_mail(root, templates)


# --- the mail export ------------------------------------------------------------------------------
# Spelled out byte by byte: 163 mail names attachments in GBK (RFC 2231), Outlook in GB18030
# encoded words (RFC 2047), and Windows' "发送到压缩文件" stores GBK names without the UTF-8 flag.


def _b64(data: bytes) -> bytes:
    text = base64.b64encode(data)
    return b"\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def _word(text: str, charset: str) -> str:
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def mail(
    sender: str, subject: str, sent: dt.datetime, attachments: list[tuple[str, bytes, str]], received: dt.datetime
) -> bytes:
    """A message as the bureau's mailbox exports it; attachments are (name, bytes, "gbk-2231" or "gb18030-2047")."""
    boundary = "----=_Part_zjkcollect_example"
    head = [
        f"Received: from mail.example.cn (unknown [10.0.0.1])\r\n\tby zjkszywb.163.com with SMTP;"
        f" {email.utils.format_datetime(received)}",
        f"From: {_word('报送员', 'gb2312')} <{sender}>",
        "To: zjkszywb@163.com",
        f"Subject: {_word(subject, 'gbk')}",
        f"Date: {email.utils.format_datetime(sent)}",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/mixed; boundary="{boundary}"',
    ]
    parts = [
        b"Content-Type: text/plain; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + _b64("您好，附件是本单位本周的报表，请查收。".encode("gbk"))
    ]
    for name, data, style in attachments:
        if style == "gbk-2231":
            names = f"Content-Type: application/octet-stream\r\nContent-Disposition: attachment;\r\n filename*=gbk''{quote(name.encode('gbk'))}"
        else:
            word = _word(name, "gb18030")
            names = f'Content-Type: application/octet-stream; name="{word}"\r\nContent-Disposition: attachment; filename="{word}"'
        parts.append(names.encode("ascii") + b"\r\nContent-Transfer-Encoding: base64\r\n\r\n" + _b64(data))
    out = "\r\n".join(head).encode("ascii") + b"\r\n\r\n"
    for part in parts:
        out += f"--{boundary}\r\n".encode("ascii") + part + b"\r\n"
    return out + f"--{boundary}--\r\n".encode("ascii")


class _GbkName(zipfile.ZipInfo):
    """A member name stored in GBK without the UTF-8 flag, as Chinese Windows writes it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile's own hook, named by it
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def build_mail(root: Path, templates: Path) -> list[dict[str, str | None]]:
    """The Friday-morning export of week 2's mails: two Thursdays' worth of ways a return arrives by mail."""
    week2 = CAMPAIGN.calendar.weeks[1]
    R = Kind.REGISTERED
    with tempfile.TemporaryDirectory() as folder:
        made = Inbox(Path(folder), templates)

        def filled(name: str, kind: Kind, reporter: str, date: dt.date, rows: list[dict[str, object]]) -> bytes:
            return made.from_template(name, kind, reporter, date, rows).read_bytes()

        inbox = Inbox(root, templates)
        target = root / MAIL
        target.mkdir(parents=True, exist_ok=True)
        # 桥西区 updates by 163 mail on Thursday afternoon (GBK name, RFC 2231): 已报送
        qiaoxi = filled("qx.xlsx", R, "桥西区", week2, [HOSPITAL_ROW, QIAOXI_ROW])
        thursday = dt.datetime.combine(week2, dt.time(15, 40), CHINA)
        (target / "桥西区附件3（7.3）.eml").write_bytes(
            mail(
                "qiaoxi_szj@163.com",
                "桥西区附件3（7.3）",
                thursday,
                [("桥西区-附件3（7.3）.xlsx", qiaoxi, "gbk-2231")],
                thursday + dt.timedelta(seconds=40),
            )
        )
        # 张北县 sends from Outlook on Friday morning (GB18030 name, RFC 2047): 迟报
        zhangbei = filled("zb.xlsx", R, "张北县", week2, [WINDFARM_ROW | {"project_name": "风电功率预测"}])
        friday = dt.datetime.combine(week2 + dt.timedelta(days=1), dt.time(9, 12), CHINA)
        (target / "张北县附件3.eml").write_bytes(
            mail(
                "zhangbei_kjj@126.com",
                "张北县附件3（7.3）",
                friday,
                [("张北县-附件3.xlsx", zhangbei, "gb18030-2047")],
                friday + dt.timedelta(seconds=30),
            )
        )
        # a mail without a spreadsheet: a note naming its sender and subject
        receipt = dt.datetime.combine(week2, dt.time(10, 2), CHINA)
        name = f"{MAIL}/培训会回执.eml"
        (root / name).write_bytes(
            mail("huaian_szj@163.com", "关于参加大赛培训会的回执", receipt, [], receipt + dt.timedelta(seconds=20))
        )
        inbox.plant(name, "mail-no-spreadsheet", None)
        # 163's "打包下载" of another mailbox, zipped on Chinese Windows: GBK names, a folder per unit,
        # 万全区's 附件3 and 附件4 as plain files (no mail time: received when taken in) and 怀安县's mail
        wanquan = filled("wq3.xlsx", R, "万全区", week2, [WANQUAN_ROW])
        contacts = [
            {"unit": "万全区", "role": "主管领导", "name": "冯副区长", "position": "副区长", "mobile": "13931340001"},
            {
                "unit": "万全区",
                "role": "具体负责人",
                "name": "褚科长",
                "position": "科长",
                "office_phone": "0313-4212345",
                "mobile": "13931340002",
                "email": "wanquan@example.com",
            },
        ]
        wanquan_contacts = filled("wq4.xlsx", Kind.CONTACTS, "万全区", dt.date(2025, 6, 20), contacts)
        huaian = filled("ha.xlsx", R, "怀安县", week2, [HUAIAN_ROW])
        morning = dt.datetime.combine(week2, dt.time(10, 5), CHINA)
        huaian_mail = mail(
            "huaian_szj@163.com",
            "怀安县附件3",
            morning,
            [("怀安县-附件3.xlsx", huaian, "gbk-2231")],
            morning + dt.timedelta(seconds=15),
        )
        with zipfile.ZipFile(target / "附件打包下载.zip", "w", zipfile.ZIP_DEFLATED) as archive:
            for member, data in (
                ("万全区/万全区-附件3.xlsx", wanquan),
                ("万全区/万全区-附件4联系人.xlsx", wanquan_contacts),
                ("怀安县/怀安县附件3.eml", huaian_mail),
            ):
                info = _GbkName(member)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.date_time = (week2.year, week2.month, week2.day + 1, 8, 30, 0)
                archive.writestr(info, data)
        return inbox.expected


def main() -> None:
    if sys.argv[1:] == ["--mail-only"]:
        main_mail_only()
        return
    if sys.argv[1:] == ["--one-sheet-only"]:
        main_one_sheet_only()
        return
    staging = Path(tempfile.mkdtemp(prefix="inbox-", dir=HERE))
    try:
        expected = build(staging)
        if INBOX.exists():
            shutil.rmtree(INBOX)
        staging.rename(INBOX)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    write_expected(expected)


def main_mail_only() -> None:
    """Rewrite the mail export and its expected entries; every other example file keeps its bytes."""
    with tempfile.TemporaryDirectory() as folder:
        templates = Path(folder)
        for kind in SINGLETON_ROLES:
            write_template(CAMPAIGN, kind, templates / f"{kind.value}.xlsx")
        shutil.rmtree(INBOX / MAIL, ignore_errors=True)
        planted = build_mail(INBOX, templates)
    kept = [
        item for item in json.loads(EXPECTED.read_text(encoding="utf-8")) if not item["file"].startswith(f"{MAIL}/")
    ]
    write_expected(kept + planted)


def main_one_sheet_only() -> None:
    """Rewrite 涿鹿县's one-sheet file and its expected entries; every other example file keeps its bytes."""
    planted = add_one_sheet_file(INBOX, CAMPAIGN.calendar.weeks[1])
    names = {item["file"] for item in planted}
    kept = [item for item in json.loads(EXPECTED.read_text(encoding="utf-8")) if item["file"] not in names]
    write_expected(kept + planted)


def write_expected(expected: list[dict[str, str | None]]) -> None:
    expected.sort(key=lambda item: (item["file"] or "", item["rule"] or "", item["cell"] or ""))
    EXPECTED.write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"写入 {INBOX}（{sum(1 for p in INBOX.rglob('*') if p.is_file())} 个文件），预期问题 {len(expected)} 个")


if __name__ == "__main__":
    main()
