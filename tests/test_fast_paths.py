"""Shortcuts taken for speed give exactly the answers of the plain way.

The column-at-a-time, cached row check gives exactly what the row model gives, row by row.

``schemas.validate_rows`` (what ``check_table`` runs) looks each (column, value, depended-on
value) up once; ``schemas.validate_row`` is one pydantic model call per row, with nothing
remembered (the reference). Both must agree on every row: the values kept, in order, and the
issues, in order, with their rule, field, value and context. Compared on the example inbox and
on generated messy rows for each attachment, where values repeat with different neighbours so
the cache is hit with every combination a cross-column rule reads.

The phone check asks libphonenumber less (the type once, the area code by its format) and text
normalisation skips NFKC for text that is already normal: both against the long way.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from pathlib import Path

import phonenumbers
import pytest

from tests.specs import ATTACHMENTS, KINDS, SHIPPED
from tests.workbooks import COMPANY, COMPANY_2, UNIVERSITY, contact_row, project_row, write_workbook
from zjkcollect import codes, schemas, text
from zjkcollect.attachments import Kind
from zjkcollect.codes import _phone_digits, build_credit_code, parse_phone
from zjkcollect.errors import ReadFailure
from zjkcollect.inbox import collect_paths, validate_files
from zjkcollect.layout import locate_tables
from zjkcollect.mailbox import unpack
from zjkcollect.reader import load_workbook_data
from zjkcollect.schemas import RowOutcome, validate_row, validate_rows

EXAMPLE_INBOX = Path(__file__).resolve().parent.parent / "examples" / "inbox"


def _same(fast: list[RowOutcome], reference: list[RowOutcome]) -> None:
    assert len(fast) == len(reference)
    for number, (one, other) in enumerate(zip(fast, reference, strict=True)):
        assert list(one.values.items()) == list(other.values.items()), number
        assert one.issues == other.issues, number
        assert one.has_error == other.has_error, number


def _reference(
    attachment: str, rows: list[dict[str, object]], absent: frozenset[str] = frozenset()
) -> list[RowOutcome]:
    return [validate_row(attachment, row, SHIPPED, absent) for row in rows]


def test_example_inbox_rows_match_the_row_model() -> None:
    unpacked = unpack(collect_paths([EXAMPLE_INBOX]))
    tables = 0
    for path, _ in unpacked.files:
        try:
            workbook = load_workbook_data(path, path.read_bytes())
        except ReadFailure:
            continue
        for table in locate_tables(workbook, SHIPPED):
            rows = [row.values for row in table.rows]
            absent = frozenset(table.missing)
            _same(validate_rows(table.attachment, rows, SHIPPED, absent), _reference(table.attachment.id, rows, absent))
            tables += 1
    assert tables >= 10  # the example inbox holds every attachment several times over


GOVERNMENT = build_credit_code("11", "130700", "00001234")
INDIVIDUAL = build_credit_code("92", "130730", "MA0F5678")
OUTSIDE = "91330100716105852F"
# Values a reporter types into each kind of column, good and bad, as a reader hands them over.
TEXTS: list[object] = [
    None,
    "",
    "  ",
    "正常文字",
    " 两端空格 ",
    "全角ＡＢＣ１２３",
    "零宽\u200b字符",
    "控制\x07字符",
    12,
    3.5,
    True,
]
POOL: dict[str, list[object]] = {
    "serial": [None, 1, 2.0, "3", "一", True],
    "project_name": TEXTS,
    "unit_name": [*TEXTS, "某某科技有限公司张家口分公司", "张家口市某某研究院"],
    "credit_code": [
        COMPANY,
        COMPANY_2,
        UNIVERSITY,
        GOVERNMENT,
        INDIVIDUAL,
        OUTSIDE,
        COMPANY.lower(),
        f" {COMPANY} ",
        COMPANY[:8] + " " + COMPANY[8:],
        COMPANY[:17],
        COMPANY[:5] + "O" + COMPANY[6:],
        COMPANY[:-1] + ("0" if COMPANY[-1] != "0" else "1"),
        "ＡＢ" + COMPANY[2:],
        9.1130730e17,
        911307301234567,
        "9.11307E+17",
        None,
        "",
    ],
    "unit_type": ["企业", "高等院校", "科研院所", "事业单位", "政府部门", "其他", "企 业", "公司", None, "", 1],
    "legal_person": ["是", "否", "√", "Y", None, "是的"],
    "partners": [None, "甲公司、乙公司", "甲公司;乙公司", ""],
    "track": [
        "工业制造",
        "现代农业",
        "城市治理",
        "应急管理",
        "开放创新",
        "工业制造赛道",
        "“现代农业”",
        "工业制造、绿色低碳",
        "工业",
        None,
    ],
    "topic": [
        "设备运维数据应用",
        "农业生产数据应用",
        "停车数据应用",
        "建设高质量垂直行业大模型数据集",
        "自拟赛题",
        "农业生产数据应用赛题",
        None,
        "",
    ],
    "jiebang": ["是", "否", "×", None, "", "有"],
    "applied": ["是", "否", None],
    "summary": TEXTS,
    "benefits": TEXTS,
    "platform_registered": ["是", "否", None, "N"],
    "status": ["已报名", "已提交材料", "已退赛", "报名中", None, " 已报名 "],
    "registered_on": [
        dt.date(2025, 6, 20),
        dt.datetime(2025, 7, 1, 9, 30),
        dt.date(2025, 5, 20),
        "2025-06-26",
        "2025年6月26日",
        "6月26日",
        45834,
        45834.5,
        "明天",
        None,
    ],
    "division": ["张家口赛区", "张家口 赛区", "北京赛区", None],
    "contact_name": TEXTS,
    "contact_phone": [
        "13812345678",
        "138 1234 5678",
        "0313-7680129",
        "03137680129",
        13812345678,
        13812345678.0,
        "1383131",
        "7680129",
        "+8613812345678",
        None,
    ],
    "note": TEXTS,
    "unit": ["怀来县", "桥东区", "张家口经济技术开发区", "不存在的县", None],
    "role": ["主管领导", "具体负责人", "联系人", None],
    "name": TEXTS,
    "position": TEXTS,
    "office_phone": ["0313-7680129", "13812345678", "123", None],
    "mobile": ["13912345678", "0313-7680129", 13912345678, None],
    "email": ["lisi@example.com", "LiSi@Example.COM", "lisi#example.com", None, ""],
}


def _messy_rows(kind: str, count: int, seed: int) -> list[dict[str, object]]:
    """Clean rows with a few cells swapped for pool values: repeats with every kind of neighbour."""
    rng = random.Random(seed)
    base = project_row(kind) if kind != Kind.CONTACTS else contact_row()
    fields = [column.field for column in ATTACHMENTS[kind].columns]
    rows = []
    for _ in range(count):
        row = dict(base)
        for name in rng.sample(fields, rng.randint(0, 4)):
            row[name] = rng.choice(POOL[name])
        rows.append(row)
    return rows


@pytest.mark.parametrize("kind", KINDS)
def test_messy_rows_match_the_row_model(kind: str) -> None:
    rows = _messy_rows(kind, 1500, seed=len(kind))
    _same(validate_rows(kind, rows, SHIPPED), _reference(kind, rows))
    # again, now that every value is remembered, and in another order
    random.Random(5).shuffle(rows)
    _same(validate_rows(kind, rows, SHIPPED), _reference(kind, rows))
    # and as small tables, where a column is often text only (read a column at a time)
    for start in range(0, 300, 3):
        table = rows[start : start + 3]
        _same(validate_rows(kind, table, SHIPPED), _reference(kind, table))


def test_missing_columns_are_remembered_apart() -> None:
    """A column missing from the file is reported once, not per row: the rows' verdicts differ."""
    rows = _messy_rows(Kind.REGISTERED, 300, seed=9)
    absent = frozenset({"topic", "contact_phone"})
    for name in absent:
        for row in rows:
            row.pop(name, None)
    _same(validate_rows(Kind.REGISTERED, rows, SHIPPED, absent), _reference(Kind.REGISTERED, rows, absent))
    _same(validate_rows(Kind.REGISTERED, rows, SHIPPED), _reference(Kind.REGISTERED, rows))


def test_a_full_cache_starts_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schemas, "CACHE_LIMIT", 7)
    monkeypatch.setattr(schemas, "_PLANS", {})  # nothing remembered from other tests
    rows = _messy_rows(Kind.SURVEY, 400, seed=3)
    _same(validate_rows(Kind.SURVEY, rows, SHIPPED), _reference(Kind.SURVEY, rows))
    checks = schemas._plan(ATTACHMENTS[Kind.SURVEY], SHIPPED, frozenset())
    assert all(len(check.cache) <= 7 and len(check.clean) <= 7 for check in checks)


def _phone_the_long_way(value: object, kind: str) -> str | None:
    """parse_phone as libphonenumber's documented calls give it: valid, typed, area code split off;
    a text that is no number but a landline, a separator and 1-6 digits is that line with an extension."""
    whole = _number_the_long_way(value, kind)
    if whole is not None or kind == "mobile" or not isinstance(value, str):
        return whole
    text = unicodedata.normalize("NFKC", value).strip()
    for separator in ("转", "分机", "ext.", "ext", "EXT", "x", "X", "#", "-"):
        line, found, extension = text.rpartition(separator)
        extension = extension.strip()
        if found and line.rstrip()[-1:].isdigit() and extension.isdigit() and 1 <= len(extension) <= 6:
            number = _number_the_long_way(line.rstrip(), "landline")
            if number is not None:
                return f"{number}转{extension}"
    return None


def _number_the_long_way(value: object, kind: str) -> str | None:
    digits = _phone_digits(value)
    if digits is None:
        return None
    try:
        number = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 86 or number.extension or not phonenumbers.is_valid_number(number):
        return None
    national = str(number.national_number)
    number_type = phonenumbers.number_type(number)
    mobile = {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    fixed = {phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
    if kind != "landline" and number_type in mobile and len(national) == 11 and national[0] == "1":
        return national
    if kind != "mobile" and number_type in fixed:
        area = phonenumbers.length_of_geographical_area_code(number)
        return f"0{national[:area]}-{national[area:]}" if area else None
    return None


def test_phones_match_libphonenumber_the_long_way() -> None:
    rng = random.Random(11)
    values: list[object] = []
    # national numbers whose first digits pick one of libphonenumber's rarer formats for China
    rare = ["10100", "1010", "10123", "1095", "1096", "2100", "2123", "2195", "400", "800", "3123", "3195", "9"]
    for _ in range(8000):
        shape = rng.randrange(7)
        if shape == 6:
            values.append("0" + rng.choice(rare) + str(rng.randint(0, 10 ** rng.randint(2, 8))))
            continue
        if shape == 0:  # a landline as typed, any area code
            values.append(f"0{rng.randint(10, 999)}-{rng.randint(0, 10 ** rng.randint(6, 8))}")
        elif shape == 1:  # digits only, with and without the 0
            values.append(("0" if rng.random() < 0.7 else "") + str(rng.randint(10**8, 10**11)))
        elif shape == 2:  # mobiles, valid and not
            values.append("1" + str(rng.randint(10**9, 10**10 - 1)))
        elif shape == 3:  # another country, an international prefix
            values.append(rng.choice(["+86", "86", "+1", "+852", "00", "0086"]) + str(rng.randint(10**6, 10**11)))
        elif shape == 4:  # a number cell
            values.append(float(rng.randint(10**6, 10**11)))
        else:  # punctuation and words
            values.append("".join(rng.choice("0123456789-() 转+") for _ in range(rng.randint(3, 14))))
    accepted = 0
    for kind in ("any", "mobile", "landline"):
        for value in values:
            expected = _phone_the_long_way(value, kind)
            assert parse_phone(value, kind) == expected, (value, kind)
            accepted += expected is not None
    assert accepted > 2000  # many shapes are real numbers: the comparison is not all None


def test_landlines_read_from_the_tables_match_libphonenumber() -> None:
    """Landlines with the trunk 0: the compiled type tables give libphonenumber's verdicts, cold and warm."""
    rng = random.Random(12)
    values: list[object] = []
    for _ in range(6000):
        national = str(rng.randint(2, 9)) + "".join(rng.choice("0123456789") for _ in range(rng.randint(5, 11)))
        cut = rng.randint(2, 4)
        values.append(
            rng.choice([f"0{national}", f"0{national[:cut]}-{national[cut:]}", f"(0{national[:cut]}) {national[cut:]}"])
        )
    codes._AREA_LENGTHS.clear()
    for round_ in range(2):  # the first round learns the area code lengths, the second reads them
        for kind in ("any", "landline", "mobile"):
            for value in values:
                assert parse_phone(value, kind) == _phone_the_long_way(value, kind), (value, kind, round_)
    known = [codes._known_landline(_phone_digits(value) or "") for value in values]
    assert sum(isinstance(answer, str) for answer in known) > 300  # the tables did answer
    assert sum(answer is None for answer in known) > 100  # and said no to some


def test_normal_text_shortcut_matches_nfkc() -> None:
    whitespace = re.compile(r"\s+")
    rng = random.Random(2)
    alphabet = [chr(code) for code in range(0x3100)] + ["\u3000", "\u200b", "\ufeff", "\uff21", "\u00a0", "\u2028"]
    for _ in range(50000):
        value = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6)))
        cleaned, _ = text.strip_invisible(unicodedata.normalize("NFKC", value))
        assert text.normalize_text.__wrapped__(value) == whitespace.sub(" ", cleaned).strip(), repr(value)


def _clashing_inbox(folder: Path) -> Path:
    """Returns that clash across files: a project entered differently, one twice, a resend."""
    conflict = project_row(Kind.REGISTERED, project_name="跨县冲突项目", credit_code=COMPANY_2)
    twice = project_row(Kind.REGISTERED, project_name="两县同报项目", credit_code=UNIVERSITY, unit_type="高等院校")
    other_track = {**conflict, "track": "工业制造", "topic": "设备运维数据应用"}
    rows = [project_row(Kind.REGISTERED), conflict, twice]
    write_workbook(folder / "怀来县.xlsx", Kind.REGISTERED, rows, reporter="怀来县")
    write_workbook(folder / "桥东区.xlsx", Kind.REGISTERED, [other_track, twice], reporter="桥东区")
    write_workbook(
        folder / "桥东区（更正）.xlsx", Kind.REGISTERED, [other_track], reporter="桥东区", date=dt.date(2025, 6, 25)
    )
    return folder


def test_slim_rows_give_the_same_findings_as_full_rows(tmp_path: Path) -> None:
    """validate keeps rows as columns (SlimRows) and checks in workers; the verdicts are those of full rows."""
    files = collect_paths([EXAMPLE_INBOX, _clashing_inbox(tmp_path)])
    full = validate_files(files, SHIPPED, workers=0, keep_rows=True)
    slim = validate_files(files, SHIPPED, workers=2, keep_rows=False)
    assert [result.label for result in slim.files] == [result.label for result in full.files]
    for one, other in zip(slim.files, full.files, strict=True):
        assert one.findings == other.findings, one.label
        assert [row.number for row in one.rows] == [row.number for row in other.rows]
        assert [row.has_error for row in one.rows] == [row.has_error for row in other.rows]
    rules = {finding.rule for finding in full.findings}
    assert "project-duplicate-reporters" in rules
    found = {(f.rule, Path(f.file).name, f.cell) for f in slim.findings if Path(f.file).parent == tmp_path}
    assert found == {
        ("project-conflict", "怀来县.xlsx", "G5"),
        ("project-duplicate-reporters", "怀来县.xlsx", "G6"),
        ("project-conflict", "桥东区.xlsx", "G4"),
        ("project-duplicate-reporters", "桥东区.xlsx", "G5"),
        ("superseded", "桥东区（更正）.xlsx", None),
        ("report-date-not-week", "桥东区（更正）.xlsx", "G2"),
    }
