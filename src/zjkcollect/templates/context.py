"""The template being written: what every sheet writer of the package is given."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from zjkcollect.attachments import Attachment
from zjkcollect.campaign import Campaign
from zjkcollect.outputs import FormatCache
from zjkcollect.templates.layout import FONT


@dataclass
class Template:
    workbook: Any
    campaign: Campaign
    attachment: Attachment
    reporter: str | None  # filled in as 填报单位 in a set made for one unit
    fmt: FormatCache = field(init=False)

    def __post_init__(self) -> None:
        # 宋体 11 unless told otherwise
        self.fmt = FormatCache(self.workbook, font_name=FONT, font_size=11, valign="vcenter")
