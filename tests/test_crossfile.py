"""Rules across returns: one definition of the return that stands, and of clashing projects."""

from __future__ import annotations

import datetime as dt

from zjkcollect.crossfile import Place, Standing, clash_finding, clashes, oldest_first
from zjkcollect.rules import RULES, codes_with


def _standing(date: str | None, received: str | None = None, mtime: float = 0.0, sha: str = "a", part: int = 0):
    return Standing(
        dt.date.fromisoformat(date) if date else None,
        dt.datetime.fromisoformat(received) if received else None,
        mtime,
        sha,
        part,
    )


def test_the_later_date_stands_then_the_later_arrival_then_the_file_time() -> None:
    items = {
        "old date, received late": _standing("2025-06-26", "2025-07-01T09:00", 9.0, "f"),
        "new date": _standing("2025-07-03", "2025-07-03T09:00", 1.0, "a"),
        "new date, received later": _standing("2025-07-03", "2025-07-03T10:00", 0.0, "b"),
        "no date": _standing(None, "2025-07-05T10:00", 99.0, "z"),
    }
    order = oldest_first(items, lambda name: items[name])
    assert order == ["no date", "old date, received late", "new date", "new date, received later"]


def test_without_arrival_times_the_file_time_then_the_hash_then_the_part_decide() -> None:
    items = {"b": _standing("2025-07-03", None, 5.0, "b"), "a": _standing("2025-07-03", None, 5.0, "a", 1)}
    items["a0"] = _standing("2025-07-03", None, 5.0, "a", 0)
    assert oldest_first(items, lambda name: items[name]) == ["a0", "a", "b"]


def _place(reporter: str, track: str, topic: str = "t", key: tuple[str, str] = ("code", "name")) -> Place[str]:
    return Place(key, reporter, {"track": track, "topic": topic, "project_name": key[1]}, reporter)


def test_clashes_between_returns() -> None:
    same_return = lambda one, other: one.where == other.where  # noqa: E731
    conflict = clashes([_place("甲", "工业制造"), _place("乙", "现代农业")], same_return)
    assert [clash.rule for clash in conflict.values()] == ["project-conflict"]
    duplicate = clashes([_place("甲", "工业制造"), _place("乙", "工业制造")], same_return)
    assert [clash.rule for clash in duplicate.values()] == ["project-duplicate-reporters"]
    # the same unit twice in one return is the return's own business, not a clash
    assert clashes([_place("甲", "工业制造"), _place("甲", "现代农业")], same_return) == {}


def test_a_conflict_names_a_place_entered_differently() -> None:
    places = [_place("甲", "工业制造"), _place("乙", "工业制造"), _place("丙", "现代农业")]
    [clash] = clashes(places, lambda one, other: one.where == other.where).values()
    finding = clash_finding(
        clash,
        places[0],
        file="f.xlsx",
        sheet="附件3",
        row=4,
        column="G",
        field="参赛赛道",
        other_file=lambda other: other.where,
        other_row=lambda other: 9,
    )
    assert finding is not None and finding.rule == "project-conflict" and "丙" in finding.message


def test_the_catalog_says_which_rules_span_returns_and_which_block_a_table() -> None:
    assert codes_with(scope="inbox") == {"superseded", "project-conflict", "project-duplicate-reporters"}
    assert codes_with(blocks=True) == {"report-date-not-week", "column-missing", "table-empty"}
    assert all(RULES[code].scope == "file" for code in codes_with(blocks=True))
    assert {rule.scope for rule in RULES.values()} == {"cell", "file", "inbox", "reading", "program"}
