"""Synthetic inboxes for the benchmark, filled into the real 附件3 template.

The blank template is written by :func:`zjkcollect.templates.write_template` (the same code
``make-templates`` runs); each returned workbook is that template's zip with the form
sheet's rows filled in and the new texts appended to its shared-string table, the way
Excel stores a filled form. Every other part (header block, styles, dropdowns, hidden
``_lists`` and fingerprint sheets) is the template's own bytes. Patching the XML instead
of going through openpyxl makes a 1,000-file inbox in seconds.

Content is realistic and deterministic (seeded): project and unit names, unit types with
fitting credit codes (``build_credit_code``), tracks and topics from the campaign, status,
registration dates, contacts with valid mobile or 0313 landline numbers. A *dirty* corpus
has the given fraction of rows carrying one mistake each (bad check character, two
tracks, a closed topic, a 个体工商户 code, a government unit in an industry track, a
wrong division, a date outside registration, a bad phone, an unknown track or status).

A *plain* corpus (``CorpusSpec(layout="plain")``) holds what a reporter who typed their own
table sends instead: one sheet in the canonical layout (title row, 填报单位 and 统计截止日期
row, header row, data rows), no helper sheets, no dropdowns, no formatted empty rows, written
by XlsxWriter (shared strings, real date cells), the same rows as the template corpus.

The reporters are a bench campaign: the shipped 2025 campaign plus 1,000 synthetic
reporters, so that a 1,000-file inbox has one file per reporter (as a province would)
instead of hundreds of superseded resends. Cycling the 35 real reporters over weeks or
attachments instead would make most files of a week resends of each other (superseded, and
the roll-up would drop them), which is not the load the targets are about. Corpora are cached
under ``bench/.cache`` keyed by their parameters, the template bytes and this generator's version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import re
import shutil
import zipfile
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from xml.sax.saxutils import escape

GENERATOR_VERSION = "5"
BENCH_DIR = Path(__file__).resolve().parent
CACHE = BENCH_DIR / ".cache"
SYNTHETIC_REPORTERS = 1000
DATA_SHEET_XML = "xl/worksheets/sheet1.xml"
SHARED_STRINGS_XML = "xl/sharedStrings.xml"
EXCEL_EPOCH = dt.date(1899, 12, 30)

HEBEI_CITIES = ("石家庄", "唐山", "秦皇岛", "邯郸", "邢台", "保定", "承德", "沧州", "廊坊", "衡水")
PLACES = (
    "桥东",
    "桥西",
    "宣化",
    "下花园",
    "万全",
    "崇礼",
    "张北",
    "康保",
    "沽源",
    "尚义",
    "蔚县",
    "阳原",
    "怀安",
    "怀来",
    "涿鹿",
    "赤城",
    "察北",
    "塞北",
    "经开区",
    "张家口",
)
COUNTY_DIVISIONS = (
    "130702",
    "130703",
    "130705",
    "130706",
    "130708",
    "130709",
    "130722",
    "130723",
    "130724",
    "130725",
    "130726",
    "130727",
    "130728",
    "130730",
    "130731",
    "130732",
)
BRANDS = (
    "云谷",
    "智算",
    "风能",
    "葡萄",
    "冰雪",
    "绿电",
    "数智",
    "天路",
    "坝上",
    "燕山",
    "长城",
    "草原",
    "清水河",
    "洋河",
    "桑干",
    "太子城",
    "京张",
    "泰达",
    "宏远",
    "华建",
)
COMPANY_SUFFIXES = ("科技有限公司", "数据服务有限公司", "信息技术有限公司", "股份有限公司", "发展有限公司")
UNIVERSITIES = ("河北北方学院", "张家口学院", "河北建筑工程学院", "张家口职业技术学院")
INSTITUTES = ("张家口市农业科学院", "张家口市数据资源研究院", "张家口市可再生能源研究所", "张家口市气象科学研究所")
PUBLIC_UNITS = ("张家口市大数据中心", "张家口市应急指挥中心", "张家口市气象服务中心", "张家口市城市运行管理中心")
GOVERNMENT_UNITS = (
    "张家口市应急管理局",
    "张家口市气象局",
    "张家口市城市管理综合行政执法局",
    "张家口市数据和政务服务局",
)
GOVERNMENT_TRACKS = ("城市治理", "气象服务", "应急管理", "京津冀协同发展")
TOPICS = {
    "工业制造": ("设备运维数据应用", "质量追溯数据应用", "供应链协同数据应用", "工业能耗数据应用"),
    "现代农业": ("农业生产数据应用", "农产品溯源", "智慧养殖"),
    "商贸流通": ("消费数据应用", "跨境电商数据服务", "供应链金融数据"),
    "交通运输": ("物流数据应用", "城乡公交数据融合", "道路运输安全监测"),
    "金融服务": ("普惠金融数据应用", "农村信用数据", "绿色金融数据"),
    "科技创新": ("科研数据共享", "科技成果转化数据服务"),
    "文化旅游": ("文旅客流数据应用", "智慧景区", "冰雪旅游数据服务"),
    "医疗健康": ("区域健康数据应用", "远程医疗数据服务"),
    "医疗保障": ("医保基金监管数据应用", "医保支付数据分析"),
    "应急管理": ("灾害风险监测预警", "安全生产数据应用"),
    "气象服务": ("风光功率预测", "农业气象服务"),
    "城市治理": ("停车数据应用", "城市运行一网统管", "社区治理数据应用"),
    "绿色低碳": ("绿电与算力协同", "碳排放数据应用", "工业能耗数据应用"),
    "京津冀协同发展": ("区域产业协同", "生态环境联治", "医疗服务共享"),
}
SCENES = ("数据平台", "数据服务", "智能分析系统", "数据应用", "一体化平台", "数据大脑", "监测预警系统", "协同平台")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏飞雪海波宁欣怡"
MOBILE_PREFIXES = ("138", "139", "150", "151", "152", "158", "159", "186", "187", "188", "135", "136", "137", "189")
NOTES = ("", "", "", "", "", "", "", "", "拟参加揭榜挂帅", "材料已提交市数据局", "联合申报")
STATUSES = (("已报名", 70), ("已提交材料", 25), ("已退赛", 5))
MISTAKES = (
    "uscc-checksum",
    "multiple-tracks",
    "topic-closed",
    "uscc-not-legal-person",
    "gov-track-not-allowed",
    "division-invalid",
    "date-outside-registration",
    "phone-invalid",
    "track-unknown",
    "choice-invalid",
)


@dataclass(frozen=True, slots=True)
class CorpusSpec:
    """``reporters`` files per week, ``weeks`` weekly folders; a file has ``rows`` rows in the last week."""

    name: str
    reporters: int
    rows: int
    weeks: int = 1
    mistakes: float = 0.0  # fraction of rows with one mistake
    seed: int = 1
    layout: str = "template"  # "template": the filled 附件3 template; "plain": one typed sheet

    @property
    def plain(self) -> bool:
        return self.layout == "plain"

    def rows_in_week(self, week_index: int) -> int:
        return max(1, self.rows * (week_index + 1) // self.weeks)


@dataclass(slots=True)
class Corpus:
    spec: CorpusSpec
    root: Path
    campaign: Path
    files: list[str]
    rows: int
    mistake_rows: int
    last_week: str
    rollup_rows: int  # rows of the latest submissions for the last week (the roll-up's project list)

    def paths(self) -> list[Path]:
        return [self.root / name for name in self.files]


# --- bench campaign and template --------------------------------------------------------------


def synthetic_reporters(count: int = SYNTHETIC_REPORTERS) -> list[str]:
    return [f"{HEBEI_CITIES[i % len(HEBEI_CITIES)]}市报送单位{i + 1:04d}" for i in range(count)]


def bench_campaign() -> Path:
    """The shipped campaign with synthetic reporters appended (written once per content)."""
    raw = resources.files("zjkcollect.data").joinpath("campaign-2025.toml").read_text(encoding="utf-8")
    extra = "".join(f'\n[[reporters]]\nname = "{name}"\nlevel = "县区"\n' for name in synthetic_reporters())
    text = raw.rstrip("\n") + "\n\n# --- bench: synthetic reporters ---\n" + extra
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    path = CACHE / f"campaign-bench-{digest}.toml"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return path


def reporter_names(campaign_path: Path) -> list[str]:
    from zjkcollect.campaign import load_campaign

    return load_campaign(campaign_path).reporter_names


def blank_template(campaign_path: Path) -> bytes:
    """The real 附件3 template for the bench campaign, as written by make-templates."""
    from zjkcollect.attachments import Kind
    from zjkcollect.campaign import load_campaign
    from zjkcollect.templates import write_template

    target = CACHE / "templates" / f"附件3-{campaign_path.stem}.xlsx"
    if target.exists():
        target.unlink()  # always rewrite: the template code may have changed since the last run
    target.parent.mkdir(parents=True, exist_ok=True)
    written = write_template(load_campaign(campaign_path), Kind.REGISTERED, target)
    return Path(written).read_bytes()


# --- content --------------------------------------------------------------------------------


class ContentMaker:
    """Deterministic, realistic 附件3 rows."""

    def __init__(self, spec: CorpusSpec, campaign_tracks: dict[str, bool]) -> None:
        self.spec = spec
        self.jiebang_tracks = {name for name, jiebang in campaign_tracks.items() if jiebang}
        self.tracks = [name for name in TOPICS if name in campaign_tracks]

    def org8(self, serial: int) -> str:
        alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        digits = []
        number = serial
        for _ in range(6):
            number, rest = divmod(number, len(alphabet))
            digits.append(alphabet[rest])
        return "MA" + "".join(reversed(digits))

    def project(self, reporter_index: int, project_index: int, division: str | None) -> dict[str, object]:
        from zjkcollect.codes import build_credit_code

        rng = random.Random(f"{self.spec.seed}/{reporter_index}/{project_index}")
        serial = self.spec.seed * 50_000_000 + reporter_index * 200_000 + project_index
        roll = rng.random()
        if roll < 0.80:
            unit_type, prefix = "企业", "91"
            track = rng.choice(self.tracks)
            unit = f"张家口{rng.choice(PLACES)}{rng.choice(BRANDS)}{rng.choice(COMPANY_SUFFIXES)}"
        elif roll < 0.86:
            unit_type, prefix, unit = "高等院校", "12", rng.choice(UNIVERSITIES)
            track = rng.choice(self.tracks)
        elif roll < 0.92:
            unit_type, prefix, unit = "科研院所", "12", rng.choice(INSTITUTES)
            track = rng.choice(self.tracks)
        elif roll < 0.96:
            unit_type, prefix, unit = "事业单位", "12", rng.choice(PUBLIC_UNITS)
            track = rng.choice(GOVERNMENT_TRACKS)
        else:
            unit_type, prefix, unit = "政府部门", "11", rng.choice(GOVERNMENT_UNITS)
            track = rng.choice(GOVERNMENT_TRACKS)
        topic = rng.choice(TOPICS[track])
        code = build_credit_code(prefix, division or rng.choice(COUNTY_DIVISIONS), self.org8(serial))
        place = rng.choice(PLACES)
        name = f"{place}{topic.removesuffix('数据应用')}{rng.choice(SCENES)}"
        partners = ""
        if rng.random() < 0.25:
            count = rng.randint(1, 2)
            partners = "、".join(f"张家口{rng.choice(BRANDS)}{rng.choice(COMPANY_SUFFIXES)}" for _ in range(count))
        if rng.random() < 0.9:
            phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        else:
            phone = f"0313-{rng.choice('2345678')}{rng.randrange(10**6):06d}"
        return {
            "project_name": name,
            "unit_name": unit,
            "credit_code": code,
            "unit_type": unit_type,
            "partners": partners,
            "track": track,
            "topic": topic,
            "jiebang": "是" if track in self.jiebang_tracks and rng.random() < 0.2 else "否",
            "contact_name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
            "contact_phone": phone,
            "note": rng.choice(NOTES),
            "_first_day": rng.randrange(0, 26),  # days after 2025-06-01
        }

    def in_week(self, project: dict[str, object], week: dt.date, rng: random.Random) -> dict[str, object]:
        row = {key: value for key, value in project.items() if not key.startswith("_")}
        start = dt.date(2025, 6, 1)
        day = start + dt.timedelta(days=int(project["_first_day"]))  # type: ignore[arg-type]
        row["registered_on"] = min(day, week)
        statuses, weights = zip(*STATUSES, strict=True)
        row["status"] = rng.choices(statuses, weights)[0]
        row["division"] = "张家口赛区"
        return row

    def spoil(self, row: dict[str, object], rng: random.Random) -> str:
        """Plant one mistake in ``row``; returns its rule code."""
        from zjkcollect.codes import build_credit_code

        mistake = rng.choice(MISTAKES)
        code = str(row["credit_code"])
        if mistake == "uscc-checksum":
            row["credit_code"] = code[:17] + ("0" if code[17] != "0" else "1")
        elif mistake == "multiple-tracks":
            row["track"] = "工业制造、绿色低碳"
        elif mistake == "topic-closed":
            row["track"], row["topic"] = "开放创新", "建设高质量垂直行业大模型数据集"
            row["unit_type"], row["unit_name"] = "企业", f"张家口{rng.choice(BRANDS)}{rng.choice(COMPANY_SUFFIXES)}"
            row["credit_code"] = build_credit_code("91", code[2:8], code[8:16])
        elif mistake == "uscc-not-legal-person":
            row["unit_type"] = "企业"
            row["credit_code"] = build_credit_code("92", code[2:8], code[8:16])
        elif mistake == "gov-track-not-allowed":
            row["unit_type"], row["unit_name"] = "政府部门", rng.choice(GOVERNMENT_UNITS)
            row["credit_code"] = build_credit_code("11", code[2:8], code[8:16])
            row["track"], row["topic"], row["jiebang"] = "工业制造", "设备运维数据应用", "否"
        elif mistake == "division-invalid":
            row["division"] = "北京赛区"
        elif mistake == "date-outside-registration":
            row["registered_on"] = dt.date(2025, 5, 20)
        elif mistake == "phone-invalid":
            row["contact_phone"] = "1383131"
        elif mistake == "track-unknown":
            row["track"] = str(row["track"]) + "业"
        else:
            row["status"] = "报名中"
        return mistake


# --- writing the xlsx ------------------------------------------------------------------------


class TemplateFiller:
    """Fills copies of the blank template by rewriting the form sheet's XML."""

    def __init__(self, template: bytes) -> None:
        from zjkcollect.attachments import Kind
        from zjkcollect.campaign import load_campaign
        from zjkcollect.findings import column_letter
        from zjkcollect.templates import FIRST_DATA_ROW, HEADER_BLOCK_ROW, LAST_DATA_ROW, header_block

        self.re = re
        attachment = load_campaign().attachment(Kind.REGISTERED)
        self.fields = [column.field for column in attachment.columns]
        self.letters = [column_letter(index) for index in range(1, len(self.fields) + 1)]
        block = header_block(attachment)
        self.reporter_cell = f"{column_letter(block.reporter_value_column)}{HEADER_BLOCK_ROW}"
        self.date_cell = f"{column_letter(block.date_value_column)}{HEADER_BLOCK_ROW}"
        self.first_row, self.last_blank_row = FIRST_DATA_ROW, LAST_DATA_ROW
        with zipfile.ZipFile(_bytes_io(template)) as archive:
            self.members = [(info, archive.read(info.filename)) for info in archive.infolist()]
        parts = dict((info.filename, data) for info, data in self.members)
        sheet = parts[DATA_SHEET_XML].decode("utf-8")
        start = sheet.index(f'<row r="{FIRST_DATA_ROW}"')
        end = sheet.index("</sheetData>")
        self.head, self.tail = sheet[:start], sheet[end:]
        first_row = sheet[start : sheet.index("</row>", start)]
        styles = dict(re.findall(r'<c r="([A-Z]+)\d+" s="(\d+)"', first_row))
        self.styles = [styles.get(letter, "0") for letter in self.letters]
        row_attrs = re.search(r'<row r="\d+"([^>]*)>', first_row)
        self.row_attrs = row_attrs.group(1) if row_attrs else ""
        sst = parts[SHARED_STRINGS_XML].decode("utf-8")
        self.sst_head = sst[: sst.index("<si>")]
        self.sst_body = sst[sst.index("<si>") : sst.rindex("</sst>")]
        self.sst_count = int(re.search(r'uniqueCount="(\d+)"', sst).group(1))  # type: ignore[union-attr]
        self.sst_refs = int(re.search(r' count="(\d+)"', sst).group(1))  # type: ignore[union-attr]

    def fill(self, target: Path, reporter: str, date: dt.date, rows: list[dict[str, object]]) -> None:
        strings: dict[str, int] = {}
        refs = 0

        def string_cell(ref: str, style: str, text: str) -> str:
            nonlocal refs
            index = strings.get(text)
            if index is None:
                index = strings[text] = self.sst_count + len(strings)
            refs += 1
            return f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>'

        head = self.head
        for ref, value in ((self.reporter_cell, reporter), (self.date_cell, date)):
            pattern = self.re.compile(f'<c r="{ref}" s="(\\d+)"/>')
            match = pattern.search(head)
            if match is None:
                raise RuntimeError(f"template has no empty cell {ref} to fill")
            style = match.group(1)
            cell = (
                f'<c r="{ref}" s="{style}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
                if isinstance(value, dt.date)
                else string_cell(ref, style, str(value))
            )
            head = head[: match.start()] + cell + head[match.end() :]

        out: list[str] = []
        last = max(self.last_blank_row, self.first_row + len(rows) - 1)
        for offset in range(last - self.first_row + 1):
            number = self.first_row + offset
            cells = []
            row = rows[offset] if offset < len(rows) else None
            for field, letter, style in zip(self.fields, self.letters, self.styles, strict=True):
                ref = f"{letter}{number}"
                value = (offset + 1) if (row is not None and field == "serial") else (row or {}).get(field)
                if value is None or value == "":
                    cells.append(f'<c r="{ref}" s="{style}"/>')
                elif isinstance(value, dt.date):
                    cells.append(f'<c r="{ref}" s="{style}"><v>{(value - EXCEL_EPOCH).days}</v></c>')
                elif isinstance(value, int | float):
                    cells.append(f'<c r="{ref}" s="{style}"><v>{value}</v></c>')
                else:
                    cells.append(string_cell(ref, style, str(value)))
            out.append(f'<row r="{number}"{self.row_attrs}>{"".join(cells)}</row>')
        head = self.re.sub(r'<dimension ref="A1:([A-Z]+)\d+"/>', f'<dimension ref="A1:\\g<1>{last}"/>', head, count=1)
        sheet = head + "".join(out) + self.tail
        new_si = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
        head_sst = self.re.sub(r' count="\d+"', f' count="{self.sst_refs + refs}"', self.sst_head, count=1)
        head_sst = self.re.sub(r'uniqueCount="\d+"', f'uniqueCount="{self.sst_count + len(strings)}"', head_sst)
        sst = head_sst + self.sst_body + new_si + "</sst>"
        target.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in self.members:
                if info.filename == DATA_SHEET_XML:
                    data = sheet.encode("utf-8")
                elif info.filename == SHARED_STRINGS_XML:
                    data = sst.encode("utf-8")
                archive.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)


class PlainWriter:
    """Writes one-sheet returns in the canonical layout with XlsxWriter, as Excel saves a typed table."""

    SHEET = "附件3"

    def __init__(self) -> None:
        from zjkcollect.attachments import Kind
        from zjkcollect.campaign import load_campaign

        attachment = load_campaign().attachment(Kind.REGISTERED)
        self.title = attachment.title
        self.date_label = attachment.date_label
        self.fields = [column.field for column in attachment.columns]
        self.headers = [column.header for column in attachment.columns]

    def fill(self, target: Path, reporter: str, date: dt.date, rows: list[dict[str, object]]) -> None:
        import xlsxwriter

        target.parent.mkdir(parents=True, exist_ok=True)
        # XlsxWriter's default mode keeps shared strings, as Excel does; 100,000 rows fit in memory.
        workbook = xlsxwriter.Workbook(str(target), {"strings_to_numbers": False, "strings_to_formulas": False})
        sheet = workbook.add_worksheet(self.SHEET)
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        width = len(self.fields)
        sheet.merge_range(0, 0, 0, width - 1, self.title)
        sheet.write_string(1, 0, "填报单位")
        sheet.write_string(1, 1, reporter)
        sheet.write_string(1, 5, self.date_label)
        sheet.write_datetime(1, 6, dt.datetime.combine(date, dt.time()), day)
        sheet.write_row(2, 0, self.headers)
        for offset, row in enumerate(rows):
            number = 3 + offset
            for column, field in enumerate(self.fields):
                value = (offset + 1) if field == "serial" else row.get(field)
                if value is None or value == "":
                    continue
                if isinstance(value, dt.date):
                    sheet.write_datetime(number, column, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, int | float):
                    sheet.write_number(number, column, value)
                else:
                    sheet.write_string(number, column, str(value))
        workbook.close()


def _bytes_io(data: bytes):
    import io

    return io.BytesIO(data)


# --- corpora ---------------------------------------------------------------------------------


def _file_name(reporter: str, week: dt.date, rng: random.Random) -> str:
    pattern = rng.choice(("{r}-附件3.xlsx", "附件3（{r}）.xlsx", "{r} 附件3（{m}.{d}）.xlsx", "{r}参赛项目统计表.xlsx"))
    return pattern.format(r=reporter, m=week.month, d=week.day)


def build(spec: CorpusSpec) -> Corpus:
    """The corpus for ``spec``, generated on first use and cached."""
    from zjkcollect.campaign import load_campaign

    campaign_path = bench_campaign()
    campaign = load_campaign(campaign_path)
    # a plain corpus does not use the template, so a template change does not make it again
    template = b"" if spec.plain else blank_template(campaign_path)
    key = hashlib.sha256(
        json.dumps([GENERATOR_VERSION, asdict(spec), hashlib.sha256(template).hexdigest()]).encode()
    ).hexdigest()[:12]
    home = CACHE / f"{spec.name}-{key}"
    root = home / "inbox"
    manifest = home / "manifest.json"
    if manifest.exists():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        return Corpus(spec=spec, root=root, campaign=campaign_path, **data)
    if home.exists():
        shutil.rmtree(home)
    filler: TemplateFiller | PlainWriter = PlainWriter() if spec.plain else TemplateFiller(template)
    maker = ContentMaker(spec, {track.name: track.jiebang for track in campaign.tracks})
    reporters = campaign.reporter_names
    if spec.reporters > len(reporters):
        raise ValueError(f"{spec.name}: {spec.reporters} reporters but the bench campaign has {len(reporters)}")
    divisions = {r.name: r.division_code for r in campaign.reporters}
    weeks = campaign.calendar.weeks[: spec.weeks]
    files: list[str] = []
    total_rows = mistake_rows = rollup_rows = 0
    for reporter_index, reporter in enumerate(reporters[: spec.reporters]):
        division = divisions.get(reporter)
        projects = [maker.project(reporter_index, k, division) for k in range(spec.rows)]
        name_rng = random.Random(f"{spec.seed}/name/{reporter_index}")
        for week_index, week in enumerate(weeks):
            rng = random.Random(f"{spec.seed}/{reporter_index}/week{week_index}")
            count = spec.rows_in_week(week_index)
            rows = [maker.in_week(project, week, rng) for project in projects[:count]]
            for row in rows:
                if spec.mistakes and rng.random() < spec.mistakes:
                    maker.spoil(row, rng)
                    mistake_rows += 1
            folder = f"第{week_index + 1}周-{week.isoformat()}/" if spec.weeks > 1 else ""
            relative = folder + _file_name(reporter, week, name_rng)
            filler.fill(root / relative, reporter, week, rows)
            files.append(relative)
            total_rows += len(rows)
            if week_index == len(weeks) - 1:
                rollup_rows += len(rows)
    data = {
        "files": files,
        "rows": total_rows,
        "mistake_rows": mistake_rows,
        "last_week": weeks[-1].isoformat(),
        "rollup_rows": rollup_rows,
    }
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return Corpus(spec=spec, root=root, campaign=campaign_path, **data)


def check(corpus: Corpus, sample: int = 3) -> list[str]:
    """Problems with the corpus as zjkcollect sees it: kind, row count, and no findings when clean."""
    from zjkcollect.campaign import load_campaign
    from zjkcollect.inbox import validate_paths

    campaign = load_campaign(corpus.campaign)
    problems: list[str] = []
    paths = corpus.paths()
    picks = list(dict.fromkeys(paths[:sample] + paths[-1:]))
    for path in picks:
        report = validate_paths([path], campaign)
        result = report.files[0]
        if result.kind != "weekly":
            problems.append(f"{path.name}: kind {result.kind} (expected weekly, the 附件3)")
        expected_weeks = corpus.spec.weeks
        week_index = 0 if expected_weeks == 1 else int(path.parent.name.split("周")[0].lstrip("第")) - 1
        if len(result.rows) != corpus.spec.rows_in_week(week_index):
            problems.append(f"{path.name}: {len(result.rows)} rows (expected {corpus.spec.rows_in_week(week_index)})")
        if corpus.spec.mistakes == 0 and result.findings:
            rules = sorted({finding.rule for finding in result.findings})
            problems.append(f"{path.name}: clean file has findings {rules}")
    return problems
