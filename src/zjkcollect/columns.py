"""Text in console columns: a Chinese character takes two, and lines break where a reader expects.

Used by the help (``cli``) and the console views (``render``), both written for an 80-column
Chinese Windows console. Neither rich nor click measures or breaks Chinese text this way.
"""

from __future__ import annotations

import re
import unicodedata

# A line never starts with closing punctuation and never ends with opening punctuation.
_NO_LINE_START = frozenset("，。、；：？！）》」』”’】…%,.;:!?)]")
_NO_LINE_END = frozenset("（《「『“‘【([")
# Kept whole: a file name with its folders, a short remark in brackets such as （默认：收件箱）,
# and runs of Latin letters, digits and signs (words, options, dates).
_TOKEN = re.compile(
    r" +"
    r"|[^\s（）“”，。；：、]+\.(?:xlsx|xlsm|xls|et|ods|json|toml|db)(?![A-Za-z])"
    r"|（[^（）]{1,16}）"
    r"|[!-~]+"
    r"|."
)


def cells(text: str) -> int:
    """Columns ``text`` takes in a console: wide (CJK) characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns (a longer unbreakable piece stands alone)."""
    lines: list[list[str]] = [[]]
    used = 0
    for token in _TOKEN.findall(text):
        line = lines[-1]
        if token.startswith(" "):
            if line:
                line.append(" ")
                used += 1
            continue
        size = cells(token)
        # Closing punctuation after a piece that fills a line alone hangs at its end.
        hangs = token[0] in _NO_LINE_START and len(line) == 1
        if used + size <= width or not line or hangs:
            line.append(token)
            used += size
            continue
        carried: list[str] = []
        # Take characters along rather than start a line with a comma or end one with an opening bracket.
        while len(line) > 1 and ((carried or [token])[0][0] in _NO_LINE_START or line[-1][-1] in _NO_LINE_END):
            carried.insert(0, line.pop())
        carried = [piece for piece in carried if piece != " "]
        lines.append([*carried, token])
        used = sum(cells(piece) for piece in lines[-1])
    return ["".join(line).rstrip() for line in lines]
