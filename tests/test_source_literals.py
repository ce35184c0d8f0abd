"""No fact of the shipped campaign is written in the program: they all come from the campaign file.

Another year or another city is then a new campaign file (tests/test_second_campaign.py runs one).
Comments and docstrings count too: an example that names the shipped city reads as a rule.
"""

from __future__ import annotations

from pathlib import Path

import zjkcollect

SOURCE = Path(zjkcollect.__file__).parent
CAMPAIGN_FILES = SOURCE / "data"
# The shipped campaign's city, province, area code, update day and year.
SHIPPED_WORDS = ("张家口", "河北", "0313", "周四", "星期四", "2025")


def source_files() -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and not (path.parent == CAMPAIGN_FILES and path.suffix == ".toml")
    )


def test_the_source_holds_no_word_of_the_shipped_campaign() -> None:
    files = source_files()
    assert SOURCE / "campaign.py" in files and SOURCE / "templates" / "form.py" in files
    hits = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in files
        for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1)
        if any(word in line for word in SHIPPED_WORDS)
    ]
    assert hits == [], "campaign facts belong in the campaign file:\n" + "\n".join(hits)


def test_the_shipped_campaign_file_is_where_they_are() -> None:
    text = "\n".join(path.read_text("utf-8") for path in CAMPAIGN_FILES.glob("*.toml"))
    assert [word for word in SHIPPED_WORDS if word not in text] == ["星期四"]  # the file says 周四
