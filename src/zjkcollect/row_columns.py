"""Rows kept as columns: a table's rows stored one list per field, a row object made only when read.

The layout hands the checker its rows this way (``layout.TableRows``) and the workers send the
parent what the inbox rules read this way (``report.SlimRows``): 50,000 rows would otherwise be
50,000 objects made, pickled and kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar, overload

Row = TypeVar("Row")


class RowColumns(Sequence[Row]):
    """A sequence of rows over ``numbers`` (the sheet's row numbers); subclasses make row ``index``."""

    __slots__ = ("numbers",)

    def __init__(self, numbers: list[int]) -> None:
        self.numbers = numbers

    def _row(self, index: int) -> Row:
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.numbers)

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, slice):
            return [self._row(position) for position in range(*index.indices(len(self)))]
        return self._row(range(len(self))[index])
