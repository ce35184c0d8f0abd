from __future__ import annotations

import datetime as dt
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zjkcollect.codes import (
    USCC_ALPHABET,
    CodeProblem,
    check_credit_code,
    credit_code_division,
    is_valid_credit_code,
    org_code_check_char,
    parse_date,
    parse_email,
    parse_phone,
    uscc_check_char,
)

# From the brief: three companies and a university, all issued codes.
REAL_CODES = ["91330100716105852F", "9144030071526726XG", "914403001922038216", "12100000400000624D"]
INVALID_CHARS = "IOSVZ-"


# Reference implementations written straight from the standards' text, independent of the
# module's lookup tables, so a typo in a weight or the alphabet cannot hide on both sides.
def reference_uscc_check(first17: str) -> str:
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(chars.index(c) * pow(3, i, 31) for i, c in enumerate(first17))
    return chars[(31 - total % 31) % 31]


def reference_org_check(first8: str) -> str:
    values = [int(c) if c.isdigit() else ord(c) - ord("A") + 10 for c in first8]
    total = sum(v * w for v, w in zip(values, [3, 7, 9, 10, 5, 8, 4, 2], strict=True))
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def expected_rule_after_substitution(code: str, position: int, char: str) -> str:
    if char not in USCC_ALPHABET:
        return "uscc-charset"
    mutated = code[:position] + char + code[position + 1 :]
    org_applies = mutated[16] in "0123456789X"
    if 8 <= position <= 16 and org_applies and reference_org_check(mutated[8:16]) != mutated[16]:
        return "uscc-org-checksum"
    return "uscc-checksum"


# --- credit codes ---------------------------------------------------------------------------


def test_alphabet_is_the_standard_one() -> None:
    assert USCC_ALPHABET == "0123456789ABCDEFGHJKLMNPQRTUWXY"
    assert not set("IOSVZ") & set(USCC_ALPHABET)


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code: str) -> None:
    assert check_credit_code(code) == (code, None)


@pytest.mark.parametrize("code", REAL_CODES)
@pytest.mark.parametrize(
    "dress",
    [
        str.lower,
        lambda c: f"  {c}\t",
        lambda c: f"\u00a0{c}\r\n",
        lambda c: "".join(chr(ord(ch) + 0xFEE0) for ch in c),  # full-width ASCII
        lambda c: "\u3000" + "".join(chr(ord(ch) + 0xFEE0) for ch in c.lower()) + "\u3000",
        lambda c: "\u200b" + c + "\ufeff",
    ],
)
def test_real_codes_pass_when_dressed_up(code: str, dress) -> None:
    assert check_credit_code(dress(code)) == (code, None)


def test_check_chars_of_real_codes() -> None:
    assert uscc_check_char("91330100716105852") == "F"
    assert uscc_check_char("9144030071526726X") == "G"
    assert uscc_check_char("91440300192203821") == "6"
    assert uscc_check_char("12100000400000624") == "D"
    # Positions 9-17 of 91330100716105852F are the organisation code 71610585-2.
    assert org_code_check_char("71610585") == "2"
    assert org_code_check_char("71526726") == "X"
    assert org_code_check_char("19220382") == "1"
    assert org_code_check_char("40000062") == "4"


@pytest.mark.parametrize(
    ("body", "check"),
    [
        ("00000000", "0"),  # Σ = 0: c = 11, written 0
        ("0000000B", "0"),  # B = 11, 11 * 2 = 22 ≡ 0
        ("00000006", "X"),  # 6 * 2 = 12 ≡ 1: c = 10, written X
        ("00000011", "5"),  # 1 * 4 + 1 * 2 = 6
        ("00000050", "2"),  # 5 * 4 = 20 ≡ 9
        ("A0000000", "3"),  # A = 10, 10 * 3 = 30 ≡ 8
        ("Z0000000", "5"),  # Z = 35, 35 * 3 = 105 ≡ 6
    ],
)
def test_org_check_char_worked_examples(body: str, check: str) -> None:
    assert org_code_check_char(body) == check


@pytest.mark.parametrize("bad", ["", "1234567890123456", "9133010071610585", "91330100716105852FF"])
def test_check_char_functions_reject_bad_input(bad: str) -> None:
    with pytest.raises(ValueError):
        uscc_check_char(bad)
    with pytest.raises(ValueError):
        org_code_check_char(bad)


def test_check_char_functions_reject_foreign_characters() -> None:
    with pytest.raises(ValueError):
        uscc_check_char("9133010071610585I")
    with pytest.raises(ValueError):
        org_code_check_char("7161058-")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_uscc_check_char_matches_reference(prefix: str) -> None:
    assert uscc_check_char(prefix) == reference_uscc_check(prefix)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=8, max_size=8))
def test_org_check_char_matches_reference(body: str) -> None:
    assert org_code_check_char(body) == reference_org_check(body)


@pytest.mark.parametrize("code", REAL_CODES)
def test_every_single_substitution_is_caught_with_the_right_rule(code: str) -> None:
    checked = 0
    for position in range(18):
        for char in USCC_ALPHABET + INVALID_CHARS:
            if char == code[position]:
                continue
            mutated = code[:position] + char + code[position + 1 :]
            text, problem = check_credit_code(mutated)
            assert text == mutated
            assert problem is not None, mutated
            assert problem.rule == expected_rule_after_substitution(code, position, char), mutated
            if problem.rule == "uscc-charset":
                assert problem.context == {"chars": char}
            else:
                assert set(problem.context) == {"expected"}
            checked += 1
    assert checked == 18 * (len(USCC_ALPHABET) - 1 + len(INVALID_CHARS))


@pytest.mark.parametrize("code", REAL_CODES)
def test_substitution_outside_org_code_names_the_right_check_char(code: str) -> None:
    mutated = ("A" if code[0] != "A" else "B") + code[1:]
    assert check_credit_code(mutated)[1] == CodeProblem(
        "uscc-checksum", {"expected": reference_uscc_check(mutated[:17])}
    )
    wrong_last = "0" if code[17] != "0" else "1"
    assert check_credit_code(code[:17] + wrong_last)[1] == CodeProblem("uscc-checksum", {"expected": code[17]})


def test_org_code_problem_names_the_expected_org_check() -> None:
    # Change position 16 (org check) of 91330100716105852F from 2 to 3.
    assert check_credit_code("91330100716105853F") == (
        "91330100716105853F",
        CodeProblem("uscc-org-checksum", {"expected": "2"}),
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(REAL_CODES),
    st.integers(min_value=0, max_value=17),
    st.sampled_from(USCC_ALPHABET + INVALID_CHARS + "iosvz"),
)
def test_random_substitution_fails(code: str, position: int, char: str) -> None:
    mutated = code[:position] + char + code[position + 1 :]
    _, problem = check_credit_code(mutated)
    if mutated.upper() == code:
        assert problem is None
    else:
        assert problem is not None
        assert problem.rule == expected_rule_after_substitution(code, position, char.upper())


# Every whitespace character a cell can hold, visible or not on screen: ASCII and ideographic
# spaces, tab, line breaks, no-break and typographic spaces. Other control characters are
# invisible marks, dropped with a warning by the row check instead.
WHITESPACE = [
    chr(point) for point in range(0x3001) if chr(point).isspace() and unicodedata.category(chr(point)) != "Cc"
] + ["\t", "\n", "\r"]


def test_whitespace_sample_has_the_usual_suspects() -> None:
    assert {" ", "\u3000", "\u00a0", "\t", "\u2009", "\u202f"} <= set(WHITESPACE)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(REAL_CODES),
    st.integers(min_value=1, max_value=17),
    st.lists(st.sampled_from(WHITESPACE), min_size=1, max_size=3).map("".join),
    st.sampled_from(["", " ", "\u3000", "\t"]),
)
def test_whitespace_inside_the_code_is_named_with_its_place(code: str, position: int, space: str, pad: str) -> None:
    text, problem = check_credit_code(pad + code[:position] + space + code[position:] + pad)
    assert problem == CodeProblem("uscc-inner-space", {"after": str(position)})
    assert text == code


def test_every_inner_space_is_named() -> None:
    code = REAL_CODES[0]
    spaced = f"{code[:4]} {code[4:8]}\u3000{code[8:17]}\t{code[17]}"
    assert check_credit_code(spaced) == (code, CodeProblem("uscc-inner-space", {"after": "4、8、17"}))


def test_inner_space_is_named_before_any_other_problem() -> None:
    # Too short and with a space: the space is said first, since it may be where a character went.
    assert check_credit_code("91130702 MA0A1234")[1] == CodeProblem("uscc-inner-space", {"after": "8"})


def test_invisible_marks_inside_the_code_are_not_spaces() -> None:
    code = REAL_CODES[1]
    assert check_credit_code(code[:8] + "\u200b" + code[8:]) == (code, None)
    assert check_credit_code(code[:8] + "\x1f" + code[8:]) == (code, None)


def test_table_driven_check_chars_match_the_weighted_sums() -> None:
    """The base-34 and base-28 readings of the weighted sums, over many random bodies."""
    rng = random.Random(4)
    org_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    for _ in range(20000):
        first17 = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        assert uscc_check_char(first17) == reference_uscc_check(first17), first17
        body = "".join(rng.choice(org_alphabet) for _ in range(8))
        assert org_code_check_char(body) == reference_org_check(body), body


def test_the_fast_validity_test_agrees_with_check_credit_code() -> None:
    """is_valid_credit_code is True exactly where check_credit_code passes the cell unchanged."""
    rng = random.Random(8)
    values: list[object] = [*REAL_CODES, None, 12, 9.1e17, "", "91330100716105852f"]
    for _ in range(20000):
        first17 = "".join(rng.choice(USCC_ALPHABET) for _ in range(17))
        code = first17 + (uscc_check_char(first17) if rng.random() < 0.7 else rng.choice(USCC_ALPHABET))
        position = rng.randrange(18)
        shape = rng.randrange(6)
        if shape == 0:  # any character somewhere, the alphabet's gaps and lower case included
            code = code[:position] + rng.choice("IOSVZxa -.E") + code[position + 1 :]
        elif shape == 1:  # a body that makes the organisation code's check apply (or not)
            code = code[:16] + rng.choice("0123456789XY") + code[17:]
        elif shape == 2:
            code = code[: rng.randrange(18)]
        values.append(code)
    passed = 0
    for value in values:
        expected = check_credit_code(value) == (value, None)
        assert is_valid_credit_code(value) == expected, value
        passed += expected
    assert passed > 2000


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_appending_the_check_char_never_gives_a_checksum_problem(prefix: str) -> None:
    code = prefix + uscc_check_char(prefix)
    text, problem = check_credit_code(code)
    assert text == code
    assert problem is None or problem.rule == "uscc-org-checksum"


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
    st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8),
)
def test_codes_built_by_both_standards_pass(head: str, org_body: str) -> None:
    # Includes codes whose first eight characters are letters: python-stdnum wrongly rejects those.
    first17 = head + org_body + org_code_check_char(org_body)
    code = first17 + uscc_check_char(first17)
    assert check_credit_code(code) == (code, None)
    assert check_credit_code(code.lower()) == (code, None)


def test_org_check_skipped_when_position_17_is_not_an_org_check_char() -> None:
    # Position 17 'A' cannot be a GB 11714 check character, so only the mod-31 check applies.
    first17 = "91130700" + "MA0ABCDE" + "A"
    code = first17 + uscc_check_char(first17)
    assert check_credit_code(code) == (code, None)
    broken = first17 + ("0" if code[17] != "0" else "1")
    assert check_credit_code(broken)[1] == CodeProblem("uscc-checksum", {"expected": code[17]})


@pytest.mark.parametrize(
    ("value", "length"),
    [("", "0"), ("9133010071610585", "16"), ("91330100716105852", "17"), ("91330100716105852FF", "19")],
)
def test_wrong_lengths(value: str, length: str) -> None:
    assert check_credit_code(value) == (value, CodeProblem("uscc-length", {"length": length}))


def test_length_is_checked_before_charset() -> None:
    assert check_credit_code("IO")[1] == CodeProblem("uscc-length", {"length": "2"})


def test_charset_lists_offending_chars_once_in_order() -> None:
    _, problem = check_credit_code("9133010071610585OI")
    assert problem == CodeProblem("uscc-charset", {"chars": "OI"})
    _, problem = check_credit_code("I13301O0716105I52O")
    assert problem == CodeProblem("uscc-charset", {"chars": "IO"})
    _, problem = check_credit_code("91330100-16105852F")
    assert problem == CodeProblem("uscc-charset", {"chars": "-"})


def test_empty_cell_is_a_length_problem_not_a_number() -> None:
    assert check_credit_code(None) == ("", CodeProblem("uscc-length", {"length": "0"}))
    assert check_credit_code(float("nan")) == ("", CodeProblem("uscc-length", {"length": "0"}))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (9.1330100716106e17, "9.1330100716106E+17"),
        (913301007161058520, "913301007161058520"),
        (914403001922038216, "914403001922038216"),  # even a valid all-digit code: Excel already ate digits
        (12345.0, "12345"),
        ("9.13301E+17", "9.13301E+17"),
        ("9.1330100716106e+17", "9.1330100716106E+17"),
        (" 9.13301E+17 ", "9.13301E+17"),
        ("913301007161058520.0", "913301007161058520.0"),
    ],
)
def test_numbers_are_reported_as_excel_damage(value: object, text: str) -> None:
    assert check_credit_code(value) == (text, CodeProblem("uscc-as-number", {}))


def test_eighteen_alphanumerics_that_look_like_scientific_notation_are_still_codes() -> None:
    first17 = "1234567890E123456"
    code = first17 + uscc_check_char(first17)
    _, problem = check_credit_code(code)
    assert problem is None or problem.rule != "uscc-as-number"


def test_bools_and_dates_are_garbage() -> None:
    assert check_credit_code(True)[1] == CodeProblem("uscc-length", {"length": "4"})
    assert check_credit_code(dt.date(2025, 6, 26))[1] == CodeProblem("uscc-length", {"length": "10"})


def test_division() -> None:
    assert credit_code_division("91330100716105852F") == "330100"
    assert credit_code_division("91130702MA0A1B2C3D") == "130702"
    assert credit_code_division(" 91130702ma0a1b2c3d ") == "130702"


# --- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("１３８　１２３４　５６７８", "13812345678"),
        (13812345678, "13812345678"),
        (13812345678.0, "13812345678"),
        (13800000000.0, "13800000000"),
        ("13812345678.0", "13812345678"),
        ("19912345678", "19912345678"),
    ],
)
def test_valid_mobiles(value: object, expected: str) -> None:
    assert parse_phone(value) == expected
    assert parse_phone(value, "mobile") == expected
    assert parse_phone(value, "landline") is None


@pytest.mark.parametrize(
    "value",
    [
        "1.38E+10",
        "1.3812345678E+10",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "12345678901",  # no such mobile range
        "10012345678",
        "1381234567a",
        "138-1234-5678 / 139-1234-5678",
        "13812345678转123",
        13812345678.5,
        float("nan"),
        float("inf"),
        -13812345678,
        0,
        True,
        None,
        "",
        "   ",
        dt.date(2025, 6, 26),
    ],
)
def test_invalid_phones(value: object) -> None:
    assert parse_phone(value) is None
    assert parse_phone(value, "mobile") is None
    assert parse_phone(value, "landline") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0313-7680129", "0313-7680129"),
        ("03137680129", "0313-7680129"),
        ("0313 7680129", "0313-7680129"),
        ("(0313)7680129", "0313-7680129"),
        ("（0313）7680129", "0313-7680129"),
        ("０３１３－７６８０１２９", "0313-7680129"),
        ("+86 313 7680129", "0313-7680129"),
        ("010-68001234", "010-68001234"),
        ("01068001234", "010-68001234"),
        ("021-62345678", "021-62345678"),
        # A number cell drops the trunk 0; the area code is still recognisable.
        (3137680129, "0313-7680129"),
        (3137680129.0, "0313-7680129"),
    ],
)
def test_valid_landlines(value: object, expected: str) -> None:
    assert parse_phone(value) == expected
    assert parse_phone(value, "landline") == expected
    assert parse_phone(value, "mobile") is None


@pytest.mark.parametrize("value", ["7680129", "68001234", 7680129, "0313-768012", "0300-7680129"])
def test_landlines_need_a_real_area_code(value: object) -> None:
    assert parse_phone(value) is None
    assert parse_phone(value, "landline") is None


def test_phone_kind_is_checked() -> None:
    with pytest.raises(ValueError):
        parse_phone("13812345678", "fax")


# --- dates ----------------------------------------------------------------------------------

JUNE_26 = dt.date(2025, 6, 26)


@pytest.mark.parametrize(
    "value",
    [
        "2025-06-26",
        "2025-6-26",
        "2025/6/26",
        "2025/06/26",
        "2025.6.26",
        "2025年6月26日",
        "2025 年 6 月 26 日",
        "２０２５年６月２６日",
        "2025-06-26 00:00:00",
        "2025-06-26 14:30",
        "2025-06-26T00:00:00",
        "20250626",
        "  2025-06-26  ",
        45834,
        45834.0,
        45834.75,
        dt.date(2025, 6, 26),
        dt.datetime(2025, 6, 26, 23, 59),
    ],
)
def test_dates(value: object) -> None:
    assert parse_date(value) == JUNE_26


def test_excel_serials() -> None:
    assert parse_date(45658) == dt.date(2025, 1, 1)
    assert parse_date(20000) == dt.date(1954, 10, 3)
    assert parse_date(80000) == JUNE_26 + dt.timedelta(days=80000 - 45834)
    assert parse_date(19999) is None
    assert parse_date(80001) is None
    assert parse_date(0) is None
    assert parse_date(-45834) is None


@pytest.mark.parametrize(
    "value",
    [
        "",
        "明天",
        "2025-02-30",
        "2025-13-01",
        "2025/6-26",
        "25-6-26",
        "2025年6月",
        "6/26/2025",
        "20251301",
        "2025062",
        "45834",
        "2025-06-26 25:00:00x",
        None,
        True,
        float("nan"),
        float("inf"),
        [2025, 6, 26],
    ],
)
def test_not_dates(value: object) -> None:
    assert parse_date(value) is None


# --- e-mail ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhang.san@example.com", "zhang.san@example.com"),
        ("  Zhang.San@Example.COM ", "Zhang.San@example.com"),
        ("ｚｓ＠ｑｑ．ｃｏｍ", "zs@qq.com"),
        ("a+b@mail.zjk.gov.cn", "a+b@mail.zjk.gov.cn"),
    ],
)
def test_emails(value: str, expected: str) -> None:
    assert parse_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "zhangsan",
        "zhangsan@",
        "@example.com",
        "a@b",
        "a b@c.com",
        "a@@b.com",
        "a@b@c.com",
        "a@b..com",
        "a@.b.com",
        "a@b.com.",
        13812345678,
        None,
    ],
)
def test_not_emails(value: object) -> None:
    assert parse_email(value) is None


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0313-7680129-801", "0313-7680129转801"),
        ("0313-7680129转801", "0313-7680129转801"),
        ("(0313)7680129 分机 801", "0313-7680129转801"),
        ("0313-7680129 ext. 801", "0313-7680129转801"),
        ("0313－7680129－801", "0313-7680129转801"),
        ("010-87654321#12", "010-87654321转12"),
        ("0313-768-0129", "0313-7680129"),  # a number typed in groups is not an extension
        ("0313-123", None),
        ("13812345678-801", None),  # mobiles have no extension
    ],
)
def test_an_office_line_may_carry_an_extension(typed: str, expected: str | None) -> None:
    assert parse_phone(typed, "landline") == expected
    assert parse_phone(typed, "any") == expected
    assert parse_phone(typed, "mobile") is None


@given(extension=st.integers(0, 999_999), separator=st.sampled_from(["转", "-", " 分机 ", "#", " ext "]))
def test_any_extension_of_a_valid_line_reads_after_it(extension: int, separator: str) -> None:
    assert parse_phone(f"0313-7680129{separator}{extension}", "landline") == f"0313-7680129转{extension}"
