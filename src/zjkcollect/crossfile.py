"""Rules across returns, written once for ``validate`` (the files given) and the roll-up (the ledger).

* **Which return stands.** Of one unit's returns of one attachment for one period, the newest
  stands: the later date, then the later time taken in, then the later modification time, then
  the SHA-256 and the part within the file (so the choice never depends on names or order).
* **The same project in several returns.** Projects are identified by credit code and
  normalised name. Reported with different tracks or topics it is a *conflict* (an error at each
  place); reported by several units with the same track and topic it is a *duplicate* (a note
  for the clerk: it counts once).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from zjkcollect.findings import Finding, make_finding

T = TypeVar("T")
ProjectKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Standing:
    """What orders a unit's returns for one period, oldest first."""

    date: dt.date | None
    received: dt.datetime | None  # when it was taken in; None while only validating
    mtime: float
    sha256: str
    part: int

    def key(self) -> tuple[str, str, float, str, int]:
        return (
            self.date.isoformat() if self.date else "",
            self.received.isoformat() if self.received else "",
            self.mtime,
            self.sha256,
            self.part,
        )


def oldest_first(items: Iterable[T], standing: Callable[[T], Standing]) -> list[T]:
    """``items`` in the order of their standing; the last one is the return that stands."""
    return sorted(items, key=lambda item: standing(item).key())


def project_key(values: Mapping[str, object]) -> ProjectKey | None:
    """Credit code + normalised project name, or None when either is missing or invalid."""
    return key_of(values.get("credit_code"), values.get("project_name"))


def key_of(code: object, name: object) -> ProjectKey | None:
    """:func:`project_key` of a credit code and a project name."""
    if not code or not name:
        return None
    return (str(code), "".join(str(name).split()))


def choice_of(values: Mapping[str, object]) -> tuple[object, object]:
    """What a project is entered for: its track and topic."""
    return (values.get("track"), values.get("topic"))


def describe_choice(values: Mapping[str, object]) -> str:
    return f"{values.get('track') or ''}／{values.get('topic') or ''}"


@dataclass(frozen=True, slots=True)
class Place(Generic[T]):
    """A project row in one return: who sent it, its values, and what the caller needs to find it again."""

    key: ProjectKey
    reporter: str | None
    values: Mapping[str, Any]
    where: T


@dataclass(frozen=True, slots=True)
class Clash(Generic[T]):
    rule: str  # "project-conflict" or "project-duplicate-reporters"
    places: list[Place[T]]

    def others(self, place: Place[T]) -> list[Place[T]]:
        """The places a finding at ``place`` should name: for a conflict, those entered differently."""
        others = [other for other in self.places if other is not place]
        if self.rule == "project-conflict":
            others = [other for other in others if choice_of(other.values) != choice_of(place.values)]
        return others


def clashes(
    places: Iterable[Place[T]], same_return: Callable[[Place[T], Place[T]], bool]
) -> dict[ProjectKey, Clash[T]]:
    """Projects placed more than once: entered differently (conflict) or by several units (duplicate).

    ``same_return`` tells places of one return apart from the rest: a project repeated inside one
    return is that return's own problem (checked with the file), not a clash between returns.
    """
    by_key: dict[ProjectKey, list[Place[T]]] = defaultdict(list)
    for place in places:
        by_key[place.key].append(place)
    found: dict[ProjectKey, Clash[T]] = {}
    for key, group in by_key.items():
        first = group[0]
        if all(same_return(first, other) for other in group[1:]):
            continue
        if len({choice_of(place.values) for place in group}) > 1:
            found[key] = Clash("project-conflict", group)
        elif len({place.reporter for place in group}) > 1:
            found[key] = Clash("project-duplicate-reporters", group)
    return found


def clash_finding(
    clash: Clash[T],
    place: Place[T],
    *,
    file: str,
    sheet: str | None,
    row: int,
    column: str | None,
    field: str,
    other_file: Callable[[Place[T]], str],
    other_row: Callable[[Place[T]], int],
) -> Finding | None:
    """The finding at ``place`` naming the first other place of the clash (None when there is none)."""
    others = clash.others(place)
    if not others:
        return None
    other = others[0]
    return make_finding(
        clash.rule,
        file=file,
        sheet=sheet,
        row=row,
        column=column,
        field=field,
        value=place.values.get("track"),
        project=place.values.get("project_name"),
        other_file=other_file(other),
        other_row=other_row(other),
        other=describe_choice(other.values),
        other_reporter=other.reporter or "未知单位",
    )
