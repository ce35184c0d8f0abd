"""Whether two merge runs wrote the same outputs: python bench/same_outputs.py BEFORE_DIR AFTER_DIR

Every output file under BEFORE_DIR must exist under AFTER_DIR (same relative path) with the same
content: .xlsx and .docx files part by part (every XML part of the package byte for byte, so
values, types, formats, widths, heights, merges, filters, panes, validations and charts all
count; the zip's own timestamps do not), every other file byte for byte. A workbook's cell
formats are compared by what they are, not by their number: each ``s="N"`` of a sheet is read
as the format N stands for in that workbook's styles.xml (its font, fill, border and number
format spelled out), and styles.xml itself by the set of formats it holds, because the order
in which a writer first meets its formats numbers them and says nothing the clerk sees. The ledger and its
archive are left out: they are the run's records, not what the clerk is handed.

Prints one line per file and exits 1 when any differs, with the first differing part and the
text around the first difference.
"""

from __future__ import annotations

import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_STYLE_INDEX = re.compile(rb' s="(\d+)"')

_PACKAGES = (".xlsx", ".docx")
_LEFT_OUT = (".db", ".db-journal", ".db-wal", ".bak")


def _outputs(root: Path) -> dict[str, Path]:
    return {
        path.relative_to(root).as_posix(): path
        for path in sorted(root.rglob("*"))
        if path.is_file() and "archive" not in path.relative_to(root).parts and not path.name.endswith(_LEFT_OUT)
    }


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _formats(styles: bytes) -> list[bytes]:
    """Each cell format of a styles.xml (cellXfs, in order) spelled out with what its ids point to."""
    root = ElementTree.fromstring(styles)
    lists = {
        "fontId": list(root.iterfind(f"{_MAIN}fonts/{_MAIN}font")),
        "fillId": list(root.iterfind(f"{_MAIN}fills/{_MAIN}fill")),
        "borderId": list(root.iterfind(f"{_MAIN}borders/{_MAIN}border")),
    }
    number_formats = {
        item.get("numFmtId"): item.get("formatCode") for item in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")
    }
    spelled = []
    for xf in root.iterfind(f"{_MAIN}cellXfs/{_MAIN}xf"):
        attributes = dict(xf.attrib)
        for key, items in lists.items():
            if key in attributes:
                attributes[key] = ElementTree.tostring(items[int(attributes[key])]).decode()
        number = attributes.get("numFmtId")
        attributes["numFmtId"] = number_formats.get(number, number)
        children = "".join(ElementTree.tostring(child).decode() for child in xf)
        spelled.append(repr((sorted(attributes.items()), children)).encode())
    return spelled


def _by_meaning(parts: dict[str, bytes]) -> dict[str, bytes]:
    """The parts with every sheet's format numbers replaced by the formats they stand for."""
    if "xl/styles.xml" not in parts:
        return parts
    formats = _formats(parts["xl/styles.xml"])
    meaning = dict(parts)
    meaning["xl/styles.xml"] = b"\n".join(sorted(set(formats)))
    for name, content in parts.items():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            meaning[name] = _STYLE_INDEX.sub(lambda match: b' s="' + formats[int(match.group(1))] + b'"', content)
    return meaning


def _around(one: bytes, other: bytes) -> str:
    at = next((i for i, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))
    start = max(0, at - 80)
    before = one[start : at + 80].decode("utf-8", "replace")
    after = other[start : at + 80].decode("utf-8", "replace")
    return f"at byte {at}:\n    before: {before!r}\n    after:  {after!r}"


def difference(before: Path, after: Path) -> str | None:
    """None when the two files hold the same content, else where they first differ."""
    if before.suffix.lower() not in _PACKAGES:
        one, other = before.read_bytes(), after.read_bytes()
        return None if one == other else _around(one, other)
    one_parts, other_parts = _by_meaning(_parts(before)), _by_meaning(_parts(after))
    if one_parts.keys() != other_parts.keys():
        return f"parts differ: {sorted(one_parts.keys() ^ other_parts.keys())}"
    for name, content in one_parts.items():
        if content != other_parts[name]:
            return f"part {name} {_around(content, other_parts[name])}"
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__)
        return 2
    before, after = (_outputs(Path(item)) for item in argv)
    failed = False
    for name in sorted(before.keys() | after.keys()):
        if name not in after or name not in before:
            print(f"ONLY IN {'BEFORE' if name in before else 'AFTER'}: {name}")
            failed = True
            continue
        found = difference(before[name], after[name])
        print(f"{'same' if found is None else 'DIFFERENT'}: {name}" + ("" if found is None else f"\n  {found}"))
        failed = failed or found is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
